"""The reports the agency asks for (DESIGN §7): notice statistics, campaign compliance, preliminary reviews.

Each report is a selector over an organisation subtree (an organisation, or ``None`` for the whole country)
and a period (a date range, or a year for the campaign). It aggregates in SQL — ``GROUP BY`` with filtered
counts — in a fixed number of queries whatever the number of filings, and returns plain rows: a ``Report``
of ``Table``\\ s, each with its columns (labels through gettext, so they follow the active language), its
rows and a totals row. The totals come from their own aggregate query, not from adding the rows up, so a
test can prove that they agree. The API renders a report as JSON, ``workflow.report_files`` as CSV and XLSX.

Who may run which report is the policy module's (``policies.get_report_organisation``,
``policies.runs_national_reports``); ``report_organisation`` below applies it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from declarations.models import (
    Conclusion,
    ConclusionFinding,
    Declaration,
    DeclarationKind,
    DeclarationState,
    Notice,
    NoticeCategory,
    NoticeOutcome,
    NoticeState,
    Obligation,
    ObligationKind,
    ObligationState,
    Organisation,
)
from workflow import errors, policies

Label = str | Promise

MIN_YEAR = 2000

# --- Messages ---------------------------------------------------------------------------------------------

NATIONAL_REPORT_FORBIDDEN = _(
    "Only the agency runs a report for the whole country: choose an organisation in your review scope."
)
PERIOD_REQUIRED = _("Give a year, or both date_from and date_to.")
PERIOD_AMBIGUOUS = _("Give either a year or a date range, not both.")
DATE_TO_REQUIRED = _("Give date_to with date_from.")
DATE_FROM_REQUIRED = _("Give date_from with date_to.")
DATES_REVERSED = _("date_to must not be before date_from.")
DATE_OUT_OF_RANGE = _("Enter a date between %(min)s and %(max)s.")
YEAR_REQUIRED = _("The compliance report covers one campaign: give its year.")
YEAR_ONLY = _("The compliance report covers one campaign year, not a date range.")

# --- Labels ------------------------------------------------------------------------------------------------

TOTAL = _("Total")
NO_CATEGORY = _("No category")
RETIRED_CATEGORY = _("%(name)s (no longer in use)")

COL_ORGANISATION_CODE = _("Organisation code")
COL_ORGANISATION = _("Organisation")
COL_CATEGORY_CODE = _("Category code")
COL_CATEGORY = _("Category")
COL_NOTICES = _("Notices")
COL_NO_CONFLICT = _("No conflict of interest")
COL_CONFLICT = _("Conflict of interest")
COL_NOT_STATED = _("Outcome not stated")
COL_LATE = _("Filed late")
COL_REQUIRED = _("Required")
COL_ON_TIME = _("Filed on time")
COL_OPEN = _("Not yet due")
COL_OVERDUE = _("Overdue")
COL_MISSING = _("Missing")
COL_WAIVED = _("Waived")
COL_COMPLETION = _("Completion (%)")
COL_ON_TIME_RATE = _("Filed on time (%)")
COL_APPOINTMENT_REQUIRED = _("Appointments: required")
COL_APPOINTMENT_ON_TIME = _("Appointments: filed within 30 days")
COL_APPOINTMENT_LATE = _("Appointments: filed late")
COL_APPOINTMENT_MISSING = _("Appointments: missing")
COL_APPOINTMENT_WAIVED = _("Appointments: waived")
COL_CHANGE_REQUIRED = _("Significant changes: required")
COL_CHANGE_ON_TIME = _("Significant changes: filed within 30 days")
COL_CHANGE_LATE = _("Significant changes: filed late")
COL_CHANGE_MISSING = _("Significant changes: missing")
COL_CHANGE_WAIVED = _("Significant changes: waived")
COL_PRELIMINARY = _("Preliminary declarations")
COL_IN_PROGRESS = _("Under review")
COL_NO_OBSTACLE = _("No obstacle to the appointment")
COL_CONFLICT_FOUND = _("Conflict of interest found")

NOTICES_TITLE = _("Notices of conflict of interest")
# Table titles name the XLSX sheets too, which Excel cuts at 31 characters: keep them short.
NOTICES_BY_CATEGORY_TITLE = _("By category and outcome")
COMPLIANCE_TITLE = _("Declaration campaign compliance")
CAMPAIGN_TITLE = _("Annual declarations")
EVENTS_TITLE = _("Appointments and changes")
PRELIMINARY_TITLE = _("Preliminary declarations (ХАСУМ)")
PRELIMINARY_BY_ORGANISATION_TITLE = _("By conclusion")

# --- What counts --------------------------------------------------------------------------------------------

#: A notice counts once it has been submitted: every state but the draft. A notice returned for correction
#: was filed and is being corrected; a withdrawn publication was filed too. Its period is that of its latest
#: submission (``submitted_at``; a resubmission moves it).
COUNTED_NOTICE_STATES: tuple[str, ...] = tuple(state for state in NoticeState.values if state != NoticeState.DRAFT)
#: A preliminary declaration counts once submitted (not a draft, not a discarded one); it is concluded once
#: the agency has written its conclusion (and stays so when published or withdrawn), under review before.
COUNTED_PRELIMINARY_STATES: tuple[str, ...] = tuple(
    state for state in DeclarationState.values if state not in (DeclarationState.DRAFT, DeclarationState.DISCARDED)
)
CONCLUDED_PRELIMINARY_STATES: tuple[str, ...] = (
    DeclarationState.CONCLUDED,
    DeclarationState.PUBLISHED,
    DeclarationState.WITHDRAWN,
)
MISSING_OBLIGATION_STATES: tuple[str, ...] = (ObligationState.OPEN, ObligationState.OVERDUE)


# --- The shapes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole days in Asia/Ulaanbaatar, both ends included."""

    date_from: datetime.date
    date_to: datetime.date

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The aware instants ``[start, end)``: 00:00 of the first day to 24:00 of the last, local time."""
        zone = timezone.get_default_timezone()
        start = datetime.datetime.combine(self.date_from, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(self.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        return start, end


@dataclass(frozen=True)
class Column:
    """A column: its key in the rows, its header (translated when rendered), and whether it holds a number."""

    key: str
    label: Label
    is_number: bool = True


@dataclass(frozen=True)
class Table:
    """Rows of one breakdown and their totals; ``totals`` holds the number columns only."""

    name: str
    title: Label
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]


@dataclass(frozen=True)
class Report:
    """One report over a subtree (``organisation``; ``None`` for the whole country) and a period or a year."""

    name: str
    title: Label
    organisation: Organisation | None
    tables: tuple[Table, ...]
    period: Period | None = None
    year: int | None = None

    def table(self, name: str) -> Table:
        return next(table for table in self.tables if table.name == name)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, the labels rendered in the active language."""
        return {
            "report": self.name,
            "title": str(self.title),
            "organisation": organisation_ref(self.organisation),
            "year": self.year,
            "date_from": self.period.date_from.isoformat() if self.period else None,
            "date_to": self.period.date_to.isoformat() if self.period else None,
            "tables": [
                {
                    "name": table.name,
                    "title": str(table.title),
                    "columns": [
                        {"key": column.key, "label": str(column.label), "is_number": column.is_number}
                        for column in table.columns
                    ],
                    "rows": table.rows,
                    "totals": table.totals,
                }
                for table in self.tables
            ],
        }


