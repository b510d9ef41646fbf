"""Nomination services: an HR officer registers a nominee, who files the preliminary declaration (ХАСУМ);
the appointment is recorded only once the agency (АТГ) has concluded on it (Conflict of Interest Law).

Each service runs in one transaction and changes a nomination's state only through
``transitions.run_transition``. The nomination follows its preliminary declaration by itself: the
nominee's first submission takes ``declare`` (``services._after_submission``) and the agency's conclusion
takes ``record_conclusion`` (``referrals.conclude_prepare``); the HR officer takes ``appoint`` and
``withdraw``. The declaration itself is edited, reviewed and published through ``workflow.services``.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from declarations.content import (
    CURRENT_FORM_VERSION,
    MSG_BOOLEAN,
    MSG_DATE,
    MSG_EMAIL,
    MSG_REQUIRED,
    clean_value,
    empty_content,
    get_form,
    is_blank,
    validate_content,
)
from declarations.models import (
    Declaration,
    DeclarationKind,
    DeclarationState,
    Nomination,
    NominationState,
    Official,
    Organisation,
    Position,
)
from declarations.rules import MANAGE_NOMINATIONS_PERMISSION, is_nominee
from workflow import errors, invitations, obligations, policies, transitions
from workflow.services import local_today

User = get_user_model()

# What an HR officer can ask for; ``declare`` and ``record_conclusion`` follow the preliminary declaration.
NOMINATION_TRANSITIONS = ("appoint", "withdraw")
OPEN_STATES = (NominationState.NOMINATED, NominationState.DECLARED, NominationState.CONCLUDED)
MAX_EMAIL_LENGTH = 254
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

ONLY_HR_OFFICERS = _("Only an HR officer of the organisation registers its nominees.")
ONLY_THE_NOMINEE = _("Only the nominee files the preliminary declaration.")
PRELIMINARY_ONLY_WHILE_NOMINATED = _(
    "A preliminary declaration is opened only while the nomination waits for it (state “Nominated”)."
)
PRELIMINARY_EXISTS = _("This nomination already has a preliminary declaration.")
DUPLICATE_NOMINATION = _("This person is already nominated to this post in this organisation.")
EMAIL_OF_ANOTHER_ACCOUNT = _("This e-mail address belongs to another account.")
EMAIL_NOT_THE_OFFICIALS = _(
    "The official with this registration number has an account with another e-mail address: enter that address."
)
NOMINEE_REGISTERED_MEANWHILE = _(
    "This person was registered by someone else at the same moment: send the request again."
)
START_BEFORE_NOMINATION = _("The appointment cannot start before the nomination was registered (%(date)s).")
# An appointment is recorded shortly before the first day in the post, not years ahead; the bound also keeps the
# appointment obligation's due date (30 days later) a date that exists.
MAX_START_DAYS_AHEAD = 366
START_TOO_FAR = _("The appointment cannot start more than a year from today.")
INVITED_AS_NOMINEE = _(
    "You were nominated for the post of {title} in {organisation}. Before the appointment you file a preliminary "
    "declaration of private interests (ХАСУМ)."
)


def available_nomination_transitions(nomination: Nomination, user: Any) -> list[str]:
    """The transitions this user may take on the nomination now (state, conditions and permission)."""
    return transitions.available(nomination, NOMINATION_TRANSITIONS, user)


def preliminary_declaration(nomination: Nomination) -> Declaration | None:
    """The nomination's preliminary declaration: the latest one not discarded and not a correction."""
    candidates = [
        declaration
        for declaration in nomination.declarations.all()
        if declaration.state != DeclarationState.DISCARDED and declaration.corrects_id is None
    ]
    return max(candidates, key=lambda declaration: declaration.pk, default=None)


# --- Registering a nominee ----------------------------------------------------------------------------


