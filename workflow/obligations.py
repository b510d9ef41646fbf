"""Filing obligations: who must file which declaration by when, and whether they did (DESIGN §6).

The rules are data: ``settings.OBLIGATION_RULES`` says, per kind, whether it is on and how its due date is
found (an offset after the event, or a fixed day after the period); this module reads the table and never
branches on the kind. Each rule's legal source is cited beside it in the settings. Obligations are created
by an appointment (``obligation_for_appointment``), the yearly campaign (``open_campaign``), a reported
significant change (``report_significant_change``) and a nomination (``obligation_for_nomination``).

Deadlines end at 24:00 Asia/Ulaanbaatar on the due date (``deadline``). The first submission of the
matching declaration fulfils an obligation, on time or late; a late filing is accepted and counted as late
(the law treats it as not filed: Anti-Corruption Law art. 10.5; Conflict of Interest Law art. 23.4), never
dropped. A declaration already submitted when its obligation is created fulfils it at once, by the time of
its first submission (a campaign opened after the early filers filed). State changes of one obligation go
through ``transitions.run_transition``; the bulk ones (the overdue job, a campaign's catch-up) apply the
same transitions to many rows and write their hash-chained log rows with one insert per batch.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.content import MSG_DATE, MSG_REQUIRED, is_blank
from declarations.models import (
    Campaign,
    Declaration,
    Nomination,
    NominationState,
    Obligation,
    ObligationKind,
    ObligationState,
    Position,
)
from declarations.rules import MANAGE_NOMINATIONS_PERMISSION
from workflow import audit, errors, policies, transitions

OS = ObligationState
K = ObligationKind
# Deadlines are the law's local midnight, whatever the server's clock or time zone (DESIGN §6).
DEADLINE_TIME_ZONE = ZoneInfo("Asia/Ulaanbaatar")
# What a user can ask for; the others are taken by a submission and by the daily job.
OBLIGATION_TRANSITIONS = ("waive",)
FULFIL_TRANSITIONS = ("fulfil_on_time", "fulfil_late")
PENDING_STATES = (OS.OPEN, OS.OVERDUE)
# The transition that leads to each state a bulk step writes, for its log rows.
TRANSITION_TO = {OS.FULFILLED_ON_TIME: "fulfil_on_time", OS.FULFILLED_LATE: "fulfil_late", OS.OVERDUE: "mark_overdue"}
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MIN_YEAR = 2000
BATCH_SIZE = 1000

ONLY_CAMPAIGN_MANAGERS = _("Only the agency's administrators open an annual campaign.")
ONLY_HR_OFFICERS_RECORD = _("Only an HR officer of the organisation records its appointments.")
NOT_YOUR_CHANGE = _("Only the official or an authorised official of the organisation reports a significant change.")
ANNUAL_SWITCHED_OFF = _("Annual obligations are switched off in the settings (OBLIGATION_KINDS).")
CHANGE_ALREADY_REPORTED = _("A significant change on this date is already reported for this position.")
YEAR_NOT_OPEN = _("Enter a declared year between %(min)d and %(max)d.")
CHANGE_IN_FUTURE = _("The change date cannot be in the future.")
CHANGE_OUTSIDE_POSITION = _("The change date must fall while the position is held (%(start)s – %(end)s).")
FULFILLED_BY_EARLIER = _("Fulfilled by a declaration submitted before the obligation was created.")
RULE_MISSING = "OBLIGATION_RULES has no rule for the obligation kind {kind!r}."
RULE_MALFORMED = (
    "OBLIGATION_RULES[{kind!r}] must give either days_after_event or due_month and due_day "
    "(with years_after_period), and annual campaigns held_on_month and held_on_day."
)


@dataclass(frozen=True)
class Match:
    """Which declaration fulfils an obligation of a kind: besides the official and the kind, the same values
    of ``keys`` (``position``, ``nomination``, ``period`` ↔ the declared year); with ``since_event`` only one
    first submitted on or after the obligation's event (a change declared before it happened does not count)."""

    keys: tuple[str, ...]
    since_event: bool = False