def organisation_ref(organisation: Organisation | None) -> dict[str, Any] | None:
    if organisation is None:
        return None
    return {
        "id": organisation.pk,
        "code": organisation.code,
        "name": _localised(organisation.name, organisation.name_en),
    }


def _in_english() -> bool:
    return (get_language() or "mn").startswith("en")


def _localised(name: str, name_en: str) -> str:
    return name_en if _in_english() and name_en else name


def _subtree(organisation: Organisation | None, field_name: str = "organisation__path") -> Q:
    return Q(**{f"{field_name}__startswith": organisation.path}) if organisation is not None else Q()


def _counts(spec: Mapping[str, Q | None], count_field: str = "pk") -> dict[str, Count]:
    """``Count`` aggregates by column key; ``None`` counts every row."""
    return {key: Count(count_field, filter=condition) for key, condition in spec.items()}


def _number_keys(columns: Sequence[Column]) -> list[str]:
    return [column.key for column in columns if column.is_number]


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- Parameters ---------------------------------------------------------------------------------------------


def report_organisation(user: Any, organisation_id: Any) -> Organisation | None:
    """The subtree a user asks for: ``None`` (the whole country) for the agency only; an organisation out of
    the user's scope is not found."""
    if organisation_id is None:
        if not policies.runs_national_reports(user):
            raise errors.ActionForbidden(NATIONAL_REPORT_FORBIDDEN)
        return None
    return policies.get_report_organisation(user, organisation_id)


