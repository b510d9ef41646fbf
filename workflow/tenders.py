"""Tender services: the procurement secretary forms the committee; evaluation waits for the clearing gate.

Adding a bidder or a member once members are declaring sends the tender back to ``declaring`` and asks
every member for a supplementary notice, because a new bidder can create a conflict that did not exist.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from declarations.content import MSG_CHOICE, MSG_COMPANY_REGISTER_NUMBER, MSG_REQUIRED, normalise_company_name
from declarations.models import (
    PROCUREMENT_COMMITTEE,
    Bidder,
    CommitteeMember,
    MemberKind,
    Notice,
    NoticeCategory,
    Official,
    Organisation,
    Position,
    Tender,
    TenderState,
)
from declarations.rules import manages_committee
from workflow import errors, invitations, notifications, policies, redflags, transitions
from workflow.transitions import clean_text

User = get_user_model()

# What a secretary can ask for; ``reopen_declarations`` is taken only by adding a bidder or a member.
TENDER_TRANSITIONS = ("open_declarations", "clear", "start_evaluation", "close")
CHANGEABLE_STATES = (TenderState.FORMING, TenderState.DECLARING, TenderState.CLEARED)
DECLARING_STATES = (TenderState.DECLARING, TenderState.CLEARED)

NOT_IN_ORGANISATION = _("You can open a tender only for an organisation where you hold a position.")
DUPLICATE_TENDER = _("A tender with this reference number already exists.")
DUPLICATE_BIDDER = _("This bidder is already registered for the tender.")
DUPLICATE_MEMBER = _("This person already sits on the committee.")
COMMITTEE_LOCKED = _("Bidders and members cannot change once the evaluation has started.")
MEMBER_ALREADY_RECUSED = _("This member is already recused.")
UNKNOWN_OFFICIAL = _("Unknown official.")
EXTERNAL_NEEDS_NAME = _("An external member needs a full name and an e-mail address.")
EMAIL_INVALID = _("Enter a valid e-mail address.")
EMAIL_OF_ANOTHER_ACCOUNT = _(
    "This e-mail address belongs to an account that is not an external member's; seat an official as an official."
)
INVITED_TO_COMMITTEE = _(
    "You were appointed to the evaluation committee of tender {reference} ({title}) of {organisation}."
)
EXTERNAL_KINDS = (MemberKind.ASSOCIATION, MemberKind.NGO, MemberKind.CITIZEN)


def available_tender_transitions(tender: Tender, user: Any) -> list[str]:
    return transitions.available(tender, TENDER_TRANSITIONS, user)


@transaction.atomic
def tender_create(*, actor: Any, organisation: Organisation, reference_number: Any, title: Any) -> Tender:
    """Open a tender; the creating official becomes its procurement secretary."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active):
        raise errors.ActionForbidden(NOT_IN_ORGANISATION)
    # Active as for notices: no end date, or one not yet passed in Asia/Ulaanbaatar.
    positions = Position.objects.filter(official__user=actor, organisation=organisation)
    if not positions.exclude(end_date__lt=timezone.localdate()).exists():
        raise errors.ActionForbidden(NOT_IN_ORGANISATION)
    reference = clean_text(
        reference_number, field="reference_number", required=True, message=MSG_REQUIRED, max_length=64
    )
    name = clean_text(title, field="title", required=True, message=MSG_REQUIRED, max_length=255)
    try:
        with transaction.atomic():
            tender = Tender.objects.create(
                reference_number=reference, title=name, organisation=organisation, secretary=actor
            )
    except IntegrityError:
        raise errors.StateConflict(DUPLICATE_TENDER) from None
    policies.grant_committee_manager(tender=tender, user=actor)
    return tender


def _locked_managed_tender(actor: Any, tender_id: Any) -> Tender:
    tender = policies.get_visible_tender(actor, tender_id, for_update=True)
    if not manages_committee(tender, actor):
        raise errors.ActionForbidden()
    if tender.state not in CHANGEABLE_STATES:
        raise errors.TransitionNotAllowed(
            state=tender.state,
            state_label=tender.get_state_display(),
            transition="change_committee",
            allowed=available_tender_transitions(tender, actor),
            message=COMMITTEE_LOCKED,
        )
    return tender


