"""Who may take a filing's transitions, and when: the predicates behind the state graphs.

``permission=`` predicates answer who; ``conditions=`` predicates answer when, and carry a
``refusal_message(instance)`` that says why not. The organisation-subtree scope of an authorised
official (ЭБАТ) and per-object grants are answered by the authentication backends through
``user.has_perm(<review permission>, filing)``; the policy module in ``workflow`` implements that scope.
django-fsm types these callables as taking a ``Model``, so the filing parameter is ``Any``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from declarations.content import family_register_numbers

REVIEW_PERMISSION = "declarations.review_declaration"
REVIEW_NOTICE_PERMISSION = "declarations.review_notice"
WITHDRAW_PUBLICATION_PERMISSION = "declarations.withdraw_publication"
MANAGE_COMMITTEE_PERMISSION = "declarations.manage_committee"
MANAGE_NOMINATIONS_PERMISSION = "declarations.manage_nominations"
# Answered by the policy module's backend, never stored: the agency's review of one filing (the global
# review permission of its supervisors, or a reviewer's per-filing assignment). An organisation's
# authorised officials never hold it, so preliminary declarations and referrals stay with the agency.
AGENCY_REVIEW_PERMISSION = "declarations.review_as_agency"
PRELIMINARY = "preliminary"
# Answered by the policy module's backend from the ЭБАТ's organisation scope (or a global grant).
WAIVE_OBLIGATION_PERMISSION = "declarations.waive_obligation"

RESOLUTION_REQUIRED = _("A notice declaring a conflict needs a recorded resolution before it is acknowledged.")
FLAGS_UNRESOLVED = _("Every red flag must be resolved with a written reason before the notice is acknowledged.")
NO_REVISION = _("The declaration has no submitted revision to publish.")
NO_MEMBERS = _("The committee has no members.")
MEMBER_NOT_DECLARED = _("%(member)s has not submitted a notice for this tender.")
MEMBER_NOT_ACKNOWLEDGED = _("The notice of %(member)s has not been acknowledged yet.")
MEMBER_CONFLICTED = _("%(member)s declared a conflict of interest and must be recused and replaced.")
MEMBER_FLAGGED = _("The notice of %(member)s has an unresolved red flag.")
MEMBER_NOT_REPLACED = _("%(member)s was recused but has not been replaced.")
PRELIMINARY_GOES_TO_AGENCY = _("A preliminary declaration is concluded by the agency, not accepted or referred.")
AGENCY_CONCLUDES_ONLY = _("The agency concludes only a preliminary declaration or a referred filing.")
VIOLATION_NOT_PUBLISHED = _("The agency found a violation: the filing stays unpublished.")
NOT_CONCLUDED = _("The agency has not concluded on the nominee's preliminary declaration yet.")


def _active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def review_permission_for(filing: Any) -> str:
    return REVIEW_NOTICE_PERMISSION if filing._meta.model_name == "notice" else REVIEW_PERMISSION


def filer_user_id(filing: Any) -> int | None:
    """The account that files: a notice names it directly (external members hold no position)."""
    if filing._meta.model_name == "notice":
        return int(filing.filer_id)
    return int(filing.official.user_id)


def is_filer(filing: Any, user: Any) -> bool:
    """The user files this declaration or notice (ownership is the foreign key)."""
    return _active_user(user) and filer_user_id(filing) == user.pk


def is_relative_of_filer(filing: Any, user: Any) -> bool:
    """The user is listed as a family member in the declaration (separation of duties, DESIGN §4)."""
    official = getattr(user, "official", None) if getattr(user, "is_authenticated", False) else None
    content = getattr(filing, "content", None)
    if official is None or not official.register_number or not content:
        return False
    return official.register_number.upper() in family_register_numbers(content)


def is_reviewer(filing: Any, user: Any) -> bool:
    """The user reviews this filing: in scope, and neither its filer nor a relative listed in it."""
    if not _active_user(user) or is_filer(filing, user) or is_relative_of_filer(filing, user):
        return False
    return bool(user.has_perm(review_permission_for(filing), filing))


def is_agency_reviewer(filing: Any, user: Any) -> bool:
    """The agency reviews this filing: a supervisor, or the reviewer it is assigned to; never its filer."""
    if not _active_user(user) or is_filer(filing, user) or is_relative_of_filer(filing, user):
        return False
    return bool(user.has_perm(AGENCY_REVIEW_PERMISSION, filing))


def is_nominee(nomination: Any, user: Any) -> bool:
    return _active_user(user) and nomination.nominee.user_id == user.pk


def concludes_nomination(nomination: Any, user: Any) -> bool:
    """The agency reviewer who concludes the nomination's preliminary declaration."""
    return any(is_agency_reviewer(declaration, user) for declaration in nomination.declarations.all())


def manages_nominations(nomination: Any, user: Any) -> bool:
    """The HR officers of the nomination's organisation (a guardian grant on the organisation)."""
    return _active_user(user) and bool(user.has_perm(MANAGE_NOMINATIONS_PERMISSION, nomination.organisation))


def waives_obligation(obligation: Any, user: Any) -> bool:
    """An authorised official (ЭБАТ) whose scope covers the obligation's organisation, or the agency."""
    return _active_user(user) and bool(user.has_perm(WAIVE_OBLIGATION_PERMISSION, obligation))


