"""Hostile input on every write endpoint of the API: never a server error, never a change.

For each write endpoint a valid request is defined (the actor who may take the action, the object in the
state that allows it, a body that would succeed); each hostile input replaces the body, one field of it, or
the id in the path:

- the body as a whole: larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``, nested 10,000 levels deep, invalid
  UTF-8, malformed JSON, a ``NaN`` literal, not an object, a NUL or a lone surrogate in a key;
- each field: text longer than its maximum, a NUL, a lone surrogate, the wrong JSON type; numbers negative,
  huge, ``"NaN"``, ``"Infinity"``, booleans; dates far in the past and the future, and invalid ones;
- the id in the path: another person's object, non-numeric and huge ids (2**63, 2**64).

Each answer is a 4xx with a JSON body naming the field and the reason (in the user's language), and the
database is exactly as it was. HTML and SQL in a free-text field are not hostile to a JSON API: they are
stored exactly as sent and returned as JSON strings.

The same table runs on SQLite and on PostgreSQL (``DATABASE_URL``), which treat NUL characters and
integers beyond 64 bits differently.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from declarations.models import (
    Bidder,
    CommitteeMember,
    Conclusion,
    Declaration,
    Nomination,
    Notice,
    Obligation,
    RedFlag,
    Tender,
)
from tests.api.fuzz_world import World, content_for, database_state, world_for_module
from tests.notice_factories import in_days
from workflow.models import Notification, TransitionLog

# --- answers ------------------------------------------------------------------------------------------------

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
MALFORMED = {"detail": "The request body could not be read: send well-formed JSON.", "code": "parse_error"}
TOO_DEEP = {"detail": "The request body is nested more than 32 levels deep.", "code": "parse_error"}
NOT_AN_OBJECT = "Send a JSON object."
DRF_NOT_AN_OBJECT = "Invalid data. Expected a dictionary, but got {datatype}."
CONTROL = "Remove the control characters from this value."
LONE_SURROGATE = "This value is not valid Unicode text: it holds a lone surrogate."
REQUIRED = "This field is required."
COMMENT_REQUIRED = "A comment is required."
REASON_REQUIRED = "A reason is required."
NOT_AN_INTEGER = "A valid integer is required."
AT_LEAST_ONE = "Ensure this value is greater than or equal to 1."
CHOICE = "Select a valid choice."
DATE = "Enter a valid date in the format YYYY-MM-DD."

# At most 64 characters, the shortest free-text field's maximum.
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;'
SQL = "'; DROP TABLE declarations_notice; --\" OR 1=1 /*\\%_`x`"


def invalid(errors: Mapping[str, list[str]]) -> dict[str, Any]:
    return {"detail": "The input is invalid.", "code": "invalid", "errors": dict(errors)}


def too_long(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters."


# --- the endpoints ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A free-text field: HTML and SQL are stored as sent; ``stored`` reads back what was stored."""

    limit: int
    wrong_type: str
    stored: Callable[[World, dict[str, Any]], str]


@dataclass(frozen=True)
class Coded:
    """A text of a fixed form (a code, a number, an address): whatever else is sent gets ``wrong``; a text
    longer than ``limit`` (if the field checks its length first) gets the length's message."""

    wrong: str
    wrong_type: str | None = None  # another message for a non-string, if the field has one
    limit: int | None = None


@dataclass(frozen=True)
class Number:
    """A whole number (a year, an id): ``answers`` maps each hostile value's label to the expected answer."""

    answers: Mapping[str, tuple[int, Any]]


@dataclass(frozen=True)
class Amount:
    """An amount of money in the content: negative, huge, not a number, not finite, too precise."""

    path: str

    @property
    def answers(self) -> dict[str, tuple[int, Any]]:
        amount = "Enter a non-negative amount with at most 2 decimal places."
        too_large = "Enter an amount with at most 15 digits before the decimal point."
        return {
            label: (400, invalid({self.path: [too_large if label in ("1e30", "10**30", "10**15") else amount]}))
            for label in AMOUNTS
        }


AMOUNTS: dict[str, Any] = {
    "-1": -1,
    "'-0.01'": "-0.01",
    "1e30": 1e30,
    "10**30": 10**30,
    "10**15": 10**15,
    "'1e30'": "1e30",
    "'NaN'": "NaN",
    "'Infinity'": "Infinity",
    "1.005": 1.005,
    "true": True,
    "a list": [1],
    "null as text": "null",
}


@dataclass(frozen=True)
class Day:
    """A date: the answers to dates far in the past and the future, and to invalid ones."""

    answers: Mapping[str, tuple[int, Any]]


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: Callable[[World], str]
    actor: str
    body: Callable[[World], dict[str, Any]] | None
    fields: Mapping[str, Any] = field(default_factory=dict)
    method: str = "post"
    # The message for a body that is not an object (DRF's own where a DRF serializer reads the body first).
    not_an_object: str = NOT_AN_OBJECT
    # Another person's object of the same kind, where the path has an id.
    foreign: Callable[[World], str] | None = None

    @property
    def takes_id(self) -> bool:
        """Whether the path names an object (every endpoint but the creations and the token's)."""
        return not self.name.endswith(("create", "register a nominee", "issue a token"))