# The matching is structure, not policy: it follows from what each kind of declaration refers to.
MATCH_ON: dict[str, Match] = {
    K.APPOINTMENT: Match(("position",)),
    K.ANNUAL: Match(("position", "period")),
    K.SIGNIFICANT_CHANGE: Match(("position",), since_event=True),
    K.PRELIMINARY: Match(("nomination",)),
}
# An obligation's field ↔ the declaration's field holding the same value.
DECLARATION_FIELD = {"position": "position_id", "nomination": "nomination_id", "period": "year"}
OBLIGATION_FIELD = {"position": "position_id", "nomination": "nomination_id", "period": "period"}


# --- The rules and the deadline ------------------------------------------------------------------------


def rule(kind: str) -> dict[str, Any]:
    """The settings' rule for a kind of obligation (``OBLIGATION_RULES``)."""
    rules = getattr(settings, "OBLIGATION_RULES", {})
    if kind not in rules:
        raise ImproperlyConfigured(RULE_MISSING.format(kind=kind))
    found = rules[kind]
    if "days_after_event" not in found and not {"due_month", "due_day"} <= set(found):
        raise ImproperlyConfigured(RULE_MALFORMED.format(kind=kind))
    return dict(found)


def is_on(kind: str) -> bool:
    """Whether the rules create obligations of this kind at all."""
    return bool(rule(kind).get("enabled", False))


def day_of_year(year: int, month: int, day: int) -> datetime.date:
    """The date, or the month's last day when the month is shorter (29 February in a common year)."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def due_date_for(kind: str, *, period: int, event_date: datetime.date | None) -> datetime.date:
    """The due date the kind's rule gives: ``days_after_event`` after the event (calendar days, so month
    ends and leap years come out of the calendar), or ``due_month``/``due_day`` of the year
    ``years_after_period`` after the period."""
    found = rule(kind)
    if "days_after_event" in found:
        if event_date is None:
            raise ImproperlyConfigured(RULE_MALFORMED.format(kind=kind))
        return event_date + datetime.timedelta(days=int(found["days_after_event"]))
    year = period + int(found.get("years_after_period", 0))
    return day_of_year(year, int(found["due_month"]), int(found["due_day"]))


def deadline(due_date: datetime.date) -> datetime.datetime:
    """The instant an obligation's time runs out: 24:00 Asia/Ulaanbaatar at the end of the due date, that
    is the next local midnight. A filing before it is on time; one at it or after is late."""
    return datetime.datetime.combine(due_date + datetime.timedelta(days=1), datetime.time.min, DEADLINE_TIME_ZONE)


def is_on_time(due_date: datetime.date, at: datetime.datetime) -> bool:
    """Whether a filing at ``at`` (any time zone) meets the deadline of ``due_date``."""
    return at < deadline(due_date)


def local_date(at: datetime.datetime | None = None) -> datetime.date:
    """The calendar date in Ulaanbaatar at ``at`` (now by default), the date deadlines are counted in."""
    return timezone.localtime(at or timezone.now(), DEADLINE_TIME_ZONE).date()


# --- Creation ------------------------------------------------------------------------------------------


def _new(
    kind: str,
    *,
    official_id: int,
    organisation_id: int,
    period: int,
    event_date: datetime.date | None,
    position_id: int | None = None,
    nomination_id: int | None = None,
) -> Obligation:
    return Obligation(
        kind=kind,
        official_id=official_id,
        organisation_id=organisation_id,
        position_id=position_id,
        nomination_id=nomination_id,
        period=period,
        event_date=event_date,
        due_date=due_date_for(kind, period=period, event_date=event_date),
    )


@transaction.atomic
def _create_one(obligation: Obligation, *, unique_on: Sequence[str]) -> tuple[Obligation, bool]:
    """The obligation, or the one already there with the same ``unique_on`` values (its unique constraint)."""
    lookup = {name: getattr(obligation, name) for name in unique_on}
    existing = Obligation.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    obligation.save()
    _fulfil_from_earlier_submissions(Obligation.objects.filter(pk=obligation.pk))
    obligation.refresh_from_db()
    return obligation, True


def obligation_for_appointment(position: Position) -> Obligation | None:
    """The declaration on appointment, due ``days_after_event`` (30) days after the position starts
    (Anti-Corruption Law art. 10.3; Conflict of Interest Law art. 23.3). None when the position requires no
    declaration or the rule is off; the existing one when the appointment was already recorded."""
    if not position.declaration_required or not is_on(K.APPOINTMENT):
        return None
    obligation = _new(
        K.APPOINTMENT,
        official_id=position.official_id,
        organisation_id=position.organisation_id,
        position_id=position.pk,
        period=position.start_date.year,
        event_date=position.start_date,
    )
    return _create_one(obligation, unique_on=("position_id", "kind", "event_date"))[0]


@transaction.atomic
def record_appointment(*, actor: Any, position: Position) -> Obligation | None:
    """An HR officer records an appointment made outside a nomination (a position entered in the back office):
    it creates the appointment obligation, once."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active) or not actor.has_perm(
        MANAGE_NOMINATIONS_PERMISSION, position.organisation
    ):
        raise errors.ActionForbidden(ONLY_HR_OFFICERS_RECORD)
    return obligation_for_appointment(position)