def max_report_year() -> int:
    """Next year's campaign may be opened ahead of time; nothing later exists."""
    return timezone.localdate().year + 1


def check_year(year: int) -> int:
    """A report's year: from 2000 to next year."""
    if not MIN_YEAR <= year <= max_report_year():
        raise errors.InvalidInput({"year": [errors.YEAR_OUT_OF_RANGE % {"min": MIN_YEAR, "max": max_report_year()}]})
    return year


def report_period(*, year: int | None, date_from: datetime.date | None, date_to: datetime.date | None) -> Period:
    """The period of the notice and preliminary reports: a year, or a date range with both ends."""
    if year is not None:
        if date_from is not None or date_to is not None:
            raise errors.InvalidInput({"year": [PERIOD_AMBIGUOUS]})
        return Period.of_year(check_year(year))
    if date_from is None and date_to is None:
        raise errors.InvalidInput({"year": [PERIOD_REQUIRED]})
    if date_to is None:
        raise errors.InvalidInput({"date_to": [DATE_TO_REQUIRED]})
    if date_from is None:
        raise errors.InvalidInput({"date_from": [DATE_FROM_REQUIRED]})
    lowest, highest = datetime.date(MIN_YEAR, 1, 1), datetime.date(max_report_year(), 12, 31)
    out_of_range = {
        name: [DATE_OUT_OF_RANGE % {"min": lowest.isoformat(), "max": highest.isoformat()}]
        for name, value in (("date_from", date_from), ("date_to", date_to))
        if not lowest <= value <= highest
    }
    if out_of_range:
        raise errors.InvalidInput(out_of_range)
    if date_to < date_from:
        raise errors.InvalidInput({"date_to": [DATES_REVERSED]})
    return Period(date_from, date_to)


def compliance_year(*, year: int | None, date_from: datetime.date | None, date_to: datetime.date | None) -> int:
    """The compliance report covers one campaign year."""
    if date_from is not None or date_to is not None:
        raise errors.InvalidInput({"date_from" if date_from is not None else "date_to": [YEAR_ONLY]})
    if year is None:
        raise errors.InvalidInput({"year": [YEAR_REQUIRED]})
    return check_year(year)


# --- Notices ------------------------------------------------------------------------------------------------

NOTICE_COLUMNS: tuple[Column, ...] = (
    Column("category_code", COL_CATEGORY_CODE, is_number=False),
    Column("category", COL_CATEGORY, is_number=False),
    Column("total", COL_NOTICES),
    Column("no_conflict", COL_NO_CONFLICT),
    Column("conflict", COL_CONFLICT),
    Column("not_stated", COL_NOT_STATED),
    Column("late", COL_LATE),
)
_DECLARED_OUTCOMES = (NoticeOutcome.NO_CONFLICT, NoticeOutcome.CONFLICT)
NOTICE_COUNTS: dict[str, Q | None] = {
    "total": None,
    "no_conflict": Q(outcome=NoticeOutcome.NO_CONFLICT),
    "conflict": Q(outcome=NoticeOutcome.CONFLICT),
    # Blank today; anything else a future form might store is "not stated" too, never dropped.
    "not_stated": ~Q(outcome__in=_DECLARED_OUTCOMES),
    "late": Q(is_late=True),
}
_CATEGORY_FIELDS = (
    "category__code",
    "category__name",
    "category__name_en",
    "category__is_active",
    "category__ordering",
)