def _declaration(state: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/declarations/{w.declarations[state].pk}/"


def _notice(state: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/notices/{w.notices[state].pk}/"


def _tender(state: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/tenders/{w.tenders[state].pk}/"


def _nomination(name: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/nominations/{w.nominations[name].pk}/"


def _then(path: Callable[[World], str], action: str) -> Callable[[World], str]:
    return lambda w: f"{path(w)}{action}/"


def _last_comment(model: type, pk: Callable[[World], int]) -> Callable[[World, dict[str, Any]], str]:
    """The comment of the object's newest transition log row."""

    def read(w: World, _answer: dict[str, Any]) -> str:
        rows = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk(w))
        return rows.latest("pk").comment

    return read


def _conclusion(name: str, target: Callable[[World], dict[str, Any]]) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, _a: getattr(Conclusion.objects.filter(**target(w)).latest("pk"), name)


def _content_field(path: tuple[Any, ...]) -> Callable[[World, dict[str, Any]], str]:
    def read(w: World, answer: dict[str, Any]) -> str:
        value: Any = Declaration.objects.get(pk=answer["id"]).content
        for key in path:
            value = value[key]
        return value

    return read


FAR_DATES = {
    "0001-01-01": "0001-01-01",
    "9999-12-31": "9999-12-31",
    "10000-01-01": "10000-01-01",
    "2024-02-30": "2024-02-30",
    "a number": 20240101,
    "a list": ["2024-01-01"],
}
NUMBERS: dict[str, Any] = {
    "-1": -1,
    "0": 0,
    "1e30": 1e30,
    "2**63": 2**63,
    "2**64": 2**64,
    "'NaN'": "NaN",
    "'Infinity'": "Infinity",
    "'abc'": "abc",
    "true": True,
    "1.5": 1.5,
    "a list": [1],
    "null": None,
}


def _drf_integer(*, unknown: tuple[int, Any], name: str) -> Number:
    """A DRF ``IntegerField(min_value=1)``: a number too big for a row id is well formed, and unknown."""
    bad = (400, invalid({name: [NOT_AN_INTEGER]}))
    low = (400, invalid({name: [AT_LEAST_ONE]}))
    return Number(
        {
            "-1": low,
            "0": low,
            "1e30": bad,
            "2**63": unknown,
            "2**64": unknown,
            "'NaN'": bad,
            "'Infinity'": bad,
            "'abc'": bad,
            "true": bad,
            "1.5": bad,
            "a list": bad,
            "null": (400, invalid({name: ["This field may not be null."]})),
        }
    )


def _service_id(name: str, message: str) -> Number:
    """An id the service looks up itself: anything but the id of a suitable object is ``message``."""
    return Number({label: (400, invalid({name: [message]})) for label in NUMBERS})


ORGANISATION = _drf_integer(unknown=(404, NOT_FOUND), name="organisation")
NOT_AN_AGENCY_REVIEWER = "Choose one of the agency's reviewers."


def _comment(model: type, pk: Callable[[World], int], *, required: str = COMMENT_REQUIRED) -> Text:
    return Text(4000, required, _last_comment(model, pk))


def _decl_pk(state: str) -> Callable[[World], int]:
    return lambda w: w.declarations[state].pk


def _notice_pk(state: str) -> Callable[[World], int]:
    return lambda w: w.notices[state].pk


YEAR_RANGE = "Enter a year between 2000 and {max}."


def _notice_fields(created: bool) -> dict[str, Any]:
    def stored(name: str) -> Callable[[World, dict[str, Any]], str]:
        return lambda w, answer: getattr(Notice.objects.get(pk=answer["id"]), name)

    counterparty = "Enter a company registration number of 7 digits or a person's of two Cyrillic letters and 8 digits."
    date_answers = {
        label: (400, invalid({"action_date": [answer]}))
        for label, answer in {
            "0001-01-01": "Date cannot be before 1900-01-01.",
            "9999-12-31": "The action date cannot be more than 100 years from today.",
            "10000-01-01": DATE,
            "2024-02-30": DATE,
            "a number": DATE,
            "a list": DATE,
        }.items()
    }
    fields: dict[str, Any] = {
        "category": Coded("Unknown or inactive notice category."),
        "title": Text(255, REQUIRED, stored("title")),
        "reference_number": Text(64, REQUIRED, stored("reference_number")),
        "action_date": Day(date_answers),
        "counterparty_name": Text(255, REQUIRED, stored("counterparty_name")),
        "counterparty_register_number": Coded(counterparty, limit=10),
        "outcome": Coded(CHOICE),
        "interest_nature": Text(4000, REQUIRED, stored("interest_nature")),
        "proposed_handling": Coded(CHOICE),
        "handling_conditions": Text(4000, REQUIRED, stored("handling_conditions")),
    }
    if created:
        fields["organisation"] = ORGANISATION
    return fields


def _notice_body(w: World) -> dict[str, Any]:
    return {
        "organisation": w.department.pk,
        "category": "contract",
        "title": "Замын засварын гэрээ",
        "reference_number": "ГЭ-2026/001",
        "action_date": in_days(30),
        "counterparty_name": "Хөх Тэнгэр ХХК",
        "counterparty_register_number": "6012345",
        "outcome": "conflict",
        "interest_nature": "Гэрээлэгч компанийн 25 хувийг эзэмшдэг.",
        "proposed_handling": "continue_with_conditions",
        "handling_conditions": "Шийдвэрийг хамтын журмаар гаргана.",
    }


def _conclude_fields(target: Callable[[World], dict[str, Any]]) -> dict[str, Any]:
    finding = "Choose a finding that applies to this filing."
    return {
        "finding": Coded(finding),
        "legal_article": Text(
            255, "Name the legal article the conclusion rests on.", _conclusion("legal_article", target)
        ),
        "reasoning": Text(4000, "The reasoning is required.", _conclusion("reasoning", target)),
        "internal_notes": Text(4000, "The reasoning is required.", _conclusion("internal_notes", target)),
    }


CONCLUSION = {
    "finding": "no_violation",
    "legal_article": "Нийтийн албанд нийтийн болон хувийн ашиг сонирхлыг зохицуулах тухай хууль, 8.1",
    "reasoning": "Хөрөнгийн өсөлт өв залгамжлалаар тайлбарлагдсан.",
    "internal_notes": "Баримтуудыг шалгасан.",
}


def _member_fields(prefix: str = "") -> dict[str, Any]:
    def stored(w: World, _answer: dict[str, Any]) -> str:
        return CommitteeMember.objects.latest("pk").full_name

    return {
        f"{prefix}kind": Coded(CHOICE),
        f"{prefix}full_name": Text(255, "An external member needs a full name and an e-mail address.", stored),
        f"{prefix}email": Coded(
            "Enter a valid e-mail address.", "An external member needs a full name and an e-mail address.", limit=254
        ),
    }


EXTERNAL_MEMBER = {"kind": "citizen", "full_name": "Батын Сүрэн", "email": "suren.hostile@example.mn"}


def _nominee_fields() -> dict[str, Any]:
    def stored(name: str) -> Callable[[World, dict[str, Any]], str]:
        def read(w: World, answer: dict[str, Any]) -> str:
            nomination = Nomination.objects.get(pk=answer["id"])
            return nomination.nominee.full_name if name == "full_name" else nomination.position_title

        return read

    return {
        "organisation": ORGANISATION,
        "full_name": Text(255, "Enter a text value.", stored("full_name")),
        "register_number": Coded("Enter a registration number of two Cyrillic letters followed by 8 digits."),
        "email": Coded("Enter a valid email address."),
        "position_title": Text(255, "Enter a text value.", stored("position_title")),
    }


def _appoint_answers() -> dict[str, tuple[int, Any]]:
    return {
        label: (400, invalid({"start_date": [answer]}))
        for label, answer in {
            "0001-01-01": "The appointment cannot start before the nomination was registered ({today}).",
            "9999-12-31": "The appointment cannot start more than a year from today.",
            "10000-01-01": DATE,
            "2024-02-30": DATE,
            "a number": DATE,
            "a list": DATE,
        }.items()
    }


def _birth_date_answers() -> dict[str, tuple[int, Any]]:
    path = "content.personal.birth_date"
    return {
        label: (400, invalid({path: [answer]}))
        for label, answer in {
            "0001-01-01": "Date cannot be before 1900-01-01.",
            "9999-12-31": "Date cannot be in the future.",
            "10000-01-01": DATE,
            "2024-02-30": DATE,
            "a number": DATE,
            "a list": DATE,
        }.items()
    }


def _declaration_create_body(w: World) -> dict[str, Any]:
    return {
        "position": w.users["filer"].official.positions.get().pk,
        "kind": "annual",
        "year": 2024,
        "content": content_for(w),
    }


ENDPOINTS: list[Endpoint] = [
    # --- declarations ---------------------------------------------------------------------------------------
    Endpoint(
        "declarations: create",
        lambda w: "/api/v1/declarations/",
        "filer",
        _declaration_create_body,
        {
            "position": _drf_integer(unknown=(404, NOT_FOUND), name="position"),
            "year": Number(
                {
                    **_drf_integer(unknown=(400, None), name="year").answers,
                    "-1": (400, invalid({"year": [YEAR_RANGE]})),
                    "0": (400, invalid({"year": [YEAR_RANGE]})),
                    "2**63": (400, invalid({"year": [YEAR_RANGE]})),
                    "2**64": (400, invalid({"year": [YEAR_RANGE]})),
                }
            ),
            "content.personal.address": Text(255, "Enter a text value.", _content_field(("personal", "address"))),
            "content.personal.birth_date": Day(_birth_date_answers()),
            "content.real_estate[0].value_mnt": Amount("content.real_estate[0].value_mnt"),
            "content.income[0].amount_mnt": Amount("content.income[0].amount_mnt"),
        },
        not_an_object=DRF_NOT_AN_OBJECT,
    ),
    Endpoint(
        "declarations: change the content",
        _declaration("draft"),
        "filer",
        lambda w: {"content": content_for(w)},
        {
            "content.personal.address": Text(255, "Enter a text value.", _content_field(("personal", "address"))),
            "content.personal.birth_date": Day(_birth_date_answers()),
            "content.real_estate[0].value_mnt": Amount("content.real_estate[0].value_mnt"),
            "content.income[0].amount_mnt": Amount("content.income[0].amount_mnt"),
        },
        method="patch",
        not_an_object=DRF_NOT_AN_OBJECT,
        foreign=lambda w: f"/api/v1/declarations/{w.foreign_declaration.pk}/",
    ),
    *[
        Endpoint(
            f"declarations: {action}",
            _then(_declaration(state), action),
            actor,
            body,
            fields,
            # The agency's supervisor sees every filing: nothing is another person's to them.
            foreign=None
            if actor == "supervisor"
            else lambda w, action=action: f"/api/v1/declarations/{w.foreign_declaration.pk}/{action}/",
        )
        for action, state, actor, body, fields in [
            ("submit", "draft", "filer", lambda w: {}, {}),
            ("resubmit", "returned", "filer", lambda w: {}, {}),
            ("start_review", "submitted", "reviewer", lambda w: {}, {}),
            (
                "return_for_correction",
                "under_review",
                "reviewer",
                lambda w: {"comment": "Үнэлгээг шалгана уу.", "remarks": []},
                {"comment": _comment(Declaration, _decl_pk("under_review"))},
            ),
            (
                "accept",
                "under_review",
                "reviewer",
                lambda w: {"comment": "Зөв."},
                {"comment": _comment(Declaration, _decl_pk("under_review"))},
            ),
            (
                "refer",
                "under_review",
                "reviewer",
                lambda w: {"reason": "Хөрөнгийн өсөлт тайлбаргүй."},
                {"reason": _comment(Declaration, _decl_pk("under_review"), required=REASON_REQUIRED)},
            ),
            (
                "conclude",
                "referred",
                "agency",
                lambda w: dict(CONCLUSION),
                _conclude_fields(lambda w: {"declaration": w.declarations["referred"]}),
            ),
            ("publish", "accepted", "reviewer", lambda w: {}, {}),
            (
                "withdraw_publication",
                "published",
                "supervisor",
                lambda w: {"reason": "Шүүхийн шийдвэрээр."},
                {"reason": _comment(Declaration, _decl_pk("published"), required=REASON_REQUIRED)},
            ),
            ("discard", "draft", "filer", lambda w: {}, {}),
            (
                "assign",
                "referred",
                "supervisor",
                lambda w: {"reviewer": w.users["agency"].pk},
                {"reviewer": _service_id("reviewer", NOT_AN_AGENCY_REVIEWER)},
            ),
        ]
    ],
    # --- notices --------------------------------------------------------------------------------------------
    Endpoint("notices: create", lambda w: "/api/v1/notices/", "filer", _notice_body, _notice_fields(created=True)),
    Endpoint(
        "notices: change",
        _notice("draft"),
        "filer",
        lambda w: {k: v for k, v in _notice_body(w).items() if k != "organisation"},
        _notice_fields(created=False),
        method="patch",
        foreign=lambda w: f"/api/v1/notices/{w.foreign_notice.pk}/",
    ),
    *[
        Endpoint(
            f"notices: {action}",
            _then(_notice(state), action),
            actor,
            body,
            fields,
            foreign=None
            if actor == "supervisor"
            else lambda w, action=action: f"/api/v1/notices/{w.foreign_notice.pk}/{action}/",
        )
        for action, state, actor, body, fields in [
            ("submit", "draft", "filer", lambda w: {}, {}),
            ("resubmit", "returned", "filer", lambda w: {}, {}),
            ("start_review", "submitted", "reviewer", lambda w: {}, {}),
            (
                "return_for_correction",
                "under_review",
                "reviewer",
                lambda w: {"comment": "Гэрээний дугаарыг засна уу."},
                {"comment": _comment(Notice, _notice_pk("under_review"))},
            ),
            (
                "acknowledge",
                "under_review",
                "reviewer",
                lambda w: {"comment": "Зөрчилгүй."},
                {"comment": _comment(Notice, _notice_pk("under_review"))},
            ),
            (
                "refer",
                "under_review",
                "reviewer",
                lambda w: {"reason": "Шалгах шаардлагатай."},
                {"reason": _comment(Notice, _notice_pk("under_review"), required=REASON_REQUIRED)},
            ),
            (
                "conclude",
                "referred",
                "agency",
                lambda w: dict(CONCLUSION),
                _conclude_fields(lambda w: {"notice": w.notices["referred"]}),
            ),
            ("publish", "acknowledged", "reviewer", lambda w: {}, {}),
            (
                "withdraw_publication",
                "published",
                "supervisor",
                lambda w: {"reason": "Шүүхийн шийдвэрээр."},
                {"reason": _comment(Notice, _notice_pk("published"), required=REASON_REQUIRED)},
            ),
            (
                "assign",
                "referred",
                "supervisor",
                lambda w: {"reviewer": w.users["agency"].pk},
                {"reviewer": _service_id("reviewer", NOT_AN_AGENCY_REVIEWER)},
            ),
            (
                "resolution",
                "flagged",
                "reviewer",
                lambda w: {"resolution": "Шийдвэр гаргахаас татгалзуулав."},
                {
                    "resolution": Text(
                        4000, "A resolution is required.", lambda w, a: Notice.objects.get(pk=a["id"]).resolution
                    )
                },
            ),
        ]
    ],
    Endpoint(
        "notices: resolve a red flag",
        lambda w: f"/api/v1/notices/{w.notices['flagged'].pk}/flags/{w.notices['flagged'].red_flags.get().pk}/resolve/",
        "reviewer",
        lambda w: {"reason": "Хувьцааг 2024 онд худалдсан."},
        {"reason": Text(4000, REASON_REQUIRED, lambda w, a: RedFlag.objects.get(notice_id=a["id"]).resolution_reason)},
        foreign=lambda w: (
            f"/api/v1/notices/{w.foreign_notice.pk}/flags/{w.notices['flagged'].red_flags.get().pk}/resolve/"
        ),
    ),
    # --- tenders --------------------------------------------------------------------------------------------
    Endpoint(
        "tenders: create",
        lambda w: "/api/v1/tenders/",
        "secretary",
        lambda w: {"organisation": w.department.pk, "reference_number": "ХА-2026/0999", "title": "Сургуулийн засвар"},
        {
            "organisation": ORGANISATION,
            "reference_number": Text(64, REQUIRED, lambda w, a: Tender.objects.get(pk=a["id"]).reference_number),
            "title": Text(255, REQUIRED, lambda w, a: Tender.objects.get(pk=a["id"]).title),
        },
    ),
    Endpoint(
        "tenders: add a bidder",
        _then(_tender("forming"), "bidders"),
        "secretary",
        lambda w: {"name": "Шинэ Барилга ХХК", "register_number": "6099999"},
        {
            "name": Text(255, REQUIRED, lambda w, a: Bidder.objects.latest("pk").name),
            "register_number": Coded("Enter a company registration number of 7 digits.", limit=7),
        },
        foreign=lambda w: f"/api/v1/tenders/{w.foreign_tender.pk}/bidders/",
    ),
    Endpoint(
        "tenders: add a member",
        _then(_tender("forming"), "members"),
        "secretary",
        lambda w: dict(EXTERNAL_MEMBER),
        _member_fields(),
        foreign=lambda w: f"/api/v1/tenders/{w.foreign_tender.pk}/members/",
    ),
    Endpoint(
        "tenders: add an official as a member",
        _then(_tender("forming"), "members"),
        "secretary",
        lambda w: {"kind": "official", "official": w.users["hr"].official.pk},
        {"official": _service_id("official", "Unknown official.")},
    ),
    Endpoint(
        "tenders: recuse a member",
        lambda w: (
            f"/api/v1/tenders/{w.tenders['declaring'].pk}/members/"
            f"{w.tenders['declaring'].members.get(official__user=w.users['filer']).pk}/recuse/"
        ),
        "secretary",
        lambda w: {"replacement": dict(EXTERNAL_MEMBER)},
        _member_fields("replacement."),
        foreign=lambda w: f"/api/v1/tenders/{w.foreign_tender.pk}/members/{w.foreign_tender.members.get().pk}/recuse/",
    ),
    *[
        Endpoint(
            f"tenders: {action}",
            _then(_tender(state), action),
            "secretary",
            lambda w: {},
            foreign=lambda w, action=action: f"/api/v1/tenders/{w.foreign_tender.pk}/{action}/",
        )
        for action, state in [
            ("open_declarations", "forming"),
            ("clear", "declaring"),
            ("start_evaluation", "cleared"),
            ("close", "evaluating"),
        ]
    ],
    # --- nominations ----------------------------------------------------------------------------------------
    Endpoint(
        "nominations: register a nominee",
        lambda w: "/api/v1/nominations/",
        "hr",
        lambda w: {
            "organisation": w.department.pk,
            "full_name": "Ганболдын Сарангэрэл",
            "register_number": "ДО99112233",
            "email": "hostile.nominee@example.mn",
            "position_title": "Санхүүгийн хэлтсийн дарга",
        },
        _nominee_fields(),
    ),
    Endpoint(
        "nominations: appoint",
        _then(_nomination("concluded"), "appoint"),
        "hr",
        lambda w: {"start_date": in_days(7)},
        {"start_date": Day(_appoint_answers())},
        foreign=lambda w: f"/api/v1/nominations/{w.foreign_nomination.pk}/appoint/",
    ),
    Endpoint(
        "nominations: withdraw",
        _then(_nomination("nominated"), "withdraw"),
        "hr",
        lambda w: {"reason": "Нэр дэвшигч татгалзсан."},
        {"reason": _comment(Nomination, lambda w: w.nominations["nominated"].pk, required=REASON_REQUIRED)},
        foreign=lambda w: f"/api/v1/nominations/{w.foreign_nomination.pk}/withdraw/",
    ),
    # --- obligations ----------------------------------------------------------------------------------------
    Endpoint(
        "obligations: waive",
        lambda w: f"/api/v1/obligations/{_filer_obligation(w).pk}/waive/",
        "reviewer",
        lambda w: {"reason": "Албан тушаалаас чөлөөлөгдсөн."},
        {"reason": Text(4000, REASON_REQUIRED, lambda w, a: Obligation.objects.get(pk=a["id"]).waiver_reason)},
        foreign=lambda w: f"/api/v1/obligations/{_foreign_obligation(w).pk}/waive/",
    ),
    # --- tokens ---------------------------------------------------------------------------------------------
    Endpoint(
        "auth: issue a token",
        lambda w: "/api/v1/auth/token/",
        "anonymous",
        lambda w: {"username": w.users["filer"].username, "password": "test-password-123"},
        not_an_object=DRF_NOT_AN_OBJECT,
    ),
]


def _filer_obligation(w: World) -> Obligation:
    return Obligation.objects.get(official__user=w.users["filer"], kind="annual", period=2024)


def _foreign_obligation(w: World) -> Obligation:
    return Obligation.objects.get(official__user=w.users["stranger"], kind="annual", period=2024)


# Endpoints that read no body (a body sent is ignored), with another person's object where they take an id.
BODYLESS: list[tuple[str, Callable[[World], str], str, Callable[[World], str] | None]] = [
    (
        "nominations: open the preliminary declaration",
        _then(_nomination("nominated"), "preliminary-declaration"),
        "nominee",
        lambda w: f"/api/v1/nominations/{w.foreign_nomination.pk}/preliminary-declaration/",
    ),
    (
        "notifications: mark one read",
        lambda w: f"/api/v1/notifications/{Notification.objects.filter(recipient=w.users['filer']).first().pk}/read/",
        "filer",
        lambda w: (
            f"/api/v1/notifications/{Notification.objects.filter(recipient=w.users['stranger']).first().pk}/read/"
        ),
    ),
]


# --- running a request --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with world_for_module(django_db_blocker) as built:
        yield built


def _headers(w: World, actor: str, language: str = "en") -> dict[str, str]:
    return {"HTTP_ACCEPT_LANGUAGE": language} | {
        f"HTTP_{name.upper()}": value for name, value in w.authorization(actor).items()
    }


# Every hostile input sent in this module, and how many were answered with a server error (the goal: none).
SENT: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_the_inputs_sent(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None:
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            reporter.write_line(f"\nhostile inputs sent: {SENT['inputs']}; server errors: {SENT['server errors']}")


def send(
    w: World,
    method: str,
    path: str,
    actor: str,
    raw: bytes,
    *,
    language: str = "en",
    content_type: str = "application/json",
) -> Any:
    client = Client(raise_request_exception=False)  # a server error is an answer to count, not an exception
    response = client.generic(method.upper(), path, raw, content_type=content_type, **_headers(w, actor, language))
    SENT["inputs"] += 1
    SENT["server errors"] += response.status_code >= 500
    return response


def as_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=True).encode()


def _set(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """The body with the field at ``path`` (``replacement.email``, ``content.real_estate[0].value_mnt``, the
    paths the errors name) set to ``value``."""
    keys: list[Any] = [int(key) if key.isdigit() else key for key in re.split(r"\.|\[|\]\.?", path) if key]
    target: Any = body
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return body


def _fill(template: Any) -> Any:
    """An expected answer whose messages name the current year or today, filled in at run time."""
    today = timezone.localdate()
    if isinstance(template, str):
        return template.format(max=today.year, today=today.isoformat())
    if isinstance(template, dict):
        return {_fill(key): _fill(value) for key, value in template.items()}
    if isinstance(template, list):
        return [_fill(item) for item in template]
    return template


# --- the body as a whole ------------------------------------------------------------------------------------


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def body_cases(endpoint: Endpoint, w: World) -> list[tuple[str, bytes, int, Any]]:
    """(label, raw body, status, answer) of every hostile body for the endpoint."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert endpoint.body is not None
    body = endpoint.body(w)

    def not_an_object(datatype: str) -> Any:
        return invalid({"non_field_errors": [endpoint.not_an_object.format(datatype=datatype)]})

    return [
        (
            f"a body over {limit} bytes",
            as_json({**body, "padding": "x" * limit}),
            413,
            {"detail": f"The request body is too large: send at most {limit} bytes.", "code": "too_large"},
        ),
        ("JSON nested 10,000 levels deep", _nested(10_000), 400, TOO_DEEP),
        ("a field nested 33 levels deep", b'{"zzz": ' + _nested(33) + b"}", 400, TOO_DEEP),
        ("invalid UTF-8", b'{"zzz": "\xff\xfe\xc3\x28"}', 400, MALFORMED),
        ("malformed JSON", b'{"zzz": ', 400, MALFORMED),
        ("a NaN literal", b'{"zzz": NaN}', 400, MALFORMED),
        ("an Infinity literal", b'{"zzz": -Infinity}', 400, MALFORMED),
        ("a list for the object", as_json([body]), 400, not_an_object("list")),
        ("a string for the object", as_json("{}"), 400, not_an_object("str")),
        ("a number for the object", b"1e308", 400, not_an_object("float")),
        ("true for the object", b"true", 400, not_an_object("bool")),
        ("a NUL in a key", as_json({**body, "a\x00b": 1}), 400, invalid({"a\ufffdb": [CONTROL]})),
        ("a lone surrogate in a key", as_json({**body, "a\ud800": 1}), 400, invalid({"a\ufffd": [LONE_SURROGATE]})),
        (
            "a lone surrogate in a nested value",
            as_json({**body, "zzz": [{"x": "\udfff"}]}),
            400,
            invalid({"zzz[0].x": [LONE_SURROGATE]}),
        ),
    ]


def answers(w: World, endpoint: Endpoint, path: str, cases: list[tuple[str, bytes, int, Any]]) -> Any:
    """Send every case; assert that none changed the database; return (expected, received) by label."""
    before = database_state()
    received, expected = {}, {}
    for label, raw, status, answer in cases:
        response = send(w, endpoint.method, path, endpoint.actor, raw)
        received[label] = (response.status_code, response["Content-Type"], response.json())
        expected[label] = (status, "application/json", _fill(answer))
    assert database_state() == before
    return expected, received


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [pytest.param(e, id=e.name) for e in ENDPOINTS])
def test_a_hostile_body_is_refused_and_changes_nothing(world, endpoint):
    expected, received = answers(world, endpoint, endpoint.path(world), body_cases(endpoint, world))

    assert received == expected


# --- one field ----------------------------------------------------------------------------------------------


def _text_cases(spec: Text) -> list[tuple[str, Any, Any]]:
    return [
        ("longer than its maximum", "ж" * (spec.limit + 1), too_long(spec.limit)),
        ("a NUL character", "до\x00гуур", CONTROL),
        ("a lone surrogate", "\ud83d", LONE_SURROGATE),
        ("a list", ["текст"], spec.wrong_type),
        ("an object", {"text": "текст"}, spec.wrong_type),
        ("a number", 12345, spec.wrong_type),
        ("true", True, spec.wrong_type),
    ]


def _coded_cases(spec: Coded) -> list[tuple[str, Any, Any]]:
    wrong_type = spec.wrong_type or spec.wrong

    def for_text(text: str) -> str:
        return too_long(spec.limit) if spec.limit is not None and len(text) > spec.limit else spec.wrong

    return [
        ("very long", "1" * 300, for_text("1" * 300)),
        ("HTML", HTML, for_text(HTML)),
        ("a NUL character", "1234\x00567", CONTROL),
        ("a lone surrogate", "\udc00", LONE_SURROGATE),
        ("a list", ["1234567"], wrong_type),
        ("an object", {"code": "1234567"}, wrong_type),
        ("a number", 1234567, wrong_type),
        ("true", True, wrong_type),
    ]


def field_cases(endpoint: Endpoint, name: str, w: World) -> list[tuple[str, bytes, int, Any]]:
    """(label, raw body, status, answer) of every hostile value of one field of the endpoint's body."""
    assert endpoint.body is not None
    spec = endpoint.fields[name]
    if isinstance(spec, Text):
        values = [(label, value, 400, invalid({name: [message]})) for label, value, message in _text_cases(spec)]
    elif isinstance(spec, Coded):
        values = [(label, value, 400, invalid({name: [message]})) for label, value, message in _coded_cases(spec)]
    elif isinstance(spec, Number):
        values = [(label, value, *spec.answers[label]) for label, value in NUMBERS.items()]
    elif isinstance(spec, Amount):
        values = [(label, value, *spec.answers[label]) for label, value in AMOUNTS.items()]
    else:
        values = [(label, value, *spec.answers[label]) for label, value in FAR_DATES.items()]
    return [
        (label, as_json(_set(endpoint.body(w), name, value)), status, answer) for label, value, status, answer in values
    ]


FIELDS = [
    pytest.param(endpoint, name, id=f"{endpoint.name} | {name}") for endpoint in ENDPOINTS for name in endpoint.fields
]


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "name"), FIELDS)
def test_a_hostile_field_is_refused_naming_it_and_changes_nothing(world, endpoint, name):
    expected, received = answers(world, endpoint, endpoint.path(world), field_cases(endpoint, name, world))

    assert received == expected


FREE_TEXT = [
    pytest.param(endpoint, name, text, id=f"{endpoint.name} | {name} | {kind}")
    for endpoint in ENDPOINTS
    for name, spec in endpoint.fields.items()
    if isinstance(spec, Text)
    for kind, text in (("HTML", HTML), ("SQL", SQL))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "name", "text"), FREE_TEXT)
def test_html_and_sql_in_free_text_are_stored_exactly_and_returned_as_json(world, endpoint, name, text):
    body = _set(endpoint.body(world), name, text)

    response = send(world, endpoint.method, endpoint.path(world), endpoint.actor, as_json(body))

    assert response.status_code in (200, 201), response.json()
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    answer = response.json()
    assert endpoint.fields[name].stored(world, answer) == text
    if name in answer:
        assert answer[name] == text


# --- the id in the path -------------------------------------------------------------------------------------


BAD_IDS = {
    "non-numeric": "abc",
    "negative": "-1",
    "zero": "0",
    "a fraction": "1.5",
    "an exponent": "1e3",
    "2**63": str(2**63),
    "2**64": str(2**64),
    "30 digits": "9" * 30,
    "a NUL": "%00",
    "a line break": "1%0A",
    "an Arabic digit": "%D9%A3",
}


def _with_bad_id(path: str, index: int, bad: str) -> str:
    parts = path.split("/")
    numeric = [i for i, part in enumerate(parts) if part.isdigit()]
    parts[numeric[index]] = bad
    return "/".join(parts)


def id_cases(path: str, index: int, body: bytes) -> list[tuple[str, str, bytes]]:
    return [(label, _with_bad_id(path, index, bad), body) for label, bad in BAD_IDS.items()]


def id_answers(w: World, method: str, actor: str, cases: list[tuple[str, str, bytes]]) -> Any:
    before = database_state()
    received = {}
    for label, path, raw in cases:
        response = send(w, method, path, actor, raw)
        received[label] = (response.status_code, response["Content-Type"], response.json())
    assert database_state() == before
    return received


NOT_FOUND_ANSWER = (404, "application/json", NOT_FOUND)
ID_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if endpoint.takes_id]
FOREIGN_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if endpoint.foreign is not None]
TWO_IDS = ("notices: resolve a red flag", "tenders: recuse a member")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endpoint", "index"),
    [pytest.param(e, 0, id=e.name) for e in ID_ENDPOINTS]
    + [pytest.param(e, 1, id=f"{e.name} | second id") for e in ID_ENDPOINTS if e.name in TWO_IDS],
)
def test_a_malformed_or_huge_id_in_the_path_is_not_found(world, endpoint, index):
    cases = id_cases(endpoint.path(world), index, as_json(endpoint.body(world)))

    received = id_answers(world, endpoint.method, endpoint.actor, cases)

    assert received == dict.fromkeys(BAD_IDS, NOT_FOUND_ANSWER)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [pytest.param(e, id=e.name) for e in FOREIGN_ENDPOINTS])
