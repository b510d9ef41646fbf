"""Error answers: who is not signed in, what is not there, malformed requests, and the user's language."""

import pytest
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotAuthenticated

from declarations.models import Declaration, DeclarationState
from tests.api.conftest import footprint, signed_in, url
from tests.factories import make_declaration
from workflow import errors

S = DeclarationState
NOT_FOUND_BODY = {"detail": str(errors.NOT_FOUND), "code": "not_found"}
NOT_SIGNED_IN = {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}

# Every API address with its methods; {pk} is a declaration that exists.
ENDPOINTS = [
    ("get", "/api/v1/me/"),
    ("get", "/api/v1/declarations/"),
    ("post", "/api/v1/declarations/"),
    ("get", "/api/v1/declarations/{pk}/"),
    ("patch", "/api/v1/declarations/{pk}/"),
    ("get", "/api/v1/declarations/{pk}/history/"),
    *[
        ("post", f"/api/v1/declarations/{{pk}}/{transition}/")
        for transition in (
            "submit",
            "resubmit",
            "start_review",
            "return_for_correction",
            "accept",
            "publish",
            "withdraw_publication",
            "discard",
        )
    ],
    ("get", "/api/v1/review-queue/"),
    ("get", "/api/v1/organisations/"),
    ("get", "/api/v1/organisations/{org}/"),
    ("get", "/api/v1/officials/"),
    ("get", "/api/v1/officials/{official}/"),
    ("get", "/api/v1/positions/"),
    ("get", "/api/v1/positions/{position}/"),
    ("get", "/api/v1/declarations/abc/"),
    ("get", "/api/v1/nowhere/"),
]


def _address(path, declaration):
    return path.format(
        pk=declaration.pk,
        org=declaration.organisation_id,
        official=declaration.official_id,
        position=declaration.position_id,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_without_credentials_every_address_is_a_401_that_reveals_nothing(api_client, method, path):
    declaration = make_declaration(S.SUBMITTED)
    before = footprint(declaration)

    response = getattr(api_client, method)(_address(path, declaration), {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == NOT_SIGNED_IN
    assert footprint(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), [ENDPOINTS[2], ENDPOINTS[3], ENDPOINTS[7]])
@pytest.mark.parametrize(
    ("authorization", "expected"),
    [
        ("Token 0123456789abcdef", {"detail": "Invalid token.", "code": "authentication_failed"}),
        ("Token", {"detail": "Invalid token header. No credentials provided.", "code": "authentication_failed"}),
        (
            "Token two words",
            {
                "detail": "Invalid token header. Token string should not contain spaces.",
                "code": "authentication_failed",
            },
        ),
    ],
)
def test_a_bad_token_is_a_401_that_reveals_nothing(api_client, method, path, authorization, expected):
    declaration = make_declaration(S.SUBMITTED)
    before = footprint(declaration)

    response = getattr(api_client, method)(
        _address(path, declaration), {}, format="json", HTTP_AUTHORIZATION=authorization
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == expected
    assert footprint(declaration) == before


@pytest.mark.django_db
def test_an_inactive_users_token_is_refused(world, api_client):
    token = Token.objects.create(user=world.filer)
    world.filer.is_active = False
    world.filer.save()

    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted.", "code": "authentication_failed"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        *[
            ("get", path)
            for path in (
                "/api/v1/declarations/abc/",
                "/api/v1/declarations/1.0/",
                "/api/v1/declarations/-1/",
                "/api/v1/declarations/%D0%B0/",
                "/api/v1/declarations/abc/history/",
                "/api/v1/declarations/99999999999999999999999999/",
                "/api/v1/declarations/99999999999999999999999999/history/",
                "/api/v1/organisations/abc/",
                "/api/v1/organisations/99999999999999999999999999/",
                "/api/v1/officials/x/",
                "/api/v1/officials/99999999999999999999999999/",
                "/api/v1/positions/99999999999999999999999999/",
                "/api/v1/",
            )
        ],
        ("patch", "/api/v1/declarations/abc/"),
        ("patch", "/api/v1/declarations/99999999999999999999999999/"),
        ("post", "/api/v1/declarations/abc/submit/"),
        ("post", "/api/v1/declarations/99999999999999999999999999/submit/"),
        ("post", "/api/v1/declarations/{pk}/approve/"),
    ],
)
def test_an_address_that_names_nothing_is_the_same_json_404_as_a_missing_id(world, method, path):
    declaration = make_declaration(S.DRAFT, position=world.filer_position)
    before = footprint(declaration)

    response = getattr(signed_in(world.filer), method)(path.format(pk=declaration.pk), {}, format="json")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY
    assert footprint(declaration) == before


