"""Notices over HTTP: categories, create and edit, the graph as a table, who may take each step, resolutions,
red flags, lateness, history, and the CSV import."""

import datetime

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation

from declarations.content import MSG_DATE, MSG_REQUIRED
from declarations.models import Notice, NoticeCategory, NoticeState, RedFlag
from declarations.rules import FLAGS_UNRESOLVED, RESOLUTION_REQUIRED
from tests.api.conftest import signed_in
from tests.factories import TRANSITION_ARGS, PositionFactory
from tests.notice_factories import (
    FLAG_REASON,
    RESOLUTION,
    RETURN_COMMENT,
    conflict_fields,
    in_days,
    make_accepted_declaration,
    make_notice,
    notice_fields,
)
from workflow import audit, errors, notice_import, notices
from workflow import tenders as tenders_module
from workflow.models import TransitionLog

N = NoticeState
LIST = "/api/v1/notices/"
CATEGORIES = "/api/v1/notice-categories/"
IMPORT = "/api/v1/notices/import/"
NOT_FOUND_BODY = {"detail": str(errors.NOT_FOUND), "code": "not_found"}
FORBIDDEN_BODY = {"detail": str(errors.FORBIDDEN_TRANSITION), "code": "forbidden"}
NOT_SIGNED_IN = {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}
ROW_FIELDS = {
    "id",
    "category",
    "state",
    "state_display",
    "official",
    "filer_name",
    "organisation",
    "tender",
    "is_supplementary",
    "title",
    "reference_number",
    "action_date",
    "counterparty_name",
    "counterparty_register_number",
    "outcome",
    "interest_nature",
    "proposed_handling",
    "handling_conditions",
    "resolution",
    "is_late",
    "created_at",
    "updated_at",
    "submitted_at",
    "acknowledged_at",
    "concluded_at",
    "published_at",
    "conclusion",
    "red_flags",
    "available_transitions",
}

# transition → (source, target, the role that takes it)
GRAPH = {
    "submit": (N.DRAFT, N.SUBMITTED, "filer"),
    "resubmit": (N.RETURNED, N.SUBMITTED, "filer"),
    "start_review": (N.SUBMITTED, N.UNDER_REVIEW, "reviewer"),
    "return_for_correction": (N.UNDER_REVIEW, N.RETURNED, "reviewer"),
    "acknowledge": (N.UNDER_REVIEW, N.ACKNOWLEDGED, "reviewer"),
    "refer": (N.UNDER_REVIEW, N.REFERRED, "reviewer"),
    "publish": (N.ACKNOWLEDGED, N.PUBLISHED, "reviewer"),
    "withdraw_publication": (N.PUBLISHED, N.WITHDRAWN, "supervisor"),
}
# Transitions with a second source (``conclude``, the agency's, is in tests/api/test_referrals.py).
OTHER_SOURCES = {"publish": (N.CONCLUDED,)}
BODIES = {
    "return_for_correction": {"comment": RETURN_COMMENT},
    "refer": TRANSITION_ARGS["refer"],
    "withdraw_publication": TRANSITION_ARGS["withdraw_publication"],
}

# What each role may do in each state: the ``available_transitions`` every payload carries.
AVAILABLE = {
    N.DRAFT: {"filer": ["submit"], "reviewer": [], "supervisor": []},
    N.SUBMITTED: {"filer": [], "reviewer": ["start_review"], "supervisor": []},
    N.UNDER_REVIEW: {"filer": [], "reviewer": ["return_for_correction", "acknowledge", "refer"], "supervisor": []},
    N.RETURNED: {"filer": ["resubmit"], "reviewer": [], "supervisor": []},
    N.ACKNOWLEDGED: {"filer": [], "reviewer": ["publish"], "supervisor": []},
    N.REFERRED: {"filer": [], "reviewer": [], "supervisor": []},
    N.CONCLUDED: {"filer": [], "reviewer": ["publish"], "supervisor": []},
    N.PUBLISHED: {"filer": [], "reviewer": [], "supervisor": ["withdraw_publication"]},
    N.WITHDRAWN: {"filer": [], "reviewer": [], "supervisor": []},
}


def url(pk, action=None):
    return f"/api/v1/notices/{pk}/{action}/" if action else f"/api/v1/notices/{pk}/"


def _invalid(errors_by_path):
    return {"detail": "The input is invalid.", "code": "invalid", "errors": errors_by_path}


def notice_footprint(notice):
    """Everything a refused request must leave as it was: every column, the log, the flags, the counts."""
    return {
        "row": Notice.objects.filter(pk=notice.pk).values().get(),
        "log": list(audit.history_for(notice).values_list("id", "hash")),
        "flags": list(RedFlag.objects.filter(notice_id=notice.pk).order_by("pk").values()),
        "notices": Notice.objects.count(),
        "all_flags": RedFlag.objects.count(),
        "log_rows": TransitionLog.objects.count(),
    }


