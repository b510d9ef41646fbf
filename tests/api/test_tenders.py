"""Tenders over HTTP: the secretary forms the committee and the bidder list, members declare, the ЭБАТ
reviews, and the clearing gate holds the evaluation until every member is cleared."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from declarations.content import MSG_CHOICE, MSG_COMPANY_REGISTER_NUMBER, MSG_REQUIRED
from declarations.models import Bidder, CommitteeMember, Notice, RedFlag, Tender, TenderState
from declarations.rules import FLAGS_UNRESOLVED, MEMBER_CONFLICTED, MEMBER_NOT_ACKNOWLEDGED, MEMBER_NOT_DECLARED
from tests.api.conftest import signed_in
from tests.api.test_notices import NOT_FOUND_BODY, NOT_SIGNED_IN, notice_footprint
from tests.factories import PositionFactory
from tests.notice_factories import (
    FLAG_REASON,
    clear_member,
    conflict_fields,
    declare,
    in_days,
    latest_notice,
    make_accepted_declaration,
    make_tender,
)
from workflow import errors, notices, tenders
from workflow.models import TransitionLog

T = TenderState
User = get_user_model()
LIST = "/api/v1/tenders/"
FORBIDDEN_BODY = {"detail": str(errors.FORBIDDEN_TRANSITION), "code": "forbidden"}
EXTERNAL = ("Сүрэнгийн Дорж", "dorj@example.mn")
DETAIL_FIELDS = {
    "id",
    "reference_number",
    "title",
    "organisation",
    "state",
    "state_display",
    "secretary_name",
    "created_at",
    "updated_at",
    "available_transitions",
    "bidders",
    "members",
    "gate",
}


def url(pk, action=None):
    return f"/api/v1/tenders/{pk}/{action}/" if action else f"/api/v1/tenders/{pk}/"


def notice_url(pk, action=None):
    return f"/api/v1/notices/{pk}/{action}/" if action else f"/api/v1/notices/{pk}/"


def _invalid(errors_by_path):
    return {"detail": "The input is invalid.", "code": "invalid", "errors": errors_by_path}


def tender_footprint(tender):
    """Everything a refused request must leave as it was."""
    return {
        "row": Tender.objects.filter(pk=tender.pk).values().get(),
        "log_rows": list(TransitionLog.objects.order_by("pk").values_list("pk", "hash")),
        "notices": list(Notice.objects.order_by("pk").values_list("pk", "state", "updated_at", "is_supplementary")),
        "bidders": list(Bidder.objects.order_by("pk").values()),
        "members": list(CommitteeMember.objects.order_by("pk").values()),
        "flags": list(RedFlag.objects.order_by("pk").values_list("pk", "resolved_at")),
        "users": User.objects.count(),
    }


@dataclass
class Committee:
    """A tender of the department, its secretary, an official member, an external member, and bystanders."""

    tender: Tender
    secretary: Any
    member: Any
    external: Any
    reviewer: Any
    outsider: Any
    supervisor: Any

    def seat(self, user):
        return CommitteeMember.objects.get(tender=self.tender, user=user)


def _committee(world, state=T.FORMING, **kwargs):
    secretary = PositionFactory(organisation=world.department, title="Худалдан авах ажиллагааны нарийн бичиг")
    member = PositionFactory(organisation=world.department, title="Инженер")
    tender = make_tender(
        state,
        organisation=world.department,
        secretary=secretary.official.user,
        reviewer=world.reviewer,
        members=[member],
        externals=[EXTERNAL],
        **kwargs,
    )
    return Committee(
        tender=tender,
        secretary=secretary.official.user,
        member=member.official.user,
        external=User.objects.get(email=EXTERNAL[1]),
        reviewer=world.reviewer,
        outsider=world.colleague,
        supervisor=world.supervisor,
    )


# --- The whole way, over HTTP -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_committee_is_formed_declares_is_reviewed_cleared_and_evaluates(world):
    # given a procurement secretary, and an official whose accepted declaration lists «Говь-Алт ХХК»
    secretary_user = PositionFactory(organisation=world.department, title="Нарийн бичгийн дарга").official.user
    member_position = PositionFactory(organisation=world.department, title="Инженер")
    make_accepted_declaration(member_position, reviewer=world.reviewer)
    member_user = member_position.official.user
    secretary, reviewer = signed_in(secretary_user), signed_in(world.reviewer)

    # the secretary opens the tender, seats an official and a citizen, registers a bidder, opens declarations
    created = secretary.post(
        LIST, {"organisation": world.department.pk, "reference_number": "ХА-2025/0101", "title": "Сургуулийн засвар"}
    )
    pk = created.json()["id"]
    seated_official = secretary.post(url(pk, "members"), {"kind": "official", "official": member_position.official_id})
    seated_citizen = secretary.post(
        url(pk, "members"), {"kind": "citizen", "full_name": EXTERNAL[0], "email": EXTERNAL[1]}
    )
    bidder = secretary.post(url(pk, "bidders"), {"name": ' «ГОВЬ-АЛТ»   ХХК" ', "register_number": "7654321"})
    opened = secretary.post(url(pk, "open_declarations"))

    assert created.status_code == 201
    assert set(created.json()) == DETAIL_FIELDS
    assert (created.json()["state"], created.json()["secretary_name"]) == ("forming", secretary_user.official.full_name)
    assert created.json()["available_transitions"] == []
    assert (seated_official.status_code, seated_citizen.status_code, bidder.status_code) == (201, 201, 201)
    assert [(m["full_name"], m["kind"], m["official"]) for m in seated_citizen.json()["members"]] == [
        (member_position.official.full_name, "official", member_position.official_id),
        (EXTERNAL[0], "citizen", None),
    ]
    assert seated_citizen.json()["available_transitions"] == ["open_declarations"]
    assert [(b["name"], b["register_number"]) for b in bidder.json()["bidders"]] == [('«ГОВЬ-АЛТ»   ХХК"', "7654321")]
    assert opened.status_code == 200
    assert opened.json()["state"] == "declaring"

    # each member finds their notice among their own, completes it and submits it
    external_user = User.objects.get(email=EXTERNAL[1])
    submitted = {}
    for user in (member_user, external_user):
        client = signed_in(user)
        rows = client.get("/api/v1/notices/", {"tender": pk}).json()["results"]
        assert [(row["category"]["code"], row["state"], row["tender"]) for row in rows] == [
            ("procurement_committee", "draft", pk)
        ]
        edited = client.patch(notice_url(rows[0]["id"]), {"action_date": in_days(7), "outcome": "no_conflict"})
        assert edited.status_code == 200
        submitted[user] = client.post(notice_url(rows[0]["id"], "submit"))
        assert submitted[user].status_code == 200
    member_notice, external_notice = submitted[member_user].json(), submitted[external_user].json()

    # the official's notice carries the flag the bidder raised, matched on the name
    flag = RedFlag.objects.get()
    shown = reviewer.get(notice_url(member_notice["id"])).json()
    assert shown["red_flags"] == [
        {
            "id": flag.pk,
            "kind": "bidder_declared_company",
            "matched_on": "name",
            "evidence": flag.evidence,
            "resolved_at": None,
            "resolution_reason": "",
        }
    ]
    assert (flag.evidence["company_name"], flag.evidence["matched_name"]) == ("Говь-Алт ХХК", '«ГОВЬ-АЛТ»   ХХК"')
    assert signed_in(member_user).get(notice_url(member_notice["id"])).json()["red_flags"] == shown["red_flags"]
    assert (external_notice["red_flags"], external_notice["official"], external_notice["filer_name"]) == (
        [],
        None,
        EXTERNAL[0],
    )

    # the ЭБАТ reviews both: the flagged one is acknowledged only once the flag is resolved in writing
    queue = reviewer.get("/api/v1/notice-review-queue/", {"tender": pk}).json()["results"]
    assert [row["id"] for row in queue] == [member_notice["id"], external_notice["id"]]
    assert queue[1]["filer_name"] == EXTERNAL[0]
    for notice_id in (member_notice["id"], external_notice["id"]):
        assert reviewer.post(notice_url(notice_id, "start_review")).status_code == 200
    refused = reviewer.post(notice_url(member_notice["id"], "acknowledge"))
    resolved = reviewer.post(notice_url(member_notice["id"], f"flags/{flag.pk}/resolve"), {"reason": FLAG_REASON})
    acknowledged = [reviewer.post(notice_url(n["id"], "acknowledge")) for n in (member_notice, external_notice)]

    assert refused.status_code == 409
    assert refused.json() == {
        "detail": str(FLAGS_UNRESOLVED),
        "code": "invalid_state",
        "state": "under_review",
        "allowed_transitions": ["return_for_correction", "refer"],
    }
    assert resolved.status_code == 200
    assert [response.status_code for response in acknowledged] == [200, 200]

    # the committee is cleared, and the evaluation starts
    before_clearing = secretary.get(url(pk)).json()
    cleared = secretary.post(url(pk, "clear"))
    evaluating = secretary.post(url(pk, "start_evaluation"))

    assert before_clearing["gate"] == []
    assert before_clearing["available_transitions"] == ["clear"]
    assert [(m["notice"]["state"], m["notice"]["outcome"]) for m in before_clearing["members"]] == [
        ("acknowledged", "no_conflict"),
        ("acknowledged", "no_conflict"),
    ]
    assert cleared.status_code == 200
    assert (cleared.json()["state"], cleared.json()["available_transitions"]) == (
        "cleared",
        ["start_evaluation"],
    )
    assert evaluating.status_code == 200
    assert (evaluating.json()["state"], evaluating.json()["available_transitions"]) == ("evaluating", ["close"])
    assert Tender.objects.get(pk=pk).state == T.EVALUATING


# --- The clearing gate ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_committee_is_not_cleared_while_a_member_has_not_declared(world):
    committee = _committee(world, T.DECLARING)
    clear_member(committee.seat(committee.external), reviewer=world.reviewer)
    member_name = committee.member.official.full_name
    before = tender_footprint(committee.tender)

    response = signed_in(committee.secretary).post(url(committee.tender.pk, "clear"))

    assert response.status_code == 409
    assert response.json() == {
        "detail": str(MEMBER_NOT_DECLARED % {"member": member_name}),
        "code": "invalid_state",
        "state": "declaring",
        "allowed_transitions": [],
    }
    assert tender_footprint(committee.tender) == before


@pytest.mark.django_db
def test_the_gate_names_every_member_that_keeps_the_committee_from_clearing(world):
    committee = _committee(world, T.DECLARING)
    declare(latest_notice(committee.seat(committee.member)), **conflict_fields(action_date=in_days(7)))
    declare(latest_notice(committee.seat(committee.external)))
    member_name = committee.member.official.full_name

    gate = signed_in(committee.secretary).get(url(committee.tender.pk)).json()["gate"]
    refused = signed_in(committee.secretary).post(url(committee.tender.pk, "clear"))

    assert gate == [
        str(MEMBER_CONFLICTED % {"member": member_name}),
        str(MEMBER_NOT_ACKNOWLEDGED % {"member": EXTERNAL[0]}),
    ]
    assert refused.json()["detail"] == " ".join(gate)


@pytest.mark.django_db
def test_a_conflicted_member_is_recused_and_the_replacement_must_declare(world):
    committee = _committee(world, T.DECLARING)
    declare(latest_notice(committee.seat(committee.member)), **conflict_fields(action_date=in_days(7)))
    clear_member(committee.seat(committee.external), reviewer=world.reviewer)
    replacement = PositionFactory(organisation=world.department, title="Эдийн засагч").official
    secretary = signed_in(committee.secretary)
    seat = committee.seat(committee.member)

    response = secretary.post(
        url(committee.tender.pk, f"members/{seat.pk}/recuse"),
        {"replacement": {"kind": "official", "official": replacement.pk}},
    )

    assert response.status_code == 200
    new_seat = CommitteeMember.objects.get(tender=committee.tender, user=replacement.user)
    rows = {m["id"]: m for m in response.json()["members"]}
    assert (rows[seat.pk]["is_recused"], rows[seat.pk]["replaced_by"]) == (True, new_seat.pk)
    assert rows[new_seat.pk]["notice"]["state"] == "draft"
    assert response.json()["gate"] == [str(MEMBER_NOT_DECLARED % {"member": replacement.full_name})]

    clear_member(new_seat, reviewer=world.reviewer)
    assert secretary.post(url(committee.tender.pk, "clear")).status_code == 200


@pytest.mark.django_db
def test_a_bidder_added_after_clearing_sends_the_members_back_to_declare(world):
    committee = _committee(world, T.CLEARED)

    response = signed_in(committee.secretary).post(
        url(committee.tender.pk, "bidders"), {"name": "Шинэ Зам ХХК", "register_number": "6543210"}
    )

    assert response.status_code == 201
    assert response.json()["state"] == "declaring"
    assert [(m["notice"]["state"], m["notice"]["is_supplementary"]) for m in response.json()["members"]] == [
        ("draft", True),
        ("draft", True),
    ]
    assert response.json()["available_transitions"] == []


# --- Who sees what ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "notices_seen", "sees_gate"),
    [
        ("secretary", ["member", "external"], True),
        ("reviewer", ["member", "external"], True),
        ("supervisor", ["member", "external"], True),
        ("member", ["member"], False),
        ("external", ["external"], False),
    ],
)
def test_a_member_sees_the_tender_and_only_their_own_notice_in_it(world, role, notices_seen, sees_gate):
    committee = _committee(world, T.DECLARING)
    member_name = committee.member.official.full_name

    body = signed_in(getattr(committee, role)).get(url(committee.tender.pk)).json()

    rows = {row["full_name"]: row["notice"] for row in body["members"]}
    expected = {
        "member": latest_notice(committee.seat(committee.member)),
        "external": latest_notice(committee.seat(committee.external)),
    }
    assert rows == {
        name: (
            {
                "id": expected[who].pk,
                "state": "draft",
                "state_display": "Draft",
                "outcome": "",
                "is_supplementary": False,
            }
            if who in notices_seen
            else None
        )
        for who, name in (("member", member_name), ("external", EXTERNAL[0]))
    }
    assert body["gate"] == (
        [str(MEMBER_NOT_DECLARED % {"member": member_name}), str(MEMBER_NOT_DECLARED % {"member": EXTERNAL[0]})]
        if sees_gate
        else None
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("secretary", True),
        ("member", True),
        ("external", True),
        ("reviewer", True),
        ("supervisor", True),
        ("outsider", False),
    ],
)
def test_the_tender_list_holds_exactly_what_the_detail_shows(world, role, sees):
    committee = _committee(world)
    foreign = make_tender(organisation=world.elsewhere)
    client = signed_in(getattr(committee, role))

    listed = [row["id"] for row in client.get(LIST).json()["results"]]
    detail = client.get(url(committee.tender.pk))

    expected = [committee.tender.pk] if sees else []
    if role == "supervisor":
        expected = [foreign.pk, *expected]
    assert listed == expected
    assert detail.status_code == (200 if sees else 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [("state=forming", ["forming"]), ("state=declaring&state=cleared", ["declaring"]), ("organisation=AIMAG", None)],
)
def test_tender_filters_narrow_the_list(world, query, expected):
    make_tender(T.FORMING, organisation=world.department, reviewer=world.reviewer)
    make_tender(T.DECLARING, organisation=world.department, reviewer=world.reviewer)
    make_tender(T.FORMING, organisation=world.elsewhere)

    rows = signed_in(world.reviewer).get(f"{LIST}?{query.replace('AIMAG', str(world.aimag.pk))}").json()["results"]

    assert sorted(row["state"] for row in rows) == (expected or ["declaring", "forming"])


# --- The permission matrix --------------------------------------------------------------------------

ROLES = ["secretary", "member", "external", "reviewer", "outsider", "anonymous"]
# A visible tender that is not yours to manage: 403; an invisible one: 404; no credentials: 401.
REFUSED = {"member": 403, "external": 403, "reviewer": 403, "outsider": 404, "anonymous": 401}
TENDER_ACTIONS = {
    # action → (tender state, body, the secretary's status)
    "bidders": (T.FORMING, {"name": "Тэнгэр ХХК", "register_number": "6100001"}, 201),
    "members": (T.FORMING, {"kind": "ngo", "full_name": "Б. Оюун", "email": "oyun@example.mn"}, 201),
    "recuse": (T.DECLARING, {"replacement": {"kind": "citizen", "full_name": "Г. Цэцэг", "email": "c@ex.mn"}}, 200),
    "open_declarations": (T.FORMING, {}, 200),
    "clear": (T.DECLARING, {}, 200),
    "start_evaluation": (T.CLEARED, {}, 200),
    "close": (T.EVALUATING, {}, 200),
}


def _client(committee, role, api_client):
    return api_client if role == "anonymous" else signed_in(getattr(committee, role))


def _body(status):
    return {401: NOT_SIGNED_IN, 403: FORBIDDEN_BODY, 404: NOT_FOUND_BODY}.get(status)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(TENDER_ACTIONS))
def test_only_the_secretary_changes_the_committee_or_moves_the_tender(world, api_client, action, role):
    state, body, allowed = TENDER_ACTIONS[action]
    committee = _committee(world, state, gate_open=True)
    path = url(committee.tender.pk, action)
    if action == "recuse":
        path = url(committee.tender.pk, f"members/{committee.seat(committee.member).pk}/recuse")
    before = tender_footprint(committee.tender)

    response = _client(committee, role, api_client).post(path, body)

    if role == "secretary":
        assert response.status_code == allowed
        assert tender_footprint(committee.tender) != before
    else:
        assert response.status_code == REFUSED[role]
        assert response.json() == _body(REFUSED[role])
        assert tender_footprint(committee.tender) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("secretary", 200), ("member", 200), ("external", 200), ("reviewer", 200), ("outsider", 404), ("anonymous", 401)],
)
def test_who_reads_the_tender(world, api_client, role, status):
    committee = _committee(world)

    response = _client(committee, role, api_client).get(url(committee.tender.pk))

    assert response.status_code == status
    if status != 200:
        assert response.json() == _body(status)


# notice transition → (notice state, role that takes it); every other role is refused as below.
NOTICE_STEPS = {
    "submit": ("draft", "member"),
    "start_review": ("submitted", "reviewer"),
    "return_for_correction": ("under_review", "reviewer"),
    "acknowledge": ("under_review", "reviewer"),
}
# Who sees the official member's committee notice: its filer and the ЭБАТ. The secretary follows its state
# on the tender page but does not open the notice (the declared interest, the flags' evidence).
NOTICE_REFUSED = {"secretary": 404, "member": 403, "reviewer": 403, "external": 404, "outsider": 404, "anonymous": 401}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", list(NOTICE_STEPS))
def test_only_the_filer_and_the_ebat_move_a_committee_notice(world, api_client, transition, role):
    state, owner = NOTICE_STEPS[transition]
    committee = _committee(world, T.DECLARING)
    notice = latest_notice(committee.seat(committee.member))
    notices.notice_update(actor=committee.member, notice_id=notice.pk, action_date=in_days(7), outcome="no_conflict")
    if state != "draft":
        notices.notice_submit(actor=committee.member, notice_id=notice.pk)
    if state == "under_review":
        notices.notice_start_review(actor=world.reviewer, notice_id=notice.pk)
    body = {"comment": "Засна уу."} if transition == "return_for_correction" else {}
    before = notice_footprint(notice)

    response = _client(committee, role, api_client).post(notice_url(notice.pk, transition), body)

    if role == owner:
        assert response.status_code == 200
        assert Notice.objects.get(pk=notice.pk).state != state
    else:
        assert response.status_code == NOTICE_REFUSED[role]
        assert response.json() == _body(NOTICE_REFUSED[role])
        assert notice_footprint(notice) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("secretary", 404, NOT_FOUND_BODY),
        ("reviewer", 403, {"detail": str(notices.FORBIDDEN_NOTICE_EDIT), "code": "forbidden"}),
        ("external", 404, NOT_FOUND_BODY),
        ("outsider", 404, NOT_FOUND_BODY),
    ],
)
def test_only_the_member_edits_their_committee_notice(world, role, status, expected):
    committee = _committee(world, T.DECLARING)
    notice = latest_notice(committee.seat(committee.member))
    before = notice_footprint(notice)

    response = signed_in(getattr(committee, role)).patch(notice_url(notice.pk), {"outcome": "no_conflict"})

    assert response.status_code == status
    assert response.json() == expected
    assert notice_footprint(notice) == before


# --- Bad input --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"reference_number": "ХА-1", "title": "Засвар"}, 400, _invalid({"organisation": ["This field is required."]})),
        ({"organisation": 999999, "reference_number": "ХА-1", "title": "Засвар"}, 404, NOT_FOUND_BODY),
        ({"organisation": "DEPARTMENT", "reference_number": "ХА-1"}, 400, _invalid({"title": [str(MSG_REQUIRED)]})),
        (
            {"organisation": "DEPARTMENT", "reference_number": ["ХА-1"], "title": "Засвар"},
            400,
            _invalid({"reference_number": [str(MSG_REQUIRED)]}),
        ),
        (
            {"organisation": "DEPARTMENT", "reference_number": "EXISTING", "title": "Засвар"},
            409,
            {"detail": str(tenders.DUPLICATE_TENDER), "code": "conflict"},
        ),
        (
            {"organisation": "ELSEWHERE", "reference_number": "ХА-1", "title": ""},
            403,
            {"detail": str(tenders.NOT_IN_ORGANISATION), "code": "forbidden"},
        ),
    ],
)
def test_a_refused_tender_create_writes_nothing(world, body, status, expected):
    existing = make_tender(organisation=world.department)
    ids = {"DEPARTMENT": world.department.pk, "ELSEWHERE": world.elsewhere.pk, "EXISTING": existing.reference_number}
    body = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    before = tender_footprint(existing)

    response = signed_in(world.filer).post(LIST, body)

    assert response.status_code == status
    assert response.json() == expected
    assert Tender.objects.count() == 1
    assert tender_footprint(existing) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "body", "status", "expected"),
    [
        (
            "bidders",
            {"name": "Тэнгэр ХХК", "register_number": "12345"},
            400,
            {"register_number": MSG_COMPANY_REGISTER_NUMBER},
        ),
        (
            "bidders",
            {"name": "Тэнгэр ХХК", "register_number": "УБ12345"},
            400,
            {"register_number": MSG_COMPANY_REGISTER_NUMBER},
        ),
        ("bidders", {"register_number": "6100001"}, 400, {"name": MSG_REQUIRED}),
        ("bidders", {"name": "Давхар ХХК", "register_number": "6012345"}, 409, tenders.DUPLICATE_BIDDER),
        ("members", {"kind": "judge"}, 400, {"kind": MSG_CHOICE}),
        ("members", {"kind": "official", "official": 999999}, 400, {"official": tenders.UNKNOWN_OFFICIAL}),
        ("members", {"kind": "official", "official": "me"}, 400, {"official": tenders.UNKNOWN_OFFICIAL}),
        ("members", {"kind": "citizen", "full_name": "Б. Оюун"}, 400, {"email": tenders.EXTERNAL_NEEDS_NAME}),
        ("members", {"kind": "ngo", "email": "oyun@example.mn"}, 400, {"full_name": tenders.EXTERNAL_NEEDS_NAME}),
        ("members", {"kind": "citizen", "full_name": EXTERNAL[0], "email": EXTERNAL[1]}, 409, tenders.DUPLICATE_MEMBER),
        ("recuse", {}, 400, {"replacement.kind": MSG_CHOICE}),
        ("recuse", {"replacement": "Г. Цэцэг"}, 400, {"replacement.kind": MSG_CHOICE}),
        ("recuse", {"replacement": {"kind": "citizen"}}, 400, {"replacement.full_name": tenders.EXTERNAL_NEEDS_NAME}),
        ("recuse_missing", {"replacement": {"kind": "citizen"}}, 404, None),
        (
            "recuse_recused",
            {"replacement": {"kind": "ngo", "full_name": "Х", "email": "x@ex.mn"}},
            409,
            tenders.MEMBER_ALREADY_RECUSED,
        ),
        ("unknown", {"kind": "citizen"}, 404, None),
    ],
)
def test_bad_committee_input_is_refused_and_changes_nothing(world, action, body, status, expected):
    committee = _committee(world, T.FORMING)
    seat = committee.seat(committee.member)
    path = url(committee.tender.pk, action)
    if action.startswith("recuse"):
        member_id = 999999 if action == "recuse_missing" else seat.pk
        if action == "recuse_recused":
            tenders.tender_recuse_member(
                actor=committee.secretary,
                tender_id=committee.tender.pk,
                member_id=seat.pk,
                kind="citizen",
                full_name="Н. Болд",
                email="bold@example.mn",
            )
        path = url(committee.tender.pk, f"members/{member_id}/recuse")
    before = tender_footprint(committee.tender)

    response = signed_in(committee.secretary).post(path, body)

    assert response.status_code == status
    if status == 400:
        assert response.json() == _invalid({path: [str(message)] for path, message in expected.items()})
    elif status == 409:
        assert response.json() == {"detail": str(expected), "code": "conflict"}
    else:
        assert response.json() == NOT_FOUND_BODY
    assert tender_footprint(committee.tender) == before


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["bidders", "members"])
def test_the_committee_is_locked_once_the_evaluation_has_started(world, action):
    committee = _committee(world, T.EVALUATING)
    before = tender_footprint(committee.tender)
    body = {"name": "Тэнгэр ХХК"} if action == "bidders" else {"kind": "citizen", "full_name": "Х", "email": "x@ex.mn"}

    response = signed_in(committee.secretary).post(url(committee.tender.pk, action), body)

    assert response.status_code == 409
    assert response.json() == {
        "detail": str(tenders.COMMITTEE_LOCKED),
        "code": "invalid_state",
        "state": "evaluating",
        "allowed_transitions": ["close"],
    }
    assert tender_footprint(committee.tender) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "transition"),
    [(T.FORMING, "clear"), (T.DECLARING, "start_evaluation"), (T.CLOSED, "close"), (T.CLEARED, "open_declarations")],
)
def test_a_tender_transition_from_the_wrong_state_is_a_409(world, state, transition):
    committee = _committee(world, state, gate_open=True)
    before = tender_footprint(committee.tender)

    response = signed_in(committee.secretary).post(url(committee.tender.pk, transition))

    allowed = {T.FORMING: ["open_declarations"], T.DECLARING: ["clear"], T.CLOSED: [], T.CLEARED: ["start_evaluation"]}
    assert response.status_code == 409
    assert response.json() == {
        "detail": str(errors.WRONG_STATE % {"state": T(state).label}),
        "code": "invalid_state",
        "state": state,
        "allowed_transitions": allowed[state],
    }
    assert tender_footprint(committee.tender) == before