def test_another_persons_object_is_not_found_like_a_missing_one(world, endpoint):
    cases = [("foreign", endpoint.foreign(world), as_json(endpoint.body(world)))]

    received = id_answers(world, endpoint.method, endpoint.actor, cases)

    assert received == {"foreign": NOT_FOUND_ANSWER}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path", "actor", "foreign"), [pytest.param(*row, id=row[0]) for row in BODYLESS])
def test_an_endpoint_without_a_body_answers_bad_and_foreign_ids_with_a_404(world, name, path, actor, foreign):
    cases = [*id_cases(path(world), 0, b""), ("foreign", foreign(world), b"")]

    received = id_answers(world, "post", actor, cases)

    assert received == dict.fromkeys([*BAD_IDS, "foreign"], NOT_FOUND_ANSWER)


# --- ids in the paths and query strings of the reading endpoints ------------------------------------------------


READ_PATHS = {
    "a declaration": lambda w: f"/api/v1/declarations/{w.declarations['draft'].pk}/",
    "a declaration's history": lambda w: f"/api/v1/declarations/{w.declarations['draft'].pk}/history/",
    "a notice": lambda w: f"/api/v1/notices/{w.notices['draft'].pk}/",
    "a notice's history": lambda w: f"/api/v1/notices/{w.notices['draft'].pk}/history/",
    "a tender": lambda w: f"/api/v1/tenders/{w.tenders['forming'].pk}/",
    "a nomination": lambda w: f"/api/v1/nominations/{w.nominations['nominated'].pk}/",
    "an obligation": lambda w: f"/api/v1/obligations/{_filer_obligation(w).pk}/",
    "an organisation": lambda w: f"/api/v1/organisations/{w.department.pk}/",
    "an official": lambda w: f"/api/v1/officials/{w.users['filer'].official.pk}/",
    "a position": lambda w: f"/api/v1/positions/{w.users['filer'].official.positions.get().pk}/",
    "a public record": lambda w: f"/api/v1/register/{w.declarations['published'].public_snapshot.pk}/",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(READ_PATHS))