def _notice(world, state=N.DRAFT, **fields):
    return make_notice(state, position=world.filer_position, reviewer=world.reviewer, **fields)


def _flagged(world, state=N.SUBMITTED):
    """A notice whose counterparty is a company the filer declared (matched by name), brought to ``state``."""
    make_accepted_declaration(world.filer_position, reviewer=world.reviewer)
    notice = _notice(world, N.DRAFT, counterparty_name="«ГОВЬ-АЛТ»   ххк")
    signed_in(world.filer).post(url(notice.pk, "submit"))
    if state == N.UNDER_REVIEW:
        signed_in(world.reviewer).post(url(notice.pk, "start_review"))
    notice.refresh_from_db()
    assert notice.state == state
    return notice


# --- Categories -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "contract", "committee"),
    [
        ("en", "Concluding a contract", "Procurement evaluation committee"),
        ("mn", "Гэрээ байгуулах", "Худалдан авах ажиллагааны үнэлгээний хороо"),
    ],
)
def test_the_active_categories_come_in_the_agencys_order_named_in_the_request_language(
    world, language, contract, committee
):
    NoticeCategory.objects.filter(code="management").update(is_active=False)
    NoticeCategory.objects.create(code="gift", name="Бэлэг авах", name_en="Accepting a gift", ordering=95)

    response = signed_in(world.colleague).get(CATEGORIES, HTTP_ACCEPT_LANGUAGE=language)

    rows = response.json()["results"]
    assert response.status_code == 200
    assert [row["code"] for row in rows] == [
        "contract",
        "administrative_decision",
        "inspection",
        "liability",
        "procurement_committee",
        "other",
        "gift",
    ]
    assert rows[0] == {
        "code": "contract",
        "display_name": contract,
        "name": "Гэрээ байгуулах",
        "name_en": "Concluding a contract",
    }
    assert rows[4]["display_name"] == committee


@pytest.mark.django_db
def test_categories_need_a_signed_in_user(api_client):
    response = api_client.get(CATEGORIES)

    assert response.status_code == 401
    assert response.json() == NOT_SIGNED_IN


# --- Reading ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_shows_the_notice_its_category_its_flags_and_what_the_user_may_do(world):
    notice = _flagged(world)
    flag = RedFlag.objects.get(notice=notice)
    official = world.filer.official

    body = signed_in(world.reviewer).get(url(notice.pk)).json()

    assert set(body) == ROW_FIELDS | {"return_note"}
    assert body["category"] == {"code": "contract", "display_name": "Concluding a contract"}
    assert (body["state"], body["state_display"]) == ("submitted", "Submitted")
    assert body["official"] == {"id": official.pk, "full_name": official.full_name}
    assert body["filer_name"] == official.full_name
    assert body["organisation"] == {"id": world.department.pk, "name": world.department.name}
    assert (body["tender"], body["is_supplementary"], body["is_late"]) == (None, False, False)
    assert body["action_date"] == notice.action_date.isoformat()
    assert body["red_flags"] == [
        {
            "id": flag.pk,
            "kind": "counterparty_declared_company",
            "matched_on": "name",
            "evidence": flag.evidence,
            "resolved_at": None,
            "resolution_reason": "",
        }
    ]
    assert flag.evidence["company_name"] == "Говь-Алт ХХК"
    assert body["available_transitions"] == ["start_review"]
    assert body["return_note"] is None


@pytest.mark.django_db
def test_the_return_note_appears_only_while_the_notice_is_returned(world):
    returned = _notice(world, N.RETURNED)
    resubmitted = _notice(world, N.RETURNED, reference_number="ГЭ-2025/018")
    signed_in(world.filer).post(url(resubmitted.pk, "resubmit"))

    note = signed_in(world.filer).get(url(returned.pk)).json()["return_note"]
    gone = signed_in(world.filer).get(url(resubmitted.pk)).json()["return_note"]

    assert note["comment"] == RETURN_COMMENT
    assert note["remarks"] == []
    assert datetime.datetime.fromisoformat(note["at"]) < timezone.now()
    assert gone is None


@pytest.mark.django_db
def test_the_history_lists_the_transitions_oldest_first(world):
    notice = _notice(world, N.RETURNED)

    response = signed_in(world.filer).get(url(notice.pk, "history"))

    assert response.status_code == 200
    assert [(e["transition"], e["from_state"], e["to_state"], e["actor"]) for e in response.json()] == [
        ("submit", "draft", "submitted", world.filer.official.full_name),
        ("start_review", "submitted", "under_review", world.reviewer.official.full_name),
        ("return_for_correction", "under_review", "returned", world.reviewer.official.full_name),
    ]
    assert response.json()[2]["comment"] == RETURN_COMMENT