def _committee_notice(tender: Tender, member: CommitteeMember, *, supplementary: bool) -> Notice:
    return Notice.objects.create(
        filer=member.user,
        official=member.official,
        organisation=tender.organisation,
        category=NoticeCategory.objects.get(code=PROCUREMENT_COMMITTEE),
        tender=tender,
        is_supplementary=supplementary,
        title=tender.title,
        reference_number=tender.reference_number,
    )


def _ask_members_again(tender: Tender, actor: Any, members: list[CommitteeMember], *, supplementary: bool) -> None:
    """Back to ``declaring`` if cleared, a notice draft for each member, and a reminder after commit."""
    if tender.state == TenderState.CLEARED:
        transitions.run_transition(
            fetch_locked=lambda: tender,
            name="reopen_declarations",
            actor=actor,
            names=TENDER_TRANSITIONS,
        )
    for member in members:
        _committee_notice(tender, member, supplementary=supplementary)
    transaction.on_commit(lambda: notifications.notify_members_to_declare(tender.pk))


@transaction.atomic
def tender_add_bidder(*, actor: Any, tender_id: Any, name: Any, register_number: Any = "") -> Bidder:
    """Register a bidder; once members are declaring, each files a supplementary notice."""
    tender = _locked_managed_tender(actor, tender_id)
    bidder_name = clean_text(name, field="name", required=True, message=MSG_REQUIRED, max_length=255)
    number = clean_text(
        register_number, field="register_number", required=False, message=MSG_COMPANY_REGISTER_NUMBER, max_length=7
    )
    if number and not (len(number) == 7 and number.isdigit()):
        raise errors.InvalidInput({"register_number": [MSG_COMPANY_REGISTER_NUMBER]})
    try:
        with transaction.atomic():
            bidder = Bidder.objects.create(
                tender=tender,
                name=bidder_name,
                name_normalised=normalise_company_name(bidder_name),
                register_number=number,
            )
    except IntegrityError:
        raise errors.StateConflict(DUPLICATE_BIDDER) from None
    redflags.scan_bidder(bidder)
    if tender.state in DECLARING_STATES:
        _ask_members_again(tender, actor, list(tender.members.filter(is_recused=False)), supplementary=True)
    return bidder


def _new_member(tender: Tender, *, official_id: Any, kind: Any, full_name: Any, email: Any) -> CommitteeMember:
    if kind not in MemberKind.values:
        raise errors.InvalidInput({"kind": [MSG_CHOICE]})
    if kind == MemberKind.OFFICIAL:
        official_pk = transitions.clean_id(official_id)
        official = Official.objects.select_related("user").filter(pk=official_pk).first() if official_pk else None
        if official is None:
            raise errors.InvalidInput({"official": [UNKNOWN_OFFICIAL]})
        user, name = official.user, official.full_name
    else:
        official = None
        name = clean_text(full_name, field="full_name", required=True, message=EXTERNAL_NEEDS_NAME, max_length=255)
        user = _external_account(tender, email)
    try:
        with transaction.atomic():
            return CommitteeMember.objects.create(
                tender=tender, user=user, official=official, kind=kind, full_name=name
            )
    except IntegrityError:
        raise errors.StateConflict(DUPLICATE_MEMBER) from None


def _external_account(tender: Tender, email: Any) -> Any:
    """The account of an external member (association, NGO, citizen): they hold no position.

    Someone already seated as an external member on another committee keeps their account (matched on
    the e-mail address, case-insensitively); any other account with that address is refused, so a seat
    never hands an official's or an agency account to whoever typed its address. A new account has no
    usable password: its owner is invited by e-mail to choose one, once the seat commits.
    """
    address = clean_text(email, field="email", required=True, message=EXTERNAL_NEEDS_NAME, max_length=254)
    try:
        validate_email(address)
    except ValidationError:
        raise errors.InvalidInput({"email": [EMAIL_INVALID]}) from None
    accounts = list(invitations.accounts_answering_to(address)[:2])
    external = [
        account
        for account in accounts
        if not Official.objects.filter(user=account).exists()
        and CommitteeMember.objects.filter(user=account, kind__in=EXTERNAL_KINDS).exists()
    ]
    if accounts and not external:
        raise errors.InvalidInput({"email": [EMAIL_OF_ANOTHER_ACCOUNT]})
    user = (
        external[0] if external else User.objects.create_user(username=invitations.username_for(address), email=address)
    )
    invitations.invite_after_commit(
        user,
        format_lazy(
            INVITED_TO_COMMITTEE,
            reference=tender.reference_number,
            title=tender.title,
            organisation=tender.organisation.name,
        ),
    )
    return user


