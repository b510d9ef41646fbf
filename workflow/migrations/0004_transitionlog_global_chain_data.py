"""Number every existing log row and chain it into the global chain; recompute every row's hash.

Why every hash changes: a row's ``hash`` now covers its ``seq`` and ``global_previous_hash`` too (so a row
cannot be moved within, or cut out of, the global chain without breaking it), and a row's ``previous_hash``
is the hash of its filing's previous row, which itself changes. So the rows are rewritten in ``id`` order
(the order they were written in): ``seq`` 1, 2, 3…, each row linked to the row before it and to its
filing's previous row, then hashed with the new payload. A row tampered with before would be blessed with a
fresh hash, so the old chains are verified first (every row's old hash, every link to the filing's previous
row) and a broken one stops the migration, naming the row, for someone to investigate.

Memory stays bounded: rows are read and rewritten in chunks, and each chunk reads its filings' last
(already rewritten) hashes from the database. The payloads are frozen copies of ``workflow.audit.log_payload``
before and after this change, so later edits of that function do not change what this migration did.
"""

import datetime
import hashlib
import json

from django.db import migrations

CHUNK_SIZE = 2000


def _hash(payload):
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _old_payload(row, previous_hash):
    return {
        "content_type": row.content_type_id,
        "object_id": row.object_id,
        "transition": row.transition,
        "from": row.from_state,
        "to": row.to_state,
        "actor": row.actor_id,
        "at": row.at.isoformat(),
        "comment": row.comment,
        "remarks": row.remarks,
        "previous": previous_hash,
    }


def _new_payload(row):
    return {
        **_old_payload(row, row.previous_hash),
        "at": row.at.astimezone(datetime.UTC).isoformat(),
        "seq": row.seq,
        "global_previous": row.global_previous_hash,
    }


def _chunks(log_model):
    after = 0
    while True:
        chunk = list(log_model.objects.filter(pk__gt=after).order_by("pk")[:CHUNK_SIZE])
        if not chunk:
            return
        yield chunk
        after = chunk[-1].pk


def _last_hashes_before(log_model, chunk):
    """Each filing's last hash among the rows before the chunk (rewritten already)."""
    objects_by_type = {}
    for row in chunk:
        objects_by_type.setdefault(row.content_type_id, set()).add(row.object_id)
    last = {}
    for content_type_id, object_ids in objects_by_type.items():
        rows = (
            log_model.objects.filter(content_type_id=content_type_id, object_id__in=object_ids, pk__lt=chunk[0].pk)
            .order_by("object_id", "pk")
            .values_list("object_id", "hash")
        )
        for object_id, hash_ in rows:
            last[(content_type_id, object_id)] = hash_
    return last


def _verify_old_chains(log_model):
    previous_key, previous_hash = None, ""
    rows = log_model.objects.order_by("content_type_id", "object_id", "pk").iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        key = (row.content_type_id, row.object_id)
        expected_previous = previous_hash if key == previous_key else ""
        if row.previous_hash != expected_previous or row.hash != _hash(_old_payload(row, row.previous_hash)):
            raise RuntimeError(
                f"TransitionLog {row.pk} breaks its filing's hash chain: investigate before migrating, since "
                "rehashing would hide it."
            )
        previous_key, previous_hash = key, row.hash


def chain_globally(apps, schema_editor):
    TransitionLog = apps.get_model("workflow", "TransitionLog")
    _verify_old_chains(TransitionLog)
    seq, global_previous = 0, ""
    for chunk in _chunks(TransitionLog):
        last = _last_hashes_before(TransitionLog, chunk)
        for row in chunk:
            key = (row.content_type_id, row.object_id)
            seq += 1
            row.seq = seq
            row.global_previous_hash = global_previous
            row.previous_hash = last.get(key, "")
            row.hash = global_previous = last[key] = _hash(_new_payload(row))
        TransitionLog.objects.bulk_update(chunk, ["seq", "global_previous_hash", "previous_hash", "hash"])


def unchain_globally(apps, schema_editor):
    """Back to per-filing chains hashed with the old payload."""
    TransitionLog = apps.get_model("workflow", "TransitionLog")
    for chunk in _chunks(TransitionLog):
        last = _last_hashes_before(TransitionLog, chunk)
        for row in chunk:
            key = (row.content_type_id, row.object_id)
            row.seq = None
            row.global_previous_hash = ""
            row.previous_hash = last.get(key, "")
            row.hash = last[key] = _hash(_old_payload(row, row.previous_hash))
        TransitionLog.objects.bulk_update(chunk, ["seq", "global_previous_hash", "previous_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0003_transitionlog_global_chain"),
    ]

    operations = [
        migrations.RunPython(chain_globally, unchain_globally),
    ]