@pytest.fixture
def every_notice(world):
    """Notices of the filer in every state, a colleague's, one elsewhere, and the ЭБАТ's own."""
    own = {state: _notice(world, state, reference_number=f"R-{index}") for index, state in enumerate(N)}
    colleague = make_notice(N.SUBMITTED, position=world.colleague_position, reviewer=world.reviewer)
    elsewhere = make_notice(N.UNDER_REVIEW, position=PositionFactory(organisation=world.elsewhere))
    reviewers_own = make_notice(N.SUBMITTED, position=world.reviewer.official.positions.get())
    by_name = {f"filer:{state}": notice.pk for state, notice in own.items()}
    return by_name | {"colleague": colleague.pk, "elsewhere": elsewhere.pk, "reviewers_own": reviewers_own.pk}


FILERS = [f"filer:{state}" for state in N]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("filer", FILERS),
        ("colleague", ["colleague"]),
        ("reviewer", [*FILERS, "colleague", "reviewers_own"]),
        ("foreign_reviewer", ["elsewhere"]),
        ("supervisor", [*FILERS, "colleague", "reviewers_own", "elsewhere"]),
    ],
)
def test_the_list_holds_exactly_what_the_detail_shows(world, every_notice, role, visible):
    client = signed_in(getattr(world, role))

    listed = {row["id"] for row in client.get(LIST, {"page_size": 200}).json()["results"]}
    shown = {pk for pk in every_notice.values() if client.get(url(pk)).status_code == 200}
    hidden = set(every_notice.values()) - shown

    assert listed == shown == {every_notice[name] for name in visible}
    assert all(client.get(url(pk)).json() == NOT_FOUND_BODY for pk in hidden)


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(N))
@pytest.mark.parametrize("role", ["filer", "reviewer", "supervisor"])
def test_a_list_row_offers_the_same_transitions_as_the_detail(world, role, state):
    notice = _notice(world, state)
    client = signed_in(getattr(world, role))

    row = next(row for row in client.get(LIST).json()["results"] if row["id"] == notice.pk)
    detail = client.get(url(notice.pk)).json()

    assert set(row) == ROW_FIELDS
    assert row["available_transitions"] == detail["available_transitions"] == AVAILABLE[state][role]


# --- Creating ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_filer_opens_a_draft_for_their_organisation(world):
    body = {"organisation": world.department.pk, "category": "inspection", **notice_fields()}

    response = signed_in(world.filer).post(LIST, body, format="json")

    assert response.status_code == 201
    created = Notice.objects.get(pk=response.json()["id"])
    assert (created.state, created.filer, created.official, created.organisation, created.category.code) == (
        N.DRAFT,
        world.filer,
        world.filer.official,
        world.department,
        "inspection",
    )
    assert (created.title, created.reference_number, created.action_date.isoformat(), created.outcome) == (
        body["title"],
        body["reference_number"],
        body["action_date"],
        "no_conflict",
    )
    assert response.json()["available_transitions"] == ["submit"]
    assert audit.history_for(created).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"category": "contract"}, 400, _invalid({"organisation": ["This field is required."]})),
        (
            {"organisation": "first", "category": "contract"},
            400,
            _invalid({"organisation": ["A valid integer is required."]}),
        ),
        ({"organisation": 999999, "category": "contract"}, 404, NOT_FOUND_BODY),
        ({"organisation": "DEPARTMENT"}, 400, _invalid({"category": [str(MSG_REQUIRED)]})),
        (
            {"organisation": "DEPARTMENT", "category": "bribery"},
            400,
            _invalid({"category": [str(notices.UNKNOWN_CATEGORY)]}),
        ),
        (
            {"organisation": "DEPARTMENT", "category": "contract", "action_date": "15.03.2025"},
            400,
            _invalid({"action_date": [str(MSG_DATE)]}),
        ),
        (
            {"organisation": "DEPARTMENT", "category": "contract", "counterparty_register_number": "12345"},
            400,
            _invalid({"counterparty_register_number": [str(notices.COUNTERPARTY_NUMBER_INVALID)]}),
        ),
        (
            {"organisation": "DEPARTMENT", "category": "contract", "state": "acknowledged"},
            400,
            _invalid({"state": [str(notices.UNKNOWN_FIELD)]}),
        ),
        (
            {"organisation": "DEPARTMENT", "category": "contract", "actor": 1},
            400,
            _invalid({"actor": [str(notices.UNKNOWN_FIELD)]}),
        ),
        (
            {"organisation": "ELSEWHERE", "category": "contract", "action_date": "yesterday"},
            403,
            {"detail": str(notices.NOT_YOUR_ORGANISATION), "code": "forbidden"},
        ),
    ],
)
def test_a_refused_create_writes_nothing(world, body, status, expected):
    ids = {"DEPARTMENT": world.department.pk, "ELSEWHERE": world.elsewhere.pk}
    body = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    count, log_rows = Notice.objects.count(), TransitionLog.objects.count()

    response = signed_in(world.filer).post(LIST, body, format="json")

    assert response.status_code == status
    assert response.json() == expected
    assert (Notice.objects.count(), TransitionLog.objects.count()) == (count, log_rows)