def counted_notices(organisation: Organisation | None, period: Period) -> QuerySet[Notice]:
    """The notices a notice report counts: submitted (not drafts) in the subtree, in the period."""
    start, end = period.bounds()
    return Notice.objects.filter(
        _subtree(organisation),
        state__in=COUNTED_NOTICE_STATES,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).order_by()


def category_label(code: str | None, name: str | None, name_en: str | None, *, is_active: bool = True) -> str:
    """A category's name in the active language; a missing or nameless one is "No category"."""
    label = _localised(name or "", name_en or "") if code is not None else ""
    if not label:
        return str(NO_CATEGORY)
    return label if is_active else str(RETIRED_CATEGORY % {"name": label})


def notice_statistics(*, organisation: Organisation | None, period: Period) -> Report:
    """Notices submitted in the subtree during the period: per category, by declared outcome, and late.

    Rows are the category × outcome table; its totals row gives the notices by outcome. Every active
    category has a row (zero when nothing was filed under it); a retired category or a missing one appears
    when notices carry it, so no notice is ever dropped. Three queries.
    """
    notices = counted_notices(organisation, period)
    grouped = notices.values(*_CATEGORY_FIELDS).annotate(**_counts(NOTICE_COUNTS))
    totals = notices.aggregate(**_counts(NOTICE_COUNTS))
    rows: dict[str | None, dict[str, Any]] = {}
    order: dict[str | None, tuple[Any, ...]] = {}
    for group in grouped:
        code = group["category__code"]
        rows[code] = {
            "category_code": code or "",
            "category": category_label(
                code, group["category__name"], group["category__name_en"], is_active=group["category__is_active"]
            ),
            **{key: group[key] for key in NOTICE_COUNTS},
        }
        order[code] = (code is None, group["category__ordering"] or 0, code or "")
    for category in NoticeCategory.objects.filter(is_active=True).exclude(code__in=[c for c in rows if c]):
        rows[category.code] = {
            "category_code": category.code,
            "category": category_label(category.code, category.name, category.name_en),
            **dict.fromkeys(NOTICE_COUNTS, 0),
        }
        order[category.code] = (False, category.ordering, category.code)
    table = Table(
        name="by_category",
        title=NOTICES_BY_CATEGORY_TITLE,
        columns=NOTICE_COLUMNS,
        rows=[rows[code] for code in sorted(rows, key=order.__getitem__)],
        totals={key: totals[key] for key in NOTICE_COUNTS},
    )
    return Report(name="notices", title=NOTICES_TITLE, organisation=organisation, period=period, tables=(table,))


# --- Campaign compliance ------------------------------------------------------------------------------------

ORGANISATION_COLUMNS: tuple[Column, ...] = (
    Column("organisation_code", COL_ORGANISATION_CODE, is_number=False),
    Column("organisation", COL_ORGANISATION, is_number=False),
)
CAMPAIGN_COLUMNS: tuple[Column, ...] = (
    *ORGANISATION_COLUMNS,
    Column("required", COL_REQUIRED),
    Column("on_time", COL_ON_TIME),
    Column("late", COL_LATE),
    Column("open", COL_OPEN),
    Column("overdue", COL_OVERDUE),
    Column("missing", COL_MISSING),
    Column("waived", COL_WAIVED),
    Column("completion_percent", COL_COMPLETION),
    Column("on_time_percent", COL_ON_TIME_RATE),
)
EVENT_COLUMNS: tuple[Column, ...] = (
    *ORGANISATION_COLUMNS,
    Column("appointment_required", COL_APPOINTMENT_REQUIRED),
    Column("appointment_on_time", COL_APPOINTMENT_ON_TIME),
    Column("appointment_late", COL_APPOINTMENT_LATE),
    Column("appointment_missing", COL_APPOINTMENT_MISSING),
    Column("appointment_waived", COL_APPOINTMENT_WAIVED),
    Column("change_required", COL_CHANGE_REQUIRED),
    Column("change_on_time", COL_CHANGE_ON_TIME),
    Column("change_late", COL_CHANGE_LATE),
    Column("change_missing", COL_CHANGE_MISSING),
    Column("change_waived", COL_CHANGE_WAIVED),
)
# Obligation lookups per count (``None``: every obligation of the kind).
_BY_STATE: dict[str, dict[str, Any] | None] = {
    "required": None,
    "on_time": {"state": ObligationState.FULFILLED_ON_TIME},
    "late": {"state": ObligationState.FULFILLED_LATE},
    "open": {"state": ObligationState.OPEN},
    "overdue": {"state": ObligationState.OVERDUE},
    "missing": {"state__in": MISSING_OBLIGATION_STATES},
    "waived": {"state": ObligationState.WAIVED},
}
_EVENT_STATES = ("required", "on_time", "late", "missing", "waived")
_EVENT_KINDS = {"appointment": ObligationKind.APPOINTMENT, "change": ObligationKind.SIGNIFICANT_CHANGE}
_REPORTED_KINDS = (ObligationKind.ANNUAL, *_EVENT_KINDS.values())


