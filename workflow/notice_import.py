"""Bulk import of notices from CSV: an organisation records the notices its officials filed elsewhere.

Notices filed on paper or in another system are recorded as submitted, each with an ``import`` row in the
transition log. Every row is checked with the rules of ``workflow.notices``; one bad row rejects the file,
every bad row is reported by its line, and the notices are written with ``bulk_create`` (DESIGN §9).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.content import (
    MSG_CONTROL_CHARACTERS,
    MSG_DATE,
    MSG_DATE_IN_FUTURE,
    MSG_REQUIRED,
    normalise_company_name,
)
from declarations.models import Notice, NoticeCategory, NoticeState, Organisation, Position
from workflow import audit, errors, notices, policies, redflags
from workflow.notices import UNKNOWN_CATEGORY, _check_complete, _clean_field

COLUMNS = (
    "register_number",
    "category",
    "title",
    "reference_number",
    "action_date",
    "counterparty_name",
    "counterparty_register_number",
    "outcome",
    "interest_nature",
    "proposed_handling",
    "handling_conditions",
    "submitted_on",
)
# The notice's own fields, cleaned exactly as ``workflow.notices`` cleans a filer's input.
NOTICE_FIELDS = (
    "title",
    "reference_number",
    "counterparty_name",
    "counterparty_register_number",
    "outcome",
    "interest_nature",
    "proposed_handling",
    "handling_conditions",
)
MAX_ROWS = 100_000
MAX_ERRORS = 1_000
LOOKUP_CHUNK = 500  # values per IN (...) list: well under SQLite's bound-parameter limit
BATCH_SIZE = 1_000
ULAANBAATAR = ZoneInfo("Asia/Ulaanbaatar")
SUBMITTED_AT_TIME = datetime.time(12, 0)
IMPORT_TRANSITION = "import"
IMPORT_COMMENT = "Imported from CSV"
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

FORBIDDEN_IMPORT = _("Only an authorised official of the organisation can import its notices.")
EMPTY_FILE = _("The file is empty: it needs a header row and at least one row of notices.")
NOT_UTF8 = _("The file must be UTF-8 text.")
TOO_MANY_ROWS = _("The file has more than %(max)d rows; split it into smaller files.")
TOO_MANY_ERRORS = _("Checking stopped after %(max)d errors; correct them and import the file again.")
MISSING_COLUMNS = _("Missing columns: %(columns)s.")
UNKNOWN_COLUMNS = _("Unknown columns: %(columns)s.")
REPEATED_COLUMNS = _("Repeated columns: %(columns)s.")
MALFORMED_ROW = _("This row is not valid CSV; check its quotes.")
WRONG_CELL_COUNT = _("This row has %(found)d cells; the header has %(expected)d.")
# The same answer whether the person is unknown or works elsewhere: registration numbers are private.
OFFICIAL_NOT_IN_ORGANISATION = _(
    "No official with this registration number holds a position in the organisation or its units."
)
DUPLICATE_IN_FILE = _("Same official, category, reference number and action date as line %(line)d.")
DUPLICATE_EXISTING = _("This official already has a notice with the same category, reference number and action date.")


@dataclass(frozen=True)
class ImportResult:
    """How many notices the import created, and their ids in file order."""

    created: int
    notice_ids: list[int]


@dataclass
class _Row:
    line: int
    register_number: str
    category_code: str
    submitted_on: datetime.date | None
    notice: Notice
    position: Position | None = None


@dataclass
class _Problems:
    """Messages by line and column; sorted and capped when handed to ``InvalidInput``."""

    items: list[tuple[int, int, str, Any]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def add(self, line: int, column: str | None, message: Any) -> None:
        key = f"line {line}.{column}" if column else f"line {line}"
        self.items.append((line, COLUMNS.index(column) if column in COLUMNS else -1, key, message))
        self.keys.add(key)

    def has(self, line: int, column: str) -> bool:
        return f"line {line}.{column}" in self.keys

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_ERRORS

    def as_errors(self) -> dict[str, list[Any]]:
        ordered = sorted(self.items, key=lambda item: (item[0], item[1]))  # stable: messages keep their order
        found: dict[str, list[Any]] = {}
        if len(ordered) > MAX_ERRORS:
            found["file"] = [TOO_MANY_ERRORS % {"max": MAX_ERRORS}]
        for _line, _column, key, message in ordered[:MAX_ERRORS]:
            found.setdefault(key, []).append(message)
        return found


def import_notices(*, actor: Any, organisation: Organisation, stream: str | IO[str]) -> ImportResult:
    """Record as submitted the notices the organisation's officials filed elsewhere; all rows or none.

    Each row is checked like a filer's notice (Conflict of Interest Law, art. 12); a notice filed after
    its action date is marked late. Raises ``InvalidInput`` naming every bad row by its line.
    """
    _authorise(actor, organisation)
    records = _records(stream)
    index = _read_header(records)
    problems = _Problems()
    today = timezone.localdate(timezone=ULAANBAATAR)
    rows: list[_Row] = []
    count = 0
    for line, cells in records:
        count += 1
        if count > MAX_ROWS:
            raise errors.InvalidInput({"file": [TOO_MANY_ROWS % {"max": MAX_ROWS}]})
        if problems.full:
            continue  # keep counting rows, stop checking them
        row = _clean_row(line, cells, index, today, problems)
        if row is not None:
            rows.append(row)
    if count == 0:
        raise errors.InvalidInput({"file": [EMPTY_FILE]})
    with transaction.atomic():
        _resolve(rows, organisation, problems)
        _check_duplicates(rows, problems)
        if problems.items:
            raise errors.InvalidInput(problems.as_errors())
        notices = _create(rows, actor)
    return ImportResult(created=len(notices), notice_ids=[notice.pk for notice in notices])


def _authorise(actor: Any, organisation: Organisation) -> None:
    if getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False):
        return
    if not any(organisation.path.startswith(path) for path in policies.reviewer_organisation_paths(actor)):
        raise errors.ActionForbidden(FORBIDDEN_IMPORT)


# --- Reading ------------------------------------------------------------------------------------------


def _lines(stream: str | bytes | IO[Any]) -> Iterator[str]:
    """Text lines without the byte order mark; bytes (an uploaded file) are decoded as UTF-8."""
    if isinstance(stream, str):
        source: Iterable[Any] = io.StringIO(stream)
    elif isinstance(stream, bytes):
        source = io.BytesIO(stream)
    else:
        source = stream
    first = True
    for line in source:
        text = line.decode("utf-8") if isinstance(line, bytes) else line
        if first:
            text, first = text.removeprefix("\ufeff"), False
        yield text


def _records(stream: str | bytes | IO[Any]) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record with the file line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(_lines(stream), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise errors.InvalidInput({"file": [NOT_UTF8]}) from None
        except csv.Error:
            raise errors.InvalidInput({f"line {start}": [MALFORMED_ROW]}) from None
        if any(cell.strip() for cell in cells):
            yield start, cells


def _read_header(records: Iterator[tuple[int, list[str]]]) -> dict[str, int]:
    """The position of each column; the header must name every column once and nothing else."""
    first = next(records, None)
    if first is None:
        raise errors.InvalidInput({"file": [EMPTY_FILE]})
    names = [cell.strip() for cell in first[1]]
    missing = [name for name in COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1}, key=COLUMNS.index)
    messages = []
    if missing:
        messages.append(MISSING_COLUMNS % {"columns": _quoted(missing)})
    if unknown:
        messages.append(UNKNOWN_COLUMNS % {"columns": _quoted(unknown)})
    if repeated:
        messages.append(REPEATED_COLUMNS % {"columns": _quoted(repeated)})
    if messages:
        raise errors.InvalidInput({"header": messages})
    return {name: names.index(name) for name in COLUMNS}


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


# --- Checking -----------------------------------------------------------------------------------------


def _clean_row(
    line: int, cells: list[str], index: dict[str, int], today: datetime.date, problems: _Problems
) -> _Row | None:
    """The row's own values checked and typed; what needs the database comes later, for all rows at once."""
    if len(cells) != len(index):
        problems.add(line, None, WRONG_CELL_COUNT % {"found": len(cells), "expected": len(index)})
        return None
    values = {name: cells[position].strip() for name, position in index.items()}
    for name, value in values.items():
        if CONTROL_CHARACTERS.search(value):
            problems.add(line, name, MSG_CONTROL_CHARACTERS)
            values[name] = ""
    fields: dict[str, Any] = {}
    for name in NOTICE_FIELDS:
        if problems.has(line, name):
            continue
        try:
            fields[name] = _clean_field(name, values[name])
        except errors.InvalidInput as invalid:
            for messages in invalid.errors.values():
                for message in messages:
                    problems.add(line, name, message)
    for name in ("register_number", "category"):
        if not values[name] and not problems.has(line, name):
            problems.add(line, name, MSG_REQUIRED)
    action_date = _date(line, "action_date", values["action_date"], problems)
    if action_date is not None and (problem := notices.action_date_problem(action_date)) is not None:
        problems.add(line, "action_date", problem)
        action_date = None
    submitted_on = _date(line, "submitted_on", values["submitted_on"], problems)
    if submitted_on is not None and submitted_on > today:
        problems.add(line, "submitted_on", MSG_DATE_IN_FUTURE)
    notice = Notice(state=NoticeState.SUBMITTED, action_date=action_date, **fields)
    try:
        _check_complete(notice)  # what a filer's notice must state before it is submitted
    except errors.InvalidInput as invalid:
        for name, messages in invalid.errors.items():
            if not problems.has(line, name):
                for message in messages:
                    problems.add(line, name, message)
    return _Row(
        line=line,
        register_number=values["register_number"].upper(),
        category_code=values["category"],
        submitted_on=submitted_on,
        notice=notice,
    )