def test_reading_with_a_malformed_or_huge_id_is_not_found(world, name):
    received = id_answers(world, "get", "filer", id_cases(READ_PATHS[name](world), 0, b""))

    assert received == dict.fromkeys(BAD_IDS, NOT_FOUND_ANSWER)


WHOLE_NUMBER = "Enter a whole number."
UNKNOWN_CHOICE = "Select a valid choice. That choice is not one of the available choices."
QUERY_VALUES = {"non-numeric": "abc", "negative": "-1", "2**63": str(2**63), "2**64": str(2**64), "a NUL": "%00"}


def _id_filter(most: int) -> dict[str, str]:
    """A whole-number filter (django-filter) from 1 to ``most``."""
    return {
        "non-numeric": WHOLE_NUMBER,
        "negative": "Ensure this value is greater than or equal to 1.",
        "2**63": f"Ensure this value is less than or equal to {most}.",
        "2**64": f"Ensure this value is less than or equal to {most}.",
        "a NUL": WHOLE_NUMBER,
    }


ORGANISATION_FILTER = dict.fromkeys(QUERY_VALUES, UNKNOWN_CHOICE) | {"a NUL": "Null characters are not allowed."}
MAX_ID = 2**63 - 1
QUERY_PARAMETERS = {
    ("/api/v1/declarations/", "official"): _id_filter(MAX_ID),
    ("/api/v1/declarations/", "organisation"): ORGANISATION_FILTER,
    ("/api/v1/declarations/", "year"): _id_filter(9999),
    ("/api/v1/review-queue/", "official"): _id_filter(MAX_ID),
    ("/api/v1/notices/", "tender"): _id_filter(MAX_ID),
    ("/api/v1/notices/", "organisation"): ORGANISATION_FILTER,
    ("/api/v1/notices/", "category"): dict.fromkeys(QUERY_VALUES, UNKNOWN_CHOICE)
    | {"a NUL": "Null characters are not allowed."},
    ("/api/v1/notice-review-queue/", "tender"): _id_filter(MAX_ID),
    ("/api/v1/tenders/", "organisation"): ORGANISATION_FILTER,
    ("/api/v1/obligations/", "period"): _id_filter(9999),
    ("/api/v1/obligations/", "organisation"): ORGANISATION_FILTER,
    ("/api/v1/register/", "organisation"): ORGANISATION_FILTER,
    ("/api/v1/register/", "year"): _id_filter(9999),
    ("/api/v1/reports/notices/", "organisation"): {
        "non-numeric": NOT_AN_INTEGER,
        "negative": AT_LEAST_ONE,
        "2**63": f"Ensure this value is less than or equal to {MAX_ID}.",
        "2**64": f"Ensure this value is less than or equal to {MAX_ID}.",
        "a NUL": NOT_AN_INTEGER,
    },
    ("/api/v1/organisations/", "page_size"): dict.fromkeys(
        ("non-numeric", "negative", "a NUL"), "Enter a whole number of at least 1, once; a page holds at most 200 rows."
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "parameter"), [pytest.param(*key, id=" ".join(key)) for key in QUERY_PARAMETERS])
def test_a_malformed_or_huge_id_in_a_query_is_a_400_naming_the_parameter(world, path, parameter):
    expected = QUERY_PARAMETERS[path, parameter]
    before = database_state()

    received = {}
    for label in expected:
        response = send(world, "get", f"{path}?{parameter}={QUERY_VALUES[label]}", "reviewer", b"")
        received[label] = (response.status_code, response.json())

    assert received == {label: (400, invalid({parameter: [message]})) for label, message in expected.items()}
    assert database_state() == before


