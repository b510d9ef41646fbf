"""The agency's part: referrals from an organisation, per-filing assignments, and written conclusions.

An authorised official (ЭБАТ) refers a declaration or a notice under review to the agency with a reason.
An agency supervisor assigns it (or a nominee's preliminary declaration) to one of the agency's reviewers:
a guardian per-object grant, revoked from the previous reviewer on reassignment, so a reviewer sees only
what is assigned to them. The reviewer concludes with a finding, the legal article and the reasoning; a
filing the agency found no violation in continues to publication, one with a violation stays unpublished.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from declarations.models import (
    PRELIMINARY_FINDINGS,
    REFERRAL_FINDINGS,
    Conclusion,
    Declaration,
    Nomination,
    NominationState,
    Notice,
)
from declarations.rules import PRELIMINARY, filer_user_id
from workflow import audit, errors, notifications, policies, transitions
from workflow.transitions import TransitionInput, clean_text

User = get_user_model()

ASSIGN_PERMISSION = "declarations.assign_reviewers"
AGENCY_REVIEWER_PERMISSION = "declarations.agency_review"
# While the agency works on a filing: a preliminary declaration in review, any filing once referred.
ASSIGNABLE_STATES = ("submitted", "under_review", "referred")

FINDING_NOT_FOR_FILING = _("Choose a finding that applies to this filing.")
LEGAL_ARTICLE_REQUIRED = _("Name the legal article the conclusion rests on.")
REASONING_REQUIRED = _("The reasoning is required.")
NOT_AN_AGENCY_REVIEWER = _("Choose one of the agency's reviewers.")
NOT_ASSIGNABLE = _("Only a preliminary declaration or a referred filing is assigned to an agency reviewer.")
ONLY_SUPERVISORS_ASSIGN = _("Only the agency's supervisors assign reviewers.")


def _review_codename(filing: Model) -> str:
    return "review_notice" if isinstance(filing, Notice) else "review_declaration"


def refer_prepare(reason: Any) -> Any:
    def prepare(filing: Model, now: datetime.datetime) -> TransitionInput:
        return TransitionInput(
            comment=clean_text(reason, field="reason", required=True, message=errors.REASON_REQUIRED)
        )

    return prepare


def conclude_prepare(
    *, finding: Any, legal_article: Any, reasoning: Any, internal_notes: Any, actor: Any
) -> tuple[Any, Any]:
    """The ``prepare`` (validate the conclusion) and ``after`` (write it) steps of ``conclude``."""
    written: dict[str, Any] = {}

    def prepare(filing: Model, now: datetime.datetime) -> TransitionInput:
        preliminary = isinstance(filing, Declaration) and filing.kind == PRELIMINARY
        allowed = PRELIMINARY_FINDINGS if preliminary else REFERRAL_FINDINGS
        problems: dict[str, list[Any]] = {}
        if finding not in allowed:
            problems["finding"] = [FINDING_NOT_FOR_FILING]
        fields = {}
        for name, value, message, required, limit in (
            ("legal_article", legal_article, LEGAL_ARTICLE_REQUIRED, True, 255),
            ("reasoning", reasoning, REASONING_REQUIRED, True, transitions.MAX_TEXT_LENGTH),
            ("internal_notes", internal_notes, REASONING_REQUIRED, False, transitions.MAX_TEXT_LENGTH),
        ):
            try:
                fields[name] = clean_text(value, field=name, required=required, message=message, max_length=limit)
            except errors.InvalidInput as invalid:
                problems.update(invalid.errors)
        if problems:
            raise errors.InvalidInput(problems)
        written.update(fields, finding=finding)
        return TransitionInput(comment=str(finding), kwargs={"at": now})

    def after(filing: Model, now: datetime.datetime) -> None:
        target: dict[str, Any] = {"notice": filing} if isinstance(filing, Notice) else {"declaration": filing}
        Conclusion.objects.create(**target, **written, author=actor, concluded_at=now)
        nomination = filing.nomination if isinstance(filing, Declaration) else None
        # A withdrawn nomination stays withdrawn: the conclusion is still written and published.
        if nomination is not None and nomination.state == NominationState.DECLARED:
            nomination_id = nomination.pk
            transitions.run_transition(
                fetch_locked=lambda: Nomination.objects.select_for_update().get(pk=nomination_id),
                name="record_conclusion",
                actor=actor,
                names=("record_conclusion",),
            )

    return prepare, after


def _locked_filing(actor: Any, model: type[Model], filing_id: Any) -> Any:
    if model is Notice:
        return policies.get_visible_notice(actor, filing_id, for_update=True)
    return policies.get_visible_declaration(actor, filing_id, for_update=True)


@transaction.atomic
def assign_reviewer(*, actor: Any, model: type[Declaration] | type[Notice], filing_id: Any, reviewer_id: Any) -> Any:
    """An agency supervisor assigns the filing to an agency reviewer; the previous reviewer loses it."""
    filing = _locked_filing(actor, model, filing_id)
    if not (getattr(actor, "is_active", False) and actor.has_perm(ASSIGN_PERMISSION)):
        raise errors.ActionForbidden(ONLY_SUPERVISORS_ASSIGN)
    preliminary = isinstance(filing, Declaration) and filing.kind == PRELIMINARY
    if filing.state not in ASSIGNABLE_STATES or (filing.state != "referred" and not preliminary):
        raise errors.TransitionNotAllowed(
            state=filing.state,
            state_label=filing.get_state_display(),
            transition="assign_reviewer",
            allowed=[],
            message=NOT_ASSIGNABLE,
        )
    # ``clean_id``: the ORM would read ``true`` as user 1 and ``5.0`` as user 5.
    reviewer_pk = transitions.clean_id(reviewer_id)
    try:
        if reviewer_pk is None:
            raise User.DoesNotExist
        reviewer = User.objects.get(pk=reviewer_pk, is_active=True)
    except User.DoesNotExist:
        raise errors.InvalidInput({"reviewer": [NOT_AN_AGENCY_REVIEWER]}) from None
    if not reviewer.has_perm(AGENCY_REVIEWER_PERMISSION) or reviewer.pk == filer_user_id(filing):
        raise errors.InvalidInput({"reviewer": [NOT_AN_AGENCY_REVIEWER]})
    codename = _review_codename(filing)
    for previous in get_users_with_perms(filing, only_with_perms_in=[codename], with_group_users=False):
        remove_perm(codename, previous, filing)
        policies.forget_cached_scope(previous)
    assign_perm(codename, reviewer, filing)
    policies.forget_cached_scope(reviewer)
    audit.record_transition(
        obj=filing,
        transition="assign_reviewer",
        from_state=filing.state,
        to_state=filing.state,
        actor=actor,
        at=timezone.now(),
        comment=reviewer.get_username(),
    )
    transaction.on_commit(lambda: notifications.notify_assigned(reviewer.pk, filing._meta.model_name, filing.pk))
    return filing


def assigned_reviewer(filing: Declaration | Notice) -> Any:
    """The agency reviewer the filing is assigned to, or ``None``."""
    users = get_users_with_perms(filing, only_with_perms_in=[_review_codename(filing)], with_group_users=False)
    return min(users, key=lambda user: user.pk, default=None)
