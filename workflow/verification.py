"""Verify the audit trail (``manage.py verify_audit``): every hash chain, and the rows anchored in them.

What is checked, each pass streaming its rows in index order (bounded memory, however many rows):

- **Each filing's chain** (per content type, ordered by object and id): every row's ``hash`` recomputed
  (``audit.row_hash``); its ``previous_hash`` equal to the hash of the filing's previous row, and empty on
  its first row.
- **Each filing's state** against its chain: the state equals its last row's ``to_state``, and a filing
  without rows is still in its initial state; a chain whose filing does not exist is reported too. This is
  what catches the deletion of a filing's last row.
- **The global chain** (ordered by ``seq``): ``seq`` runs 1, 2, 3… without a gap and every
  ``global_previous_hash`` is the hash of the row before; optional anchors (``seq:hash`` recorded
  earlier, e.g. from a previous run's summary) must still match, which catches a rewritten tail.
- **Revisions**: every ``content_hash`` recomputed (``DeclarationRevision.compute_hash``); each
  declaration's revisions numbered 1, 2, 3…, one per submission the log records, each with its
  submission's time and submitter.
- **Public snapshots**: every ``content_hash`` recomputed (``PublicSnapshot.compute_hash``); each matches
  its filing's one logged publication (its time; a declaration's snapshot holds its last revision); a
  filing published in the log has its snapshot; the withdrawal tombstone, which the hash does not cover,
  matches the logged withdrawal (time and reason), and is there exactly when the log records one.

For each chain only the first broken row is named (model, id, what is wrong): the rows after it cannot be
trusted to say more. On PostgreSQL, outside a transaction, everything is read in one repeatable-read,
read-only transaction, so transitions committed meanwhile cannot look like breaks; on SQLite run it on a
quiet database.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import OuterRef, Subquery
from django_fsm import FSMFieldMixin

from declarations.models import Declaration, DeclarationRevision, Notice, PublicSnapshot
from workflow import audit
from workflow.graphs import GRAPHS
from workflow.models import TransitionLog

DEFAULT_CHUNK_SIZE = 2000
# The problems kept on the report; all are counted, and ``on_problem`` hears of each.
MAX_KEPT_PROBLEMS = 1000
SUBMISSIONS = ("submit", "resubmit")
PUBLISH, WITHDRAW = "publish", "withdraw_publication"

A = TypeVar("A")
B = TypeVar("B")


@dataclass(frozen=True)
class Problem:
    """One broken row: the model, the row's id (none for a row that is missing), and what is wrong."""

    model: str
    pk: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.model} {self.pk}: {self.message}" if self.pk is not None else f"{self.model}: {self.message}"


@dataclass(frozen=True)
class Anchor:
    """A global-chain row recorded earlier (``seq:hash``) that must still be there, unchanged."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, separator, hash_ = text.partition(":")
        if not separator or not seq.isdigit() or int(seq) < 1 or len(hash_) != 64:
            raise ValueError(f"An anchor is SEQ:HASH (a sequence number and a 64-character hash), not {text!r}.")
        return cls(int(seq), hash_.lower())


@dataclass
class Report:
    """What was checked (rows per kind, in the order checked), what is broken, and the global chain's head."""

    checked: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    head: tuple[int, str] | None = None

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def count(self, kind: str, number: int = 1) -> None:
        self.checked[kind] = self.checked.get(kind, 0) + number


class _Checker:
    def __init__(self, *, chunk_size: int, on_problem: Callable[[Problem], None] | None) -> None:
        self.chunk_size = chunk_size
        self.on_problem = on_problem
        self.report = Report()

    def problem(self, model: type[models.Model] | str, pk: int | None, message: str) -> None:
        name = model if isinstance(model, str) else model.__name__
        found = Problem(name, pk, message)
        self.report.problem_count += 1
        if len(self.report.problems) < MAX_KEPT_PROBLEMS:
            self.report.problems.append(found)
        if self.on_problem is not None:
            self.on_problem(found)

    def stream(self, queryset: models.QuerySet[Any]) -> Iterator[Any]:
        return queryset.iterator(chunk_size=self.chunk_size)


def verify(
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    anchors: Sequence[Anchor] = (),
    on_problem: Callable[[Problem], None] | None = None,
) -> Report:
    """Check every chain and every hashed row; ``on_problem`` hears of each problem as it is found."""
    checker = _Checker(chunk_size=chunk_size, on_problem=on_problem)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            _run(checker, anchors)
    else:
        _run(checker, anchors)
    return checker.report