# --- in the user's language ---------------------------------------------------------------------------------


def _endpoint(name: str) -> Endpoint:
    return next(endpoint for endpoint in ENDPOINTS if endpoint.name == name)


MN_INVALID = "Оруулсан мэдээлэл буруу байна."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "raw", "status", "answer"),
    [
        pytest.param(
            "too large",
            lambda w: as_json({"title": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}),
            413,
            {
                "detail": f"Хүсэлтийн агуулга хэт том байна: {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} байтаас ихгүй "
                "хэмжээтэй илгээнэ үү.",
                "code": "too_large",
            },
            id="too large",
        ),
        pytest.param(
            "nested",
            lambda w: _nested(10_000),
            400,
            {"detail": "Хүсэлтийн агуулга 32 түвшнээс илүү гүн үүрлэсэн байна.", "code": "parse_error"},
            id="nested",
        ),
        pytest.param(
            "a NUL",
            lambda w: as_json({"title": "до\x00гуур"}),
            400,
            {
                "detail": MN_INVALID,
                "code": "invalid",
                "errors": {"title": ["Энэ утгаас удирдлагын (хэвлэгддэггүй) тэмдэгтүүдийг арилгана уу."]},
            },
            id="a NUL",
        ),
        pytest.param(
            "a lone surrogate",
            lambda w: as_json({"counterparty_name": "\ud800"}),
            400,
            {
                "detail": MN_INVALID,
                "code": "invalid",
                "errors": {
                    "counterparty_name": [
                        "Энэ утга зөв Юникод текст биш байна: хосгүй орлуулагч (surrogate) тэмдэгт агуулж байна."
                    ]
                },
            },
            id="a lone surrogate",
        ),
        pytest.param(
            "too long",
            lambda w: as_json({"title": "ж" * 256}),
            400,
            {
                "detail": MN_INVALID,
                "code": "invalid",
                "errors": {"title": ["Энэ утгад хамгийн ихдээ 255 тэмдэгт оруулна."]},
            },
            id="too long",
        ),
        pytest.param(
            "far in the future",
            lambda w: as_json({"action_date": "9999-12-31"}),
            400,
            {
                "detail": MN_INVALID,
                "code": "invalid",
                "errors": {"action_date": ["Үйлдлийн огноо өнөөдрөөс хойш 100 жилээс хэтэрч болохгүй."]},
            },
            id="far in the future",
        ),
    ],
)
def test_a_refusal_is_in_mongolian_for_a_mongolian_user(world, label, raw, status, answer):
    endpoint = _endpoint("notices: change")
    before = database_state()

    response = send(world, endpoint.method, endpoint.path(world), endpoint.actor, raw(world), language="mn")

    assert (response.status_code, response.json()) == (status, answer)
    assert database_state() == before


