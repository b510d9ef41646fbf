"""The frameworks' own messages reach the API's users in their language.

Django REST framework ships no Mongolian catalogue; ``api/framework_messages.py`` declares the DRF and form
field messages that the API can produce, so the project's catalogue translates them. Every one is produced
here by a real request and compared, exactly, in Mongolian and in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api import framework_messages
from api.errors import exception_handler
from declarations.models import Declaration, DeclarationState
from tests.api.conftest import World, signed_in, url
from tests.factories import UserFactory, make_declaration

LIST = "/api/v1/declarations/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
INVALID_INPUT = {"en": "The input is invalid.", "mn": "Оруулсан мэдээлэл буруу байна."}
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@dataclass
class Scene:
    """Who sends the requests: an anonymous client, a signed-in filer with a draft, an inactive user's token."""

    anonymous: APIClient
    filer: APIClient
    filer_username: str
    declaration: Declaration
    position_id: int
    inactive_token: str


@pytest.fixture
def scene(world: World) -> Scene:
    inactive = UserFactory(username="inactive", is_active=False)
    return Scene(
        anonymous=APIClient(),
        filer=signed_in(world.filer),
        filer_username=world.filer.get_username(),
        declaration=make_declaration(DeclarationState.DRAFT, position=world.filer_position),
        position_id=world.filer_position.pk,
        inactive_token=Token.objects.create(user=inactive).key,
    )


@dataclass(frozen=True)
class Case:
    """A request that makes the API answer with one framework message.

    ``path`` is None when the message is the answer's ``detail``, else the field path it is listed under in ``errors``.
    """

    msgid: str
    send: Callable[[Scene, dict[str, str]], Any]
    status: int
    code: str
    mn: str
    path: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    def english(self) -> str:
        return self.msgid % self.params if "%(" in self.msgid else self.msgid.format(**self.params)


def _new_draft(scene: Scene, **body: Any) -> dict[str, Any]:
    return {"position": scene.position_id, "kind": "annual", "year": 2026, **body}


