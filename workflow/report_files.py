"""Reports as files: CSV and XLSX, with the headers in the active language (Mongolian by default).

Both carry exactly the numbers of ``Report.as_dict()`` (the JSON). Both have the same layout: the report's
title, the organisation, the period or year, a blank line, then each table with its title, its header row,
its rows and a totals row. In CSV the tables follow one another, a blank line apart; in XLSX each table is a
sheet of its own, starting with the same lines. The CSV is UTF-8 with a byte order mark, so that Excel reads
the Cyrillic text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from workflow.reports import COL_ORGANISATION, TOTAL, Report, Table, organisation_ref

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
FILE_FORMATS = tuple(MEDIA_TYPES)

ALL_ORGANISATIONS = _("All organisations")
PERIOD = _("Period")
YEAR = _("Year")

#: The line numbers (1-based) of a table's title and header in a sheet: after the three heading lines and a
#: blank one. In CSV the first table starts there too.
TITLE_LINE = 5
HEADER_LINE = 6

_SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

Cell = Any


def heading_lines(report: Report) -> list[list[Cell]]:
    """The report's title, the organisation (or all of them) and the period (or the campaign year)."""
    organisation = organisation_ref(report.organisation)
    lines: list[list[Cell]] = [
        [str(report.title)],
        [str(COL_ORGANISATION), organisation["name"] if organisation else str(ALL_ORGANISATIONS)],
    ]
    if report.period is not None:
        lines.append([str(PERIOD), f"{report.period.date_from.isoformat()} – {report.period.date_to.isoformat()}"])
    else:
        lines.append([str(YEAR), report.year])
    return lines


def table_lines(table: Table) -> list[list[Cell]]:
    """The table's title, its header, its rows and the totals row (labelled in its first text column)."""
    header = [str(column.label) for column in table.columns]
    rows = [[row[column.key] for column in table.columns] for row in table.rows]
    totals: list[Cell] = []
    labelled = False
    for column in table.columns:
        if column.is_number:
            totals.append(table.totals[column.key])
        else:
            totals.append("" if labelled else str(TOTAL))
            labelled = True
    return [[str(table.title)], header, *rows, totals]


def report_csv(report: Report) -> bytes:
    """The report as CSV bytes (UTF-8 with a byte order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_csv_line(line) for line in heading_lines(report))
    for table in report.tables:
        writer.writerow([])
        writer.writerows(_csv_line(line) for line in table_lines(table))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_line(line: Sequence[Cell]) -> list[Cell]:
    return ["" if cell is None else cell for cell in line]


def report_xlsx(report: Report) -> bytes:
    """The report as an XLSX workbook: one sheet per table, numbers as numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    taken: set[str] = set()
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_title(str(table.title), taken))
        for line in [*heading_lines(report), []]:
            sheet.append(line)
        for line in table_lines(table):
            sheet.append(line)
        for cell in (sheet.cell(row=1, column=1), sheet.cell(row=TITLE_LINE, column=1)):
            cell.font = bold
        for cell in sheet[HEADER_LINE]:
            cell.font = bold
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.freeze_panes = sheet.cell(row=HEADER_LINE + 1, column=1)
        for index, column in enumerate(table.columns, start=1):
            width = max(12, min(40, len(str(column.label)) + 2))
            sheet.column_dimensions[sheet.cell(row=HEADER_LINE, column=index).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_TITLE_FORBIDDEN.sub(" ", title).strip()[:_SHEET_TITLE_MAX] or "Sheet"
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: _SHEET_TITLE_MAX - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def render(report: Report, file_format: str) -> bytes:
    """The report in ``csv`` or ``xlsx``."""
    return report_xlsx(report) if file_format == "xlsx" else report_csv(report)


def file_name(report: Report, file_format: str) -> str:
    """``<report>-<organisation code or all>-<year or first_last day>.<format>``: ASCII, safe in a header."""
    organisation = report.organisation.code if report.organisation is not None else "all"
    if report.period is not None:
        span = f"{report.period.date_from.isoformat()}_{report.period.date_to.isoformat()}"
    else:
        span = str(report.year)
    safe_organisation = re.sub(r"[^A-Za-z0-9_.-]", "_", organisation)
    return f"{report.name}-{safe_organisation}-{span}.{file_format}"