@pytest.mark.django_db
def test_a_body_that_is_not_an_object_is_a_400(world):
    response = signed_in(world.filer).post(LIST, [world.department.pk], format="json")

    assert response.status_code == 400
    assert response.json() == _invalid({"non_field_errors": ["Send a JSON object."]})
    assert Notice.objects.count() == 0


# --- Editing ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", [N.DRAFT, N.RETURNED])
def test_the_filer_edits_the_notice_while_draft_or_returned(world, state):
    notice = _notice(world, state)

    response = signed_in(world.filer).patch(
        url(notice.pk),
        {"category": "liability", "counterparty_name": " «Говь» ХХК ", "counterparty_register_number": "ув90051234"},
        format="json",
    )

    saved = Notice.objects.get(pk=notice.pk)
    assert response.status_code == 200
    assert (saved.category.code, saved.counterparty_name, saved.counterparty_register_number) == (
        "liability",
        "«Говь» ХХК",
        "УВ90051234",
    )
    assert saved.counterparty_name_normalised == "говь ххк"
    assert response.json()["category"] == {"code": "liability", "display_name": "Imposing liability"}
    assert saved.updated_at > notice.updated_at
    assert saved.state == state


@pytest.mark.django_db
@pytest.mark.parametrize("state", [N.SUBMITTED, N.UNDER_REVIEW, N.ACKNOWLEDGED, N.PUBLISHED])
def test_the_notice_is_frozen_once_submitted(world, state):
    notice = _notice(world, state)
    before = notice_footprint(notice)

    response = signed_in(world.filer).patch(url(notice.pk), {"title": "Өөр гэрээ"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": str(notices.NOTICE_NOT_EDITABLE),
        "code": "invalid_state",
        "state": state,
        "allowed_transitions": AVAILABLE[state]["filer"],
    }
    assert notice_footprint(notice) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "body", "status", "expected"),
    [
        ("reviewer", {"title": "x"}, 403, {"detail": str(notices.FORBIDDEN_NOTICE_EDIT), "code": "forbidden"}),
        ("supervisor", {"title": "x"}, 403, {"detail": str(notices.FORBIDDEN_NOTICE_EDIT), "code": "forbidden"}),
        ("colleague", {"title": "x"}, 404, NOT_FOUND_BODY),
        ("foreign_reviewer", {"colour": "red"}, 404, NOT_FOUND_BODY),
        ("filer", {"category": "bribery"}, 400, _invalid({"category": [str(notices.UNKNOWN_CATEGORY)]})),
        ("filer", {"category": None}, 400, _invalid({"category": [str(notices.UNKNOWN_CATEGORY)]})),
        ("filer", {"action_date": "2025-02-30"}, 400, _invalid({"action_date": [str(MSG_DATE)]})),
        ("filer", {"action_date": 20250301}, 400, _invalid({"action_date": [str(MSG_DATE)]})),
        (
            "filer",
            {"counterparty_register_number": "AB12345678"},
            400,
            _invalid({"counterparty_register_number": [str(notices.COUNTERPARTY_NUMBER_INVALID)]}),
        ),
        ("filer", {"colour": "red"}, 400, _invalid({"colour": [str(notices.UNKNOWN_FIELD)]})),
        ("filer", {"notice_id": 1}, 400, _invalid({"notice_id": [str(notices.UNKNOWN_FIELD)]})),
        ("filer", {"outcome": "maybe"}, 400, _invalid({"outcome": ["Select a valid choice."]})),
        ("filer", {"title": "x" * 256}, 400, _invalid({"title": [str(errors.TEXT_TOO_LONG % {"max": 255})]})),
        ("filer", ["title"], 400, _invalid({"non_field_errors": ["Send a JSON object."]})),
    ],
)
def test_a_refused_edit_changes_nothing(world, who, body, status, expected):
    notice = _notice(world, N.DRAFT)
    before = notice_footprint(notice)

    response = signed_in(getattr(world, who)).patch(url(notice.pk), body, format="json")

    assert response.status_code == status
    assert response.json() == expected
    assert notice_footprint(notice) == before


# --- The graph, step by step ------------------------------------------------------------------------