CASES: dict[str, Case] = {
    # Authentication and content negotiation: the message is the answer's detail.
    "not_authenticated": Case(
        "Authentication credentials were not provided.",
        lambda s, h: s.anonymous.get(LIST, **h),
        401,
        "not_authenticated",
        "Нэвтрэлтийн мэдээлэл ирүүлээгүй байна.",
    ),
    "invalid_token": Case(
        "Invalid token.",
        lambda s, h: s.anonymous.get(LIST, HTTP_AUTHORIZATION="Token 0123456789abcdef", **h),
        401,
        "authentication_failed",
        "Токен хүчингүй байна.",
    ),
    "token_header_without_token": Case(
        "Invalid token header. No credentials provided.",
        lambda s, h: s.anonymous.get(LIST, HTTP_AUTHORIZATION="Token", **h),
        401,
        "authentication_failed",
        "Токены толгой мэдээлэл буруу байна: токен заагаагүй байна.",
    ),
    "token_with_spaces": Case(
        "Invalid token header. Token string should not contain spaces.",
        lambda s, h: s.anonymous.get(LIST, HTTP_AUTHORIZATION="Token two words", **h),
        401,
        "authentication_failed",
        "Токены толгой мэдээлэл буруу байна: токенд хоосон зай агуулагдах ёсгүй.",
    ),
    "token_with_invalid_characters": Case(
        "Invalid token header. Token string should not contain invalid characters.",
        # A header is Latin-1: "é" is the byte 0xE9, which is not UTF-8.
        lambda s, h: s.anonymous.get(LIST, HTTP_AUTHORIZATION="Token \xe9t\xe9", **h),
        401,
        "authentication_failed",
        "Токены толгой мэдээлэл буруу байна: токенд зөвшөөрөгдөөгүй тэмдэгт агуулагдах ёсгүй.",
    ),
    "inactive_user": Case(
        "User inactive or deleted.",
        lambda s, h: s.anonymous.get(ME, HTTP_AUTHORIZATION=f"Token {s.inactive_token}", **h),
        401,
        "authentication_failed",
        "Хэрэглэгчийн эрх идэвхгүй болсон эсвэл устгагдсан байна.",
    ),
    "method_not_allowed": Case(
        'Method "{method}" not allowed.',
        lambda s, h: s.filer.delete(url(s.declaration.pk, "submit"), **h),
        405,
        "method_not_allowed",
        "DELETE хүсэлтийн аргыг энэ хаягт ашиглах боломжгүй.",
        params={"method": "DELETE"},
    ),
    "not_acceptable": Case(
        "Could not satisfy the request Accept header.",
        lambda s, h: s.filer.get(LIST, HTTP_ACCEPT="text/html", **h),
        406,
        "not_acceptable",
        "Хүсэлтийн Accept толгой мэдээлэлд заасан хэлбэрээр хариу өгөх боломжгүй.",
    ),
    "unsupported_media_type": Case(
        'Unsupported media type "{media_type}" in request.',
        lambda s, h: s.filer.post(LIST, "kind=annual", content_type="text/plain", **h),
        415,
        "unsupported_media_type",
        "Хүсэлтийн text/plain өгөгдлийн төрлийг хүлээн авах боломжгүй.",
        params={"media_type": "text/plain"},
    ),
    # Input serializers: the message is under "errors".
    "token_wrong_credentials": Case(
        "Unable to log in with provided credentials.",
        lambda s, h: s.anonymous.post(TOKEN, {"username": s.filer_username, "password": "wrong"}, format="json", **h),
        400,
        "invalid",
        "Оруулсан хэрэглэгчийн нэр, нууц үгээр нэвтрэх боломжгүй байна.",
        path="non_field_errors",
    ),
    "token_blank_username": Case(
        "This field may not be blank.",
        lambda s, h: s.anonymous.post(TOKEN, {"username": "", "password": "x"}, format="json", **h),
        400,
        "invalid",
        "Энэ талбарыг хоосон орхиж болохгүй.",
        path="username",
    ),
    "token_username_not_a_string": Case(
        "Not a valid string.",
        lambda s, h: s.anonymous.post(TOKEN, {"username": ["x"], "password": "x"}, format="json", **h),
        400,
        "invalid",
        "Утга нь текст байх ёстой.",
        path="username",
    ),
    "body_not_an_object": Case(
        "Invalid data. Expected a dictionary, but got {datatype}.",
        lambda s, h: s.filer.post(LIST, [], format="json", **h),
        400,
        "invalid",
        "Өгөгдөл буруу байна: объект илгээх ёстой боловч list төрлийн утга ирүүлсэн байна.",
        path="non_field_errors",
        params={"datatype": "list"},
    ),
    "required": Case(
        "This field is required.",
        lambda s, h: s.filer.patch(url(s.declaration.pk), {}, format="json", **h),
        400,
        "invalid",
        "Энэ талбарыг заавал бөглөнө.",
        path="content",
    ),
    "null": Case(
        "This field may not be null.",
        lambda s, h: s.filer.post(LIST, _new_draft(s, year=None), format="json", **h),
        400,
        "invalid",
        "Энэ талбарын утга хоосон (null) байж болохгүй.",
        path="year",
    ),
    "not_an_integer": Case(
        "A valid integer is required.",
        lambda s, h: s.filer.post(LIST, {"position": "x", "kind": "annual", "year": 2025}, format="json", **h),
        400,
        "invalid",
        "Бүхэл тоо оруулна уу.",
        path="position",
    ),
    "integer_below_minimum": Case(
        "Ensure this value is greater than or equal to {min_value}.",
        lambda s, h: s.filer.post(LIST, _new_draft(s, position=0), format="json", **h),
        400,
        "invalid",
        "Утга нь 1 буюу түүнээс их байх ёстой.",
        path="position",
        params={"min_value": "1"},
    ),
    "integer_string_too_long": Case(
        "String value too large.",
        lambda s, h: s.filer.post(LIST, _new_draft(s, position="1" * 1001), format="json", **h),
        400,
        "invalid",
        "Текст утга хэт урт байна.",
        path="position",
    ),
    "invalid_choice": Case(
        '"{input}" is not a valid choice.',
        lambda s, h: s.filer.post(LIST, _new_draft(s, kind="weekly"), format="json", **h),
        400,
        "invalid",
        "weekly гэсэн утга боломжит сонголтуудад байхгүй.",
        path="kind",
        params={"input": "weekly"},
    ),
    "invalid_json_in_a_form": Case(
        "Value must be valid JSON.",
        lambda s, h: s.filer.patch(
            url(s.declaration.pk), "content=notjson", content_type="application/x-www-form-urlencoded", **h
        ),
        400,
        "invalid",
        "Утга нь зөв бүтэцтэй JSON байх ёстой.",
        path="content",
    ),
    # Query filters (django-filter with Django's form fields).
    "filter_invalid_choice": Case(
        "Select a valid choice. %(value)s is not one of the available choices.",
        lambda s, h: s.filer.get(LIST, {"kind": "weekly"}, **h),
        400,
        "invalid",
        "Боломжит утгуудаас сонгоно уу. weekly гэсэн утга сонголтуудад байхгүй.",
        path="kind",
        params={"value": "weekly"},
    ),
    "filter_invalid_organisation": Case(
        "Select a valid choice. That choice is not one of the available choices.",
        lambda s, h: s.filer.get(LIST, {"organisation": "abc"}, **h),
        400,
        "invalid",
        "Боломжит утгуудаас сонгоно уу. Ийм сонголт байхгүй.",
        path="organisation",
    ),
    "filter_not_a_whole_number": Case(
        "Enter a whole number.",
        lambda s, h: s.filer.get(LIST, {"year": "2025.5"}, **h),
        400,
        "invalid",
        "Бүхэл тоо оруулна уу.",
        path="year",
    ),
    "filter_below_minimum": Case(
        "Ensure this value is greater than or equal to %(limit_value)s.",
        lambda s, h: s.filer.get(LIST, {"year": "0"}, **h),
        400,
        "invalid",
        "Утга нь 1 буюу түүнээс их байх ёстой.",
        path="year",
        params={"limit_value": "1"},
    ),
    "filter_above_maximum": Case(
        "Ensure this value is less than or equal to %(limit_value)s.",
        lambda s, h: s.filer.get(LIST, {"year": "10000"}, **h),
        400,
        "invalid",
        "Утга нь 9999 буюу түүнээс бага байх ёстой.",
        path="year",
        params={"limit_value": "9999"},
    ),
    "filter_invalid_datetime": Case(
        "Enter a valid date/time.",
        lambda s, h: s.filer.get(LIST, {"submitted_after": "yesterday"}, **h),
        400,
        "invalid",
        "Огноо, цагийг зөв оруулна уу.",
        path="submitted_after",
    ),
    "filter_nonexistent_local_time": Case(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; "
        "it may be ambiguous or it may not exist.",
        # Ulaanbaatar's clocks went from 02:00 to 03:00 on 28 March 2015.
        lambda s, h: s.filer.get(LIST, {"submitted_after": "2015-03-28T02:30:00"}, **h),
        400,
        "invalid",
        "2015-03-28 02:30:00 гэсэн цагийг Asia/Ulaanbaatar цагийн бүсэд тодорхойлох боломжгүй: "
        "цагийн шилжилтийн улмаас ийм цаг давхардсан эсвэл огт байхгүй байж болзошгүй.",
        path="submitted_after",
        params={"datetime": "2015-03-28 02:30:00", "current_timezone": "Asia/Ulaanbaatar"},
    ),
}

