"""What waits for each user on the home page, and the campaign dashboard's scope, years and overdue list.

Selectors only: every list is read through ``workflow.policies`` (so a user never sees more here than
anywhere else), the campaign figures come from ``workflow.reports.campaign_compliance``, and each summary
costs a fixed number of queries whatever the number of filings: counts are aggregates, lists are cut at
``limit`` rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from declarations.models import (
    Campaign,
    Declaration,
    DeclarationState,
    Nomination,
    NominationState,
    Notice,
    NoticeState,
    Obligation,
    ObligationKind,
    ObligationState,
    Organisation,
)
from declarations.rules import REVIEW_PERMISSION
from workflow import inbox, obligations, policies, reports
from workflow.nominations import OPEN_STATES as OPEN_NOMINATION_STATES
from workflow.referrals import AGENCY_REVIEWER_PERMISSION

#: How many rows each list of the home page shows; the counts beside them count everything.
HOME_LIST_LIMIT = 10
PENDING_OBLIGATION_STATES = (ObligationState.OPEN, ObligationState.OVERDUE)
#: A filer's own declarations that wait for them: drafts, and those returned for correction.
OPEN_DECLARATION_STATES = (DeclarationState.DRAFT, DeclarationState.RETURNED)
#: A filer's own notices that wait for them: drafts (a tender's committee opens one for each member), and
#: those returned for correction.
WAITING_NOTICE_STATES = (NoticeState.DRAFT, NoticeState.RETURNED)


def local_today() -> datetime.date:
    """Today in Ulaanbaatar, the date deadlines are counted in."""
    return obligations.local_date()


def localised_name(organisation: Organisation) -> str:
    """An organisation's name in the active language (its English name in English, when it has one)."""
    return reports._localised(organisation.name, organisation.name_en)


# --- Deadlines ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """How a due date stands today: ``days`` left (0: due today), or ``days`` over when ``is_overdue``."""

    due_date: datetime.date
    days: int
    is_overdue: bool

    @property
    def is_due_today(self) -> bool:
        return not self.is_overdue and self.days == 0


def deadline_status(due_date: datetime.date, *, state: str, today: datetime.date) -> Deadline:
    """An obligation's standing: overdue once its due date has ended (24:00 Ulaanbaatar) or once the daily
    job has marked it so."""
    left = (due_date - today).days
    if left < 0 or state == ObligationState.OVERDUE:
        return Deadline(due_date=due_date, days=max(-left, 0), is_overdue=True)
    return Deadline(due_date=due_date, days=left, is_overdue=False)


@dataclass(frozen=True)
class PendingObligation:
    obligation: Obligation
    deadline: Deadline


# --- Roles --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Roles:
    """What a user does here, as far as the home page and the dashboard are concerned."""

    is_official: bool
    reviews_organisations: bool  # an authorised official (ЭБАТ) of one or more organisation subtrees
    reviews_for_agency: bool  # an agency reviewer: works the filings assigned to them
    reviews_everything: bool  # the global review permission (agency supervisors who review)
    manages_nominations: bool  # an HR officer of one or more organisations
    runs_national_reports: bool  # the agency's supervisors and administrators

    @property
    def reviews(self) -> bool:
        return self.reviews_organisations or self.reviews_for_agency or self.reviews_everything

    @property
    def follows_campaigns(self) -> bool:
        """Sees the campaign dashboard: the agency for the whole country, an ЭБАТ for their subtrees."""
        return self.runs_national_reports or self.reviews_organisations


def roles_of(user: Any) -> Roles:
    """The user's roles, read through the policy module (a few queries, the same for every user)."""
    if not policies._is_active_user(user):
        return Roles(False, False, False, False, False, False)
    return Roles(
        is_official=policies.visible_officials(user).filter(user=user).exists(),
        reviews_organisations=bool(policies.reviewer_organisation_paths(user)),
        reviews_for_agency=policies._has_global_perm(user, AGENCY_REVIEWER_PERMISSION),
        reviews_everything=policies._has_global_perm(user, REVIEW_PERMISSION),
        manages_nominations=policies._managed_organisation_ids(user).exists(),
        runs_national_reports=policies.runs_national_reports(user),
    )


