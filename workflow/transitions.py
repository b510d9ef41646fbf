"""The one way a workflow state changes, shared by declarations, notices and tenders.

``run_transition`` locks the row (the caller's ``fetch_locked`` goes through the policy module), checks
the permission (django-fsm does not enforce ``permission=`` by itself), the source state and the
conditions, validates the input, applies the transition, saves, writes the audit row in the same
transaction, and schedules side effects with ``transaction.on_commit``. A refused call changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django_fsm import has_transition_perm

from workflow import audit, errors

M = TypeVar("M", bound=models.Model)
MAX_TEXT_LENGTH = 4000
MAX_ID = 2**63 - 1  # the largest value of a primary key (a signed 64-bit integer)


@dataclass
class TransitionInput:
    """What a transition's ``prepare`` step hands on: the log comment and remarks, the method's arguments."""

    comment: str = ""
    remarks: list[dict[str, str]] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)


def available(obj: models.Model, names: Sequence[str], user: Any) -> list[str]:
    """The transitions among ``names`` this user may take on ``obj`` now (state, conditions, permission)."""
    return [name for name in names if has_transition_perm(getattr(obj, name), user)]


def _refusal_message(obj: models.Model, name: str) -> Any:
    """The message of the first failing condition of the transition from the current state, if it has one."""
    meta = getattr(obj, name)._django_fsm
    current = meta.transitions.get(getattr(obj, meta.field.name))
    for condition in (current.conditions if current else None) or []:
        if not condition(obj) and hasattr(condition, "refusal_message"):
            return condition.refusal_message(obj)
    return None


def authorise(obj: models.Model, name: str, actor: Any, names: Sequence[str]) -> None:
    """403 when the user has no role in this transition, 409 when the state or a condition forbids it."""
    method = getattr(obj, name)
    meta = method._django_fsm
    if not any(t.has_perm(obj, actor) for t in meta.transitions.values()):
        raise errors.ActionForbidden()
    if not has_transition_perm(method, actor):
        state_field = meta.field.name
        message = _refusal_message(obj, name) if meta.has_transition(getattr(obj, state_field)) else None
        raise errors.TransitionNotAllowed(
            state=getattr(obj, state_field),
            state_label=getattr(obj, f"get_{state_field}_display")(),
            transition=name,
            allowed=available(obj, names, actor),
            message=message,
        )


def run_transition(
    *,
    fetch_locked: Callable[[], M],
    name: str,
    actor: Any,
    names: Sequence[str],
    prepare: Callable[[M, datetime.datetime], TransitionInput] | None = None,
    after: Callable[[M, datetime.datetime], None] | None = None,
    on_commit: Callable[[int], None] | None = None,
) -> M:
    """Lock, authorise, validate, apply, save, log and schedule side effects, all or nothing.

    The log rows of this transition and of those it sets off in ``after`` are appended last, together
    (``audit.deferred``), so the global chain's lock is the last lock the transaction takes.
    """
    with transaction.atomic(), audit.deferred():
        obj = fetch_locked()
        authorise(obj, name, actor, names)
        now = timezone.now()
        given = prepare(obj, now) if prepare else TransitionInput()
        method = getattr(obj, name)
        state_field = method._django_fsm.field.name
        from_state = getattr(obj, state_field)
        method(**given.kwargs)
        obj.save()
        if after:
            after(obj, now)
        audit.record_transition(
            obj=obj,
            transition=name,
            from_state=from_state,
            to_state=getattr(obj, state_field),
            actor=actor,
            at=now,
            comment=given.comment,
            remarks=given.remarks,
        )
        if on_commit:
            transaction.on_commit(partial(on_commit, obj.pk))
    return obj


def clean_text(value: Any, *, field: str, required: bool, message: Any, max_length: int = MAX_TEXT_LENGTH) -> str:
    """A stripped text input, or ``InvalidInput`` naming the field."""
    if value is not None and not isinstance(value, str):
        raise errors.InvalidInput({field: [message]})
    text = (value or "").strip()
    if required and not text:
        raise errors.InvalidInput({field: [message]})
    if len(text) > max_length:
        raise errors.InvalidInput({field: [errors.TEXT_TOO_LONG % {"max": max_length}]})
    return text


def clean_id(value: Any) -> int | None:
    """A row id sent as a whole number or a string of digits; ``None`` for anything else (a boolean, a fraction,
    a number no primary key can hold), which names no row: the ORM would turn ``true`` or ``1.5`` into id 1."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        return None
    return value