# Produced by the exception handler itself rather than by a request (see the last test).
PERMISSION_DENIED = "You do not have permission to perform this action."


def test_every_declared_message_is_produced_by_a_request_below():
    produced = {case.msgid for case in CASES.values()} | {PERMISSION_DENIED}
    assert sorted(produced) == sorted(framework_messages.MESSAGES)
    assert len(set(framework_messages.MESSAGES)) == len(framework_messages.MESSAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["mn", "en"])
@pytest.mark.parametrize("name", list(CASES))
def test_the_api_answers_the_frameworks_messages_in_the_users_language(scene, name, language):
    case = CASES[name]

    response = case.send(scene, {"HTTP_ACCEPT_LANGUAGE": language})

    message = case.mn if language == "mn" else case.english()
    if case.path is None:
        expected = {"detail": message, "code": case.code}
    else:
        expected = {"detail": INVALID_INPUT[language], "code": case.code, "errors": {case.path: [message]}}
    assert response.status_code == case.status
    assert response["Content-Language"] == language
    assert response.json() == expected
    assert bool(CYRILLIC.search(message)) == (language == "mn")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", PERMISSION_DENIED), ("mn", "Танд энэ үйлдлийг гүйцэтгэх эрх байхгүй.")],
)
def test_django_permission_denied_is_answered_in_the_users_language(language, expected):
    with translation.override(language):
        response = exception_handler(PermissionDenied(), {})

    assert response is not None
    assert response.status_code == 403
    assert response.data == {"detail": expected, "code": "permission_denied"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The request body could not be read: send well-formed JSON."),
        ("mn", "Хүсэлтийн агуулгыг уншиж чадсангүй: зөв бүтэцтэй JSON илгээнэ үү."),
    ],
)
def test_malformed_json_is_answered_in_the_users_language(scene, language, expected):
    before = Declaration.objects.count()

    response = scene.filer.post(LIST, "{", content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json() == {"detail": expected, "code": "parse_error"}
    assert Declaration.objects.count() == before