def _obligation_counts(prefix: str = "") -> dict[str, Q]:
    """The conditions of both compliance tables' counts, on obligations (or on a relation to them)."""

    def condition(kind: str, lookups: dict[str, Any] | None) -> Q:
        return Q(**{f"{prefix}{lookup}": value for lookup, value in {"kind": kind, **(lookups or {})}.items()})

    spec = {key: condition(ObligationKind.ANNUAL, lookups) for key, lookups in _BY_STATE.items()}
    for name, kind in _EVENT_KINDS.items():
        spec.update({f"{name}_{key}": condition(kind, _BY_STATE[key]) for key in _EVENT_STATES})
    return spec


def _with_percentages(counts: dict[str, Any]) -> dict[str, Any]:
    due = counts["required"] - counts["waived"]
    return {
        **counts,
        "completion_percent": _percent(counts["on_time"] + counts["late"], due),
        "on_time_percent": _percent(counts["on_time"], due),
    }


def campaign_compliance(*, organisation: Organisation | None, year: int) -> Report:
    """The year's filing obligations, one row per organisation of the subtree (none left out) plus totals.

    ``annual`` counts the campaign's annual obligations (``period`` = the year); the events table counts
    the appointment and significant-change obligations whose event fell in the year (``period`` too), due
    30 days after it. ``missing`` = not yet due + overdue; ``required`` = filed on time + late + missing +
    waived. The completion percentage is filed (on time or late) over required minus waived; a late filing
    counts as not filed in law, hence the on-time percentage beside it. Two queries.
    """
    year_obligations = FilteredRelation(
        "obligations", condition=Q(obligations__period=year, obligations__kind__in=_REPORTED_KINDS)
    )
    grouped = (
        Organisation.objects.filter(_subtree(organisation, "path"))
        .annotate(counted=year_obligations)
        .values("pk", "code", "name", "name_en", "path")
        .annotate(**{key: Count("counted", filter=q) for key, q in _obligation_counts("counted__").items()})
        .order_by("path")
    )
    totals = (
        Obligation.objects.filter(_subtree(organisation), period=year, kind__in=_REPORTED_KINDS)
        .order_by()
        .aggregate(**_counts(_obligation_counts()))
    )
    campaign_rows, event_rows = [], []
    for group in grouped:
        names = {"organisation_code": group["code"], "organisation": _localised(group["name"], group["name_en"])}
        campaign_rows.append({**names, **_with_percentages({key: group[key] for key in _BY_STATE})})
        event_rows.append({**names, **{key: group[key] for key in _number_keys(EVENT_COLUMNS)}})
    campaign = Table(
        name="annual",
        title=CAMPAIGN_TITLE,
        columns=CAMPAIGN_COLUMNS,
        rows=campaign_rows,
        totals=_with_percentages({key: totals[key] for key in _BY_STATE}),
    )
    events = Table(
        name="events",
        title=EVENTS_TITLE,
        columns=EVENT_COLUMNS,
        rows=event_rows,
        totals={key: totals[key] for key in _number_keys(EVENT_COLUMNS)},
    )
    return Report(
        name="compliance", title=COMPLIANCE_TITLE, organisation=organisation, year=year, tables=(campaign, events)
    )