def _date(line: int, name: str, value: str, problems: _Problems) -> datetime.date | None:
    if problems.has(line, name):
        return None
    if not value:
        problems.add(line, name, MSG_REQUIRED)
        return None
    # fromisoformat alone also takes "20250115" and week dates; the file format is YYYY-MM-DD only.
    if ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    problems.add(line, name, MSG_DATE)
    return None


def _resolve(rows: list[_Row], organisation: Organisation, problems: _Problems) -> None:
    """Categories and officials for all rows at once; the officials' rows stay locked until commit."""
    categories = {category.code: category for category in NoticeCategory.objects.filter(is_active=True)}
    positions = _positions_in_subtree(organisation, {row.register_number for row in rows if row.register_number})
    for row in rows:
        if row.category_code:
            category = categories.get(row.category_code)
            if category is None:
                problems.add(row.line, "category", UNKNOWN_CATEGORY)
            else:
                row.notice.category = category
        if row.register_number:
            held = positions.get(row.register_number)
            if not held:
                problems.add(row.line, "register_number", OFFICIAL_NOT_IN_ORGANISATION)
            else:
                row.position = _position_for(held, row.notice.action_date)


def _positions_in_subtree(organisation: Organisation, register_numbers: set[str]) -> dict[str, list[Position]]:
    """The positions in the organisation's subtree of the officials with these registration numbers.

    The officials' rows are locked (in registration-number order, so two imports cannot deadlock) so that
    a concurrent import of the same file cannot pass the duplicate check too.
    """
    found: dict[str, list[Position]] = {}
    ordered = sorted(register_numbers)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        queryset = (
            Position.objects.filter(
                official__register_number__in=ordered[start : start + LOOKUP_CHUNK],
                organisation__path__startswith=organisation.path,
            )
            .select_related("official")
            .select_for_update(of=("official",), no_key=True)
            .order_by("official__register_number", "pk")
        )
        for position in queryset:
            found.setdefault(position.official.register_number, []).append(position)
    return found