# --- The home page ------------------------------------------------------------------------------------------


@dataclass
class HomeSummary:
    """What waits for the user, by role; lists hold at most ``HOME_LIST_LIMIT`` rows, counts count all."""

    roles: Roles
    today: datetime.date
    unread_count: int = 0
    draft_count: int = 0
    returned_count: int = 0
    obligations: list[PendingObligation] = field(default_factory=list)
    obligation_count: int = 0
    overdue_count: int = 0
    declarations: list[Declaration] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    notice_count: int = 0
    review_count: int = 0
    notice_review_count: int = 0
    overdue_in_scope_count: int = 0
    assigned_declarations: list[Declaration] = field(default_factory=list)
    assigned_notices: list[Notice] = field(default_factory=list)
    nominations: list[Nomination] = field(default_factory=list)
    nomination_count: int = 0

    @property
    def more_obligations(self) -> int:
        return self.obligation_count - len(self.obligations)

    @property
    def more_declarations(self) -> int:
        return self.draft_count + self.returned_count - len(self.declarations)

    @property
    def more_notices(self) -> int:
        return self.notice_count - len(self.notices)

    @property
    def more_nominations(self) -> int:
        return self.nomination_count - len(self.nominations)


def own_pending_obligations(user: Any) -> QuerySet[Obligation]:
    """The user's own open and overdue obligations, soonest due first. One following a withdrawn nomination
    owes nothing (``workflow.obligations`` leaves it open)."""
    return (
        policies.visible_obligations(user)
        .filter(official__user=user, state__in=PENDING_OBLIGATION_STATES)
        .exclude(nomination__state=NominationState.WITHDRAWN)
        .order_by("due_date", "pk")
    )


def own_open_declarations(user: Any) -> QuerySet[Declaration]:
    """The user's own drafts and declarations returned for correction: returned ones first, then the most
    recently changed."""
    returned_first = Case(
        When(state=DeclarationState.RETURNED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        policies.visible_declarations(user)
        .filter(official__user=user, state__in=OPEN_DECLARATION_STATES)
        .order_by(returned_first, "-updated_at", "-pk")
    )


def own_waiting_notices(user: Any) -> QuerySet[Notice]:
    """The user's own notices still to file: returned ones first, then drafts (a committee seat opens one),
    the soonest action first."""
    returned_first = Case(
        When(state=NoticeState.RETURNED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        policies.visible_notices(user)
        .filter(filer=user, state__in=WAITING_NOTICE_STATES)
        .order_by(returned_first, F("action_date").asc(nulls_last=True), "pk")
    )


def overdue_in_scope(user: Any) -> QuerySet[Obligation]:
    """Overdue obligations of others the user follows: an ЭБАТ's subtrees, everything for the agency."""
    return (
        policies.visible_obligations(user).filter(state=ObligationState.OVERDUE).exclude(official__user=user).order_by()
    )


def managed_nominations(user: Any) -> QuerySet[Nomination]:
    """Nominations still in progress in the organisations where the user is an HR officer, newest first."""
    return (
        policies.visible_nominations(user)
        .filter(organisation__in=policies._managed_organisation_ids(user), state__in=OPEN_NOMINATION_STATES)
        .select_related("nominee", "organisation")
        .order_by("-created_at", "-pk")
    )


def home_summary(user: Any, *, today: datetime.date | None = None, limit: int | None = None) -> HomeSummary:
    """Everything the home page shows for a signed-in user, each part only for the roles it concerns."""
    limit = HOME_LIST_LIMIT if limit is None else limit
    roles = roles_of(user)
    summary = HomeSummary(roles=roles, today=today or local_today())
    if not policies._is_active_user(user):
        return summary
    summary.unread_count = inbox.unread_count(user)
    counts = (
        policies.visible_declarations(user)
        .filter(official__user=user)
        .order_by()
        .aggregate(
            draft=Count("pk", filter=Q(state=DeclarationState.DRAFT)),
            returned=Count("pk", filter=Q(state=DeclarationState.RETURNED)),
        )
    )
    summary.draft_count, summary.returned_count = counts["draft"], counts["returned"]
    if summary.draft_count or summary.returned_count:
        summary.declarations = list(own_open_declarations(user)[:limit])
    if roles.is_official:
        pending = own_pending_obligations(user)
        obligation_counts = pending.aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(state=ObligationState.OVERDUE) | Q(due_date__lt=summary.today)),
        )
        summary.obligation_count, summary.overdue_count = obligation_counts["total"], obligation_counts["overdue"]
        summary.obligations = [
            PendingObligation(
                obligation, deadline_status(obligation.due_date, state=obligation.state, today=summary.today)
            )
            for obligation in pending.select_related("organisation", "position")[:limit]
        ]
    notices = own_waiting_notices(user)
    summary.notice_count = notices.count()
    if summary.notice_count:
        summary.notices = list(notices.select_related("category", "tender", "organisation")[:limit])
    if roles.reviews:
        summary.review_count = policies.review_queue_for(user).count()
        summary.notice_review_count = policies.notice_review_queue_for(user).count()
    if roles.reviews_for_agency:
        summary.assigned_declarations = list(policies.review_queue_for(user)[:limit])
        summary.assigned_notices = list(policies.notice_review_queue_for(user)[:limit])
    if roles.follows_campaigns:
        summary.overdue_in_scope_count = overdue_in_scope(user).count()
    if roles.manages_nominations:
        nominations = managed_nominations(user)
        summary.nomination_count = nominations.count()
        summary.nominations = list(nominations[:limit])
    return summary