# --- Preliminary declarations -------------------------------------------------------------------------------

PRELIMINARY_COLUMNS: tuple[Column, ...] = (
    *ORGANISATION_COLUMNS,
    Column("total", COL_PRELIMINARY),
    Column("in_progress", COL_IN_PROGRESS),
    Column("no_obstacle", COL_NO_OBSTACLE),
    Column("conflict_found", COL_CONFLICT_FOUND),
)
PRELIMINARY_COUNTS: dict[str, Q | None] = {
    "total": None,
    "in_progress": ~Q(state__in=CONCLUDED_PRELIMINARY_STATES),
    "no_obstacle": Q(state__in=CONCLUDED_PRELIMINARY_STATES, finding=ConclusionFinding.NO_OBSTACLE),
    "conflict_found": Q(state__in=CONCLUDED_PRELIMINARY_STATES, finding=ConclusionFinding.CONFLICT_FOUND),
}


def counted_preliminary_declarations(organisation: Organisation | None, period: Period) -> QuerySet[Declaration]:
    """Preliminary declarations submitted in the subtree during the period, with their latest finding."""
    start, end = period.bounds()
    latest_finding = (
        Conclusion.objects.filter(declaration=OuterRef("pk")).order_by("-concluded_at", "-pk").values("finding")[:1]
    )
    return (
        Declaration.objects.filter(
            _subtree(organisation),
            kind=DeclarationKind.PRELIMINARY,
            state__in=COUNTED_PRELIMINARY_STATES,
            submitted_at__gte=start,
            submitted_at__lt=end,
        )
        .alias(finding=Subquery(latest_finding))
        .order_by()
    )


def preliminary_reviews(*, organisation: Organisation | None, period: Period) -> Report:
    """Nominees' preliminary declarations submitted in the period, per organisation: still under review, or
    concluded by the agency with no obstacle or a conflict found (the latest conclusion). Two queries."""
    declarations = counted_preliminary_declarations(organisation, period)
    grouped = (
        declarations.values("organisation__code", "organisation__name", "organisation__name_en", "organisation__path")
        .annotate(**_counts(PRELIMINARY_COUNTS))
        .order_by("organisation__path")
    )
    totals = declarations.aggregate(**_counts(PRELIMINARY_COUNTS))
    rows = [
        {
            "organisation_code": group["organisation__code"],
            "organisation": _localised(group["organisation__name"], group["organisation__name_en"]),
            **{key: group[key] for key in PRELIMINARY_COUNTS},
        }
        for group in grouped
    ]
    table = Table(
        name="by_organisation",
        title=PRELIMINARY_BY_ORGANISATION_TITLE,
        columns=PRELIMINARY_COLUMNS,
        rows=rows,
        totals={key: totals[key] for key in PRELIMINARY_COUNTS},
    )
    return Report(
        name="preliminary", title=PRELIMINARY_TITLE, organisation=organisation, period=period, tables=(table,)
    )


# --- The catalogue ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportKind:
    """A report by name: whether it covers a date period or a campaign year, and its selector."""

    name: str
    by_year_only: bool
    build: Callable[..., Report]


REPORTS: dict[str, ReportKind] = {
    "notices": ReportKind("notices", by_year_only=False, build=notice_statistics),
    "compliance": ReportKind("compliance", by_year_only=True, build=campaign_compliance),
    "preliminary": ReportKind("preliminary", by_year_only=False, build=preliminary_reviews),
}


def build_report(
    name: str,
    *,
    organisation: Organisation | None,
    year: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Report:
    """Check the period parameters for the report and run it."""
    kind = REPORTS[name]
    if kind.by_year_only:
        return kind.build(
            organisation=organisation, year=compliance_year(year=year, date_from=date_from, date_to=date_to)
        )
    return kind.build(organisation=organisation, period=report_period(year=year, date_from=date_from, date_to=date_to))