@pytest.mark.django_db
def test_another_persons_object_is_not_found_in_mongolian(world):
    endpoint = _endpoint("notices: change")

    response = send(world, "patch", endpoint.foreign(world), "filer", as_json({"title": "x"}), language="mn")

    assert (response.status_code, response.json()) == (404, {"detail": "Олдсонгүй.", "code": "not_found"})


# --- the notice import (a file, not JSON) --------------------------------------------------------------------

CSV_HEADER = (
    "register_number,category,title,reference_number,action_date,counterparty_name,counterparty_register_number,"
    "outcome,interest_nature,proposed_handling,handling_conditions,submitted_on\n"
)
CSV_COLUMNS = CSV_HEADER.strip().split(",")
NOT_UTF8 = {"file": ["The file must be UTF-8 text."]}


def _csv_row(w: World, title: str) -> str:
    number = w.users["filer"].official.register_number
    return f"{number},contract,{title},ГЭ-ИМП-1,2026-12-01,,,no_conflict,,,,2026-11-01\n"


def _multipart(organisation: str, w: World) -> tuple[str, bytes]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    upload = SimpleUploadedFile("notices.csv", (CSV_HEADER + _csv_row(w, "Гэрээ")).encode())
    return MULTIPART_CONTENT, encode_multipart(BOUNDARY, {"organisation": organisation, "file": upload})