def _log(notice):
    return list(audit.history_for(notice).values_list("transition", "from_state", "to_state", "actor"))


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(N))
@pytest.mark.parametrize("transition", list(GRAPH))
def test_every_transition_from_every_state_is_taken_or_refused_with_409(world, state, transition):
    source, target, role = GRAPH[transition]
    notice = _notice(world, state)
    log_before = _log(notice)
    before = notice_footprint(notice)

    response = signed_in(getattr(world, role)).post(url(notice.pk, transition), BODIES.get(transition, {}))

    if state == source or state in OTHER_SOURCES.get(transition, ()):
        assert response.status_code == 200
        assert response.json()["state"] == target
        assert response.json()["available_transitions"] == AVAILABLE[target][role]
        assert _log(Notice.objects.get(pk=notice.pk)) == [
            *log_before,
            (transition, state, target, getattr(world, role).pk),
        ]
    else:
        assert response.status_code == 409
        assert response.json() == {
            "detail": str(errors.WRONG_STATE % {"state": N(state).label}),
            "code": "invalid_state",
            "state": state,
            "allowed_transitions": AVAILABLE[state][role],
        }
        assert notice_footprint(notice) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("transition", "role", "status"),
    [
        (transition, role, status)
        for transition, (_source, _target, owner) in GRAPH.items()
        for role, status in {
            "filer": 403,
            "colleague": 404,
            "foreign_reviewer": 404,
            "reviewer": 403,
            "supervisor": 403,
            "anonymous": 401,
        }.items()
        if role != owner
    ],
)
def test_a_transition_is_refused_to_everyone_but_its_role(world, api_client, transition, role, status):
    source, _target, _owner = GRAPH[transition]
    notice = _notice(world, source)
    client = api_client if role == "anonymous" else signed_in(getattr(world, role))
    before = notice_footprint(notice)

    response = client.post(url(notice.pk, transition), BODIES.get(transition, {}))

    assert response.status_code == status
    assert response.json() == {401: NOT_SIGNED_IN, 403: FORBIDDEN_BODY, 404: NOT_FOUND_BODY}[status]
    assert notice_footprint(notice) == before


@pytest.mark.django_db
@pytest.mark.parametrize("transition", list(GRAPH))
def test_a_transition_on_a_missing_notice_is_404(world, transition):
    _source, _target, role = GRAPH[transition]

    response = signed_in(getattr(world, role)).post(url(999999, transition), {})

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"comment": [str(errors.COMMENT_REQUIRED)]}),
        ({"comment": "  "}, {"comment": [str(errors.COMMENT_REQUIRED)]}),
        ({"comment": ["a"]}, {"comment": [str(errors.COMMENT_REQUIRED)]}),
        ({"comment": "x" * 4001}, {"comment": [str(errors.TEXT_TOO_LONG % {"max": 4000})]}),
    ],
)
def test_a_return_needs_a_comment(world, body, expected):
    notice = _notice(world, N.UNDER_REVIEW)
    before = notice_footprint(notice)

    response = signed_in(world.reviewer).post(url(notice.pk, "return_for_correction"), body)

    assert response.status_code == 400
    assert response.json() == _invalid(expected)
    assert notice_footprint(notice) == before


@pytest.mark.django_db
def test_an_incomplete_notice_is_not_submitted(world):
    notice = _notice(world, N.DRAFT, outcome="conflict")
    before = notice_footprint(notice)

    response = signed_in(world.filer).post(url(notice.pk, "submit"))

    assert response.status_code == 400
    assert response.json() == _invalid(
        {"interest_nature": [str(MSG_REQUIRED)], "proposed_handling": [str(MSG_REQUIRED)]}
    )
    assert notice_footprint(notice) == before


# --- Lateness ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("action_in_days", "late"), [(-1, True), (0, False), (14, False)])
def test_a_notice_submitted_after_its_action_date_is_accepted_and_marked_late(world, action_in_days, late):
    notice = _notice(world, N.DRAFT, action_date=in_days(action_in_days))

    response = signed_in(world.filer).post(url(notice.pk, "submit"))

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["is_late"]) == ("submitted", late)
    assert Notice.objects.get(pk=notice.pk).is_late is late


# --- A declared conflict needs a resolution ---------------------------------------------------------


@pytest.mark.django_db
def test_a_conflict_is_acknowledged_only_after_the_reviewer_records_its_resolution(world):
    notice = make_notice(N.UNDER_REVIEW, position=world.filer_position, reviewer=world.reviewer, **conflict_fields())
    reviewer = signed_in(world.reviewer)
    before = notice_footprint(notice)

    refused = reviewer.post(url(notice.pk, "acknowledge"))
    after_refusal = notice_footprint(notice)
    recorded = reviewer.post(url(notice.pk, "resolution"), {"resolution": RESOLUTION})
    acknowledged = reviewer.post(url(notice.pk, "acknowledge"), {"comment": "Танилцав."})

    assert refused.status_code == 409
    assert refused.json() == {
        "detail": str(RESOLUTION_REQUIRED),
        "code": "invalid_state",
        "state": "under_review",
        "allowed_transitions": ["return_for_correction", "refer"],
    }
    assert after_refusal == before
    assert recorded.status_code == 200
    assert recorded.json()["resolution"] == RESOLUTION
    assert recorded.json()["available_transitions"] == ["return_for_correction", "acknowledge", "refer"]
    assert acknowledged.status_code == 200
    assert acknowledged.json()["state"] == "acknowledged"
    saved = Notice.objects.get(pk=notice.pk)
    assert (saved.state, saved.resolution) == (N.ACKNOWLEDGED, RESOLUTION)
    assert audit.history_for(saved).last().comment == "Танилцав."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "who", "body", "status", "expected"),
    [
        (N.UNDER_REVIEW, "filer", {"resolution": RESOLUTION}, 403, FORBIDDEN_BODY),
        (N.UNDER_REVIEW, "supervisor", {"resolution": RESOLUTION}, 403, FORBIDDEN_BODY),
        (N.UNDER_REVIEW, "colleague", {"resolution": RESOLUTION}, 404, NOT_FOUND_BODY),
        (N.UNDER_REVIEW, "reviewer", {}, 400, _invalid({"resolution": [str(notices.RESOLUTION_REQUIRED_INPUT)]})),
        (
            N.UNDER_REVIEW,
            "reviewer",
            {"resolution": " "},
            400,
            _invalid({"resolution": [str(notices.RESOLUTION_REQUIRED_INPUT)]}),
        ),
        (
            N.SUBMITTED,
            "reviewer",
            {"resolution": RESOLUTION},
            409,
            {
                "detail": str(errors.WRONG_STATE % {"state": N.SUBMITTED.label}),
                "code": "invalid_state",
                "state": "submitted",
                "allowed_transitions": ["start_review"],
            },
        ),
    ],
)
def test_a_refused_resolution_changes_nothing(world, state, who, body, status, expected):
    notice = make_notice(state, position=world.filer_position, reviewer=world.reviewer, **conflict_fields())
    before = notice_footprint(notice)

    response = signed_in(getattr(world, who)).post(url(notice.pk, "resolution"), body)

    assert response.status_code == status
    assert response.json() == expected
    assert notice_footprint(notice) == before