@pytest.mark.django_db
def test_an_address_without_its_trailing_slash_is_redirected_to_it(world):
    response = signed_in(world.filer).get("/api/v1/declarations")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/declarations/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("get", None),
        ("patch", None),
        ("get", "history"),
        ("post", "submit"),
        ("post", "start_review"),
        ("post", "return_for_correction"),
        ("post", "withdraw_publication"),
    ],
)
@pytest.mark.parametrize("who", ["colleague", "foreign_reviewer"])
def test_an_invisible_declaration_answers_exactly_like_a_missing_one(world, method, action, who):
    declaration = make_declaration(S.SUBMITTED, position=world.filer_position)
    missing = Declaration.objects.order_by("-pk").first().pk + 1000
    client = signed_in(getattr(world, who))
    before = footprint(declaration)

    invisible = getattr(client, method)(url(declaration.pk, action), {"comment": "x", "content": {}}, format="json")
    absent = getattr(client, method)(url(missing, action), {"comment": "x", "content": {}}, format="json")

    assert (invisible.status_code, invisible.content) == (absent.status_code, absent.content)
    assert invisible.status_code == 404
    assert invisible.json() == NOT_FOUND_BODY
    assert footprint(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/declarations/{pk}/"),
        ("delete", "/api/v1/declarations/{pk}/"),
        ("get", "/api/v1/declarations/{pk}/submit/"),
        ("post", "/api/v1/declarations/{pk}/history/"),
        ("post", "/api/v1/review-queue/"),
        ("delete", "/api/v1/organisations/{org}/"),
    ],
)
def test_an_unsupported_method_is_a_405(world, method, path):
    declaration = make_declaration(S.DRAFT, position=world.filer_position)
    before = footprint(declaration)

    response = getattr(signed_in(world.filer), method)(
        path.format(pk=declaration.pk, org=declaration.organisation_id), {}, format="json"
    )

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.', "code": "method_not_allowed"}
    assert footprint(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", "{"),
        ("application/json", '{"content": {"personal": }}'),
        ("application/json", "\xff\xfe"),
        ("application/json", '{"content": NaN}'),
        ("text/plain", "content=1"),
        ("application/xml", "<content/>"),
    ],
)
def test_a_body_the_api_cannot_read_is_a_4xx_and_changes_nothing(world, content_type, body):
    declaration = make_declaration(S.DRAFT, position=world.filer_position)
    before = footprint(declaration)

    response = signed_in(world.filer).patch(url(declaration.pk), body, content_type=content_type)

    assert response.status_code in (400, 415)
    assert response.json()["code"] in ("parse_error", "unsupported_media_type", "invalid")
    assert response.json()["detail"]
    assert footprint(declaration) == before


# --- Language ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "mn"])
@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not_found", errors.NOT_FOUND),
        ("forbidden", errors.FORBIDDEN_TRANSITION),
        ("wrong_state", errors.WRONG_STATE),
        ("comment_required", errors.COMMENT_REQUIRED),
    ],
)
def test_messages_come_in_the_language_the_request_asks_for(world, language, case, message):
    declaration = make_declaration(
        S.UNDER_REVIEW if case == "comment_required" else S.SUBMITTED,
        position=world.filer_position,
        reviewer=world.reviewer,
    )
    requests = {
        "not_found": (world.colleague, url(declaration.pk, "start_review"), {}),
        "forbidden": (world.filer, url(declaration.pk, "start_review"), {}),
        "wrong_state": (world.reviewer, url(declaration.pk, "accept"), {}),
        "comment_required": (world.reviewer, url(declaration.pk, "return_for_correction"), {}),
    }
    user, address, body = requests[case]

    response = signed_in(user).post(address, body, format="json", HTTP_ACCEPT_LANGUAGE=language)

    with translation.override(language):
        expected = str(message % {"state": S.SUBMITTED.label} if case == "wrong_state" else message)
    shown = response.json()["errors"]["comment"][0] if case == "comment_required" else response.json()["detail"]
    assert response["Content-Language"] == language
    assert shown == expected


@pytest.mark.django_db
def test_english_is_the_english_constant(world):
    declaration = make_declaration(S.UNDER_REVIEW, position=world.filer_position, reviewer=world.reviewer)

    response = signed_in(world.reviewer).post(
        url(declaration.pk, "return_for_correction"), {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response["Content-Language"] == "en"
    assert response.json() == {
        "detail": "The input is invalid.",
        "code": "invalid",
        "errors": {"comment": ["A comment is required."]},
    }
    assert response.json()["errors"]["comment"] == [str(errors.COMMENT_REQUIRED)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "mn"])
def test_an_unauthenticated_answer_follows_the_language_too(api_client, language):
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE=language)

    with translation.override(language):
        expected = str(NotAuthenticated.default_detail)
    assert response.status_code == 401
    assert response["Content-Language"] == language
    assert response.json() == {"detail": expected, "code": "not_authenticated"}
