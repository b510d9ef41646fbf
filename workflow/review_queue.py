"""The reviewer's queue and review page: filters, counts per state, and who may open a declaration to review.

The queue itself is ``policies.review_queue_for``; these functions narrow it by the same criteria as the
API's declaration filters (organisation subtree, year, kind, state) plus the filer's name, and count it per
state in one ``GROUP BY`` query.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, QuerySet

from declarations import rules
from declarations.models import (
    PRELIMINARY_FINDINGS,
    REFERRAL_FINDINGS,
    Declaration,
    DeclarationState,
    Organisation,
)
from workflow import policies
from workflow.errors import ObjectNotFound

AGENCY_REVIEWER_PERMISSION = "declarations.agency_review"
#: A draft is the filer's until submitted; a discarded one was never filed.
NOT_FOR_REVIEW = (DeclarationState.DRAFT, DeclarationState.DISCARDED)


def _is_agency(user: Any) -> bool:
    """The agency's reviewers and supervisors, whose queue also holds referred filings."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.has_perm(AGENCY_REVIEWER_PERMISSION) or user.has_perm(rules.REVIEW_PERMISSION))
    )


def queue_states_for(user: Any) -> tuple[str, ...]:
    """The states a declaration waits in, in this user's queue: referred ones only for the agency."""
    return policies.AGENCY_QUEUE_STATES if _is_agency(user) else policies.REVIEW_QUEUE_STATES


def queue_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations the user may narrow the queue to: their review subtrees and the organisations of
    the filings in their queue (an agency reviewer's assignments); every organisation for the agency's
    supervisors."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return Organisation.objects.none()
    if user.has_perm(rules.REVIEW_PERMISSION):
        return Organisation.objects.order_by("path")
    paths = policies.reviewer_organisation_paths(user)
    subtrees = reduce(or_, (Q(path__startswith=path) for path in paths), Q(pk__in=[]))
    queued = policies.review_queue_for(user).values("organisation_id")
    return Organisation.objects.filter(subtrees | Q(pk__in=queued)).order_by("path")


def filter_queue(
    queryset: QuerySet[Declaration],
    *,
    organisation: Organisation | None = None,
    year: int | None = None,
    kind: str = "",
    name: str = "",
    states: Sequence[str] = (),
) -> QuerySet[Declaration]:
    """Narrow a queue: an organisation and everything under it, a year, a kind, states, and a part of the
    filer's name (folded like the stored search column, so Cyrillic case does not matter)."""
    if organisation is not None:
        queryset = queryset.filter(organisation__path__startswith=organisation.path)
    if year is not None:
        queryset = queryset.filter(year=year)
    if kind:
        queryset = queryset.filter(kind=kind)
    if states:
        queryset = queryset.filter(state__in=states)
    name = " ".join(name.split()).casefold()
    if name:
        queryset = queryset.filter(official__full_name_search__contains=name)
    return queryset.select_related("nomination")


def state_counts(queryset: QuerySet[Declaration], states: Sequence[str]) -> dict[str, int]:
    """How many declarations of the queryset are in each of the states (zero for none), in one query."""
    found = dict(queryset.order_by().values_list("state").annotate(count=Count("pk")).values_list("state", "count"))
    return {state: int(found.get(state, 0)) for state in states}


def get_reviewable_declaration(user: Any, pk: Any) -> Declaration:
    """A declaration the user reviews (as an authorised official or for the agency), once it was filed.

    Its filer, a relative listed in it and anyone outside the review scope get ``ObjectNotFound``, exactly
    as for a missing declaration; so does a draft, which is its filer's alone until submitted.
    """
    declaration = policies.get_visible_declaration(user, pk)
    if declaration.state in NOT_FOR_REVIEW or not (
        rules.is_reviewer(declaration, user) or rules.is_agency_reviewer(declaration, user)
    ):
        raise ObjectNotFound
    return declaration


def conclusion_findings(declaration: Declaration) -> tuple[str, ...]:
    """The findings the agency may conclude with: on a nominee's preliminary declaration, or a referral."""
    return PRELIMINARY_FINDINGS if declaration.kind == rules.PRELIMINARY else REFERRAL_FINDINGS