def obligation_for_nomination(nomination: Nomination) -> Obligation | None:
    """The nominee's preliminary declaration (ХАСУМ), due ``days_after_event`` days after the nomination is
    registered; the appointment itself waits for the agency's conclusion on it (Conflict of Interest Law).
    None when the rule is off."""
    if not is_on(K.PRELIMINARY):
        return None
    nominated_on = local_date(nomination.created_at)
    obligation = _new(
        K.PRELIMINARY,
        official_id=nomination.nominee_id,
        organisation_id=nomination.organisation_id,
        nomination_id=nomination.pk,
        period=nominated_on.year,
        event_date=nominated_on,
    )
    return _create_one(obligation, unique_on=("nomination_id", "kind"))[0]


def _clean_change_date(value: Any, position: Position) -> datetime.date:
    if is_blank(value):
        raise errors.InvalidInput({"change_date": [MSG_REQUIRED]})
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        changed = value
    elif isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            changed = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise errors.InvalidInput({"change_date": [MSG_DATE]}) from None
    else:
        raise errors.InvalidInput({"change_date": [MSG_DATE]})
    if changed > local_date():
        raise errors.InvalidInput({"change_date": [CHANGE_IN_FUTURE]})
    if changed < position.start_date or (position.end_date is not None and changed > position.end_date):
        end = position.end_date.isoformat() if position.end_date else "…"
        message = CHANGE_OUTSIDE_POSITION % {"start": position.start_date.isoformat(), "end": end}
        raise errors.InvalidInput({"change_date": [message]})
    return changed


@transaction.atomic
def report_significant_change(*, actor: Any, position: Position, change_date: Any) -> Obligation | None:
    """Record a significant change in the official's assets or income on ``change_date``: the official files a
    significant-change declaration within ``days_after_event`` (30) days of it (organisation practice,
    configurable). Reported by the official or an ЭБАТ of the organisation; None when the rule is off."""
    position = policies.get_visible_position(actor, getattr(position, "pk", position))
    if not policies.reports_significant_change(actor, position):
        raise errors.ActionForbidden(NOT_YOUR_CHANGE)
    if not position.declaration_required:
        raise errors.InvalidInput({"position": [errors.POSITION_NOT_REQUIRED]})
    changed = _clean_change_date(change_date, position)
    if not is_on(K.SIGNIFICANT_CHANGE):
        return None
    obligation = _new(
        K.SIGNIFICANT_CHANGE,
        official_id=position.official_id,
        organisation_id=position.organisation_id,
        position_id=position.pk,
        period=changed.year,
        event_date=changed,
    )
    obligation, created = _create_one(obligation, unique_on=("position_id", "kind", "event_date"))
    if not created:
        raise errors.StateConflict(CHANGE_ALREADY_REPORTED)
    return obligation