def _position_for(positions: list[Position], action_date: datetime.date | None) -> Position:
    """The position held on the action date, else the most recent one; the notice belongs to its organisation."""

    def held_then(position: Position) -> bool:
        return (
            action_date is not None
            and position.start_date <= action_date
            and (position.end_date is None or action_date <= position.end_date)
        )

    return max(positions, key=lambda position: (held_then(position), position.start_date, -position.pk))


def _check_duplicates(rows: list[_Row], problems: _Problems) -> None:
    """Same official, category, reference number and action date: twice in the file, or already recorded."""
    keyed = [
        (row, (row.position.official_id, row.notice.category_id, row.notice.reference_number, row.notice.action_date))
        for row in rows
        if row.position is not None
        and row.notice.category_id is not None
        and row.notice.action_date is not None
        and not problems.has(row.line, "reference_number")
    ]
    existing = _existing_keys([key for _row, key in keyed])
    first_line: dict[tuple[Any, ...], int] = {}
    for row, key in keyed:
        if key in existing:
            problems.add(row.line, None, DUPLICATE_EXISTING)
        if key in first_line:
            problems.add(row.line, None, DUPLICATE_IN_FILE % {"line": first_line[key]})
        else:
            first_line[key] = row.line


def _existing_keys(keys: list[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    if not keys:
        return set()
    official_ids = sorted({key[0] for key in keys})
    dates = [key[3] for key in keys]
    found: set[tuple[Any, ...]] = set()
    for start in range(0, len(official_ids), LOOKUP_CHUNK):
        found.update(
            Notice.objects.filter(
                official_id__in=official_ids[start : start + LOOKUP_CHUNK],
                action_date__gte=min(dates),
                action_date__lte=max(dates),
            ).values_list("official_id", "category_id", "reference_number", "action_date")
        )
    return found


# --- Writing ------------------------------------------------------------------------------------------


def _create(rows: list[_Row], actor: Any) -> list[Notice]:
    """The notices and their log rows in two bulk inserts, then the red-flag scan of each counterparty."""
    notices = []
    for row in rows:
        notice, position = row.notice, row.position
        # Only rows without problems get here: each has an official, a category and both dates.
        assert position is not None
        assert row.submitted_on is not None
        assert notice.action_date is not None
        notice.filer_id = position.official.user_id
        notice.official_id = position.official_id
        notice.organisation_id = position.organisation_id
        notice.submitted_at = datetime.datetime.combine(row.submitted_on, SUBMITTED_AT_TIME, tzinfo=ULAANBAATAR)
        notice.is_late = notice.action_date < row.submitted_on
        notice.counterparty_name_normalised = normalise_company_name(notice.counterparty_name)
        notices.append(notice)
    Notice.objects.bulk_create(notices, batch_size=BATCH_SIZE)
    log_rows = [(notice.pk, IMPORT_TRANSITION, "", NoticeState.SUBMITTED.value) for notice in notices]
    audit.record_transitions_bulk(
        Notice, log_rows, actor=actor, at=timezone.now(), comment=IMPORT_COMMENT, batch_size=BATCH_SIZE
    )
    for notice in notices:
        if notice.counterparty_name or notice.counterparty_register_number:
            redflags.scan_notice(notice)
    return notices