# --- Red flags --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_flagged_notice_is_acknowledged_only_after_the_flag_is_resolved_in_writing(world):
    notice = _flagged(world, N.UNDER_REVIEW)
    flag = RedFlag.objects.get(notice=notice)
    reviewer = signed_in(world.reviewer)
    before = notice_footprint(notice)

    refused = reviewer.post(url(notice.pk, "acknowledge"))
    after_refusal = notice_footprint(notice)
    resolved = reviewer.post(url(notice.pk, f"flags/{flag.pk}/resolve"), {"reason": FLAG_REASON})
    acknowledged = reviewer.post(url(notice.pk, "acknowledge"))

    assert refused.status_code == 409
    assert refused.json() == {
        "detail": str(FLAGS_UNRESOLVED),
        "code": "invalid_state",
        "state": "under_review",
        "allowed_transitions": ["return_for_correction", "refer"],
    }
    assert after_refusal == before
    assert resolved.status_code == 200
    assert resolved.json()["red_flags"][0]["resolution_reason"] == FLAG_REASON
    assert datetime.datetime.fromisoformat(resolved.json()["red_flags"][0]["resolved_at"]) <= timezone.now()
    assert RedFlag.objects.get(pk=flag.pk).resolved_by == world.reviewer
    assert acknowledged.status_code == 200
    assert acknowledged.json()["state"] == "acknowledged"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "who", "status", "expected"),
    [
        ("open", "filer", 403, FORBIDDEN_BODY),
        ("open", "colleague", 404, NOT_FOUND_BODY),
        ("open", "foreign_reviewer", 404, NOT_FOUND_BODY),
        ("missing_flag", "reviewer", 404, NOT_FOUND_BODY),
        ("other_notices_flag", "reviewer", 404, NOT_FOUND_BODY),
        ("no_reason", "reviewer", 400, _invalid({"reason": [str(notices.REASON_REQUIRED)]})),
        ("resolved", "reviewer", 409, {"detail": str(notices.FLAG_NOT_OPEN), "code": "conflict"}),
        (
            "submitted",
            "reviewer",
            409,
            {
                "detail": str(errors.WRONG_STATE % {"state": N.SUBMITTED.label}),
                "code": "invalid_state",
                "state": "submitted",
                "allowed_transitions": ["start_review"],
            },
        ),
    ],
)
def test_a_refused_flag_resolution_changes_nothing(world, case, who, status, expected):
    notice = _flagged(world, N.SUBMITTED if case == "submitted" else N.UNDER_REVIEW)
    flag_id = RedFlag.objects.get(notice=notice).pk
    if case == "missing_flag":
        flag_id = 999999
    elif case == "other_notices_flag":
        other = make_notice(
            N.DRAFT, position=world.colleague_position, reviewer=world.reviewer, counterparty_name="Говь-Алт ХХК"
        )
        make_accepted_declaration(world.colleague_position, reviewer=world.reviewer)
        signed_in(world.colleague).post(url(other.pk, "submit"))
        flag_id = RedFlag.objects.get(notice=other).pk
    elif case == "resolved":
        notices.notice_resolve_flag(actor=world.reviewer, notice_id=notice.pk, flag_id=flag_id, reason=FLAG_REASON)
    before = notice_footprint(notice)

    response = signed_in(getattr(world, who)).post(
        url(notice.pk, f"flags/{flag_id}/resolve"), {} if case == "no_reason" else {"reason": "Шалгасан."}
    )

    assert response.status_code == status
    assert response.json() == expected
    assert notice_footprint(notice) == before


# --- Import from CSV --------------------------------------------------------------------------------

HEADER = ",".join(notice_import.COLUMNS)


