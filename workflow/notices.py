"""Notice services (мэдэгдэл тайлбар): the only code that creates notices or moves them along their graph."""

from __future__ import annotations

import datetime
import re
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.content import (
    MSG_CHOICE,
    MSG_DATE,
    MSG_DATE_TOO_EARLY,
    MSG_REQUIRED,
    format_message,
    normalise_company_name,
)
from declarations.models import (
    CommitteeMember,
    ConflictHandling,
    Notice,
    NoticeCategory,
    NoticeOutcome,
    NoticeState,
    Organisation,
    Position,
    PublicSnapshot,
    RecordKind,
    RedFlag,
)
from workflow import audit, errors, notifications, policies, publication, redflags, referrals, transitions
from workflow.transitions import TransitionInput, clean_text

NOTICE_TRANSITIONS = (
    "submit",
    "resubmit",
    "start_review",
    "return_for_correction",
    "acknowledge",
    "refer",
    "conclude",
    "publish",
    "withdraw_publication",
)
EDITABLE_STATES = (NoticeState.DRAFT, NoticeState.RETURNED)
TEXT_FIELDS = {
    "title": 255,
    "reference_number": 64,
    "counterparty_name": 255,
    "interest_nature": 4000,
    "handling_conditions": 4000,
}
EDITABLE_FIELDS = (
    "category",
    "title",
    "reference_number",
    "action_date",
    "counterparty_name",
    "counterparty_register_number",
    "outcome",
    "interest_nature",
    "proposed_handling",
    "handling_conditions",
)
COUNTERPARTY_NUMBER = re.compile(r"^(\d{7}|[А-ЯЁӨҮ]{2}\d{8})$")

NOT_YOUR_ORGANISATION = _("You can file notices only for an organisation where you hold a position.")
UNKNOWN_CATEGORY = _("Unknown or inactive notice category.")
COUNTERPARTY_NUMBER_INVALID = _(
    "Enter a company registration number of 7 digits or a person's of two Cyrillic letters and 8 digits."
)
FORBIDDEN_NOTICE_EDIT = _("Only the filer can change this notice.")
NOTICE_NOT_EDITABLE = _("The notice can be changed only while it is a draft or returned for correction.")
UNKNOWN_FIELD = _("Unknown field.")
RESOLUTION_REQUIRED_INPUT = _("A resolution is required.")
REASON_REQUIRED = _("A reason is required.")
FLAG_NOT_OPEN = _("This red flag is already resolved.")
COMMITTEE_CATEGORY_FIXED = _("A committee member's notice for a tender keeps its category.")
# The action a notice announces lies ahead, or in the past when it is filed late: a date outside these generous
# bounds (the year 1, 9999-12-31) is a typing error, refused rather than stored and counted in reports.
EARLIEST_ACTION_DATE = datetime.date(1900, 1, 1)
MAX_ACTION_YEARS_AHEAD = 100
ACTION_DATE_TOO_FAR = _("The action date cannot be more than %(years)d years from today.")


def local_today() -> datetime.date:
    return timezone.localdate()


