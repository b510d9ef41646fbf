"""Signing in: failed attempts pause the sign-in (per username and per address), the session key changes at
sign-in, every form that posts needs its CSRF token, and a deactivated account's session stops at once."""

from __future__ import annotations

import datetime
import re
from html import unescape
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory
from workflow import accounts

User = get_user_model()
PASSWORD = "test-password-123"
PAUSED = {
    "en": "Too many failed sign-in attempts. Try again in {minutes} minutes.",
    "mn": "Нэвтрэх оролдлого олон удаа амжилтгүй болсон тул түр хаагдлаа. {minutes} минутын дараа дахин оролдоно уу.",
}
WRONG = "Please enter a correct username and password. Note that both fields may be case-sensitive."
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fresh_counters(settings, monkeypatch):
    """No failures left over from other tests; small limits; a clock the test moves (``clock.now``)."""
    cache.clear()
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 5
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 15
    settings.LOGIN_LOCKOUT_MINUTES = 10
    settings.TRUSTED_PROXY_COUNT = 0
    yield
    cache.clear()


class Clock:
    def __init__(self, monkeypatch) -> None:
        self.now = START
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta: int) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post("/login/", {"username": username, "password": password}, **extra)


def errors_of(response: Any) -> list[str]:
    """The form's error messages as the page shows them (Django's ``errorlist`` lists)."""
    lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), flags=re.DOTALL)
    return [unescape(text) for items in lists for text in re.findall(r"<li>(.*?)</li>", items, flags=re.DOTALL)]


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def account(username: str) -> dict[str, Any]:
    return User.objects.filter(username=username).values("password", "last_login", "is_active").get()


# --- pausing the sign-in after failures ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "mn"])
def test_after_the_limit_the_right_password_is_refused_in_the_users_language(clock, language):
    # given three failed attempts for the username
    UserFactory(username="dorj")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    failures = [sign_in(client, "dorj", "wrong") for _ in range(3)]
    assert [response.status_code for response in failures] == [200, 200, 200]
    before = account("dorj")

    # when the fourth attempt has the right password
    refused = sign_in(client, "dorj", PASSWORD)

    # then it is refused for the lockout's ten minutes, in the user's language, and nothing changed
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    assert refused["Content-Language"] == language
    assert errors_of(refused) == [PAUSED[language].format(minutes=10)]
    assert not is_signed_in(client)
    assert account("dorj") == before


@pytest.mark.django_db
def test_the_failures_before_the_limit_say_only_wrong_username_or_password(clock):
    UserFactory(username="dorj")

    responses = [sign_in(Client(), "dorj", "wrong") for _ in range(3)]

    assert [errors_of(response) for response in responses] == [[WRONG]] * 3


@pytest.mark.django_db
def test_an_unknown_username_is_paused_exactly_like_an_existing_one(clock):
    # given the same failures for an existing account and for a name nobody has
    UserFactory(username="dorj")
    answers = {}
    for username, address in (("dorj", "192.0.2.1"), ("nobody", "192.0.2.2")):
        client = Client(REMOTE_ADDR=address)
        failures = [errors_of(sign_in(client, username, "wrong")) for _ in range(3)]
        refused = sign_in(client, username, PASSWORD)
        answers[username] = (failures, refused.status_code, refused["Retry-After"], errors_of(refused))

    # then the two answer the same, so the pause tells nobody whether the account exists
    assert answers["dorj"] == answers["nobody"]
    assert answers["nobody"] == ([[WRONG]] * 3, 429, "600", [PAUSED["en"].format(minutes=10)])


@pytest.mark.django_db
def test_the_pause_covers_every_client_and_the_admins_sign_in_page(clock):
    # given three failures for a staff account, from one client
    UserFactory(username="admin.dorj", is_staff=True, is_superuser=True)
    for _ in range(3):
        sign_in(Client(), "admin.dorj", "wrong")
    before = account("admin.dorj")

    # when another client, and the admin's own sign-in page, try the right password
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    page = sign_in(elsewhere, "admin.dorj", PASSWORD)
    admin = Client(REMOTE_ADDR="10.1.2.4")
    admin_page = admin.post("/admin/login/?next=/admin/", {"username": "admin.dorj", "password": PASSWORD})

    # then both are refused and nobody is signed in
    assert (page.status_code, errors_of(page)) == (429, [PAUSED["en"].format(minutes=10)])
    assert admin_page.status_code == 200
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(admin)
    assert account("admin.dorj") == before


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_usernames_failures(clock):
    UserFactory(username="dorj")
    for _ in range(2):
        sign_in(Client(), "dorj", "wrong")

    # when the right password is given before the limit
    first = Client()
    assert sign_in(first, "dorj", PASSWORD).status_code == 302

    # then two more failures do not reach the limit: the earlier ones were forgotten
    for _ in range(2):
        assert sign_in(Client(), "dorj", "wrong").status_code == 200
    again = Client()
    assert sign_in(again, "dorj", PASSWORD).status_code == 302
    assert is_signed_in(again)


