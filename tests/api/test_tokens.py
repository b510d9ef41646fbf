"""API tokens: issued for a username and password (counted like the sign-in page), revoked by their holder or an
administrator, dead once revoked or once the account is deactivated; CSRF for sessions, none for tokens."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import Declaration
from tests.api.conftest import World
from tests.factories import UserFactory

User = get_user_model()
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
PASSWORD = "test-password-123"
PAUSED = {
    "en": "Too many failed sign-in attempts. Try again in 10 minutes.",
    "mn": "Нэвтрэх оролдлого олон удаа амжилтгүй болсон тул түр хаагдлаа. 10 минутын дараа дахин оролдоно уу.",
}
WRONG_CREDENTIALS = {
    "detail": "The input is invalid.",
    "code": "invalid",
    "errors": {"non_field_errors": ["Unable to log in with provided credentials."]},
}
INVALID_TOKEN = {"detail": "Invalid token.", "code": "authentication_failed"}
NOT_SIGNED_IN = {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    cache.clear()
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 5
    settings.LOGIN_LOCKOUT_MINUTES = 10
    yield
    cache.clear()


def issue(client: APIClient, username: str, password: str, **extra: Any) -> Any:
    return client.post(TOKEN, {"username": username, "password": password}, format="json", **extra)


def with_token(key: str, **kwargs: Any) -> APIClient:
    client = APIClient(**kwargs)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# --- issuing --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_token_is_issued_until_it_is_revoked():
    user = UserFactory(username="dorj")

    first = issue(APIClient(), "dorj", PASSWORD)
    second = issue(APIClient(), "dorj", PASSWORD)

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json() == {"token": Token.objects.get(user=user).key}


@pytest.mark.django_db
def test_a_token_request_that_also_sends_an_invalid_token_is_401_and_issues_nothing():
    UserFactory(username="dorj")

    refused = issue(with_token("0" * 40), "dorj", PASSWORD)

    assert (refused.status_code, refused.json(), refused["WWW-Authenticate"]) == (401, INVALID_TOKEN, "Token")
    assert Token.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "mn"])
def test_after_the_limit_the_token_endpoint_refuses_the_right_password_with_429(language):
    # given three failed attempts for the username
    UserFactory(username="dorj")
    client = APIClient()
    failures = [issue(client, "dorj", "wrong") for _ in range(3)]
    assert [(response.status_code, response.json()) for response in failures] == [(400, WRONG_CREDENTIALS)] * 3

    # when the fourth has the right password
    refused = issue(client, "dorj", PASSWORD, HTTP_ACCEPT_LANGUAGE=language)

    # then it is refused in the user's language with Retry-After, and no token exists
    assert refused.status_code == 429
    assert refused.json() == {"detail": PAUSED[language], "code": "throttled"}
    assert refused["Retry-After"] == "600"
    assert Token.objects.count() == 0


@pytest.mark.django_db
def test_failures_on_the_sign_in_page_count_for_the_token_endpoint_too():
    UserFactory(username="dorj")
    for _ in range(3):
        Client().post("/login/", {"username": "dorj", "password": "wrong"})

    refused = issue(APIClient(), "dorj", PASSWORD)

    assert (refused.status_code, refused.json()["code"]) == (429, "throttled")
    assert Token.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_username_is_paused_exactly_like_an_existing_one():
    UserFactory(username="dorj")
    answers = {}
    for username, address in (("dorj", "192.0.2.1"), ("nobody", "192.0.2.2")):
        client = APIClient(REMOTE_ADDR=address)
        answers[username] = [
            (response.status_code, response.json()) for response in [issue(client, username, "wrong") for _ in range(3)]
        ] + [(issue(client, username, PASSWORD).status_code, None)]

    assert answers["dorj"] == answers["nobody"] == [(400, WRONG_CREDENTIALS)] * 3 + [(429, None)]


@pytest.mark.django_db
def test_a_successful_token_request_clears_the_usernames_failures():
    UserFactory(username="dorj")
    for _ in range(2):
        issue(APIClient(), "dorj", "wrong")
    assert issue(APIClient(), "dorj", PASSWORD).status_code == 200

    for _ in range(2):
        assert issue(APIClient(), "dorj", "wrong").status_code == 400
    assert issue(APIClient(), "dorj", PASSWORD).status_code == 200


# --- revoking -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_revoking_a_token_makes_it_answer_401_at_once():
    # given a token that works
    UserFactory(username="dorj")
    key = issue(APIClient(), "dorj", PASSWORD).json()["token"]
    client = with_token(key)
    assert client.get(ME).status_code == 200

    # when its holder revokes it
    revoked = client.delete(TOKEN)

    # then it is gone, and the next request with it is not signed in
    assert revoked.status_code == 204
    assert revoked.content == b""
    assert Token.objects.count() == 0
    refused = client.get(ME)
    assert (refused.status_code, refused.json(), refused["WWW-Authenticate"]) == (401, INVALID_TOKEN, "Token")
    # and a new sign-in issues a different token
    assert issue(APIClient(), "dorj", PASSWORD).json()["token"] != key


@pytest.mark.django_db
def test_revoking_needs_a_signed_in_caller_and_touches_nobody_elses_token():
    other = UserFactory(username="other")
    key = Token.objects.create(user=other).key

    refused = APIClient().delete(TOKEN)

    assert (refused.status_code, refused.json()) == (401, NOT_SIGNED_IN)
    assert list(Token.objects.values_list("key", flat=True)) == [key]


@pytest.mark.django_db
def test_a_session_revokes_its_users_token_only_with_the_csrf_token():
    # given a user signed in with a session who also holds a token
    user = UserFactory(username="dorj")
    key = Token.objects.create(user=user).key
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(user)

    # when the session deletes without the CSRF token, it is refused and the token stays
    refused = browser.delete(TOKEN)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF Failed: CSRF cookie not set.", "code": "permission_denied"}
    assert list(Token.objects.values_list("key", flat=True)) == [key]

    # with the CSRF token a page gave the browser (the API's JSON answers set no cookie), it is revoked
    browser.get("/login/")
    revoked = browser.delete(TOKEN, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert revoked.status_code == 204
    assert Token.objects.count() == 0


@pytest.mark.django_db
def test_an_administrator_revokes_a_token_in_the_admin():
    # given a user's working token
    user = UserFactory(username="dorj")
    key = Token.objects.create(user=user).key
    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    # when an administrator deletes it in the admin
    page = admin.get(f"/admin/authtoken/tokenproxy/{user.pk}/delete/")
    deleted = admin.post(f"/admin/authtoken/tokenproxy/{user.pk}/delete/", {"post": "yes"})

    # then it no longer signs requests in
    assert page.status_code == 200
    assert (deleted.status_code, deleted["Location"]) == (302, "/admin/authtoken/tokenproxy/")
    assert Token.objects.count() == 0
    assert with_token(key).get(ME).status_code == 401


# --- deactivation -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deactivating_a_user_stops_their_token_and_their_session_at_once():
    # given a user with a token and an API session, both working
    user = UserFactory(username="dorj")
    key = Token.objects.create(user=user).key
    token_client = with_token(key)
    session_client = APIClient()
    session_client.force_login(user)
    assert (token_client.get(ME).status_code, session_client.get(ME).status_code) == (200, 200)

    # when an administrator deactivates the account
    user.is_active = False
    user.save(update_fields=["is_active"])

    # then both answer 401 on the very next request, and no new token is issued
    by_token = token_client.get(ME)
    assert (by_token.status_code, by_token.json()) == (
        401,
        {"detail": "User inactive or deleted.", "code": "authentication_failed"},
    )
    by_session = session_client.get(ME)
    assert (by_session.status_code, by_session.json()) == (401, NOT_SIGNED_IN)
    assert (issue(APIClient(), "dorj", PASSWORD).status_code, Token.objects.get().key) == (400, key)


# --- CSRF: sessions need it, tokens do not --------------------------------------------------------------------------


def _draft(world: World) -> dict[str, Any]:
    return {"position": world.filer_position.pk, "kind": "annual", "year": 2026}


@pytest.mark.django_db
def test_a_session_signed_unsafe_request_without_the_csrf_token_is_refused_and_changes_nothing(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.filer)

    refused = client.post("/api/v1/declarations/", _draft(world), format="json")

    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF Failed: CSRF cookie not set.", "code": "permission_denied"}
    assert Declaration.objects.count() == 0


@pytest.mark.django_db
def test_a_token_signed_unsafe_request_needs_no_csrf_token(world):
    key = Token.objects.create(user=world.filer).key
    client = with_token(key, enforce_csrf_checks=True)

    created = client.post("/api/v1/declarations/", _draft(world), format="json")

    assert created.status_code == 201
    assert list(Declaration.objects.values_list("official__user", "kind", "year")) == [(world.filer.pk, "annual", 2026)]


# --- the schema ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_documents_issuing_and_revoking(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    operations = schema["paths"]["/api/v1/auth/token/"]

    assert sorted(operations) == ["delete", "post"]
    assert sorted(operations["post"]["responses"]) == ["200", "400", "401", "429"]
    assert sorted(operations["delete"]["responses"]) == ["204", "401", "403"]
    assert operations["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AuthTokenRequest"
    }
    assert schema["components"]["schemas"]["AuthToken"]["properties"] == {"token": {"type": "string"}}