def _csv(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


def _row(register_number, category="contract", action_date="2025-03-10", submitted_on="2025-03-01", **fields):
    values = {
        "register_number": register_number,
        "category": category,
        "title": "Барилгын гэрээ",
        "reference_number": "ГЭ-17",
        "action_date": action_date,
        "outcome": "no_conflict",
        "submitted_on": submitted_on,
        **fields,
    }
    return ",".join(values.get(column, "") for column in notice_import.COLUMNS)


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["multipart", "text/csv"])
def test_the_ebat_imports_notices_filed_elsewhere_as_submitted(world, how):
    number = world.filer.official.register_number
    text = _csv(_row(number), _row(number, category="inspection", reference_number="Ш-2", submitted_on="2025-03-12"))
    client = signed_in(world.reviewer)

    if how == "multipart":
        upload = SimpleUploadedFile("notices.csv", ("\ufeff" + text).encode(), content_type="text/csv")
        response = client.post(IMPORT, {"file": upload, "organisation": world.aimag.pk}, format="multipart")
    else:
        response = client.generic(
            "POST", f"{IMPORT}?organisation={world.aimag.pk}", text.encode(), content_type="text/csv"
        )

    assert response.status_code == 201, response.content
    ids = response.json()["notice_ids"]
    assert response.json() == {"created": 2, "notice_ids": ids}
    created = list(Notice.objects.filter(pk__in=ids).order_by("pk"))
    assert [(n.state, n.filer, n.category.code, n.is_late) for n in created] == [
        (N.SUBMITTED, world.filer, "contract", False),
        (N.SUBMITTED, world.filer, "inspection", True),
    ]
    assert [row["id"] for row in client.get("/api/v1/notice-review-queue/").json()["results"]] == ids


@pytest.mark.django_db
def test_a_large_upload_is_read_from_disk_like_a_small_one(world, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    text = _csv(_row(world.filer.official.register_number))

    response = signed_in(world.reviewer).generic(
        "POST", f"{IMPORT}?organisation={world.department.pk}", text.encode(), content_type="text/csv"
    )

    assert response.status_code == 201
    assert response.json()["created"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "case", "status", "expected"),
    [
        ("filer", "valid", 403, {"detail": str(notice_import.FORBIDDEN_IMPORT), "code": "forbidden"}),
        ("foreign_reviewer", "valid", 403, {"detail": str(notice_import.FORBIDDEN_IMPORT), "code": "forbidden"}),
        ("foreign_reviewer", "not_utf8", 403, {"detail": str(notice_import.FORBIDDEN_IMPORT), "code": "forbidden"}),
        ("reviewer", "unknown_organisation", 404, NOT_FOUND_BODY),
        ("reviewer", "no_organisation", 400, _invalid({"organisation": ["This field is required."]})),
        ("reviewer", "no_file", 400, _invalid({"file": ["No file was submitted."]})),
        ("reviewer", "not_utf8", 400, _invalid({"file": [str(notice_import.NOT_UTF8)]})),
        (
            "reviewer",
            "bad_rows",
            400,
            _invalid(
                {
                    "line 3.category": [str(notices.UNKNOWN_CATEGORY)],
                    "line 4.action_date": [str(MSG_DATE)],
                }
            ),
        ),
    ],
)
def test_a_refused_import_writes_nothing(world, who, case, status, expected):
    number = world.filer.official.register_number
    rows = [_row(number)]
    if case == "bad_rows":
        rows += [_row(number, category="bribery", reference_number="2"), _row(number, action_date="10.03.2025")]
    body = _csv(*rows).encode()
    if case == "not_utf8":
        body = _csv(_row(number, title="Гэрээ")).encode("cp1251")
    data = {"file": SimpleUploadedFile("n.csv", body), "organisation": world.department.pk}
    if case == "unknown_organisation":
        data["organisation"] = 999999
    elif case == "no_organisation":
        del data["organisation"]
    elif case == "no_file":
        del data["file"]
    counts = (Notice.objects.count(), TransitionLog.objects.count(), RedFlag.objects.count())

    response = signed_in(getattr(world, who)).post(IMPORT, data, format="multipart")

    assert response.status_code == status
    assert response.json() == expected
    assert (Notice.objects.count(), TransitionLog.objects.count(), RedFlag.objects.count()) == counts


@pytest.mark.django_db
def test_an_import_needs_a_signed_in_user(api_client, world):
    response = api_client.generic(
        "POST", f"{IMPORT}?organisation={world.department.pk}", _csv().encode(), content_type="text/csv"
    )

    assert response.status_code == 401
    assert response.json() == NOT_SIGNED_IN


@pytest.mark.django_db
def test_an_import_in_json_is_an_unsupported_media_type(world):
    response = signed_in(world.reviewer).post(IMPORT, {"organisation": world.department.pk}, format="json")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert Notice.objects.count() == 0