def import_cases(w: World) -> list[tuple[str, str, str, bytes, int, Any]]:
    """(label, query, content type, body, status, answer) of hostile imports."""
    department = f"?organisation={w.department.pk}"
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    missing = ", ".join(f"“{column}”" for column in CSV_COLUMNS)
    return [
        (
            "a NUL in a cell",
            department,
            "text/csv",
            (CSV_HEADER + _csv_row(w, "Гэ\x00рээ")).encode(),
            400,
            invalid({"line 2.title": [CONTROL]}),
        ),
        (
            "invalid UTF-8",
            department,
            "text/csv",
            CSV_HEADER.encode() + b"\xff\xfe\xc3\x28,,\n",
            400,
            invalid(NOT_UTF8),
        ),
        ("binary", department, "text/csv", bytes(range(256)) * 100, 400, invalid(NOT_UTF8)),
        ("no body", department, "text/csv", b"", 400, invalid({"file": ["No file was submitted."]})),
        (
            f"a cell over {limit} bytes",
            department,
            "text/csv",
            b"x" * (limit + 1),
            400,
            invalid({"line 1": ["This row is not valid CSV; check its quotes."]}),
        ),
        (
            f"a file over {limit} bytes with a wrong header",
            department,
            "text/csv",
            b"a,b\n" + b"x,y\n" * (limit // 4 + 1),
            400,
            invalid({"header": [f"Missing columns: {missing}.", "Unknown columns: “a”, “b”."]}),
        ),
        ("an organisation of 2**64", f"?organisation={2**64}", "text/csv", CSV_HEADER.encode(), 404, NOT_FOUND),
        (
            "a NUL for the organisation",
            "?organisation=%00",
            "text/csv",
            CSV_HEADER.encode(),
            400,
            invalid({"organisation": [NOT_AN_INTEGER]}),
        ),
        # The organisation tree is public: another aimag's office is seen, and the import refused.
        (
            "another aimag's organisation",
            f"?organisation={w.elsewhere.pk}",
            "text/csv",
            CSV_HEADER.encode(),
            403,
            {"detail": "Only an authorised official of the organisation can import its notices.", "code": "forbidden"},
        ),
        (
            "JSON nested 10,000 levels deep",
            department,
            "application/json",
            _nested(10_000),
            415,
            {"detail": 'Unsupported media type "application/json" in request.', "code": "unsupported_media_type"},
        ),
        (
            "multipart: a NUL for the organisation",
            "",
            *_multipart("1\x00", w),
            400,
            invalid({"organisation": [CONTROL]}),
        ),
        ("multipart: an organisation of 2**64", "", *_multipart(str(2**64), w), 404, NOT_FOUND),
        (
            "multipart: a list for the organisation",
            "",
            *_multipart("[1]", w),
            400,
            invalid({"organisation": [NOT_AN_INTEGER]}),
        ),
    ]


@pytest.mark.django_db
def test_a_hostile_import_is_refused_and_changes_nothing(world):
    cases = import_cases(world)
    before = database_state()

    received = {}
    for label, query, content_type, raw, _status, _answer in cases:
        response = send(world, "post", f"/api/v1/notices/import/{query}", "reviewer", raw, content_type=content_type)
        received[label] = (response.status_code, response["Content-Type"], response.json())

    assert received == {label: (status, "application/json", answer) for label, *_, status, answer in cases}
    assert database_state() == before


# --- the limits themselves ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_body_32_levels_deep_is_read_and_one_level_more_is_refused(world):
    endpoint = _endpoint("notices: change")
    deepest = b'{"title": ' + _nested(31) + b"}"  # the object and 31 lists: 32 levels
    too_deep = b'{"title": ' + _nested(32) + b"}"

    read = send(world, "patch", endpoint.path(world), "filer", deepest)
    refused = send(world, "patch", endpoint.path(world), "filer", too_deep)

    assert (read.status_code, read.json()) == (400, invalid({"title": [REQUIRED]}))
    assert (refused.status_code, refused.json()) == (400, TOO_DEEP)


PAGE_SIZE = "Enter a whole number of at least 1, once; a page holds at most 200 rows."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["page_size=0", "page_size=", "page_size=1&page_size=2", "page_size=1.5", "page_size=%D9%A3", "page_size=+1"],
)
def test_a_page_size_that_is_not_one_whole_number_from_1_is_a_400(world, query):
    response = send(world, "get", f"/api/v1/organisations/?{query}", "filer", b"")

    assert (response.status_code, response.json()) == (400, invalid({"page_size": [PAGE_SIZE]}))


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "rows"), [("page_size=1", 1), (f"page_size={2**64}", 3), ("", 3)])
def test_a_page_size_is_capped_at_the_maximum(world, query, rows):
    response = send(world, "get", f"/api/v1/organisations/?{query}", "supervisor", b"")

    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