def _run(checker: _Checker, anchors: Sequence[Anchor]) -> None:
    logged_rows = 0
    content_type_ids = []
    for model in sorted(GRAPHS.values(), key=lambda model: model._meta.label):
        content_type = ContentType.objects.get_for_model(model)
        content_type_ids.append(content_type.pk)
        logged_rows += _check_filings(checker, model, content_type)
    total = _check_global_chain(checker, anchors)
    if total > logged_rows:
        # Rows of a model without a workflow state: their chains are checked, there is no state to match.
        others = TransitionLog.objects.exclude(content_type_id__in=content_type_ids)
        for _filing, rows in _grouped(
            checker.stream(others.order_by("content_type_id", "object_id", "id")),
            lambda row: (row.content_type_id, row.object_id),
        ):
            checker.report.count("filing chains")
            checker.report.count("log rows", len(rows))
            _check_chain(checker, rows)
    _check_revisions(checker)
    _check_snapshots(checker, Declaration, "declaration_id")
    _check_snapshots(checker, Notice, "notice_id")


# --- The log: each filing's chain and state ------------------------------------------------------------


def _check_filings(checker: _Checker, model: type[models.Model], content_type: ContentType) -> int:
    """The chains of one model's filings, merged with the filings themselves; returns the rows read."""
    state_field = next(f for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin))
    initial = state_field.get_default()
    chains = _grouped(
        checker.stream(TransitionLog.objects.filter(content_type=content_type).order_by("object_id", "id")),
        lambda row: row.object_id,
    )
    states = checker.stream(model._base_manager.order_by("pk").values_list("pk", state_field.attname))
    rows_read = 0
    for pk, rows, state in _merge(chains, states):
        if rows is not None:
            rows_read += len(rows)
            checker.report.count("log rows", len(rows))
            checker.report.count("filing chains")
            _check_chain(checker, rows)
        if state is None:
            assert rows is not None
            checker.problem(model, pk, f"has log rows (from row {rows[0].pk}) but does not exist")
            continue
        checker.report.count(f"{model.__name__} states")
        if rows is None:
            if state != initial:
                checker.problem(model, pk, f"state is “{state}” but the log has no row for it")
        elif rows[-1].to_state != state:
            checker.problem(
                model, pk, f"state is “{state}” but its last log row {rows[-1].pk} leads to “{rows[-1].to_state}”"
            )
    return rows_read


def _check_chain(checker: _Checker, rows: list[TransitionLog]) -> None:
    """One filing's rows, oldest first: the first broken row is reported."""
    previous: TransitionLog | None = None
    for row in rows:
        if previous is None and row.previous_hash:
            message = "previous_hash is set on the first row of its filing's chain: an earlier row is missing"
        elif previous is not None and row.previous_hash != previous.hash:
            message = f"previous_hash does not match the hash of its filing's previous row {previous.pk}"
        elif row.hash != audit.row_hash(row):
            message = "hash does not match the row's content"
        else:
            previous = row
            continue
        checker.problem(TransitionLog, row.pk, message)
        return


def _check_global_chain(checker: _Checker, anchors: Sequence[Anchor]) -> int:
    """The rows in ``seq`` order; returns how many there are."""
    expected_seq, previous_hash, previous_pk = 1, "", None
    broken = False
    wanted = {anchor.seq: anchor for anchor in anchors}
    rows = checker.stream(
        TransitionLog.objects.order_by("seq").values_list("pk", "seq", "global_previous_hash", "hash")
    )
    count = 0
    for pk, seq, global_previous, hash_ in rows:
        count += 1
        anchor = wanted.pop(seq, None)
        if anchor is not None and anchor.hash != hash_:
            checker.problem(TransitionLog, pk, f"hash differs from the anchor recorded for seq {seq}")
        if not broken:
            if seq != expected_seq:
                missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
                message = f"seq is {seq} where {expected_seq} was expected: seq {missing} missing from the global chain"
            elif global_previous != previous_hash:
                message = (
                    f"global_previous_hash does not match the hash of row {previous_pk} (seq {seq - 1})"
                    if previous_pk is not None
                    else "global_previous_hash is set on the first row of the global chain"
                )
            else:
                message = ""
            if message:
                checker.problem(TransitionLog, pk, message)
                broken = True
        expected_seq, previous_hash, previous_pk = seq + 1, hash_, pk
    for anchor in wanted.values():
        checker.problem(TransitionLog, None, f"the anchored row seq {anchor.seq} is missing from the global chain")
    checker.report.count("global chain rows", count)
    if previous_pk is not None:
        checker.report.head = (expected_seq - 1, previous_hash)
    return count


# --- Revisions and snapshots, anchored in the log ---------------------------------------------------------


