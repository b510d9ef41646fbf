"""Rehash every revision and public snapshot with the wider payload ``compute_hash`` now covers.

Why: ``content_hash`` covered only a revision's content (and a snapshot's content and conclusion), so
content swapped between two revisions, a revision renumbered or moved to another declaration, or a
snapshot's name, organisation, dates or links edited, all still matched. It now also covers what makes the
row that row (``DeclarationRevision.compute_hash``, ``PublicSnapshot.compute_hash``). Each stored hash is
first checked against the old payload, and a row that fails stops the migration, naming it, rather than a
tampered row being blessed with a fresh hash. The payloads are frozen copies, so later edits of the models
do not change what this migration did. Rows are read and rewritten in chunks.
"""

import datetime
import hashlib
import json

from django.db import migrations

CHUNK_SIZE = 2000


def _hash(payload):
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _time(moment):
    return moment.astimezone(datetime.UTC).isoformat() if moment is not None else None


def _revision_old(row):
    return _hash(row.content)


def _revision_new(row):
    return _hash(
        {
            "declaration": row.declaration_id,
            "number": row.number,
            "form_version": row.form_version,
            "content": row.content,
            "submitted_by": row.submitted_by_id,
            "created_at": _time(row.created_at),
        }
    )


def _snapshot_old(row):
    return _hash({"content": row.content, "conclusion": row.conclusion})


def _snapshot_new(row):
    return _hash(
        {
            "declaration": row.declaration_id,
            "notice": row.notice_id,
            "revision": row.revision_id,
            "published_at": _time(row.published_at),
            "official_name": row.official_name,
            "official_name_search": row.official_name_search,
            "organisation": row.organisation_id,
            "organisation_name": row.organisation_name,
            "position_title": row.position_title,
            "kind": row.kind,
            "year": row.year,
            "corrects": row.corrects_id,
            "content": row.content,
            "conclusion": row.conclusion,
        }
    )


def _rehash(model, expected, recomputed):
    after = 0
    while True:
        chunk = list(model.objects.filter(pk__gt=after).order_by("pk")[:CHUNK_SIZE])
        if not chunk:
            return
        for row in chunk:
            if row.content_hash != expected(row):
                raise RuntimeError(
                    f"{model.__name__} {row.pk} does not match its content_hash: investigate before migrating, "
                    "since rehashing would hide it."
                )
            row.content_hash = recomputed(row)
        model.objects.bulk_update(chunk, ["content_hash"])
        after = chunk[-1].pk


def widen(apps, schema_editor):
    _rehash(apps.get_model("declarations", "DeclarationRevision"), _revision_old, _revision_new)
    _rehash(apps.get_model("declarations", "PublicSnapshot"), _snapshot_old, _snapshot_new)


def narrow(apps, schema_editor):
    _rehash(apps.get_model("declarations", "DeclarationRevision"), _revision_new, _revision_old)
    _rehash(apps.get_model("declarations", "PublicSnapshot"), _snapshot_new, _snapshot_old)


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0006_obligations"),
    ]

    operations = [
        migrations.RunPython(widen, narrow),
    ]
