"""Tampering with audit rows directly in the database, the way someone with database access would: around
the models' refusal (a plain queryset or raw SQL) and, on PostgreSQL, around the triggers as a superuser can
(``session_replication_role = replica`` for the current transaction only, so the test's rollback restores
them)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction

from workflow.models import TransitionLog


@contextmanager
def triggers_off() -> Iterator[None]:
    """Within the test's transaction: PostgreSQL's ordinary triggers do not fire (a superuser's privilege)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


def _rows(model: type[models.Model]) -> models.QuerySet[Any]:
    """The plain queryset: the SQL the ORM writes, without the model's refusal."""
    return models.QuerySet(model=model)


def edit(model: type[models.Model], pk: int, **values: Any) -> None:
    with triggers_off():
        assert _rows(model).filter(pk=pk).update(**values) == 1


def delete(model: type[models.Model], pk: int, *, dependents: Sequence[tuple[type[models.Model], str]] = ()) -> None:
    """Delete the row, and first the rows whose foreign key (model, column) points to it, as the database would
    otherwise refuse at commit (SQLite's test teardown checks it)."""
    with triggers_off(), connection.cursor() as cursor:
        for dependent, column in [*dependents, (model, "id")]:
            table, column = connection.ops.quote_name(dependent._meta.db_table), connection.ops.quote_name(column)
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [pk])
        assert cursor.rowcount == 1


def swap_ids(model: type[models.Model], first: int, second: int) -> None:
    """Each row takes the other's id: the rows' order changes, their content does not."""
    table = connection.ops.quote_name(model._meta.db_table)
    with triggers_off(), connection.cursor() as cursor:
        spare = -first
        for old, new in ((first, spare), (second, first), (spare, second)):
            cursor.execute(f"UPDATE {table} SET id = %s WHERE id = %s", [new, old])
            assert cursor.rowcount == 1


def swap_contents(model: type[models.Model], first: int, second: int, fields: list[str]) -> None:
    """The two rows exchange the given columns (through placeholders where a column is unique)."""
    rows = _rows(model)
    one = rows.filter(pk=first).values(*fields).get()
    other = rows.filter(pk=second).values(*fields).get()
    unique = {name: _placeholder(model, name) for name in fields if model._meta.get_field(name).unique}
    with triggers_off():
        if unique:
            rows.filter(pk=first).update(**unique)
        rows.filter(pk=second).update(**one)
        rows.filter(pk=first).update(**other)


def _placeholder(model: type[models.Model], name: str) -> Any:
    field = model._meta.get_field(name)
    return 0 if isinstance(field, models.IntegerField) else "x" * 64


def insert_log_row(**values: Any) -> TransitionLog:
    """A forged log row, inserted as any client could."""
    row = TransitionLog(**values)
    _rows(TransitionLog).bulk_create([row])
    return row


def skip_the_teardown_constraint_check() -> None:
    """Call last in a test that leaves a foreign key dangling on purpose (a deleted row another row still
    names, which the database would refuse at commit): the test's transaction is rolled back unchecked."""
    transaction.set_rollback(True)
