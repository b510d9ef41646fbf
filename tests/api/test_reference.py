"""Organisations, officials, positions, the signed-in user (/me/) and token sign-in."""

import pytest
from rest_framework.authtoken.models import Token

from tests.api.conftest import signed_in
from tests.factories import PositionFactory, UserFactory
from workflow import errors

NOT_FOUND_BODY = {"detail": str(errors.NOT_FOUND), "code": "not_found"}


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _officials(world, *roles):
    return sorted(getattr(world, role).official.pk for role in roles)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["filer", "colleague", "reviewer", "foreign_reviewer", "supervisor"])
def test_the_organisation_tree_is_open_to_everyone_signed_in(world, role):
    client = signed_in(getattr(world, role))

    listed = client.get("/api/v1/organisations/")
    department = client.get(f"/api/v1/organisations/{world.department.pk}/")

    assert _ids(listed) == sorted([world.aimag.pk, world.department.pk, world.elsewhere.pk])
    assert department.json() == {
        "id": world.department.pk,
        "code": world.department.code,
        "name": world.department.name,
        "name_en": "",
        "kind": "department",
        "parent": world.aimag.pk,
    }


# role → officials they see: themselves, and everyone holding a position in their review scope
OFFICIALS_SEEN = {
    "filer": ("filer",),
    "colleague": ("colleague",),
    "reviewer": ("filer", "colleague", "reviewer"),
    "foreign_reviewer": ("foreign_reviewer",),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*OFFICIALS_SEEN, "supervisor"])
def test_officials_are_listed_exactly_as_their_detail_shows_them_and_never_with_a_registration_number(world, role):
    client = signed_in(getattr(world, role))
    everyone = _officials(world, "filer", "colleague", "reviewer", "foreign_reviewer")

    listed = client.get("/api/v1/officials/?page_size=200")
    shown = [pk for pk in everyone if client.get(f"/api/v1/officials/{pk}/").status_code == 200]

    expected = everyone if role == "supervisor" else _officials(world, *OFFICIALS_SEEN[role])
    assert _ids(listed) == shown == expected
    assert all(set(row) == {"id", "full_name"} for row in listed.json()["results"])
    assert all(client.get(f"/api/v1/officials/{pk}/").json() == NOT_FOUND_BODY for pk in set(everyone) - set(shown))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*OFFICIALS_SEEN, "supervisor"])
def test_positions_are_listed_exactly_as_their_detail_shows_them(world, role):
    client = signed_in(getattr(world, role))
    positions = {
        name: getattr(world, name).official.positions.get().pk
        for name in ("filer", "colleague", "reviewer", "foreign_reviewer")
    }

    listed = client.get("/api/v1/positions/?page_size=200")
    shown = sorted(pk for pk in positions.values() if client.get(f"/api/v1/positions/{pk}/").status_code == 200)

    expected = (
        sorted(positions.values()) if role == "supervisor" else sorted(positions[n] for n in OFFICIALS_SEEN[role])
    )
    assert _ids(listed) == shown == expected
    assert "register_number" not in listed.content.decode()


@pytest.mark.django_db
def test_a_position_shows_its_holder_and_organisation(world):
    position = world.filer_position

    body = signed_in(world.reviewer).get(f"/api/v1/positions/{position.pk}/").json()

    assert body == {
        "id": position.pk,
        "official": {"id": world.filer.official.pk, "full_name": world.filer.official.full_name},
        "organisation": world.department.pk,
        "organisation_name": world.department.name,
        "title": "Хэлтсийн дарга",
        "start_date": "2020-01-06",
        "end_date": None,
        "declaration_required": True,
    }


@pytest.mark.django_db
def test_me_shows_my_own_registration_number_and_review_scope(world):
    second = PositionFactory(official=world.reviewer.official, organisation=world.elsewhere, title="Зөвлөх")
    official = world.reviewer.official

    body = signed_in(world.reviewer).get("/api/v1/me/").json()

    assert body["username"] == world.reviewer.username
    assert body["full_name"] == official.full_name
    assert body["register_number"] == official.register_number
    assert body["reviews_organisations"] == [world.aimag.pk]
    assert sorted(p["id"] for p in body["positions"]) == sorted([official.positions.get(title="ЭБАТ").pk, second.pk])


@pytest.mark.django_db
def test_me_never_shows_anyone_elses_registration_number(world):
    others = [getattr(world, role).official.register_number for role in ("colleague", "reviewer", "foreign_reviewer")]

    body = signed_in(world.filer).get("/api/v1/me/").content.decode()

    assert world.filer.official.register_number in body
    assert [number for number in others if number in body] == []


@pytest.mark.django_db
def test_me_for_a_user_who_is_no_official(world):
    body = signed_in(world.supervisor).get("/api/v1/me/").json()

    assert body == {
        "username": world.supervisor.username,
        "full_name": None,
        "register_number": None,
        "reviews_organisations": [],
        "positions": [],
    }


# --- Token sign-in ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_token_from_the_token_endpoint_signs_requests_in(api_client):
    user = UserFactory(username="dorj")

    issued = api_client.post(
        "/api/v1/auth/token/", {"username": "dorj", "password": "test-password-123"}, format="json"
    )
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")

    assert issued.status_code == 200
    assert issued.json() == {"token": Token.objects.get(user=user).key}
    assert me.status_code == 200
    assert me.json()["username"] == "dorj"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "errors_by_path"),
    [
        (
            {"username": "dorj", "password": "wrong"},
            {"non_field_errors": ["Unable to log in with provided credentials."]},
        ),
        (
            {"username": "nobody", "password": "test-password-123"},
            {"non_field_errors": ["Unable to log in with provided credentials."]},
        ),
        ({"username": "dorj"}, {"password": ["This field is required."]}),
        ({}, {"username": ["This field is required."], "password": ["This field is required."]}),
    ],
)
def test_the_token_endpoint_refuses_wrong_credentials_without_saying_which(api_client, body, errors_by_path):
    UserFactory(username="dorj")

    response = api_client.post("/api/v1/auth/token/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The input is invalid.", "code": "invalid", "errors": errors_by_path}
    assert Token.objects.count() == 0