@pytest.mark.django_db
def test_failures_older_than_the_window_no_longer_count(clock):
    # given two failures, then the 15-minute window passes
    UserFactory(username="dorj")
    for _ in range(2):
        sign_in(Client(), "dorj", "wrong")
    clock.advance(minutes=15)

    # when two more fail (four in all, but two in this window)
    for _ in range(2):
        assert sign_in(Client(), "dorj", "wrong").status_code == 200

    # then the right password still signs in
    client = Client()
    assert sign_in(client, "dorj", PASSWORD).status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_the_pause_ends_after_the_lockout_and_says_how_long_is_left(clock):
    # given a username paused at 09:00
    UserFactory(username="dorj")
    for _ in range(3):
        sign_in(Client(), "dorj", "wrong")

    # then four minutes later six are left; just before the end, one
    clock.advance(minutes=4)
    later = sign_in(Client(), "dorj", PASSWORD)
    assert (later.status_code, later["Retry-After"], errors_of(later)) == (
        429,
        "360",
        [PAUSED["en"].format(minutes=6)],
    )
    clock.advance(minutes=5, seconds=30)
    last = sign_in(Client(), "dorj", PASSWORD)
    assert (last.status_code, last["Retry-After"], errors_of(last)) == (
        429,
        "30",
        ["Too many failed sign-in attempts. Try again in 1 minute."],
    )

    # when the ten minutes are over, counting starts anew: a wrong password is just wrong, the right one signs in
    clock.advance(seconds=30)
    assert errors_of(sign_in(Client(), "dorj", "wrong")) == [WRONG]
    client = Client()
    assert sign_in(client, "dorj", PASSWORD).status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_attempts_sent_in_parallel_cannot_all_slip_under_the_limit(clock):
    # given three attempts counted but not yet answered (their passwords are being checked)
    started = [accounts.begin_sign_in(username="dorj", address="192.0.2.1") for _ in range(3)]

    # when a fourth arrives meanwhile
    fourth = accounts.begin_sign_in(username="dorj", address="192.0.2.2")

    # then it is refused without its password being checked, and the username is paused
    assert started == [None, None, None]
    assert fourth == accounts.SignInRefusal(retry_after_seconds=600)
    assert accounts.begin_sign_in(username="dorj", address="192.0.2.3") == accounts.SignInRefusal(
        retry_after_seconds=600
    )


@pytest.mark.django_db
def test_an_attempt_refused_for_its_address_does_not_count_against_its_username(clock):
    # given five attempts in flight from one address, for five other usernames
    assert [accounts.begin_sign_in(username=name, address="192.0.2.1") for name in "abcde"] == [None] * 5

    # when an attempt for dorj from that address goes over the address's limit
    refused = accounts.begin_sign_in(username="dorj", address="192.0.2.1")

    # then it is refused, and dorj still has all three attempts from another address
    assert refused == accounts.SignInRefusal(retry_after_seconds=600)
    assert [accounts.begin_sign_in(username="dorj", address="192.0.2.2") for _ in range(3)] == [None] * 3