# --- Language ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refusal_speaks_mongolian_when_asked(world):
    notice = make_notice(N.UNDER_REVIEW, position=world.filer_position, reviewer=world.reviewer, **conflict_fields())

    response = signed_in(world.reviewer).post(url(notice.pk, "acknowledge"), HTTP_ACCEPT_LANGUAGE="mn")

    with translation.override("mn"):
        expected = str(RESOLUTION_REQUIRED)
    assert response["Content-Language"] == "mn"
    assert response.json()["detail"] == expected


# --- Every address: credentials, and its place in the schema ----------------------------------------

NOTICE_ENDPOINTS = [
    ("get", "/api/v1/notice-categories/"),
    ("get", "/api/v1/notices/"),
    ("post", "/api/v1/notices/"),
    ("post", "/api/v1/notices/import/"),
    ("get", "/api/v1/notices/{pk}/"),
    ("patch", "/api/v1/notices/{pk}/"),
    ("get", "/api/v1/notices/{pk}/history/"),
    ("post", "/api/v1/notices/{pk}/resolution/"),
    ("post", "/api/v1/notices/{pk}/flags/{flag}/resolve/"),
    *[("post", f"/api/v1/notices/{{pk}}/{transition}/") for transition in GRAPH],
    ("get", "/api/v1/notice-review-queue/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), NOTICE_ENDPOINTS)
def test_without_credentials_every_notice_address_is_a_401_that_reveals_nothing(world, api_client, method, path):
    notice = _flagged(world, N.UNDER_REVIEW)
    before = notice_footprint(notice)
    address = path.format(pk=notice.pk, flag=RedFlag.objects.get(notice=notice).pk)

    response = getattr(api_client, method)(address, {"resolution": RESOLUTION, "reason": FLAG_REASON})

    assert response.status_code == 401
    assert response.json() == NOT_SIGNED_IN
    assert notice_footprint(notice) == before


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize(
    ("path", "operation_id", "success", "component"),
    [
        *[(f"/api/v1/notices/{{id}}/{name}/", f"notices_{name}", "200", None) for name in ("submit", "resubmit")],
        ("/api/v1/notices/{id}/start_review/", "notices_start_review", "200", None),
        ("/api/v1/notices/{id}/return_for_correction/", "notices_return_for_correction", "200", "NoticeReturnRequest"),
        ("/api/v1/notices/{id}/acknowledge/", "notices_acknowledge", "200", "CommentRequest"),
        ("/api/v1/notices/{id}/publish/", "notices_publish", "200", None),
        ("/api/v1/notices/{id}/resolution/", "notices_record_resolution", "200", "ResolutionRequest"),
        ("/api/v1/notices/{id}/flags/{flag_id}/resolve/", "notices_resolve_flag", "200", "ReasonRequest"),
        *[
            (f"/api/v1/tenders/{{id}}/{name}/", f"tenders_{name}", "200", None)
            for name in tenders_module.TENDER_TRANSITION_SERVICES
        ],
        ("/api/v1/tenders/{id}/bidders/", "tenders_add_bidder", "201", "BidderCreateRequest"),
        ("/api/v1/tenders/{id}/members/", "tenders_add_member", "201", "MemberCreateRequest"),
        ("/api/v1/tenders/{id}/members/{member_id}/recuse/", "tenders_recuse_member", "200", "RecuseRequest"),
    ],
)
def test_every_action_has_its_own_operation_with_every_error_answer(schema, path, operation_id, success, component):
    operation = schema["paths"][path]["post"]

    assert operation["operationId"] == operation_id
    assert sorted(operation["responses"]) == [success, "400", "401", "403", "404", "409", "413", "415"]
    if component is None:
        assert "requestBody" not in operation
    else:
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{component}"


def test_the_import_takes_a_multipart_file_or_a_csv_body(schema):
    operation = schema["paths"]["/api/v1/notices/import/"]["post"]

    assert operation["operationId"] == "notices_import"
    assert sorted(operation["requestBody"]["content"]) == ["multipart/form-data", "text/csv"]
    assert sorted(operation["responses"]) == ["201", "400", "401", "403", "404", "409", "413", "415"]


def test_the_notice_and_tender_enums_are_named(schema):
    components = schema["components"]["schemas"]

    assert components["NoticeStateEnum"]["enum"] == list(N.values)
    assert components["TenderStateEnum"]["enum"] == ["forming", "declaring", "cleared", "evaluating", "closed"]
    assert components["MemberKindEnum"]["enum"] == ["official", "association", "ngo", "citizen"]
    assert components["RedFlagKindEnum"]["enum"] == ["bidder_declared_company", "counterparty_declared_company"]


def test_the_notice_filters_are_documented_with_their_types(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/notice-review-queue/"]["get"]["parameters"]}

    assert parameters["category"] == {"type": "string"}
    assert parameters["is_late"] == {"type": "boolean"}
    assert parameters["tender"] == {"type": "integer"}
    assert parameters["organisation"] == {"type": "integer"}
    assert parameters["action_date_after"] == {"type": "string", "format": "date"}
    assert parameters["state"]["type"] == "array"