def _clean_nominee_fields(
    *, full_name: Any, register_number: Any, email: Any, position_title: Any, declaration_required: Any
) -> dict[str, Any]:
    """Every field checked at once: ``InvalidInput`` names each bad field with its reason."""
    today = local_today()
    personal = get_form(CURRENT_FORM_VERSION).section("personal")
    specs = {
        "full_name": personal.field("full_name"),
        "register_number": personal.field("register_number"),
        "position_title": get_form(CURRENT_FORM_VERSION).section("positions").field("title"),
    }
    values = {"full_name": full_name, "register_number": register_number, "position_title": position_title}
    problems: dict[str, list[Any]] = {}
    cleaned: dict[str, Any] = {}
    for name, spec in specs.items():
        if is_blank(values[name]):
            problems[name] = [MSG_REQUIRED]
            continue
        try:
            cleaned[name] = clean_value(spec, values[name], today=today)
        except ValidationError as invalid:
            # The lazy messages themselves, so they render in the language of the answer.
            problems[name] = [error.message for error in invalid.error_list]
    try:
        cleaned["email"] = _clean_email(email)
    except errors.InvalidInput as invalid:
        problems.update(invalid.errors)
    if isinstance(declaration_required, bool):
        cleaned["declaration_required"] = declaration_required
    else:
        problems["declaration_required"] = [MSG_BOOLEAN]
    if problems:
        raise errors.InvalidInput(problems)
    return cleaned


def _clean_email(value: Any) -> str:
    if is_blank(value):
        raise errors.InvalidInput({"email": [MSG_REQUIRED]})
    if not isinstance(value, str) or len(value.strip()) > MAX_EMAIL_LENGTH:
        raise errors.InvalidInput({"email": [MSG_EMAIL]})
    address = value.strip()
    try:
        validate_email(address)
    except ValidationError:
        raise errors.InvalidInput({"email": [MSG_EMAIL]}) from None
    return str(User.objects.normalize_email(address))


def _nominee(*, full_name: str, register_number: str, email: str) -> Official:
    """The official nominated: an existing one with that registration number, or a new person.

    A sitting official nominated to another post keeps their account and record; the address given must
    be theirs, so a mistyped registration number never attaches the nomination (and the nominee's access
    to it) to somebody else, and an account's address is never changed here. A new person gets an account
    without a usable password (they are invited to choose one) and an official record without a position.
    An address that already belongs to any other account is refused.
    """
    official = Official.objects.select_related("user").filter(register_number=register_number).first()
    if official is not None:
        if invitations.accounts_answering_to(email).exclude(pk=official.user_id).exists():
            raise errors.InvalidInput({"email": [EMAIL_OF_ANOTHER_ACCOUNT]})
        if official.user.email and official.user.email.lower() != email.lower():
            raise errors.InvalidInput({"email": [EMAIL_NOT_THE_OFFICIALS]})
        return official
    if invitations.accounts_answering_to(email).exists():
        raise errors.InvalidInput({"email": [EMAIL_OF_ANOTHER_ACCOUNT]})
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=invitations.username_for(email), email=email)
            return Official.objects.create(user=user, full_name=full_name, register_number=register_number)
    except IntegrityError:
        raise errors.StateConflict(NOMINEE_REGISTERED_MEANWHILE) from None