@dataclass(frozen=True)
class CampaignResult:
    """What opening a campaign did: the campaign, and how many obligations it created and fulfilled at once."""

    campaign: Campaign
    created: int
    fulfilled: int
    newly_opened: bool


def _clean_year(year: Any) -> int:
    max_year = local_date().year
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= max_year:
        raise errors.InvalidInput({"year": [YEAR_NOT_OPEN % {"min": MIN_YEAR, "max": max_year}]})
    return year


def campaign_positions(year: int) -> QuerySet[Position]:
    """The positions that owe the annual declaration for the declared ``year``: requiring a declaration and
    held on the rule's day (``held_on_month``/``held_on_day``, 31 December) of that year."""
    found = rule(K.ANNUAL)
    try:
        held_on = day_of_year(year, int(found["held_on_month"]), int(found["held_on_day"]))
    except KeyError:
        raise ImproperlyConfigured(RULE_MALFORMED.format(kind=K.ANNUAL)) from None
    return Position.objects.filter(declaration_required=True, start_date__lte=held_on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=held_on)
    )


@transaction.atomic
def open_campaign(*, actor: Any, year: Any) -> CampaignResult:
    """Open the annual campaign for a declared year: one annual obligation, due 15 February of the next
    year, per position that requires a declaration and is held on 31 December of the year (Anti-Corruption
    Law art. 10.3; Conflict of Interest Law art. 23.3). Idempotent: run again, it creates only what is
    missing (nothing, unless positions were entered since). ``actor`` None is the system (the command)."""
    if actor is not None and not policies.opens_campaigns(actor):
        raise errors.ActionForbidden(ONLY_CAMPAIGN_MANAGERS)
    year = _clean_year(year)
    if not is_on(K.ANNUAL):
        raise errors.StateConflict(ANNUAL_SWITCHED_OFF)
    due = due_date_for(K.ANNUAL, period=year, event_date=None)
    campaign, newly_opened = Campaign.objects.get_or_create(
        year=year,
        defaults={"due_date": due, "opened_at": timezone.now(), "opened_by": actor},
    )
    # Two runs at once queue here, so the second sees what the first created and counts exactly.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    existing = set(
        Obligation.objects.filter(kind=K.ANNUAL, period=year, position__isnull=False).values_list(
            "position_id", flat=True
        )
    )
    rows = campaign_positions(year).values_list("pk", "official_id", "organisation_id").order_by("pk")
    created = 0
    batch: list[Obligation] = []
    for position_id, official_id, organisation_id in rows.iterator(chunk_size=5000):
        if position_id in existing:
            continue
        batch.append(
            Obligation(
                kind=K.ANNUAL,
                official_id=official_id,
                organisation_id=organisation_id,
                position_id=position_id,
                period=year,
                due_date=campaign.due_date,
            )
        )
        if len(batch) == BATCH_SIZE:
            created += len(Obligation.objects.bulk_create(batch))
            batch = []
    if batch:
        created += len(Obligation.objects.bulk_create(batch))
    fulfilled = _fulfil_from_earlier_submissions(
        Obligation.objects.filter(kind=K.ANNUAL, period=year, state__in=PENDING_STATES)
    )
    return CampaignResult(campaign=campaign, created=created, fulfilled=fulfilled, newly_opened=newly_opened)


# --- Fulfilment ----------------------------------------------------------------------------------------


def _pending_for(declaration: Declaration, at: datetime.datetime) -> Obligation | None:
    """The oldest open or overdue obligation the declaration matches, if any."""
    match = MATCH_ON.get(declaration.kind)
    if match is None:
        return None
    lookup = {OBLIGATION_FIELD[key]: getattr(declaration, DECLARATION_FIELD[key]) for key in match.keys}
    if any(value is None for value in lookup.values()):
        return None
    pending = Obligation.objects.filter(
        official_id=declaration.official_id, kind=declaration.kind, state__in=PENDING_STATES, **lookup
    )
    if match.since_event:
        pending = pending.filter(Q(event_date__isnull=True) | Q(event_date__lte=local_date(at)))
    return pending.order_by("due_date", "pk").first()


