"""Factories for notices and tenders; objects in a given state are built through the real services."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from declarations.content import sample_content
from declarations.models import (
    CommitteeMember,
    Declaration,
    DeclarationState,
    Notice,
    NoticeCategory,
    NoticeState,
    Organisation,
    Position,
    Tender,
    TenderState,
)
from tests.factories import (
    TRANSITION_ARGS,
    OrganisationFactory,
    PositionFactory,
    assign_to_agency,
    make_declaration,
    make_reviewer,
    make_supervisor,
)
from workflow import notices, tenders

N = NoticeState
T = TenderState
_references = itertools.count(1)

RETURN_COMMENT = "Гэрээний дугаарыг засна уу."
RESOLUTION = "Албан тушаалтныг тухайн шийдвэрийг гаргахаас татгалзуулав."
FLAG_REASON = "Хувьцааг 2024 онд худалдсан нь баримтаар нотлогдсон."


def in_days(days: int) -> str:
    """An ISO date ``days`` after today in Asia/Ulaanbaatar."""
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def notice_fields(**overrides: Any) -> dict[str, Any]:
    """A complete notice of no conflict before a contract two weeks from now."""
    return {
        "title": "Замын засварын гэрээ",
        "reference_number": "ГЭ-2025/017",
        "action_date": in_days(14),
        "outcome": "no_conflict",
        **overrides,
    }


def conflict_fields(**overrides: Any) -> dict[str, Any]:
    """A complete notice declaring a conflict, to be handled by recusal."""
    conflict = {
        "outcome": "conflict",
        "interest_nature": "Гэрээлэгч компанийн 25 хувийг эзэмшдэг.",
        "proposed_handling": "recusal",
    }
    return notice_fields(**{**conflict, **overrides})


def category(code: str = "contract") -> NoticeCategory:
    return NoticeCategory.objects.get(code=code)


# The service calls that bring a new notice draft to each state, and who takes each step.
NOTICE_PATH: dict[str, list[tuple[str, str]]] = {
    N.DRAFT: [],
    N.SUBMITTED: [("submit", "filer")],
    N.UNDER_REVIEW: [("submit", "filer"), ("start_review", "reviewer")],
    N.RETURNED: [("submit", "filer"), ("start_review", "reviewer"), ("return_for_correction", "reviewer")],
    N.ACKNOWLEDGED: [("submit", "filer"), ("start_review", "reviewer"), ("acknowledge", "reviewer")],
    N.REFERRED: [("submit", "filer"), ("start_review", "reviewer"), ("refer", "reviewer")],
    N.CONCLUDED: [("submit", "filer"), ("start_review", "reviewer"), ("refer", "reviewer"), ("conclude", "agency")],
    N.PUBLISHED: [
        ("submit", "filer"),
        ("start_review", "reviewer"),
        ("acknowledge", "reviewer"),
        ("publish", "reviewer"),
    ],
    N.WITHDRAWN: [
        ("submit", "filer"),
        ("start_review", "reviewer"),
        ("acknowledge", "reviewer"),
        ("publish", "reviewer"),
        ("withdraw_publication", "supervisor"),
    ],
}

NOTICE_TRANSITION_ARGS: dict[str, dict[str, Any]] = {
    "return_for_correction": {"comment": RETURN_COMMENT},
    "refer": TRANSITION_ARGS["refer"],
    "conclude": TRANSITION_ARGS["conclude"],
    "withdraw_publication": TRANSITION_ARGS["withdraw_publication"],
}


def settle_for_acknowledgement(notice: Notice, reviewer: Any) -> None:
    """What a reviewer does before acknowledging: resolve every open flag, record a conflict's resolution."""
    for flag in notice.red_flags.filter(resolved_at__isnull=True):
        notices.notice_resolve_flag(actor=reviewer, notice_id=notice.pk, flag_id=flag.pk, reason=FLAG_REASON)
    if notice.outcome == "conflict":
        notices.notice_record_resolution(actor=reviewer, notice_id=notice.pk, resolution=RESOLUTION)


def advance_notice(notice: Notice, state: str, *, reviewer: Any = None) -> Notice:
    """Take a draft notice to ``state`` through the transition services, as its filer and reviewer would."""
    steps = NOTICE_PATH[state]
    if reviewer is None and any(role == "reviewer" for _name, role in steps):
        reviewer = make_reviewer(notice.organisation)
    actors = {"filer": notice.filer, "reviewer": reviewer}
    if any(role == "supervisor" for _name, role in steps):
        actors["supervisor"] = make_supervisor()
    for name, role in steps:
        if role == "agency" and role not in actors:
            actors["agency"] = assign_to_agency(notice)
        if name == "acknowledge":
            settle_for_acknowledgement(notice, reviewer)
        notices.NOTICE_TRANSITION_SERVICES[name](
            actor=actors[role], notice_id=notice.pk, **NOTICE_TRANSITION_ARGS.get(name, {})
        )
    notice.refresh_from_db()
    assert notice.state == state
    return notice


