"""The public register: the only code that reads the public snapshots for the public (DESIGN §5, §9).

The register and its open-data export read ``PublicSnapshot`` rows and nothing else of the filings, so
public traffic never touches the filing tables and can show only what publication put there: a
declaration's content redacted by the form's allowlist, a notice's public fields, the public part of the
agency's conclusion. A withdrawn record stays in the register as a tombstone (date and reason) and shows
neither its content nor its conclusion.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, Count, Func, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from declarations.models import Organisation, PublicSnapshot
from workflow.errors import ObjectNotFound

#: Newest publication first; the id breaks ties, so the order is total and keyset pagination is stable.
NEWEST_FIRST: tuple[str, str] = ("-published_at", "-id")
#: Rows the export fetches from the database per round trip.
EXPORT_CHUNK_SIZE = 2000
#: How many records a page of the web register shows.
PAGE_SIZE = 20

#: The open-data export's columns (CSV) and keys (JSON Lines), in this order; README documents each one.
EXPORT_FIELDS: tuple[str, ...] = (
    "id",
    "kind",
    "year",
    "official_name",
    "organisation_id",
    "organisation",
    "position_title",
    "published_at",
    "corrects_id",
    "withdrawn_at",
    "withdrawal_reason",
    "content",
    "conclusion",
)

# What a result list shows: no content, no conclusion (a page of results stays small).
_SUMMARY_FIELDS = (
    "id",
    "kind",
    "year",
    "official_name",
    "organisation",
    "organisation_name",
    "position_title",
    "published_at",
    "corrects",
    "withdrawn_at",
)
_EXPORT_COLUMNS = (
    "id",
    "kind",
    "year",
    "official_name",
    "organisation_id",
    "organisation_name",
    "position_title",
    "published_at",
    "corrects_id",
    "withdrawn_at",
    "withdrawal_reason",
    "content",
    "conclusion",
)


# --- search ---------------------------------------------------------------------------------------------


def search_records(
    *,
    name: str = "",
    organisation: Organisation | None = None,
    position: str = "",
    year: int | None = None,
    kind: str = "",
) -> QuerySet[PublicSnapshot]:
    """Published records matching every given criterion, newest first; empty criteria select everything.

    ``name`` and ``position`` are fragments, matched regardless of case, Cyrillic included, on every
    database: the name against the case-folded copy of the official's name (an indexed column), the
    position title through ``Lower``. ``organisation`` includes the organisations under it.
    """
    records = PublicSnapshot.objects.only(*_SUMMARY_FIELDS)
    name = (name or "").strip()
    if name:
        records = records.filter(official_name_search__contains=name.casefold())
    if organisation is not None:
        records = records.filter(organisation__path__startswith=organisation.path)
    position = (position or "").strip()
    if position:
        records = records.alias(position_lower=Lower("position_title")).filter(
            position_lower__contains=position.lower()
        )
    if year is not None:
        records = records.filter(year=year)
    if kind:
        records = records.filter(kind=kind)
    return records.order_by(*NEWEST_FIRST)


class Lower(Func):
    """Lower case in SQL, Cyrillic included: SQLite's own ``LOWER`` folds ASCII letters only.

    On SQLite the expression calls Python's ``str.lower``, registered on the connection as it is compiled;
    PostgreSQL's ``LOWER`` follows the database's locale, which folds Cyrillic.
    """

    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        connection.ensure_connection()
        connection.connection.create_function(_SQLITE_LOWER, 1, _lower, deterministic=True)
        return self.as_sql(compiler, connection, function=_SQLITE_LOWER, **extra_context)


_SQLITE_LOWER = "register_lower"


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def organisation_choices() -> QuerySet[Organisation]:
    """The organisations a search can be narrowed to, in tree order (a parent before its subtree)."""
    return Organisation.objects.only("id", "name", "path").order_by("path")


@dataclass(frozen=True)
class RecordsPage:
    """One page of search results, and the positions of the pages either side (``None`` at either end).

    The newer page is the one ``before=newer_before``, the older one the one ``after=older_after``.
    """

    records: list[PublicSnapshot]
    newer_before: int | None
    older_after: int | None


def records_page(
    records: QuerySet[PublicSnapshot], *, after: int | None = None, before: int | None = None, size: int | None = None
) -> RecordsPage:
    """A keyset page of ``records`` (newest first): the records older than ``after``, or newer than ``before``.

    A position is a record id: its publication time is looked up, so a page stays stable when records
    are published meanwhile. An unknown id gives the first page; ``size`` defaults to ``PAGE_SIZE``.
    """
    size = size or PAGE_SIZE
    anchor = _anchor(after if after is not None else before)
    if anchor is None:
        page = list(records[:size])
    elif after is not None:
        page = list(records.filter(_older_q(*anchor))[:size])
    else:
        page = list(records.filter(_newer_q(*anchor)).order_by("published_at", "id")[:size])[::-1]
    if not page:
        return RecordsPage(records=[], newer_before=None, older_after=None)
    first, last = page[0], page[-1]
    has_newer = records.filter(_newer_q(first.published_at, first.pk)).exists()
    has_older = records.filter(_older_q(last.published_at, last.pk)).exists()
    return RecordsPage(
        records=page,
        newer_before=first.pk if has_newer else None,
        older_after=last.pk if has_older else None,
    )


def _anchor(pk: int | None) -> tuple[datetime.datetime, int] | None:
    if pk is None:
        return None
    published_at = PublicSnapshot.objects.filter(pk=pk).values_list("published_at", flat=True).first()
    return None if published_at is None else (published_at, pk)


def _older_q(published_at: datetime.datetime, pk: int) -> Q:
    return Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)


def _newer_q(published_at: datetime.datetime, pk: int) -> Q:
    return Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gt=pk)


# --- one record -------------------------------------------------------------------------------------------


def get_public_record(pk: Any) -> PublicSnapshot:
    """The published record ``pk`` with the ids of the records that correct it; ``ObjectNotFound`` if none."""
    corrections = PublicSnapshot.objects.only("id", "corrects", "published_at").order_by("published_at", "id")
    try:
        return PublicSnapshot.objects.prefetch_related(Prefetch("corrected_by", queryset=corrections)).get(pk=pk)
    except (PublicSnapshot.DoesNotExist, ValidationError, ValueError, TypeError, OverflowError):
        raise ObjectNotFound from None


def is_withdrawn(record: PublicSnapshot) -> bool:
    return record.withdrawn_at is not None


def public_content(record: PublicSnapshot) -> dict[str, Any] | None:
    """What the record discloses of the filing; ``None`` once the publication is withdrawn."""
    return None if is_withdrawn(record) else record.content


def public_conclusion(record: PublicSnapshot) -> dict[str, Any] | None:
    """The public part of the agency's conclusion; ``None`` when there is none or the record is withdrawn."""
    return None if is_withdrawn(record) else (record.conclusion or None)


