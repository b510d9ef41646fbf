"""Transition services: the only code that creates declarations or changes their state.

Each service runs in one transaction: it fetches the filing through the policy module with a row lock,
checks the permission, the source state and the conditions, applies the transition, saves, writes the
audit row, and schedules side effects with ``transaction.on_commit``. A refused call changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from declarations.content import (
    CURRENT_FORM_VERSION,
    MSG_CHOICE,
    empty_content,
    extract_companies,
    get_form,
    redact,
    validate_content,
)
from declarations.models import (
    Declaration,
    DeclarationKind,
    DeclarationRevision,
    DeclarationState,
    DeclaredCompany,
    Nomination,
    NominationState,
    Position,
    PublicSnapshot,
)
from workflow import errors, notifications, obligations, policies, publication, referrals, transitions

MIN_YEAR = 2000
MAX_COMMENT_LENGTH = 4000
MAX_REMARKS = 100
EDITABLE_STATES = (DeclarationState.DRAFT, DeclarationState.RETURNED)

# The transitions a user can ask for, in the order the interfaces list them.
DECLARATION_TRANSITIONS = (
    "submit",
    "resubmit",
    "start_review",
    "return_for_correction",
    "accept",
    "refer",
    "conclude",
    "publish",
    "withdraw_publication",
    "discard",
)


def local_today() -> datetime.date:
    """Today in Asia/Ulaanbaatar (the project's time zone), where deadlines end at 24:00."""
    return timezone.localdate()


def available_transitions(declaration: Declaration, user: Any) -> list[str]:
    """The transitions this user may take on the declaration now (state, conditions and permission)."""
    return transitions.available(declaration, DECLARATION_TRANSITIONS, user)


def _valid_content(content: Any, *, form_version: str, complete: bool) -> dict[str, Any]:
    """The normalised content, or ``InvalidInput`` with every error under its field path."""
    result = validate_content(content, form_version=form_version, complete=complete, today=local_today())
    if result.errors:
        grouped: dict[str, list[Any]] = {}
        for error in result.errors:
            grouped.setdefault(f"content.{error.path}" if error.path else "content", []).append(error.message)
        raise errors.InvalidInput(grouped)
    return result.content


def _clean_remarks(remarks: Any, *, form_version: str) -> list[dict[str, str]]:
    """Per-field remarks: a list of {"path": "real_estate[0].value_mnt", "message": "..."}."""
    if remarks in (None, []):
        return []
    if not isinstance(remarks, list) or len(remarks) > MAX_REMARKS:
        raise errors.InvalidInput({"remarks": [errors.REMARKS_INVALID]})
    sections = {section.name for section in get_form(form_version).sections}
    cleaned = []
    for index, remark in enumerate(remarks):
        path = remark.get("path") if isinstance(remark, dict) else None
        message = remark.get("message") if isinstance(remark, dict) else None
        if not isinstance(path, str) or not isinstance(message, str) or not path.strip() or not message.strip():
            raise errors.InvalidInput({f"remarks[{index}]": [errors.REMARKS_INVALID]})
        if len(path) > 255 or len(message) > MAX_COMMENT_LENGTH:
            raise errors.InvalidInput({f"remarks[{index}]": [errors.REMARKS_INVALID]})
        section = path.strip().split(".")[0].split("[")[0]
        if section not in sections:
            raise errors.InvalidInput({f"remarks[{index}].path": [errors.REMARK_PATH_UNKNOWN % {"path": path}]})
        cleaned.append({"path": path.strip(), "message": message.strip()})
    return cleaned


# --- Creating and editing -------------------------------------------------------------------------


def prefill_revisions(**official: Any) -> QuerySet[DeclarationRevision]:
    """The official's final revisions of the current form, the one to pre-fill from first: the latest
    year, then the latest acceptance (a declaration published after the agency's conclusion has no
    acceptance time and comes after the accepted ones of its year), then the latest revision.
    ``official`` filters the declaration's official, e.g. ``official_id=...`` or ``official__user=...``."""
    return DeclarationRevision.objects.filter(
        **{f"declaration__{name}": value for name, value in official.items()},
        declaration__state__in=[DeclarationState.ACCEPTED, DeclarationState.PUBLISHED],
        form_version=CURRENT_FORM_VERSION,
    ).order_by("-declaration__year", F("declaration__accepted_at").desc(nulls_last=True), "-number")


def _prefill_content(position: Position) -> dict[str, Any]:
    """Start from the filer's last accepted declaration, so a filer corrects rather than retypes."""
    last = prefill_revisions(official_id=position.official_id).values_list("content", flat=True).first()
    return last if last is not None else empty_content(CURRENT_FORM_VERSION)


@transaction.atomic
def declaration_create(
    *,
    actor: Any,
    position: Position,
    kind: str,
    year: int,
    content: dict[str, Any] | None = None,
) -> Declaration:
    """Open a draft declaration for one of the filer's own positions, pre-filled from the last accepted one."""
    if not getattr(actor, "is_active", False) or position.official.user_id != getattr(actor, "pk", None):
        raise errors.ActionForbidden(errors.FORBIDDEN_POSITION)
    if kind not in DeclarationKind.values or kind == DeclarationKind.PRELIMINARY:
        # A preliminary declaration belongs to a nomination (``workflow.nominations``), not to a position.
        raise errors.InvalidInput({"kind": [MSG_CHOICE]})
    max_year = local_today().year
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= max_year:
        raise errors.InvalidInput({"year": [errors.YEAR_OUT_OF_RANGE % {"min": MIN_YEAR, "max": max_year}]})
    if not position.declaration_required:
        raise errors.InvalidInput({"position": [errors.POSITION_NOT_REQUIRED]})
    if position.end_date is not None and position.end_date < datetime.date(year, 1, 1):
        raise errors.InvalidInput({"position": [errors.POSITION_ENDED]})
    if content is None:
        cleaned = _prefill_content(position)
    else:
        cleaned = _valid_content(content, form_version=CURRENT_FORM_VERSION, complete=False)
    return _insert_declaration(
        official_id=position.official_id,
        organisation_id=position.organisation_id,
        position=position,
        kind=kind,
        year=year,
        content=cleaned,
        corrects=None,
    )


@transaction.atomic
def declaration_create_correction(*, actor: Any, corrects_id: Any) -> Declaration:
    """Open a correction of an accepted or published declaration; it runs the same graph."""
    original = policies.get_visible_declaration(actor, corrects_id)
    if original.official.user_id != getattr(actor, "pk", None):
        raise errors.ActionForbidden(errors.FORBIDDEN_CORRECTION)
    if original.state not in (DeclarationState.ACCEPTED, DeclarationState.PUBLISHED):
        raise errors.StateConflict(errors.CORRECTS_NOT_FINAL)
    latest = original.revisions.order_by("-number").first()
    return _insert_declaration(
        official_id=original.official_id,
        organisation_id=original.organisation_id,
        position=original.position,
        nomination=original.nomination,
        kind=original.kind,
        year=original.year,
        content=latest.content if latest else original.content,
        corrects=original,
    )


def _insert_declaration(*, corrects: Declaration | None, **fields: Any) -> Declaration:
    try:
        with transaction.atomic():
            return Declaration.objects.create(form_version=CURRENT_FORM_VERSION, corrects=corrects, **fields)
    except IntegrityError:
        raise errors.StateConflict(errors.DUPLICATE_DECLARATION) from None


@transaction.atomic
def declaration_update_content(*, actor: Any, declaration_id: Any, content: Any) -> Declaration:
    """Save the filer's working copy (autosave); only drafts and returned declarations change."""
    declaration = policies.get_visible_declaration(actor, declaration_id, for_update=True)
    if declaration.official.user_id != getattr(actor, "pk", None):
        raise errors.ActionForbidden(errors.FORBIDDEN_EDIT)
    if declaration.state not in EDITABLE_STATES:
        raise errors.TransitionNotAllowed(
            state=declaration.state,
            state_label=declaration.get_state_display(),
            transition="update",
            allowed=available_transitions(declaration, actor),
            message=errors.NOT_EDITABLE,
        )
    declaration.content = _valid_content(content, form_version=declaration.form_version, complete=False)
    declaration.save(update_fields=["content", "updated_at"])
    return declaration


# --- Transitions ------------------------------------------------------------------------------------


def _transition(
    *,
    actor: Any,
    declaration_id: Any,
    name: str,
    timed: bool = False,
    prepare: Callable[[Declaration], tuple[str, list[dict[str, str]]]] | None = None,
    after: Callable[[Declaration, datetime.datetime], None] | None = None,
    on_commit: Callable[[int], None] | None = None,
) -> Declaration:
    """Run one declaration transition through the shared write path (``workflow.transitions``)."""

    def given(declaration: Declaration, now: datetime.datetime) -> transitions.TransitionInput:
        comment, remarks = prepare(declaration) if prepare else ("", [])
        return transitions.TransitionInput(comment=comment, remarks=remarks, kwargs={"at": now} if timed else {})

    return transitions.run_transition(
        fetch_locked=lambda: policies.get_visible_declaration(actor, declaration_id, for_update=True),
        name=name,
        actor=actor,
        names=DECLARATION_TRANSITIONS,
        prepare=given,
        after=after,
        on_commit=on_commit,
    )


def _freeze_revision(declaration: Declaration, now: datetime.datetime, actor: Any) -> None:
    """Freeze the submitted content as an immutable revision and index the companies it names."""
    number = declaration.revisions.count() + 1
    revision = DeclarationRevision(
        declaration=declaration,
        number=number,
        form_version=declaration.form_version,
        content=declaration.content,
        submitted_by=actor,
        created_at=now,
    )
    revision.content_hash = revision.compute_hash()
    revision.save()
    DeclaredCompany.objects.bulk_create(
        DeclaredCompany(
            revision=revision,
            declaration=declaration,
            official_id=declaration.official_id,
            holder=company.holder,
            relationship=company.relationship,
            name=company.name,
            name_normalised=company.name_normalised,
            register_number=company.register_number,
        )
        for company in extract_companies(declaration.content)
    )


def _submit(actor: Any, declaration_id: Any, name: str) -> Declaration:
    def validate(declaration: Declaration) -> tuple[str, list[dict[str, str]]]:
        declaration.content = _valid_content(declaration.content, form_version=declaration.form_version, complete=True)
        return "", []

    return _transition(
        actor=actor,
        declaration_id=declaration_id,
        name=name,
        timed=True,
        prepare=validate,
        after=lambda declaration, now: _after_submission(declaration, now, actor),
        on_commit=notifications.notify_submitted,
    )


def _after_submission(declaration: Declaration, now: datetime.datetime, actor: Any) -> None:
    """Freeze the revision; a nominee's first submission also moves the nomination to ``declared``."""
    _freeze_revision(declaration, now, actor)
    nomination = declaration.nomination
    if nomination is not None and nomination.state == NominationState.NOMINATED:
        nomination_id = nomination.pk
        transitions.run_transition(
            fetch_locked=lambda: Nomination.objects.select_for_update().get(pk=nomination_id),
            name="declare",
            actor=actor,
            names=("declare",),
        )
    obligations.fulfil_for(declaration, now, actor)


def declaration_submit(*, actor: Any, declaration_id: Any) -> Declaration:
    """Submit a draft: the content must be complete and valid; it is frozen as revision 1."""
    return _submit(actor, declaration_id, "submit")


def declaration_resubmit(*, actor: Any, declaration_id: Any) -> Declaration:
    """Submit a returned declaration again after correction; it is frozen as a new revision."""
    return _submit(actor, declaration_id, "resubmit")


def declaration_start_review(*, actor: Any, declaration_id: Any) -> Declaration:
    """The authorised official takes a submitted declaration into review."""
    return _transition(actor=actor, declaration_id=declaration_id, name="start_review")


def declaration_return_for_correction(
    *, actor: Any, declaration_id: Any, comment: Any, remarks: Any = None
) -> Declaration:
    """Return a declaration to its filer: a comment is required, per-field remarks are optional."""

    def validate(declaration: Declaration) -> tuple[str, list[dict[str, str]]]:
        text = transitions.clean_text(comment, field="comment", required=True, message=errors.COMMENT_REQUIRED)
        return text, _clean_remarks(remarks, form_version=declaration.form_version)

    return _transition(
        actor=actor,
        declaration_id=declaration_id,
        name="return_for_correction",
        prepare=validate,
        on_commit=partial(_notify_filer, event="returned"),
    )


def declaration_accept(*, actor: Any, declaration_id: Any, comment: Any = "") -> Declaration:
    """Accept a declaration under review."""

    def validate(declaration: Declaration) -> tuple[str, list[dict[str, str]]]:
        return transitions.clean_text(comment, field="comment", required=False, message=errors.COMMENT_REQUIRED), []

    return _transition(
        actor=actor,
        declaration_id=declaration_id,
        name="accept",
        timed=True,
        prepare=validate,
        on_commit=partial(_notify_filer, event="accepted"),
    )


def _write_snapshot(declaration: Declaration, now: datetime.datetime) -> None:
    """Build the immutable public record from the last frozen revision through the allowlist policy."""
    revision = declaration.revisions.order_by("-number").first()
    assert revision is not None  # guaranteed by the transition's condition
    public_content = redact(revision.content, form_version=revision.form_version)
    conclusion = publication.public_conclusion(declaration)
    corrects_snapshot = (
        PublicSnapshot.objects.filter(declaration_id=declaration.corrects_id).first()
        if declaration.corrects_id
        else None
    )
    snapshot = PublicSnapshot(
        declaration=declaration,
        revision=revision,
        published_at=now,
        official_name=declaration.official.full_name,
        official_name_search=declaration.official.full_name.casefold(),
        organisation=declaration.organisation,
        organisation_name=declaration.organisation.name,
        position_title=declaration.position_title,
        kind=declaration.kind,
        year=declaration.year,
        corrects=corrects_snapshot,
        content=public_content,
        conclusion=conclusion,
    )
    snapshot.content_hash = snapshot.compute_hash()
    snapshot.save()


def declaration_publish(*, actor: Any, declaration_id: Any) -> Declaration:
    """Publish an accepted declaration: a redacted, immutable snapshot goes to the public register."""
    return _transition(
        actor=actor,
        declaration_id=declaration_id,
        name="publish",
        timed=True,
        after=_write_snapshot,
        on_commit=partial(_notify_filer, event="published"),
    )


def declaration_withdraw_publication(*, actor: Any, declaration_id: Any, reason: Any) -> Declaration:
    """Withdraw a publication; the public record becomes a tombstone with the date and reason."""

    def validate(declaration: Declaration) -> tuple[str, list[dict[str, str]]]:
        return transitions.clean_text(reason, field="reason", required=True, message=errors.REASON_REQUIRED), []

    def tombstone(declaration: Declaration, now: datetime.datetime) -> None:
        PublicSnapshot.objects.filter(declaration=declaration).update(
            withdrawn_at=now, withdrawal_reason=validate(declaration)[0]
        )

    return _transition(
        actor=actor,
        declaration_id=declaration_id,
        name="withdraw_publication",
        prepare=validate,
        after=tombstone,
    )


def declaration_discard(*, actor: Any, declaration_id: Any) -> Declaration:
    """The filer discards a draft that was never submitted."""
    return _transition(actor=actor, declaration_id=declaration_id, name="discard")


def declaration_refer(*, actor: Any, declaration_id: Any, reason: Any) -> Declaration:
    """The authorised official refers a declaration under review to the agency, with a reason."""
    return transitions.run_transition(
        fetch_locked=lambda: policies.get_visible_declaration(actor, declaration_id, for_update=True),
        name="refer",
        actor=actor,
        names=DECLARATION_TRANSITIONS,
        prepare=referrals.refer_prepare(reason),
        on_commit=partial(notifications.notify_referred, "declaration"),
    )


def declaration_conclude(
    *,
    actor: Any,
    declaration_id: Any,
    finding: Any,
    legal_article: Any,
    reasoning: Any,
    internal_notes: Any = "",
) -> Declaration:
    """The agency concludes a preliminary declaration under review, or a referred declaration."""
    prepare, after = referrals.conclude_prepare(
        finding=finding, legal_article=legal_article, reasoning=reasoning, internal_notes=internal_notes, actor=actor
    )
    return transitions.run_transition(
        fetch_locked=lambda: policies.get_visible_declaration(actor, declaration_id, for_update=True),
        name="conclude",
        actor=actor,
        names=DECLARATION_TRANSITIONS,
        prepare=prepare,
        after=after,
        on_commit=partial(_notify_filer, event="concluded"),
    )


def _notify_filer(declaration_id: int, *, event: str) -> None:
    notifications.notify_filer(declaration_id, event)


TRANSITION_SERVICES: dict[str, Callable[..., Declaration]] = {
    "submit": declaration_submit,
    "resubmit": declaration_resubmit,
    "start_review": declaration_start_review,
    "return_for_correction": declaration_return_for_correction,
    "accept": declaration_accept,
    "refer": declaration_refer,
    "conclude": declaration_conclude,
    "publish": declaration_publish,
    "withdraw_publication": declaration_withdraw_publication,
    "discard": declaration_discard,
}