def make_notice(
    state: str = N.DRAFT,
    *,
    position: Position | None = None,
    reviewer: Any = None,
    category_code: str = "contract",
    **fields: Any,
) -> Notice:
    """An ordinary (non-tender) notice of the position's official, brought to ``state``."""
    position = position or PositionFactory()
    notice = notices.notice_create(
        actor=position.official.user,
        organisation=position.organisation,
        category=category_code,
        **notice_fields(**fields),
    )
    return advance_notice(notice, state, reviewer=reviewer)


def make_accepted_declaration(
    position: Position,
    *,
    companies: Sequence[tuple[str, str]] | None = None,
    content: dict[str, Any] | None = None,
    state: str = DeclarationState.ACCEPTED,
    reviewer: Any = None,
) -> Declaration:
    """The official's declaration listing ``companies`` (the sample's by default), accepted by an ЭБАТ."""
    if content is None:
        content = sample_content(full_name=position.official.full_name, companies=companies)
    return make_declaration(state, position=position, reviewer=reviewer, content=content)


# --- Tenders ---------------------------------------------------------------------------------------


def make_tender(
    state: str = T.FORMING,
    *,
    organisation: Organisation | None = None,
    secretary: Any = None,
    reviewer: Any = None,
    members: Sequence[Position] | None = None,
    externals: Sequence[tuple[str, str]] = (),
    bidders: Sequence[tuple[str, str]] = (("Хөх Тэнгэр Констракшн ХХК", "6012345"),),
    gate_open: bool = False,
) -> Tender:
    """A tender brought to ``state`` through the services, with its committee and bidders.

    ``members`` are positions whose officials sit on the committee (one new official by default);
    ``externals`` are ``(full name, e-mail)`` of citizens appointed by the local council. A tender past
    ``declaring`` has every member's notice acknowledged as no conflict; ``gate_open=True`` does that for a
    ``declaring`` tender too, so that only the state decides whether it may be cleared.
    """
    organisation = organisation or OrganisationFactory()
    secretary = (
        secretary
        or PositionFactory(organisation=organisation, title="Худалдан авах ажиллагааны нарийн бичиг").official.user
    )
    tender = tenders.tender_create(
        actor=secretary,
        organisation=organisation,
        reference_number=f"ХА-2025/{next(_references):04d}",
        title="Сургуулийн барилгын засвар",
    )
    for name, number in bidders:
        tenders.tender_add_bidder(actor=secretary, tender_id=tender.pk, name=name, register_number=number)
    for position in PositionFactory.create_batch(1, organisation=organisation) if members is None else members:
        tenders.tender_add_member(
            actor=secretary, tender_id=tender.pk, kind="official", official_id=position.official_id
        )
    for full_name, email in externals:
        tenders.tender_add_member(
            actor=secretary, tender_id=tender.pk, kind="citizen", full_name=full_name, email=email
        )
    if state == T.FORMING:
        return _fresh(tender, state)
    tenders.tender_open_declarations(actor=secretary, tender_id=tender.pk)
    if state == T.DECLARING and not gate_open:
        return _fresh(tender, state)
    clear_members(tender, reviewer=reviewer or make_reviewer(organisation))
    if state == T.DECLARING:
        return _fresh(tender, state)
    tenders.tender_clear(actor=secretary, tender_id=tender.pk)
    if state in (T.EVALUATING, T.CLOSED):
        tenders.tender_start_evaluation(actor=secretary, tender_id=tender.pk)
    if state == T.CLOSED:
        tenders.tender_close(actor=secretary, tender_id=tender.pk)
    return _fresh(tender, state)


def _fresh(tender: Tender, state: str) -> Tender:
    tender.refresh_from_db()
    assert tender.state == state
    return tender


def latest_notice(member: CommitteeMember) -> Notice:
    """The member's newest notice for the tender: the one the clearing gate reads."""
    return Notice.objects.filter(tender_id=member.tender_id, filer_id=member.user_id).latest("pk")


def declare(notice: Notice, **fields: Any) -> Notice:
    """The member completes their committee notice (no conflict unless told) and submits it."""
    notices.notice_update(
        actor=notice.filer, notice_id=notice.pk, **{"action_date": in_days(7), "outcome": "no_conflict", **fields}
    )
    return notices.notice_submit(actor=notice.filer, notice_id=notice.pk)


def clear_member(member: CommitteeMember, *, reviewer: Any, **fields: Any) -> Notice:
    """The member declares (no conflict unless told) and the ЭБАТ acknowledges it, settling flags first."""
    notice = declare(latest_notice(member), **fields)
    return advance_notice_from_submitted(notice, N.ACKNOWLEDGED, reviewer=reviewer)


def advance_notice_from_submitted(notice: Notice, state: str, *, reviewer: Any) -> Notice:
    """Take a submitted notice on to ``under_review`` or ``acknowledged``."""
    notices.notice_start_review(actor=reviewer, notice_id=notice.pk)
    if state == N.ACKNOWLEDGED:
        notice.refresh_from_db()
        settle_for_acknowledgement(notice, reviewer)
        notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.state == state
    return notice


def clear_members(tender: Tender, *, reviewer: Any) -> None:
    """Every active member declares no conflict and the ЭБАТ acknowledges each notice."""
    for member in tender.members.filter(is_recused=False):
        clear_member(member, reviewer=reviewer)
