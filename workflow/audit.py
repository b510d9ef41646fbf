"""Writing and reading the transition log; rows are written in the transition's own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from declarations.models import canonical_hash
from workflow.models import TransitionLog


def log_payload(entry: TransitionLog) -> dict[str, Any]:
    """The canonical content a log row's hash covers."""
    return {
        "content_type": entry.content_type_id,
        "object_id": entry.object_id,
        "transition": entry.transition,
        "from": entry.from_state,
        "to": entry.to_state,
        "actor": entry.actor_id,
        "at": entry.at.isoformat(),
        "comment": entry.comment,
        "remarks": entry.remarks,
        "previous": entry.previous_hash,
    }


def record_transition(
    *,
    obj: models.Model,
    transition: str,
    from_state: str,
    to_state: str,
    actor: Any,
    at: datetime,
    comment: str = "",
    remarks: list[dict[str, str]] | None = None,
) -> TransitionLog:
    """Append one log row chained to the filing's previous row; the caller holds the filing's row lock."""
    content_type = ContentType.objects.get_for_model(obj)
    previous = (
        TransitionLog.objects.filter(content_type=content_type, object_id=obj.pk)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
    )
    entry = TransitionLog(
        content_type=content_type,
        object_id=obj.pk,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        comment=comment,
        remarks=remarks or [],
        previous_hash=previous or "",
    )
    entry.hash = canonical_hash(log_payload(entry))
    entry.save()
    return entry


def record_transitions_bulk(
    model: type[models.Model],
    rows: Sequence[tuple[int, str, str, str]],
    *,
    actor: Any,
    at: datetime,
    comment: str = "",
    batch_size: int = 1000,
) -> None:
    """What ``record_transition`` writes, for many objects of one model at once: one row per
    (object id, transition, from state, to state), each chained to its object's previous row, with one
    read and one insert per batch. For the bulk paths (an import, the daily overdue job) whose callers hold
    the objects' row locks and run a transaction per batch.
    """
    content_type = ContentType.objects.get_for_model(model)
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        previous = dict(
            TransitionLog.objects.filter(content_type=content_type, object_id__in=[row[0] for row in batch])
            .order_by("object_id", "id")
            .values_list("object_id", "hash")
        )
        entries = []
        for object_id, transition, from_state, to_state in batch:
            entry = TransitionLog(
                content_type=content_type,
                object_id=object_id,
                transition=transition,
                from_state=from_state,
                to_state=to_state,
                actor=actor if getattr(actor, "pk", None) else None,
                at=at,
                comment=comment,
                remarks=[],
                previous_hash=previous.get(object_id, ""),
            )
            entry.hash = canonical_hash(log_payload(entry))
            entries.append(entry)
        TransitionLog.objects.bulk_create(entries)


def history_for(obj: models.Model) -> models.QuerySet[TransitionLog]:
    """The filing's transitions, oldest first."""
    content_type = ContentType.objects.get_for_model(obj)
    return TransitionLog.objects.filter(content_type=content_type, object_id=obj.pk).select_related("actor")


def latest_return(obj: models.Model) -> TransitionLog | None:
    """The last return for correction, whose comment and remarks the filer works from."""
    return history_for(obj).filter(transition="return_for_correction").order_by("-id").first()