@transaction.atomic
def tender_add_member(
    *, actor: Any, tender_id: Any, kind: Any, official_id: Any = None, full_name: Any = "", email: Any = ""
) -> CommitteeMember:
    """Seat a member; once members are declaring, the new member files a notice and the others a supplement."""
    tender = _locked_managed_tender(actor, tender_id)
    member = _new_member(tender, official_id=official_id, kind=kind, full_name=full_name, email=email)
    if tender.state in DECLARING_STATES:
        others = list(tender.members.filter(is_recused=False).exclude(pk=member.pk))
        _ask_members_again(tender, actor, [member], supplementary=False)
        for other in others:
            _committee_notice(tender, other, supplementary=True)
    return member


@transaction.atomic
def tender_recuse_member(
    *,
    actor: Any,
    tender_id: Any,
    member_id: Any,
    kind: Any,
    official_id: Any = None,
    full_name: Any = "",
    email: Any = "",
) -> CommitteeMember:
    """Recuse a member (a declared conflict) and seat the replacement, who then files a notice."""
    tender = _locked_managed_tender(actor, tender_id)
    try:
        member = tender.members.get(pk=member_id)
    except (CommitteeMember.DoesNotExist, ValueError, TypeError):
        raise errors.ObjectNotFound from None
    if member.is_recused:
        raise errors.StateConflict(MEMBER_ALREADY_RECUSED)
    replacement = _new_member(tender, official_id=official_id, kind=kind, full_name=full_name, email=email)
    member.is_recused = True
    member.replaced_by = replacement
    member.save(update_fields=["is_recused", "replaced_by"])
    if tender.state in DECLARING_STATES:
        _ask_members_again(tender, actor, [replacement], supplementary=False)
    return replacement


def _run(*, actor: Any, tender_id: Any, name: str, after: Any = None, on_commit: Any = None) -> Tender:
    return transitions.run_transition(
        fetch_locked=lambda: policies.get_visible_tender(actor, tender_id, for_update=True),
        name=name,
        actor=actor,
        names=TENDER_TRANSITIONS,
        after=after,
        on_commit=on_commit,
    )


def tender_open_declarations(*, actor: Any, tender_id: Any) -> Tender:
    """Ask every member to declare: a committee notice draft for each, and an e-mail after commit."""

    def drafts(tender: Tender, now: datetime.datetime) -> None:
        for member in tender.members.filter(is_recused=False):
            _committee_notice(tender, member, supplementary=False)

    return _run(
        actor=actor,
        tender_id=tender_id,
        name="open_declarations",
        after=drafts,
        on_commit=notifications.notify_members_to_declare,
    )


def tender_clear(*, actor: Any, tender_id: Any) -> Tender:
    """Clear the committee: refused, naming each member, until every member is cleared."""
    return _run(actor=actor, tender_id=tender_id, name="clear")


def tender_start_evaluation(*, actor: Any, tender_id: Any) -> Tender:
    """Start evaluating the bids; only a cleared committee evaluates."""
    return _run(actor=actor, tender_id=tender_id, name="start_evaluation")


def tender_close(*, actor: Any, tender_id: Any) -> Tender:
    """Close the evaluation."""
    return _run(actor=actor, tender_id=tender_id, name="close")


TENDER_TRANSITION_SERVICES: dict[str, Any] = {
    "open_declarations": tender_open_declarations,
    "clear": tender_clear,
    "start_evaluation": tender_start_evaluation,
    "close": tender_close,
}