def corrected_by_ids(record: PublicSnapshot) -> list[int]:
    """The ids of the published corrections of the record, oldest first."""
    return [correction.pk for correction in record.corrected_by.all()]


# --- open-data export ------------------------------------------------------------------------------------


def export_rows() -> Iterator[dict[str, Any]]:
    """Every record, in id order, as a row of ``EXPORT_FIELDS``; streamed from the database in chunks.

    Times are ISO 8601 in the site's time zone, as the API gives them; a withdrawn record's ``content``
    and ``conclusion`` are ``None``, like a missing conclusion and a record that corrects nothing.
    """
    rows = PublicSnapshot.objects.order_by("pk").values_list(*_EXPORT_COLUMNS).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    for row in rows:
        values = dict(zip(_EXPORT_COLUMNS, row, strict=True))
        withdrawn = values["withdrawn_at"] is not None
        yield {
            "id": values["id"],
            "kind": values["kind"],
            "year": values["year"],
            "official_name": values["official_name"],
            "organisation_id": values["organisation_id"],
            "organisation": values["organisation_name"],
            "position_title": values["position_title"],
            "published_at": isoformat(values["published_at"]),
            "corrects_id": values["corrects_id"],
            "withdrawn_at": isoformat(values["withdrawn_at"]),
            "withdrawal_reason": values["withdrawal_reason"],
            "content": None if withdrawn else values["content"],
            "conclusion": None if withdrawn else (values["conclusion"] or None),
        }


def isoformat(value: datetime.datetime | None) -> str | None:
    """An aware time as the API writes it: ISO 8601 in the current time zone, ``Z`` for UTC."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


@dataclass(frozen=True)
class ExportVersion:
    """What identifies the export's current content: records are only added (a higher id) or withdrawn."""

    count: int
    max_id: int | None
    withdrawn: int
    last_modified: datetime.datetime | None

    def etag(self, variant: str) -> str:
        """A strong, quoted entity tag of the export in one format (``variant``)."""
        last = self.last_modified.isoformat() if self.last_modified else "-"
        key = f"{variant}:{self.count}:{self.max_id}:{self.withdrawn}:{last}"
        return f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'

    @property
    def last_modified_timestamp(self) -> int | None:
        """The last modification in whole seconds since the epoch, as HTTP dates carry it."""
        return int(self.last_modified.timestamp()) if self.last_modified else None


def export_version() -> ExportVersion:
    """Count, highest id, withdrawals and last modification (publication or withdrawal), in one query."""
    totals = PublicSnapshot.objects.aggregate(
        count=Count("id"),
        max_id=Max("id"),
        withdrawn=Count("id", filter=Q(withdrawn_at__isnull=False)),
        last_published=Max("published_at"),
        last_withdrawn=Max("withdrawn_at"),
    )
    moments = [moment for moment in (totals["last_published"], totals["last_withdrawn"]) if moment is not None]
    return ExportVersion(
        count=totals["count"],
        max_id=totals["max_id"],
        withdrawn=totals["withdrawn"],
        last_modified=max(moments) if moments else None,
    )