def available_notice_transitions(notice: Notice, user: Any) -> list[str]:
    return transitions.available(notice, NOTICE_TRANSITIONS, user)


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Types and formats of the notice's own fields; ``InvalidInput`` names each bad field."""
    problems: dict[str, list[Any]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            problems[name] = [UNKNOWN_FIELD]
            continue
        try:
            cleaned[name] = _clean_field(name, value)
        except errors.InvalidInput as invalid:
            problems.update(invalid.errors)
    if problems:
        raise errors.InvalidInput(problems)
    return cleaned


def _clean_field(name: str, value: Any) -> Any:
    if name == "category":
        category = NoticeCategory.objects.filter(code=value, is_active=True).first() if isinstance(value, str) else None
        if category is None:
            raise errors.InvalidInput({name: [UNKNOWN_CATEGORY]})
        return category
    if name == "action_date":
        if value in (None, ""):
            return None
        try:
            day = datetime.date.fromisoformat(value) if isinstance(value, str) else _bad(name, MSG_DATE)
        except ValueError:
            return _bad(name, MSG_DATE)
        return _within_bounds(name, day)
    if name == "counterparty_register_number":
        text = clean_text(value, field=name, required=False, message=COUNTERPARTY_NUMBER_INVALID, max_length=10)
        text = text.upper()
        if text and not COUNTERPARTY_NUMBER.match(text):
            _bad(name, COUNTERPARTY_NUMBER_INVALID)
        return text
    if name == "outcome":
        if value in (None, ""):
            return ""
        return value if value in NoticeOutcome.values else _bad(name, MSG_CHOICE)
    if name == "proposed_handling":
        if value in (None, ""):
            return ""
        return value if value in ConflictHandling.values else _bad(name, MSG_CHOICE)
    return clean_text(value, field=name, required=False, message=MSG_REQUIRED, max_length=TEXT_FIELDS[name])


def action_date_problem(day: datetime.date) -> Any | None:
    """Why a notice's action date is refused (before 1900, or more than a century ahead), or ``None``.
    The one rule for notices filed one by one and for the CSV import."""
    if day < EARLIEST_ACTION_DATE:
        return format_message(MSG_DATE_TOO_EARLY, min=EARLIEST_ACTION_DATE.isoformat())
    today = local_today()
    try:
        latest = today.replace(year=today.year + MAX_ACTION_YEARS_AHEAD)
    except ValueError:  # 29 February, in a year that has none
        latest = today.replace(year=today.year + MAX_ACTION_YEARS_AHEAD, day=28)
    if day > latest:
        return ACTION_DATE_TOO_FAR % {"years": MAX_ACTION_YEARS_AHEAD}
    return None


def _within_bounds(name: str, day: datetime.date) -> datetime.date:
    problem = action_date_problem(day)
    if problem is not None:
        _bad(name, problem)
    return day


def _bad(name: str, message: Any) -> Any:
    raise errors.InvalidInput({name: [message]})


def _check_complete(notice: Notice) -> None:
    """What a notice must state before it is submitted."""
    missing = [name for name in ("title", "action_date", "outcome") if not getattr(notice, name)]
    if notice.outcome == NoticeOutcome.CONFLICT:
        missing += [name for name in ("interest_nature", "proposed_handling") if not getattr(notice, name)]
        if notice.proposed_handling == ConflictHandling.CONTINUE_WITH_CONDITIONS and not notice.handling_conditions:
            missing.append("handling_conditions")
    if missing:
        raise errors.InvalidInput({name: [MSG_REQUIRED] for name in missing})


def _apply(notice: Notice, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.counterparty_name_normalised = normalise_company_name(notice.counterparty_name)


@transaction.atomic
def notice_create(*, actor: Any, organisation: Organisation, **fields: Any) -> Notice:
    """Open a draft notice for an organisation where the filer holds an active position."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active):
        raise errors.ActionForbidden(NOT_YOUR_ORGANISATION)
    today = local_today()
    position = (
        Position.objects.filter(official__user=actor, organisation=organisation)
        .exclude(end_date__lt=today)
        .select_related("official")
        .first()
    )
    if position is None:
        raise errors.ActionForbidden(NOT_YOUR_ORGANISATION)
    cleaned = _clean_fields(fields)
    if "category" not in cleaned:
        raise errors.InvalidInput({"category": [MSG_REQUIRED]})
    notice = Notice(filer=actor, official=position.official, organisation=organisation)
    _apply(notice, cleaned)
    notice.save()
    return notice


@transaction.atomic
def notice_update(*, actor: Any, notice_id: Any, **fields: Any) -> Notice:
    """Change the filer's draft or returned notice."""
    notice = policies.get_visible_notice(actor, notice_id, for_update=True)
    if notice.filer_id != getattr(actor, "pk", None):
        raise errors.ActionForbidden(FORBIDDEN_NOTICE_EDIT)
    if notice.state not in EDITABLE_STATES:
        raise errors.TransitionNotAllowed(
            state=notice.state,
            state_label=notice.get_state_display(),
            transition="update",
            allowed=available_notice_transitions(notice, actor),
            message=NOTICE_NOT_EDITABLE,
        )
    cleaned = _clean_fields(fields)
    if notice.tender_id is not None and cleaned.get("category", notice.category) != notice.category:
        raise errors.InvalidInput({"category": [COMMITTEE_CATEGORY_FIXED]})
    _apply(notice, cleaned)
    notice.save()
    return notice


def _run(
    *, actor: Any, notice_id: Any, name: str, prepare: Any = None, after: Any = None, on_commit: Any = None
) -> Notice:
    return transitions.run_transition(
        fetch_locked=lambda: policies.get_visible_notice(actor, notice_id, for_update=True),
        name=name,
        actor=actor,
        names=NOTICE_TRANSITIONS,
        prepare=prepare,
        after=after,
        on_commit=on_commit,
    )


def _submit(actor: Any, notice_id: Any, name: str) -> Notice:
    def prepare(notice: Notice, now: datetime.datetime) -> TransitionInput:
        _check_complete(notice)
        # Filed after the action date: accepted, and marked late, never silently (art. 12).
        late = notice.action_date is not None and notice.action_date < timezone.localdate(now)
        return TransitionInput(kwargs={"at": now, "late": late})

    return _run(
        actor=actor,
        notice_id=notice_id,
        name=name,
        prepare=prepare,
        after=lambda notice, now: redflags.scan_notice(notice),
        on_commit=notifications.notify_notice_submitted,
    )


def notice_submit(*, actor: Any, notice_id: Any) -> Notice:
    """Submit a draft notice; it is checked against the filer's declared companies."""
    return _submit(actor, notice_id, "submit")


def notice_resubmit(*, actor: Any, notice_id: Any) -> Notice:
    """Submit a returned notice again."""
    return _submit(actor, notice_id, "resubmit")


def notice_start_review(*, actor: Any, notice_id: Any) -> Notice:
    """The authorised official takes the notice into review."""
    return _run(actor=actor, notice_id=notice_id, name="start_review")


def notice_return_for_correction(*, actor: Any, notice_id: Any, comment: Any) -> Notice:
    """Return the notice to its filer with a comment."""

    def prepare(notice: Notice, now: datetime.datetime) -> TransitionInput:
        return TransitionInput(
            comment=clean_text(comment, field="comment", required=True, message=errors.COMMENT_REQUIRED)
        )

    return _run(actor=actor, notice_id=notice_id, name="return_for_correction", prepare=prepare)


def notice_acknowledge(*, actor: Any, notice_id: Any, comment: Any = "") -> Notice:
    """Acknowledge a notice under review; a conflict needs a recorded resolution, flags a written reason."""

    def prepare(notice: Notice, now: datetime.datetime) -> TransitionInput:
        text = clean_text(comment, field="comment", required=False, message=errors.COMMENT_REQUIRED)
        return TransitionInput(comment=text, kwargs={"at": now, "resolution": notice.resolution})

    return _run(actor=actor, notice_id=notice_id, name="acknowledge", prepare=prepare)


def notice_refer(*, actor: Any, notice_id: Any, reason: Any) -> Notice:
    """The authorised official refers a notice under review to the agency, with a reason."""
    return _run(
        actor=actor,
        notice_id=notice_id,
        name="refer",
        prepare=referrals.refer_prepare(reason),
        on_commit=partial(notifications.notify_referred, "notice"),
    )


def notice_conclude(
    *, actor: Any, notice_id: Any, finding: Any, legal_article: Any, reasoning: Any, internal_notes: Any = ""
) -> Notice:
    """The agency concludes a referred notice: no violation (it goes on to publication) or a violation."""
    prepare, after = referrals.conclude_prepare(
        finding=finding, legal_article=legal_article, reasoning=reasoning, internal_notes=internal_notes, actor=actor
    )
    return _run(actor=actor, notice_id=notice_id, name="conclude", prepare=prepare, after=after)


def notice_publish(*, actor: Any, notice_id: Any) -> Notice:
    """Publish an acknowledged notice (or one the agency found no violation in) to the public register."""

    def prepare(notice: Notice, now: datetime.datetime) -> TransitionInput:
        return TransitionInput(kwargs={"at": now})

    return _run(actor=actor, notice_id=notice_id, name="publish", prepare=prepare, after=_write_snapshot)


def notice_withdraw_publication(*, actor: Any, notice_id: Any, reason: Any) -> Notice:
    """The agency withdraws a published notice; its public record becomes a tombstone with the date and reason."""

    def prepare(notice: Notice, now: datetime.datetime) -> TransitionInput:
        return TransitionInput(
            comment=clean_text(reason, field="reason", required=True, message=errors.REASON_REQUIRED)
        )

    def tombstone(notice: Notice, now: datetime.datetime) -> None:
        text = clean_text(reason, field="reason", required=True, message=errors.REASON_REQUIRED)
        PublicSnapshot.objects.filter(notice=notice).update(withdrawn_at=now, withdrawal_reason=text)

    return _run(actor=actor, notice_id=notice_id, name="withdraw_publication", prepare=prepare, after=tombstone)


def _write_snapshot(notice: Notice, now: datetime.datetime) -> None:
    """The notice's public record: its public fields and the agency's public conclusion, if any."""
    seat_name = (
        CommitteeMember.objects.filter(tender=notice.tender, user_id=notice.filer_id)
        .values_list("full_name", flat=True)
        .first()
        if notice.official is None and notice.tender is not None
        else None
    )
    name = notice.official.full_name if notice.official is not None else seat_name or ""
    position = (
        Position.objects.filter(official_id=notice.official_id, organisation_id=notice.organisation_id)
        .order_by("-start_date")
        .values_list("title", flat=True)
        .first()
        if notice.official_id
        else None
    )
    snapshot = PublicSnapshot(
        notice=notice,
        published_at=now,
        official_name=name,
        official_name_search=name.casefold(),
        organisation=notice.organisation,
        organisation_name=notice.organisation.name,
        position_title=position or "",
        kind=RecordKind.NOTICE,
        year=(notice.action_date or timezone.localdate(now)).year,
        content=publication.notice_public_content(notice),
        conclusion=publication.public_conclusion(notice),
    )
    snapshot.content_hash = snapshot.compute_hash()
    snapshot.save()


def _require_reviewer_under_review(notice: Notice, actor: Any, step: str) -> None:
    from declarations import rules

    if not rules.is_reviewer(notice, actor):
        raise errors.ActionForbidden()
    if notice.state != NoticeState.UNDER_REVIEW:
        raise errors.TransitionNotAllowed(
            state=notice.state,
            state_label=notice.get_state_display(),
            transition=step,
            allowed=available_notice_transitions(notice, actor),
        )


@transaction.atomic
def notice_record_resolution(*, actor: Any, notice_id: Any, resolution: Any) -> Notice:
    """The reviewer records how a declared conflict is handled (recusal, or conditions the superior sets)."""
    notice = policies.get_visible_notice(actor, notice_id, for_update=True)
    _require_reviewer_under_review(notice, actor, "record_resolution")
    notice.resolution = clean_text(resolution, field="resolution", required=True, message=RESOLUTION_REQUIRED_INPUT)
    notice.save(update_fields=["resolution", "updated_at"])
    _log_review_step(notice, actor, "record_resolution", comment=notice.resolution)
    return notice


@transaction.atomic
def notice_resolve_flag(*, actor: Any, notice_id: Any, flag_id: Any, reason: Any) -> RedFlag:
    """The reviewer resolves a red flag on a notice under review with a written reason."""
    notice = policies.get_visible_notice(actor, notice_id, for_update=True)
    _require_reviewer_under_review(notice, actor, "resolve_red_flag")
    try:
        flag = notice.red_flags.get(pk=flag_id)
    except (RedFlag.DoesNotExist, ValueError, TypeError):
        raise errors.ObjectNotFound from None
    if flag.resolved_at is not None:
        raise errors.StateConflict(FLAG_NOT_OPEN)
    flag.resolution_reason = clean_text(reason, field="reason", required=True, message=REASON_REQUIRED)
    flag.resolved_at = timezone.now()
    flag.resolved_by = actor
    flag.save(update_fields=["resolution_reason", "resolved_at", "resolved_by"])
    _log_review_step(
        notice,
        actor,
        "resolve_red_flag",
        comment=flag.resolution_reason,
        remarks=[{"path": f"red_flags.{flag.pk}", "message": flag.kind}],  # a code: the log is language-neutral
        at=flag.resolved_at,
    )
    return flag


def _log_review_step(
    notice: Notice,
    actor: Any,
    step: str,
    *,
    comment: str,
    remarks: list[dict[str, str]] | None = None,
    at: datetime.datetime | None = None,
) -> None:
    """A reviewer's step that changes no state is still part of the notice's hash-chained history."""
    audit.record_transition(
        obj=notice,
        transition=step,
        from_state=notice.state,
        to_state=notice.state,
        actor=actor,
        at=at or timezone.now(),
        comment=comment,
        remarks=remarks,
    )


NOTICE_TRANSITION_SERVICES: dict[str, Any] = {
    "submit": notice_submit,
    "resubmit": notice_resubmit,
    "start_review": notice_start_review,
    "return_for_correction": notice_return_for_correction,
    "acknowledge": notice_acknowledge,
    "refer": notice_refer,
    "conclude": notice_conclude,
    "publish": notice_publish,
    "withdraw_publication": notice_withdraw_publication,
}