def fulfil_for(declaration: Declaration, now: datetime.datetime, actor: Any) -> Obligation | None:
    """A declaration's first submission fulfils the matching open or overdue obligation: on time when it
    came before the deadline, late otherwise (accepted and counted as late, Anti-Corruption Law art. 10.5;
    Conflict of Interest Law art. 23.4). A resubmission or a correction changes nothing; a submission that
    matches no obligation is accepted and fulfils nothing. Runs inside the submission's transaction."""
    if declaration.corrects_id is not None or declaration.revisions.filter(number__gt=1).exists():
        return None
    pending = _pending_for(declaration, now)
    if pending is None:
        return None
    locked = Obligation.objects.select_for_update().get(pk=pending.pk)
    # An obligation the overdue job reached first can only be filed late (the graph has no way back).
    name = "fulfil_on_time" if locked.state == OS.OPEN and is_on_time(locked.due_date, now) else "fulfil_late"

    def given(obligation: Obligation, at: datetime.datetime) -> transitions.TransitionInput:
        return transitions.TransitionInput(kwargs={"declaration": declaration, "at": now})

    return transitions.run_transition(
        fetch_locked=lambda: locked, name=name, actor=actor, names=FULFIL_TRANSITIONS, prepare=given
    )


def _chunks(items: Sequence[Any], size: int = BATCH_SIZE) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _key(obligation: Obligation, match: Match) -> tuple[Any, ...]:
    return (obligation.official_id, *(getattr(obligation, OBLIGATION_FIELD[key]) for key in match.keys))


def _earlier_submissions(
    kind: str, match: Match, batch: Sequence[Obligation]
) -> dict[tuple[Any, ...], list[tuple[int, datetime.datetime]]]:
    """The original declarations of the kind that the batch's officials submitted and that fulfil nothing yet,
    by match key, each with its first submission (its first revision), earliest first."""
    first_key = DECLARATION_FIELD[match.keys[0]]
    first_values = {getattr(obligation, OBLIGATION_FIELD[match.keys[0]]) for obligation in batch}
    rows = (
        Declaration.objects.filter(
            kind=kind,
            corrects__isnull=True,
            official_id__in={obligation.official_id for obligation in batch},
            **{f"{first_key}__in": first_values},
        )
        .exclude(Exists(Obligation.objects.filter(declaration_id=OuterRef("pk"))))
        .annotate(first_submitted_at=Min("revisions__created_at"))
        .filter(first_submitted_at__isnull=False)
        .order_by("first_submitted_at", "pk")
        .values_list("pk", "official_id", *(DECLARATION_FIELD[key] for key in match.keys), "first_submitted_at")
    )
    found: dict[tuple[Any, ...], list[tuple[int, datetime.datetime]]] = defaultdict(list)
    for pk, official_id, *values, first_submitted_at in rows:
        found[(official_id, *values)].append((pk, first_submitted_at))
    return found


def _apply_earlier_submissions(batch: Sequence[Obligation], match: Match) -> list[tuple[Obligation, str]]:
    """Take each obligation's fulfilling transition in memory, by its earliest unused earlier submission;
    the (obligation, state it left) pairs that changed."""
    kind = batch[0].kind
    waiting = _earlier_submissions(kind, match, batch)
    changed: list[tuple[Obligation, str]] = []
    for obligation in batch:
        candidates = waiting.get(_key(obligation, match), [])
        usable = [
            candidate
            for candidate in candidates
            if not (match.since_event and obligation.event_date and local_date(candidate[1]) < obligation.event_date)
        ]
        if not usable:
            continue
        declaration_id, submitted_at = usable[0]
        candidates.remove(usable[0])
        from_state = obligation.state
        fulfil = (
            obligation.fulfil_on_time
            if from_state == OS.OPEN and is_on_time(obligation.due_date, submitted_at)
            else obligation.fulfil_late
        )
        fulfil(declaration=Declaration(pk=declaration_id), at=submitted_at)
        changed.append((obligation, from_state))
    return changed