@transaction.atomic
def nomination_create(
    *,
    actor: Any,
    organisation: Organisation,
    full_name: Any,
    register_number: Any,
    email: Any,
    position_title: Any,
    declaration_required: Any = True,
) -> Nomination:
    """An HR officer registers a nominee for a post; a new nominee is invited by e-mail to their account."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active) or not actor.has_perm(
        MANAGE_NOMINATIONS_PERMISSION, organisation
    ):
        raise errors.ActionForbidden(ONLY_HR_OFFICERS)
    fields = _clean_nominee_fields(
        full_name=full_name,
        register_number=register_number,
        email=email,
        position_title=position_title,
        declaration_required=declaration_required,
    )
    # Serialise the organisation's registrations, so two requests cannot both pass the duplicate check.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    nominee = _nominee(full_name=fields["full_name"], register_number=fields["register_number"], email=fields["email"])
    title = fields["position_title"]
    open_titles = Nomination.objects.filter(
        nominee=nominee, organisation=organisation, state__in=OPEN_STATES
    ).values_list("position_title", flat=True)
    # Compared in Python: SQLite folds only ASCII case, and titles are Cyrillic.
    if any(existing.casefold() == title.casefold() for existing in open_titles):
        raise errors.StateConflict(DUPLICATE_NOMINATION)
    nomination = Nomination.objects.create(
        nominee=nominee,
        organisation=organisation,
        position_title=title,
        declaration_required=fields["declaration_required"],
        hr_officer=actor,
    )
    obligations.obligation_for_nomination(nomination)
    invitations.invite_after_commit(
        nominee.user,
        format_lazy(
            INVITED_AS_NOMINEE,
            title=title,
            organisation=organisation.name,
        ),
    )
    return nomination


# --- The preliminary declaration ------------------------------------------------------------------------


@transaction.atomic
def preliminary_create(*, actor: Any, nomination_id: Any) -> Declaration:
    """The nominee opens the draft of their preliminary declaration (ХАСУМ), pre-filled with their name."""
    nomination = policies.get_visible_nomination(actor, nomination_id, for_update=True)
    if not is_nominee(nomination, actor):
        raise errors.ActionForbidden(ONLY_THE_NOMINEE)
    if nomination.state != NominationState.NOMINATED:
        raise errors.TransitionNotAllowed(
            state=nomination.state,
            state_label=nomination.get_state_display(),
            transition="preliminary_declaration",
            allowed=available_nomination_transitions(nomination, actor),
            message=PRELIMINARY_ONLY_WHILE_NOMINATED,
        )
    if nomination.declarations.exclude(state=DeclarationState.DISCARDED).exists():
        raise errors.StateConflict(PRELIMINARY_EXISTS)
    content = empty_content(CURRENT_FORM_VERSION)
    content["personal"] = {"full_name": nomination.nominee.full_name}
    result = validate_content(content, form_version=CURRENT_FORM_VERSION, complete=False, today=local_today())
    # A name the back office typed with a stray control character would not be a valid draft: start blank.
    draft = empty_content(CURRENT_FORM_VERSION) if result.errors else result.content
    return Declaration.objects.create(
        official=nomination.nominee,
        organisation=nomination.organisation,
        nomination=nomination,
        position=None,
        kind=DeclarationKind.PRELIMINARY,
        year=local_today().year,
        form_version=CURRENT_FORM_VERSION,
        content=draft,
    )


# --- Appointment and withdrawal ---------------------------------------------------------------------------


def _clean_start_date(value: Any, nomination: Nomination) -> datetime.date:
    if is_blank(value):
        raise errors.InvalidInput({"start_date": [MSG_REQUIRED]})
    if isinstance(value, datetime.datetime):
        raise errors.InvalidInput({"start_date": [MSG_DATE]})
    if isinstance(value, datetime.date):
        start = value
    elif isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            start = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise errors.InvalidInput({"start_date": [MSG_DATE]}) from None
    else:
        raise errors.InvalidInput({"start_date": [MSG_DATE]})
    nominated_on = timezone.localdate(nomination.created_at)
    if start < nominated_on:
        raise errors.InvalidInput({"start_date": [START_BEFORE_NOMINATION % {"date": nominated_on.isoformat()}]})
    if start > local_today() + datetime.timedelta(days=MAX_START_DAYS_AHEAD):
        raise errors.InvalidInput({"start_date": [START_TOO_FAR]})
    return start


def nomination_appoint(*, actor: Any, nomination_id: Any, start_date: Any) -> Nomination:
    """Record the appointment: refused until the agency has concluded; the position starts on ``start_date``.

    The position, and its appointment obligation (the declaration on appointment within 30 days,
    Anti-Corruption Law 10.3), are created in the same transaction.
    """

    def appoint(nomination: Nomination, now: datetime.datetime) -> transitions.TransitionInput:
        start = _clean_start_date(start_date, nomination)
        # Created here, after the permission, state and condition checks: the transition method takes it.
        position = Position.objects.create(
            official=nomination.nominee,
            organisation=nomination.organisation,
            title=nomination.position_title,
            start_date=start,
            declaration_required=nomination.declaration_required,
        )
        obligations.obligation_for_appointment(position)
        return transitions.TransitionInput(kwargs={"position": position, "on": start})

    return transitions.run_transition(
        fetch_locked=lambda: policies.get_visible_nomination(actor, nomination_id, for_update=True),
        name="appoint",
        actor=actor,
        names=NOMINATION_TRANSITIONS,
        prepare=appoint,
    )


def nomination_withdraw(*, actor: Any, nomination_id: Any, reason: Any) -> Nomination:
    """Withdraw the nomination with a reason (the log row's comment); the preliminary declaration stays."""

    def validate(nomination: Nomination, now: datetime.datetime) -> transitions.TransitionInput:
        text = transitions.clean_text(reason, field="reason", required=True, message=errors.REASON_REQUIRED)
        return transitions.TransitionInput(comment=text)

    return transitions.run_transition(
        fetch_locked=lambda: policies.get_visible_nomination(actor, nomination_id, for_update=True),
        name="withdraw",
        actor=actor,
        names=NOMINATION_TRANSITIONS,
        prepare=validate,
    )


NOMINATION_TRANSITION_SERVICES: dict[str, Any] = {
    "appoint": nomination_appoint,
    "withdraw": nomination_withdraw,
}