@pytest.mark.django_db
def test_one_address_is_paused_after_its_own_limit_whatever_the_usernames(clock):
    # given five failures from one address, each for another username (never three for one)
    UserFactory(username="dorj")
    for name in ("a", "b", "c", "d", "e"):
        assert sign_in(Client(REMOTE_ADDR="203.0.113.7"), name, "wrong").status_code == 200

    # when a sixth attempt from that address has a right password
    same_address = Client(REMOTE_ADDR="203.0.113.7")
    refused = sign_in(same_address, "dorj", PASSWORD)

    # then it is refused, while the same account signs in from another address
    assert (refused.status_code, errors_of(refused)) == (429, [PAUSED["en"].format(minutes=10)])
    assert not is_signed_in(same_address)
    other_address = Client(REMOTE_ADDR="203.0.113.8")
    assert sign_in(other_address, "dorj", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_colleagues_signing_in_from_one_address_do_not_pause_it(clock):
    # given six colleagues behind one address who all sign in (more than the address's limit of five)
    names = [f"colleague{index}" for index in range(6)]
    for name in names:
        UserFactory(username=name)

    signed_in = [sign_in(Client(REMOTE_ADDR="198.51.100.1"), name, PASSWORD).status_code for name in names]

    assert signed_in == [302] * 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "paused_client", "free_client"),
    [
        # Behind one proxy the client is the address it appended last; whatever the client put before is ignored.
        (1, {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 192.0.2.10"}, {"HTTP_X_FORWARDED_FOR": "192.0.2.10, 192.0.2.11"}),
        # Without a trusted proxy the header is the client's own word and counts for nothing.
        (0, {"HTTP_X_FORWARDED_FOR": "192.0.2.11"}, {"REMOTE_ADDR": "192.0.2.99"}),
    ],
)
def test_the_client_address_is_read_as_the_trusted_proxies_give_it(
    settings, clock, proxies, paused_client, free_client
):
    settings.TRUSTED_PROXY_COUNT = proxies
    UserFactory(username="dorj")
    # five failures from 192.0.2.10 behind the proxy (or from 127.0.0.1 without one)
    first = {"HTTP_X_FORWARDED_FOR": "192.0.2.10"} if proxies else {}
    for name in ("a", "b", "c", "d", "e"):
        sign_in(Client(**first), name, "wrong")

    assert sign_in(Client(**paused_client), "dorj", PASSWORD).status_code == 429
    assert sign_in(Client(**free_client), "dorj", PASSWORD).status_code == 302


# --- sessions --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_in_gives_a_new_session_key_and_drops_the_old_session():
    # given a visitor with a session (a key an attacker could have planted)
    UserFactory(username="dorj")
    client = Client()
    planted = client.session
    planted["seen"] = True
    planted.save()
    old_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    # when they sign in
    response = sign_in(client, "dorj", PASSWORD)

    # then the session has a new key and the old one is gone
    new_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert response.status_code == 302
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.session["seen"] is True
    assert is_signed_in(client)


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_same_site_lax():
    UserFactory(username="dorj")
    client = Client()

    response = sign_in(client, "dorj", PASSWORD)

    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")


@pytest.mark.django_db
def test_signing_out_ends_the_session_on_the_server():
    UserFactory(username="dorj")
    client = Client()
    sign_in(client, "dorj", PASSWORD)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    response = client.post("/logout/")

    assert (response.status_code, response["Location"]) == (302, "/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_a_deactivated_users_session_stops_working_at_once():
    # given a signed-in user on a page that needs a sign-in
    user = UserFactory(username="dorj")
    client = Client()
    sign_in(client, "dorj", PASSWORD)
    assert client.get("/review/").status_code == 200

    # when an administrator deactivates the account
    User.objects.filter(pk=user.pk).update(is_active=False)

    # then the very next request is a visitor's, sent to sign in
    response = client.get("/review/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/review/")
    # and signing in again is refused like a wrong password (not saying the account is inactive)
    again = sign_in(Client(), "dorj", PASSWORD)
    assert (again.status_code, errors_of(again)) == (200, [WRONG])


# --- CSRF ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_in_without_the_csrf_token_is_refused():
    UserFactory(username="dorj")
    client = Client(enforce_csrf_checks=True)

    refused = sign_in(client, "dorj", PASSWORD)

    assert refused.status_code == 403
    assert not is_signed_in(client)
    assert account("dorj")["last_login"] is None


@pytest.mark.django_db
def test_signing_out_without_the_csrf_token_is_refused():
    user = UserFactory(username="dorj")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    refused = client.post("/logout/")

    assert refused.status_code == 403
    assert is_signed_in(client)
    assert Session.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_switching_the_language_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)

    refused = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert refused.status_code == 403
    assert django_settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_the_forms_post_with_the_token_they_carry():
    # given the sign-in page's token
    UserFactory(username="dorj")
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value

    # then sign-in, the language switch and sign-out all go through with it
    signed = client.post("/login/", {"username": "dorj", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert signed.status_code == 302
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value  # rotated at sign-in
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert (switched.status_code, client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value) == (302, "en")
    out = client.post("/logout/", {"csrfmiddlewaretoken": token})
    assert out.status_code == 302
    assert not is_signed_in(client)


# --- passwords -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Tg7#kq", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("48291736501", "This password is entirely numeric."),
    ],
)
def test_an_administrator_cannot_give_a_user_a_weak_password(password, message):
    # given an administrator on a user's password page
    user = UserFactory(username="dorj")
    before = account("dorj")
    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    # when they set a weak password
    response = admin.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )

    # then the form shows why, and the password is unchanged
    assert response.status_code == 200
    assert message in errors_of(response)
    assert account("dorj") == before