@transaction.atomic
def _fulfil_from_earlier_submissions(obligations: QuerySet[Obligation]) -> int:
    """Fulfil the given open or overdue obligations whose declaration was submitted before they were created,
    each by the time of that declaration's first submission: one read, one update and one log insert per
    batch and kind. A declaration fulfils one obligation at most, the oldest first."""
    fulfilled = 0
    fields = ("pk", "state", "kind", "official_id", "position_id", "nomination_id", "period", "event_date", "due_date")
    for kind, match in MATCH_ON.items():
        pending = list(
            obligations.filter(kind=kind, state__in=PENDING_STATES)
            .select_for_update(of=("self",))
            .order_by("due_date", "pk")
            .only(*fields)
        )
        for batch in _chunks(pending):
            changed = _apply_earlier_submissions(batch, match)
            if not changed:
                continue
            now = timezone.now()
            for obligation, _from_state in changed:
                obligation.updated_at = now
            Obligation.objects.bulk_update(
                [obligation for obligation, _from_state in changed],
                ["state", "declaration", "fulfilled_at", "updated_at"],
            )
            rows = [
                (obligation.pk, TRANSITION_TO[obligation.state], from_state, obligation.state)
                for obligation, from_state in changed
            ]
            audit.record_transitions_bulk(Obligation, rows, actor=None, at=now, comment=str(FULFILLED_BY_EARLIER))
            fulfilled += len(changed)
    return fulfilled


# --- The daily job and waivers -------------------------------------------------------------------------


def mark_overdue(today: datetime.date | None = None) -> int:
    """Move every open obligation whose deadline has passed by the start of ``today`` (Ulaanbaatar; today
    by default) to overdue, and log each move; returns how many moved. Bulk and idempotent: a second run,
    or a run after a crash, moves only what is still open. An obligation following a withdrawn nomination
    is left alone (no ХАСУМ is owed for a post no longer offered).

    Each batch of up to ``BATCH_SIZE`` rows is one transaction: its rows are locked, moved by one UPDATE
    guarded by the source state, and logged with one INSERT (``audit.record_transitions_bulk``), instead of one
    ``run_transition`` per row, which would not finish for a national campaign's 60,000 rows in time.
    """
    today = today or local_date()
    # deadline(d) is the start of d + 1: by the start of today, every due date before today has passed.
    last_passed = today - datetime.timedelta(days=1)
    candidates = Obligation.objects.filter(state=OS.OPEN, due_date__lte=last_passed).exclude(
        nomination__state=NominationState.WITHDRAWN
    )
    moved = 0
    after = 0
    while True:
        with transaction.atomic():
            ids = list(
                candidates.filter(pk__gt=after)
                .select_for_update(of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH_SIZE]
            )
            if not ids:
                return moved
            now = timezone.now()
            Obligation.objects.filter(pk__in=ids, state=OS.OPEN).update(state=OS.OVERDUE, updated_at=now)
            rows = [(pk, "mark_overdue", OS.OPEN.value, OS.OVERDUE.value) for pk in ids]
            audit.record_transitions_bulk(Obligation, rows, actor=None, at=now)
            moved += len(ids)
            after = ids[-1]


def waive(*, actor: Any, obligation_id: Any, reason: Any) -> Obligation:
    """An authorised official of the organisation (or the agency) waives an obligation — the position ended,
    a duplicate — with a written reason, which the log keeps; never the official's own."""

    def validate(obligation: Obligation, now: datetime.datetime) -> transitions.TransitionInput:
        text = transitions.clean_text(reason, field="reason", required=True, message=errors.REASON_REQUIRED)
        return transitions.TransitionInput(comment=text, kwargs={"reason": text})

    return transitions.run_transition(
        fetch_locked=lambda: policies.get_visible_obligation(actor, obligation_id, for_update=True),
        name="waive",
        actor=actor,
        names=OBLIGATION_TRANSITIONS,
        prepare=validate,
    )


def available_obligation_transitions(obligation: Obligation, user: Any) -> list[str]:
    """The transitions this user may take on the obligation now (state and permission)."""
    return transitions.available(obligation, OBLIGATION_TRANSITIONS, user)
