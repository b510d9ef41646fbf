"""Writing and reading the transition log; rows are written in the transition's own transaction.

Two hash chains run through the log (``workflow.models.TransitionLog``): each filing's rows chain through
``previous_hash``, and every row chains through ``seq`` and ``global_previous_hash`` to the row written just
before it, whatever its filing. ``record_transition`` and ``record_transitions_bulk`` are the only writers;
``manage.py verify_audit`` (``workflow.verification``) checks both chains.

**Appending to the global chain.** Writers append one transaction at a time. On PostgreSQL a
transaction-level advisory lock, taken just before the last global row is read, queues them: the next
writer reads the head only once the holder has committed (the lock is held to commit, so the section after
it must stay short). On SQLite every write transaction begins ``IMMEDIATE`` (``config.settings.base``), which
already serialises writers. The unique ``seq`` refuses a fork either way.

**The chain lock is the last lock a transition takes.** A transaction holding it while waiting for a row
lock could deadlock with one holding that row while waiting for the chain. So inside ``deferred()`` (which
``workflow.transitions.run_transition`` opens) the rows of a transition, and of the transitions it sets
off — a nomination following its preliminary declaration, an obligation fulfilled by a submission — are
queued and appended together, in the order they were recorded, when the outermost transition has done
everything else.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from declarations.models import canonical_hash, canonical_time
from workflow.models import TransitionLog

# The key of the PostgreSQL advisory lock that serialises appends to the global chain: any fixed 64-bit
# number no other code uses ("audit" in ASCII).
GLOBAL_CHAIN_LOCK_KEY = 0x6175646974

_pending = threading.local()


def log_payload(entry: TransitionLog) -> dict[str, Any]:
    """The canonical content a log row's hash covers, both chain links included."""
    return {
        "content_type": entry.content_type_id,
        "object_id": entry.object_id,
        "transition": entry.transition,
        "from": entry.from_state,
        "to": entry.to_state,
        "actor": entry.actor_id,
        "at": canonical_time(entry.at),
        "comment": entry.comment,
        "remarks": entry.remarks,
        "previous": entry.previous_hash,
        "seq": entry.seq,
        "global_previous": entry.global_previous_hash,
    }


def row_hash(entry: TransitionLog) -> str:
    """The hash a log row must carry."""
    return canonical_hash(log_payload(entry))


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
    """Append one log row chained to the filing's previous row and to the global chain; the caller holds the
    filing's row lock. Inside ``deferred()`` the row is appended when the outermost block ends."""
    entry = TransitionLog(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        comment=comment,
        remarks=remarks or [],
    )
    _append([entry])
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
    (object id, transition, from state, to state), each chained to its object's previous row and to the
    global chain, with one read of the objects' chains and one insert per batch. For the bulk paths (an
    import, the daily overdue job) whose callers hold the objects' row locks and run a transaction per batch.
    """
    content_type = ContentType.objects.get_for_model(model)
    actor = actor if getattr(actor, "pk", None) else None
    for start in range(0, len(rows), batch_size):
        _append(
            [
                TransitionLog(
                    content_type=content_type,
                    object_id=object_id,
                    transition=transition,
                    from_state=from_state,
                    to_state=to_state,
                    actor=actor,
                    at=at,
                    comment=comment,
                    remarks=[],
                )
                for object_id, transition, from_state, to_state in rows[start : start + batch_size]
            ]
        )


@contextmanager
def deferred() -> Iterator[None]:
    """Queue the log rows recorded inside and append them when the outermost block ends (see the module's
    docstring). Open it inside the transaction: the rows are appended before the block's transaction ends.
    The rows recorded in a nested block that raises are dropped, as its savepoint rolls back what it wrote."""
    queue: list[TransitionLog] | None = getattr(_pending, "queue", None)
    if queue is not None:
        mark = len(queue)
        try:
            yield
        except BaseException:
            del queue[mark:]
            raise
        return
    _pending.queue = queue = []
    try:
        yield
    finally:
        _pending.queue = None
    if queue:
        _write(queue)


def _append(entries: list[TransitionLog]) -> None:
    queue: list[TransitionLog] | None = getattr(_pending, "queue", None)
    if queue is not None:
        queue.extend(entries)
    else:
        _write(entries)


def _write(entries: list[TransitionLog]) -> None:
    """Chain the entries, in order, to their filings' previous rows and to the global chain, and insert them."""
    with transaction.atomic(savepoint=False):
        # The filings' own chains need no global lock: the callers hold the filings' row locks.
        last_of_filing = _last_hashes(entries)
        _lock_global_chain()
        head = TransitionLog.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, global_previous = head or (0, "")
        for entry in entries:
            key = (entry.content_type_id, entry.object_id)
            seq += 1
            entry.seq = seq
            entry.global_previous_hash = global_previous
            entry.previous_hash = last_of_filing.get(key, "")
            entry.hash = global_previous = last_of_filing[key] = row_hash(entry)
        TransitionLog.objects.bulk_create(entries)


def _last_hashes(entries: list[TransitionLog]) -> dict[tuple[int, int], str]:
    """The hash of the last row of each entry's filing: one indexed read per content type."""
    objects_by_type: dict[int, set[int]] = {}
    for entry in entries:
        objects_by_type.setdefault(entry.content_type_id, set()).add(entry.object_id)
    last: dict[tuple[int, int], str] = {}
    for content_type_id, object_ids in objects_by_type.items():
        rows = TransitionLog.objects.filter(content_type_id=content_type_id)
        if len(object_ids) == 1:
            (object_id,) = object_ids
            found = rows.filter(object_id=object_id).order_by("-id").values_list("hash", flat=True).first()
            if found is not None:
                last[(content_type_id, object_id)] = found
            continue
        # Oldest first: the last row of each object is the one that stays in the mapping.
        for object_id, hash_ in (
            rows.filter(object_id__in=object_ids).order_by("object_id", "id").values_list("object_id", "hash")
        ):
            last[(content_type_id, object_id)] = hash_
    return last


def _lock_global_chain() -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GLOBAL_CHAIN_LOCK_KEY])


def history_for(obj: models.Model) -> models.QuerySet[TransitionLog]:
    """The filing's transitions, oldest first."""
    content_type = ContentType.objects.get_for_model(obj)
    return TransitionLog.objects.filter(content_type=content_type, object_id=obj.pk).select_related("actor")


def latest_return(obj: models.Model) -> TransitionLog | None:
    """The last return for correction, whose comment and remarks the filer works from."""
    return history_for(obj).filter(transition="return_for_correction").order_by("-id").first()