def _check_revisions(checker: _Checker) -> None:
    """Each declaration's revisions against its submissions in the log."""
    content_type = ContentType.objects.get_for_model(Declaration)
    revisions = _grouped(
        checker.stream(DeclarationRevision.objects.order_by("declaration_id", "number")),
        lambda revision: revision.declaration_id,
    )
    submissions = _grouped(
        checker.stream(
            TransitionLog.objects.filter(content_type=content_type, transition__in=SUBMISSIONS)
            .order_by("object_id", "id")
            .values_list("object_id", "pk", "at", "actor_id")
        ),
        lambda row: row[0],
    )
    for declaration_id, frozen, logged in _merge(revisions, submissions):
        checker.report.count("revisions", len(frozen or []))
        tampered = next((r for r in frozen or [] if r.content_hash != r.compute_hash()), None)
        if tampered is not None:
            checker.problem(DeclarationRevision, tampered.pk, "content_hash does not match the revision")
            continue
        for number, (revision, submission) in enumerate(itertools.zip_longest(frozen or [], logged or []), start=1):
            if revision is None:
                checker.problem(
                    Declaration,
                    declaration_id,
                    f"revision {number} is missing: the submission logged in row {submission[1]} froze it",
                )
            elif revision.number != number:
                checker.problem(
                    Declaration,
                    declaration_id,
                    f"revision {number} is missing (the next is revision {revision.number}, row {revision.pk})",
                )
            elif submission is None:
                checker.problem(DeclarationRevision, revision.pk, "no submission in the log froze this revision")
            elif (revision.created_at, revision.submitted_by_id) != (submission[2], submission[3]):
                checker.problem(
                    DeclarationRevision,
                    revision.pk,
                    f"time or submitter differs from the submission logged in row {submission[1]}",
                )
            else:
                continue
            break


def _check_snapshots(checker: _Checker, model: type[models.Model], filing_field: str) -> None:
    """Each published filing of one model: its snapshot against its publication and withdrawal in the log."""
    content_type = ContentType.objects.get_for_model(model)
    snapshots = PublicSnapshot.objects.filter(**{f"{filing_field}__isnull": False}).order_by(filing_field)
    if model is Declaration:
        last_revision = DeclarationRevision.objects.filter(declaration_id=OuterRef("declaration_id")).order_by(
            "-number"
        )
        snapshots = snapshots.annotate(last_revision_id=Subquery(last_revision.values("pk")[:1]))
    events = _grouped(
        checker.stream(
            TransitionLog.objects.filter(content_type=content_type, transition__in=(PUBLISH, WITHDRAW))
            .order_by("object_id", "id")
            .values_list("object_id", "pk", "transition", "at", "comment")
        ),
        lambda row: row[0],
    )
    by_filing = ((getattr(snapshot, filing_field), snapshot) for snapshot in checker.stream(snapshots))
    for filing_id, snapshot, logged in _merge(by_filing, events):
        published = [event for event in logged or [] if event[2] == PUBLISH]
        withdrawn = [event for event in logged or [] if event[2] == WITHDRAW]
        if snapshot is None:
            if published:
                checker.problem(
                    model, filing_id, f"published (log row {published[-1][1]}) but its public snapshot is missing"
                )
            continue
        checker.report.count("public snapshots")
        message = _snapshot_problem(
            snapshot, published[-1] if published else None, withdrawn[-1] if withdrawn else None
        )
        if message:
            checker.problem(PublicSnapshot, snapshot.pk, message)


def _snapshot_problem(snapshot: PublicSnapshot, published: Any, withdrawn: Any) -> str:
    if snapshot.content_hash != snapshot.compute_hash():
        return "content_hash does not match the snapshot"
    if published is None:
        return "the log records no publication of its filing"
    if snapshot.published_at != published[3]:
        return f"published_at differs from the publication logged in row {published[1]}"
    last_revision_id = getattr(snapshot, "last_revision_id", None)
    if snapshot.declaration_id is not None and snapshot.revision_id != last_revision_id:
        return f"its revision {snapshot.revision_id} is not the declaration's last revision ({last_revision_id})"
    if withdrawn is None:
        if snapshot.withdrawn_at is not None or snapshot.withdrawal_reason:
            return "carries a withdrawal the log does not record"
    elif snapshot.withdrawn_at is None:
        return f"withdrawn in log row {withdrawn[1]} but not marked withdrawn"
    elif (snapshot.withdrawn_at, snapshot.withdrawal_reason) != (withdrawn[3], withdrawn[4]):
        return f"withdrawal time or reason differs from the withdrawal logged in row {withdrawn[1]}"
    return ""


# --- Streaming helpers ------------------------------------------------------------------------------------


def _grouped(rows: Iterable[A], key: Callable[[A], Any]) -> Iterator[tuple[Any, list[A]]]:
    """Consecutive rows with the same key, as (key, rows): the rows come sorted by that key."""
    for value, group in itertools.groupby(rows, key):
        yield value, list(group)


def _merge(left: Iterator[tuple[Any, A]], right: Iterator[tuple[Any, B]]) -> Iterator[tuple[Any, A | None, B | None]]:
    """Two streams sorted by key, joined on it (a full outer merge join)."""
    sentinel = object()
    a: Any = next(left, sentinel)
    b: Any = next(right, sentinel)
    while a is not sentinel or b is not sentinel:
        if b is sentinel or (a is not sentinel and a[0] < b[0]):
            yield a[0], a[1], None
            a = next(left, sentinel)
        elif a is sentinel or b[0] < a[0]:
            yield b[0], None, b[1]
            b = next(right, sentinel)
        else:
            yield a[0], a[1], b[1]
            a, b = next(left, sentinel), next(right, sentinel)
