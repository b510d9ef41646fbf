"""The migrations that brought in the global chain and the wider revision and snapshot hashes: rows written
before them are numbered in the order written and rehashed, exactly as the services write them now; a row
tampered with before stops the migration instead of being blessed with a fresh hash.

The rows written "before" are today's rows taken back through the migrations' reverse, then checked
against the old payloads as the old code computed them (copied here as the oracle).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from declarations.models import DeclarationRevision, PublicSnapshot
from tests.factories import make_declaration
from workflow import verification
from workflow.models import TransitionLog

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("workflow", "0002_notifications"), ("declarations", "0006_obligations")]


def old_hash(payload: Any) -> str:
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def old_log_payload(row: Any) -> dict[str, Any]:
    """``workflow.audit.log_payload`` before the global chain."""
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
        "previous": row.previous_hash,
    }


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_in_time() -> Iterator[Any]:
    """A trail written today, then the database taken back to before the migrations; forward again after."""
    # (no notice: a transactional test's teardown empties the notice categories the migrations seed)
    make_declaration("withdrawn")
    make_declaration("returned")
    make_declaration("published")
    now = {
        "log": list(
            TransitionLog.objects.order_by("pk").values_list(
                "pk", "seq", "previous_hash", "global_previous_hash", "hash"
            )
        ),
        "revisions": list(DeclarationRevision.objects.order_by("pk").values_list("pk", "content_hash")),
        "snapshots": list(PublicSnapshot.objects.order_by("pk").values_list("pk", "content_hash")),
    }
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield migrate(BEFORE), now
    finally:
        migrate(leaves)


def test_old_rows_are_numbered_in_order_and_rehashed_as_the_services_write_them(back_in_time):
    old_apps, now = back_in_time
    old_log = old_apps.get_model("workflow", "TransitionLog")
    old_revisions = old_apps.get_model("declarations", "DeclarationRevision")
    old_snapshots = old_apps.get_model("declarations", "PublicSnapshot")
    # the rows as the old code wrote them: per-filing chains over the old payload, content-only hashes
    last: dict[tuple[int, int], str] = {}
    for row in old_log.objects.order_by("pk"):
        key = (row.content_type_id, row.object_id)
        assert row.previous_hash == last.get(key, "")
        assert row.hash == old_hash(old_log_payload(row))
        last[key] = row.hash
    assert all(r.content_hash == old_hash(r.content) for r in old_revisions.objects.all())
    assert all(
        s.content_hash == old_hash({"content": s.content, "conclusion": s.conclusion})
        for s in old_snapshots.objects.all()
    )

    # when
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # then every row is back exactly as the services wrote it, and the trail verifies
    assert (
        list(
            TransitionLog.objects.order_by("pk").values_list(
                "pk", "seq", "previous_hash", "global_previous_hash", "hash"
            )
        )
        == now["log"]
    )
    assert list(DeclarationRevision.objects.order_by("pk").values_list("pk", "content_hash")) == now["revisions"]
    assert list(PublicSnapshot.objects.order_by("pk").values_list("pk", "content_hash")) == now["snapshots"]
    assert [seq for _pk, seq, *_rest in now["log"]] == list(range(1, len(now["log"]) + 1))
    assert verification.verify().problems == []


@pytest.mark.parametrize("kind", ["log row", "revision", "snapshot"])
def test_a_row_tampered_with_before_stops_the_migration_naming_it(back_in_time, kind):
    old_apps, _now = back_in_time
    model, field, value = {
        "log row": (old_apps.get_model("workflow", "TransitionLog"), "comment", "Өөрчилсөн."),
        "revision": (old_apps.get_model("declarations", "DeclarationRevision"), "content", {}),
        "snapshot": (old_apps.get_model("declarations", "PublicSnapshot"), "content", {}),
    }[kind]
    row = model.objects.order_by("pk").first()
    model.objects.filter(pk=row.pk).update(**{field: value})
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()

    with pytest.raises(RuntimeError) as stopped:
        migrate(leaves)

    name = {"log row": "TransitionLog", "revision": "DeclarationRevision", "snapshot": "PublicSnapshot"}[kind]
    expected = (
        f"TransitionLog {row.pk} breaks its filing's hash chain: investigate before migrating, since rehashing would "
        "hide it."
        if kind == "log row"
        else f"{name} {row.pk} does not match its content_hash: investigate before migrating, since rehashing would "
        "hide it."
    )
    assert str(stopped.value) == expected
    # (put back, so that the fixture can take the database forward again)
    model.objects.filter(pk=row.pk).update(**{field: getattr(row, field)})