def can_withdraw_publication(declaration: Any, user: Any) -> bool:
    """Only the agency's supervisors (a global permission) withdraw a publication."""
    return _active_user(user) and bool(user.has_perm(WITHDRAW_PUBLICATION_PERMISSION))


def manages_committee(tender: Any, user: Any) -> bool:
    """The procurement secretary holds ``manage_committee`` on the tender (a guardian object grant)."""
    return _active_user(user) and bool(user.has_perm(MANAGE_COMMITTEE_PERMISSION, tender))


def refusal(message: Any) -> Callable[[Callable[..., bool]], Callable[..., bool]]:
    """Attach the message that explains a failed condition to the condition."""

    def attach(condition: Callable[..., bool]) -> Callable[..., bool]:
        condition.refusal_message = lambda instance: message  # type: ignore[attr-defined]
        return condition

    return attach


@refusal(NO_REVISION)
def has_frozen_revision(declaration: Any) -> bool:
    """A declaration can be published only from a revision frozen at submission."""
    return bool(declaration.revisions.exists())


@refusal(PRELIMINARY_GOES_TO_AGENCY)
def is_not_preliminary(declaration: Any) -> bool:
    return bool(declaration.kind != PRELIMINARY)


@refusal(AGENCY_CONCLUDES_ONLY)
def agency_may_conclude(filing: Any) -> bool:
    """From review only a preliminary declaration; any filing once referred."""
    return filing.state == "referred" or getattr(filing, "kind", "") == PRELIMINARY


def latest_conclusion(filing: Any) -> Any:
    return max(filing.conclusions.all(), key=lambda conclusion: (conclusion.concluded_at, conclusion.pk), default=None)


@refusal(VIOLATION_NOT_PUBLISHED)
def conclusion_allows_publication(filing: Any) -> bool:
    """A filing the agency concluded on is published unless the agency found a violation."""
    if filing.state != "concluded":
        return True
    conclusion = latest_conclusion(filing)
    return conclusion is not None and conclusion.finding != "violation_found"


@refusal(NOT_CONCLUDED)
def nomination_is_concluded(nomination: Any) -> bool:
    """The appointment waits for the agency's conclusion on the preliminary declaration."""
    return nomination.state == "concluded" and any(
        latest_conclusion(declaration) is not None for declaration in nomination.declarations.all()
    )


@refusal(RESOLUTION_REQUIRED)
def conflict_has_resolution(notice: Any) -> bool:
    """A declared conflict needs the reviewer's recorded resolution (Conflict of Interest Law, art. 12)."""
    return notice.outcome != "conflict" or bool(notice.resolution.strip())


@refusal(FLAGS_UNRESOLVED)
def flags_are_resolved(notice: Any) -> bool:
    """No red flag on the notice is left without a written resolution (from memory when prefetched)."""
    if "red_flags" in getattr(notice, "_prefetched_objects_cache", {}):
        return all(flag.resolved_at is not None for flag in notice.red_flags.all())
    return not notice.red_flags.filter(resolved_at__isnull=True).exists()


@refusal(NO_MEMBERS)
def has_active_members(tender: Any) -> bool:
    if "members" in getattr(tender, "_prefetched_objects_cache", {}):
        return any(not member.is_recused for member in tender.members.all())
    return bool(tender.members.filter(is_recused=False).exists())


def committee_gate_problems(tender: Any) -> list[str]:
    """Why the committee cannot be cleared yet, one sentence per member; empty when it can.

    Every active member's latest notice for the tender must be acknowledged (or published) as no
    conflict with no unresolved red flag; a recused member must have been replaced.
    """
    members = list(tender.members.all())
    problems: list[str] = []
    if not any(not member.is_recused for member in members):
        return [str(NO_MEMBERS)]
    # A list page prefetches ``notices__red_flags``; a single tender reads them in two queries.
    prefetched = "notices" in getattr(tender, "_prefetched_objects_cache", {})
    notices = tender.notices.all() if prefetched else tender.notices.prefetch_related("red_flags")
    latest: dict[int, Any] = {}
    for notice in sorted(notices, key=lambda notice: notice.pk):
        latest[notice.filer_id] = notice
    for member in members:
        name = {"member": member.full_name}
        if member.is_recused:
            if member.replaced_by_id is None:
                problems.append(str(MEMBER_NOT_REPLACED % name))
            continue
        notice = latest.get(member.user_id)
        if notice is None or notice.state in ("draft", "returned"):
            problems.append(str(MEMBER_NOT_DECLARED % name))
        elif notice.outcome == "conflict":
            problems.append(str(MEMBER_CONFLICTED % name))
        # Checked before acknowledgement: acknowledging needs every flag resolved, so a flag checked
        # after it would never be named.
        elif any(flag.resolved_at is None for flag in notice.red_flags.all()):
            problems.append(str(MEMBER_FLAGGED % name))
        elif notice.state not in ("acknowledged", "published"):
            problems.append(str(MEMBER_NOT_ACKNOWLEDGED % name))
    return problems


def committee_is_cleared(tender: Any) -> bool:
    """The clearing gate: evaluation may not start until every member is cleared."""
    return not committee_gate_problems(tender)


committee_is_cleared.refusal_message = lambda tender: " ".join(committee_gate_problems(tender))  # type: ignore[attr-defined]