# --- The campaign dashboard ---------------------------------------------------------------------------------


def campaign_years() -> list[int]:
    """The years whose annual campaign has been opened, newest first."""
    return list(Campaign.objects.order_by("-year").values_list("year", flat=True))


def scope_roots(user: Any) -> list[Organisation]:
    """The organisations at the top of an ЭБАТ's subtrees (one inside another counts once), in tree order."""
    paths = policies.reviewer_organisation_paths(user)
    outermost = [path for path in paths if not any(path != other and path.startswith(other) for other in paths)]
    return list(Organisation.objects.filter(path__in=outermost).order_by("path"))


def scope_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations whose subtree the user may follow: every one for the agency, an ЭБАТ's subtrees."""
    queryset = Organisation.objects.order_by("path")
    if policies.runs_national_reports(user):
        return queryset
    return queryset.filter(policies._subtree_q(policies.reviewer_organisation_paths(user), "path"))


def rank_worst_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Compliance rows, the lowest completion first; among equals the most overdue first. Rows with nothing
    due (no percentage) come last."""
    return sorted(
        rows,
        key=lambda row: (
            row["completion_percent"] is None,
            row["completion_percent"] or 0,
            -row["overdue"],
            row["organisation"],
        ),
    )


def campaign_overdue(user: Any, *, organisation: Organisation | None, year: int) -> QuerySet[Obligation]:
    """The year's annual obligations in the subtree (the whole country: ``None``) that are overdue, longest
    overdue first: the same ones as the compliance report's "Overdue" count."""
    queryset = policies.visible_obligations(user).filter(
        kind=ObligationKind.ANNUAL, period=year, state=ObligationState.OVERDUE
    )
    if organisation is not None:
        queryset = queryset.filter(organisation__path__startswith=organisation.path)
    return queryset.select_related("official", "organisation", "position").order_by(
        "due_date", "organisation__path", "official__full_name", "pk"
    )


@dataclass(frozen=True)
class OverdueRow:
    official: str
    position: str
    organisation: str
    kind: str
    due_date: datetime.date
    days_overdue: int


def overdue_rows(obligations_page: Any, *, today: datetime.date | None = None) -> list[OverdueRow]:
    """A page of overdue obligations as rows: who, where, due when, how many days over."""
    today = today or local_today()
    return [
        OverdueRow(
            official=obligation.official.full_name,
            position=obligation.position.title if obligation.position is not None else "",
            organisation=localised_name(obligation.organisation),
            kind=obligation.get_kind_display(),
            due_date=obligation.due_date,
            days_overdue=max((today - obligation.due_date).days, 0),
        )
        for obligation in obligations_page
    ]