FORM = "application/x-www-form-urlencoded"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "raw", "answer"),
    [
        pytest.param(
            "more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS",
            "&".join(f"f{index}=x" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)).encode(),
            {"detail": "The request has too many fields or files.", "code": "too_many_fields"},
            id="too many fields",
        ),
        pytest.param("a NUL", b"title=%00", invalid({"title": [CONTROL]}), id="a NUL"),
        pytest.param("a NUL in a name", b"ti%00tle=x", invalid({"ti\ufffdtle": [CONTROL]}), id="a NUL in a name"),
        pytest.param(
            "invalid UTF-8",
            b"title=%FF%FE",
            {"detail": "The request body is not valid utf-8 text.", "code": "parse_error"},
            id="invalid UTF-8",
        ),
        pytest.param(
            "invalid UTF-8 bytes",
            b"title=\xff\xfe",
            {"detail": "The request body is not valid utf-8 text.", "code": "parse_error"},
            id="invalid UTF-8 bytes",
        ),
    ],
)
def test_a_hostile_form_body_is_refused_and_changes_nothing(world, label, raw, answer):
    endpoint = _endpoint("notices: change")
    before = database_state()

    response = send(world, "patch", endpoint.path(world), "filer", raw, content_type=FORM)

    assert (response.status_code, response.json()) == (400, answer)
    assert database_state() == before


@pytest.mark.django_db
def test_a_form_body_is_read_field_by_field_like_json(world):
    endpoint = _endpoint("notices: change")

    response = send(world, "patch", endpoint.path(world), "filer", "title=Гэрээ%20№2".encode(), content_type=FORM)

    assert response.status_code == 200, response.json()
    assert Notice.objects.get(pk=world.notices["draft"].pk).title == "Гэрээ №2"
