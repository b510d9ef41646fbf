"""The reports (DESIGN §7): exact rows on hand-built data, totals equal to their parts on generated data, the
CSV and XLSX files, the scope, the parameters, the query count and the command that writes the files.

Filings are written with the ORM in the state under test (the state field accepts a value on creation): the
reports read states and dates, not how the filings got there.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from declarations.models import (
    Conclusion,
    Declaration,
    Nomination,
    Notice,
    NoticeCategory,
    Obligation,
    Organisation,
)
from tests.factories import OfficialFactory, OrganisationFactory, UserFactory, make_reviewer, make_supervisor
from tests.notice_factories import make_notice
from workflow import errors, report_files, reports

pytestmark = pytest.mark.django_db

UB = ZoneInfo("Asia/Ulaanbaatar")
YEAR_2025 = reports.Period.of_year(2025)
ACTIVE_CATEGORIES = [
    "contract",
    "administrative_decision",
    "management",
    "inspection",
    "liability",
    "procurement_committee",
    "other",
]
ENGLISH_CATEGORY_NAMES = {
    "contract": "Concluding a contract",
    "administrative_decision": "Making an administrative decision",
    "management": "Directing or managing",
    "inspection": "Carrying out an inspection",
    "liability": "Imposing liability",
    "procurement_committee": "Procurement evaluation committee",
    "other": "Other",
}


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An instant in Asia/Ulaanbaatar."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UB)


# --- builders (the API tests use them too) ---------------------------------------------------------------


@dataclass
class Tree:
    """An aimag office with a department and a soum under it, and an unrelated organisation."""

    aimag: Organisation
    department: Organisation
    soum: Organisation
    elsewhere: Organisation


def make_tree() -> Tree:
    aimag = OrganisationFactory(kind="governor_office", name="Дорноговь аймгийн ЗДТГ", name_en="Dornogovi governor")
    return Tree(
        aimag=aimag,
        department=OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс", name_en="Finance department"),
        soum=OrganisationFactory(parent=aimag, kind="soum_office", name="Сайншанд сум", name_en="Sainshand soum"),
        elsewhere=OrganisationFactory(name="Өмнөговь аймгийн ЗДТГ", name_en="Umnugovi governor"),
    )


def retired_category() -> NoticeCategory:
    category, _created = NoticeCategory.objects.get_or_create(
        code="old_category",
        defaults={"name": "Хуучин ангилал", "name_en": "Old category", "is_active": False, "ordering": 95},
    )
    return category


def notice_row(
    organisation: Organisation,
    *,
    category: str = "contract",
    outcome: str = "no_conflict",
    state: str = "submitted",
    submitted_at: datetime.datetime | None = None,
    is_late: bool = False,
    filer: Any = None,
) -> Notice:
    """An unsaved notice in ``state``; a draft has no submission time."""
    return Notice(
        filer=filer or UserFactory(),
        organisation=organisation,
        category=NoticeCategory.objects.get(code=category),
        title="Гэрээ",
        outcome=outcome,
        state=state,
        submitted_at=None if state == "draft" else (submitted_at or at(2025, 3, 1)),
        is_late=is_late,
    )


def obligation_row(
    organisation: Organisation, *, kind: str = "annual", state: str = "open", period: int = 2025, official: Any = None
) -> Obligation:
    """An unsaved obligation in ``state`` (no position: the report reads organisation, kind, period, state)."""
    return Obligation(
        official=official or OfficialFactory(),
        organisation=organisation,
        kind=kind,
        period=period,
        event_date=None if kind == "annual" else datetime.date(period, 5, 1),
        due_date=datetime.date(period, 2, 15) if kind == "annual" else datetime.date(period, 5, 31),
        state=state,
    )


def preliminary_declaration(
    organisation: Organisation,
    *,
    state: str = "submitted",
    submitted_at: datetime.datetime | None = None,
    findings: Iterable[str] = (),
    author: Any = None,
) -> Declaration:
    """A nominee's preliminary declaration in ``state`` with the agency's conclusions, oldest first."""
    nominee = OfficialFactory()
    nomination = Nomination.objects.create(
        nominee=nominee,
        organisation=organisation,
        position_title="Хэлтсийн дарга",
        hr_officer=author or UserFactory(),
        state="declared",
    )
    declaration = Declaration.objects.create(
        official=nominee,
        organisation=organisation,
        nomination=nomination,
        kind="preliminary",
        year=2025,
        form_version="2023",
        state=state,
        submitted_at=None if state in ("draft", "discarded") else (submitted_at or at(2025, 4, 1)),
    )
    for number, finding in enumerate(findings):
        Conclusion.objects.create(
            declaration=declaration,
            finding=finding,
            reasoning="Үндэслэл.",
            author=author or UserFactory(),
            concluded_at=at(2025, 5, 1) + datetime.timedelta(days=number),
        )
    return declaration


def hand_built_notices(tree: Tree) -> None:
    filer = UserFactory()
    retired_category()
    rows = [
        # The department: counted ones in four states, a retired category, and a draft that never counts.
        notice_row(tree.department, filer=filer),
        notice_row(tree.department, state="acknowledged", is_late=True, filer=filer),
        notice_row(tree.department, outcome="conflict", state="returned", filer=filer),
        notice_row(tree.department, category="inspection", outcome="", state="under_review", filer=filer),
        notice_row(tree.department, category="old_category", outcome="conflict", state="published", filer=filer),
        notice_row(tree.department, state="draft", filer=filer),
        # The soum: the period's edges, local time.
        notice_row(tree.soum, category="liability", outcome="conflict", state="withdrawn", is_late=True, filer=filer),
        notice_row(tree.soum, submitted_at=at(2025, 12, 31, 23, 59), filer=filer),
        notice_row(tree.soum, submitted_at=at(2026, 1, 1, 0, 0), filer=filer),
        notice_row(tree.soum, submitted_at=at(2024, 12, 31, 23, 59), filer=filer),
        # The aimag office itself, and another aimag.
        notice_row(tree.aimag, category="other", state="concluded", filer=filer),
        notice_row(tree.elsewhere, outcome="conflict", filer=filer),
    ]
    Notice.objects.bulk_create(rows)


def hand_built_obligations(tree: Tree) -> None:
    official = OfficialFactory()
    rows = [
        *[
            obligation_row(tree.department, state=state, official=official)
            for state in ("fulfilled_on_time", "fulfilled_on_time", "fulfilled_late", "open", "overdue", "waived")
        ],
        obligation_row(tree.department, kind="appointment", state="fulfilled_on_time", official=official),
        obligation_row(tree.department, kind="appointment", state="fulfilled_late", official=official),
        obligation_row(tree.department, kind="significant_change", state="overdue", official=official),
        # Another year's campaign and a preliminary obligation are not this report's.
        obligation_row(tree.department, state="fulfilled_on_time", period=2024, official=official),
        obligation_row(tree.department, kind="preliminary", state="open", official=official),
        obligation_row(tree.soum, state="fulfilled_on_time", official=official),
        obligation_row(tree.soum, kind="significant_change", state="waived", official=official),
        obligation_row(tree.elsewhere, state="open", official=official),
    ]
    Obligation.objects.bulk_create(rows)


def hand_built_preliminary(tree: Tree) -> None:
    author = UserFactory()
    department = tree.department
    for state in ("submitted", "under_review", "returned"):
        preliminary_declaration(department, state=state, author=author)
    preliminary_declaration(department, state="concluded", findings=["no_obstacle"], author=author)
    preliminary_declaration(department, state="published", findings=["conflict_found"], author=author)
    preliminary_declaration(department, state="withdrawn", findings=["no_obstacle"], author=author)
    preliminary_declaration(department, state="draft", author=author)
    preliminary_declaration(department, state="discarded", author=author)
    preliminary_declaration(
        department, state="concluded", submitted_at=at(2024, 12, 1), findings=["no_obstacle"], author=author
    )
    # The latest conclusion is the one that counts.
    preliminary_declaration(tree.soum, state="concluded", findings=["conflict_found", "no_obstacle"], author=author)
    preliminary_declaration(tree.elsewhere, state="concluded", findings=["no_obstacle"], author=author)


@pytest.fixture
def tree() -> Tree:
    return make_tree()


def zero_category_row(code: str) -> dict[str, Any]:
    return {
        "category_code": code,
        "category": ENGLISH_CATEGORY_NAMES[code],
        "total": 0,
        "no_conflict": 0,
        "conflict": 0,
        "not_stated": 0,
        "late": 0,
    }


def category_row(code: str, **counts: int) -> dict[str, Any]:
    return {**zero_category_row(code), **counts}


# --- notices ---------------------------------------------------------------------------------------------


def test_notice_statistics_count_submitted_notices_per_category_and_outcome(tree):
    hand_built_notices(tree)

    report = reports.notice_statistics(organisation=tree.aimag, period=YEAR_2025)

    table = report.table("by_category")
    assert table.rows == [
        category_row("contract", total=4, no_conflict=3, conflict=1, late=1),
        zero_category_row("administrative_decision"),
        zero_category_row("management"),
        category_row("inspection", total=1, not_stated=1),
        category_row("liability", total=1, conflict=1, late=1),
        zero_category_row("procurement_committee"),
        zero_category_row("other") | {"total": 1, "no_conflict": 1},
        {
            "category_code": "old_category",
            "category": "Old category (no longer in use)",
            "total": 1,
            "no_conflict": 0,
            "conflict": 1,
            "not_stated": 0,
            "late": 0,
        },
    ]
    assert table.totals == {"total": 8, "no_conflict": 4, "conflict": 3, "not_stated": 1, "late": 2}


def test_notice_statistics_of_a_smaller_subtree_and_of_the_whole_country(tree):
    hand_built_notices(tree)

    soum = reports.notice_statistics(organisation=tree.soum, period=YEAR_2025).table("by_category")
    country = reports.notice_statistics(organisation=None, period=YEAR_2025).table("by_category")

    assert [row for row in soum.rows if row["total"]] == [
        category_row("contract", total=1, no_conflict=1),
        category_row("liability", total=1, conflict=1, late=1),
    ]
    assert soum.totals == {"total": 2, "no_conflict": 1, "conflict": 1, "not_stated": 0, "late": 1}
    assert country.totals == {"total": 9, "no_conflict": 4, "conflict": 4, "not_stated": 1, "late": 2}


def test_a_period_is_whole_local_days_with_both_ends_included(tree):
    hand_built_notices(tree)

    last_day = reports.notice_statistics(
        organisation=tree.soum, period=reports.Period(datetime.date(2025, 12, 31), datetime.date(2025, 12, 31))
    )
    new_year = reports.notice_statistics(
        organisation=tree.soum, period=reports.Period(datetime.date(2026, 1, 1), datetime.date(2026, 1, 1))
    )

    assert last_day.table("by_category").totals["total"] == 1
    assert new_year.table("by_category").totals["total"] == 1


def test_notices_filed_through_the_services_are_counted_once_submitted():
    submitted = make_notice("submitted", outcome="conflict", interest_nature="Хувьцаа.", proposed_handling="recusal")
    make_notice("draft", position=None)
    today = submitted.submitted_at.astimezone(UB).date()

    report = reports.notice_statistics(organisation=None, period=reports.Period(today, today))

    assert report.table("by_category").totals == {
        "total": 1,
        "no_conflict": 0,
        "conflict": 1,
        "not_stated": 0,
        "late": 0,
    }


def test_a_missing_or_nameless_category_is_shown_as_no_category():
    assert reports.category_label(None, None, None) == "No category"
    assert reports.category_label("x", "", "") == "No category"
    assert reports.category_label("x", "Бусад", "Other") == "Other"
    with translation.override("mn"):
        assert reports.category_label("x", "Бусад", "Other") == "Бусад"
        assert reports.category_label(None, None, None) == str(reports.NO_CATEGORY)


# --- compliance ------------------------------------------------------------------------------------------


def test_campaign_compliance_has_one_row_per_organisation_and_the_totals(tree):
    hand_built_obligations(tree)

    report = reports.campaign_compliance(organisation=tree.aimag, year=2025)

    annual, events = report.table("annual"), report.table("events")
    names = {"aimag": "Dornogovi governor", "department": "Finance department", "soum": "Sainshand soum"}
    codes = {key: getattr(tree, key).code for key in names}
    assert {row["organisation_code"]: row for row in annual.rows} == {
        codes["aimag"]: {
            "organisation_code": codes["aimag"],
            "organisation": names["aimag"],
            "required": 0,
            "on_time": 0,
            "late": 0,
            "open": 0,
            "overdue": 0,
            "missing": 0,
            "waived": 0,
            "completion_percent": None,
            "on_time_percent": None,
        },
        codes["department"]: {
            "organisation_code": codes["department"],
            "organisation": names["department"],
            "required": 6,
            "on_time": 2,
            "late": 1,
            "open": 1,
            "overdue": 1,
            "missing": 2,
            "waived": 1,
            "completion_percent": 60.0,
            "on_time_percent": 40.0,
        },
        codes["soum"]: {
            "organisation_code": codes["soum"],
            "organisation": names["soum"],
            "required": 1,
            "on_time": 1,
            "late": 0,
            "open": 0,
            "overdue": 0,
            "missing": 0,
            "waived": 0,
            "completion_percent": 100.0,
            "on_time_percent": 100.0,
        },
    }
    assert [row["organisation_code"] for row in annual.rows] == [
        organisation.code for organisation in sorted([tree.aimag, tree.department, tree.soum], key=lambda o: o.path)
    ]
    assert annual.totals == {
        "required": 7,
        "on_time": 3,
        "late": 1,
        "open": 1,
        "overdue": 1,
        "missing": 2,
        "waived": 1,
        "completion_percent": 66.7,
        "on_time_percent": 50.0,
    }
    department_events = next(row for row in events.rows if row["organisation_code"] == codes["department"])
    assert department_events == {
        "organisation_code": codes["department"],
        "organisation": names["department"],
        "appointment_required": 2,
        "appointment_on_time": 1,
        "appointment_late": 1,
        "appointment_missing": 0,
        "appointment_waived": 0,
        "change_required": 1,
        "change_on_time": 0,
        "change_late": 0,
        "change_missing": 1,
        "change_waived": 0,
    }
    assert events.totals == {
        "appointment_required": 2,
        "appointment_on_time": 1,
        "appointment_late": 1,
        "appointment_missing": 0,
        "appointment_waived": 0,
        "change_required": 2,
        "change_on_time": 0,
        "change_late": 0,
        "change_missing": 1,
        "change_waived": 1,
    }


def test_the_national_view_lists_every_organisation(tree):
    hand_built_obligations(tree)

    report = reports.campaign_compliance(organisation=None, year=2025)

    annual = report.table("annual")
    assert {row["organisation_code"] for row in annual.rows} == set(Organisation.objects.values_list("code", flat=True))
    assert annual.totals["required"] == 8
    assert annual.totals["open"] == 2


def test_organisation_names_follow_the_language(tree):
    hand_built_obligations(tree)

    with translation.override("mn"):
        rows = reports.campaign_compliance(organisation=tree.soum, year=2025).table("annual").rows

    assert [row["organisation"] for row in rows] == ["Сайншанд сум"]


# --- preliminary declarations ----------------------------------------------------------------------------


def test_preliminary_declarations_by_latest_conclusion(tree):
    hand_built_preliminary(tree)

    report = reports.preliminary_reviews(organisation=tree.aimag, period=YEAR_2025)

    table = report.table("by_organisation")
    assert {row["organisation_code"]: row for row in table.rows} == {
        tree.department.code: {
            "organisation_code": tree.department.code,
            "organisation": "Finance department",
            "total": 6,
            "in_progress": 3,
            "no_obstacle": 2,
            "conflict_found": 1,
        },
        tree.soum.code: {
            "organisation_code": tree.soum.code,
            "organisation": "Sainshand soum",
            "total": 1,
            "in_progress": 0,
            "no_obstacle": 1,
            "conflict_found": 0,
        },
    }
    assert table.totals == {"total": 7, "in_progress": 3, "no_obstacle": 3, "conflict_found": 1}


# --- totals equal the sum of their parts, on generated data ----------------------------------------------

NOTICE_STATES = ["draft", "submitted", "under_review", "returned", "acknowledged", "referred", "concluded", "published"]
OBLIGATION_STATES = ["open", "fulfilled_on_time", "fulfilled_late", "overdue", "waived"]
OBLIGATION_KINDS = ["annual", "appointment", "significant_change", "preliminary"]
PRELIMINARY_STATES = ["draft", "submitted", "under_review", "returned", "concluded", "published", "withdrawn"]


@dataclass
class Generated:
    organisations: list[Organisation]
    notices: list[Notice]
    obligations: list[Obligation]
    preliminary: list[tuple[Declaration, str | None]]


def generate_filings(*, notices: int = 300, obligations: int = 300, preliminary: int = 40, seed: int = 5) -> Generated:
    """Random filings over two trees, every category (a retired one too), outcome and state, three years."""
    rng = random.Random(seed)
    roots = [OrganisationFactory(), OrganisationFactory()]
    children = [OrganisationFactory(parent=rng.choice(roots)) for _ in range(4)]
    grandchildren = [OrganisationFactory(parent=rng.choice(children)) for _ in range(2)]
    organisations = roots + children + grandchildren
    retired_category()
    categories = list(NoticeCategory.objects.all())
    filer, official = UserFactory(), OfficialFactory()

    def instant() -> datetime.datetime:
        return at(rng.choice([2024, 2025, 2026]), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23))

    notice_rows = [
        Notice(
            filer=filer,
            organisation=rng.choice(organisations),
            category=rng.choice(categories),
            outcome=rng.choice(["no_conflict", "conflict", ""]),
            state=(state := rng.choice(NOTICE_STATES)),
            submitted_at=None if state == "draft" else instant(),
            is_late=rng.random() < 0.2,
        )
        for _ in range(notices)
    ]
    Notice.objects.bulk_create(notice_rows)
    obligation_rows = [
        obligation_row(
            rng.choice(organisations),
            kind=rng.choice(OBLIGATION_KINDS),
            state=rng.choice(OBLIGATION_STATES),
            period=rng.choice([2024, 2025, 2026]),
            official=official,
        )
        for _ in range(obligations)
    ]
    Obligation.objects.bulk_create(obligation_rows)
    declarations = []
    for _ in range(preliminary):
        state = rng.choice(PRELIMINARY_STATES)
        concluded = state in ("concluded", "published", "withdrawn")
        finding = rng.choice(["no_obstacle", "conflict_found"]) if concluded else None
        earlier = [rng.choice(["no_obstacle", "conflict_found"])] if concluded and rng.random() < 0.3 else []
        declaration = preliminary_declaration(
            rng.choice(organisations),
            state=state,
            submitted_at=instant(),
            findings=[*earlier, finding] if finding else [],
            author=filer,
        )
        declarations.append((declaration, finding))
    return Generated(organisations, notice_rows, obligation_rows, declarations)


def assert_totals_are_the_sum_of_the_rows(report: reports.Report) -> None:
    for table in report.tables:
        for key in table.totals:
            if key.endswith("_percent"):
                continue
            assert table.totals[key] == sum(row[key] for row in table.rows), (report.name, table.name, key)


def assert_parts_make_the_whole(report: reports.Report) -> None:
    for table in report.tables:
        for counts in [*table.rows, table.totals]:
            if report.name == "notices":
                assert counts["total"] == counts["no_conflict"] + counts["conflict"] + counts["not_stated"]
                assert counts["late"] <= counts["total"]
            elif table.name == "annual":
                assert counts["required"] == counts["on_time"] + counts["late"] + counts["missing"] + counts["waived"]
                assert counts["missing"] == counts["open"] + counts["overdue"]
            elif table.name == "events":
                for kind in ("appointment", "change"):
                    parts = ("on_time", "late", "missing", "waived")
                    assert counts[f"{kind}_required"] == sum(counts[f"{kind}_{part}"] for part in parts)
            else:
                assert counts["total"] == counts["in_progress"] + counts["no_obstacle"] + counts["conflict_found"]


def in_subtree(organisation: Organisation | None, filing: Any) -> bool:
    return organisation is None or filing.organisation.path.startswith(organisation.path)


def test_totals_equal_the_sum_of_their_parts_on_generated_data():
    generated = generate_filings()
    scopes = [None, *generated.organisations[:3]]

    for organisation in scopes:
        built = [
            reports.notice_statistics(organisation=organisation, period=YEAR_2025),
            reports.campaign_compliance(organisation=organisation, year=2025),
            reports.preliminary_reviews(organisation=organisation, period=YEAR_2025),
        ]
        for report in built:
            assert_totals_are_the_sum_of_the_rows(report)
            assert_parts_make_the_whole(report)
        # And the totals are the filings themselves, counted one by one here.
        notices, compliance, preliminary = built
        start, end = YEAR_2025.bounds()
        counted_notices = [
            n
            for n in generated.notices
            if in_subtree(organisation, n) and n.state != "draft" and start <= n.submitted_at < end
        ]
        assert notices.table("by_category").totals == {
            "total": len(counted_notices),
            "no_conflict": sum(n.outcome == "no_conflict" for n in counted_notices),
            "conflict": sum(n.outcome == "conflict" for n in counted_notices),
            "not_stated": sum(n.outcome == "" for n in counted_notices),
            "late": sum(n.is_late for n in counted_notices),
        }
        annual = [
            o for o in generated.obligations if in_subtree(organisation, o) and o.kind == "annual" and o.period == 2025
        ]
        assert compliance.table("annual").totals["required"] == len(annual)
        assert compliance.table("annual").totals["waived"] == sum(o.state == "waived" for o in annual)
        prelim = [
            (d, finding)
            for d, finding in generated.preliminary
            if in_subtree(organisation, d) and d.state != "draft" and start <= d.submitted_at < end
        ]
        assert preliminary.table("by_organisation").totals == {
            "total": len(prelim),
            "in_progress": sum(finding is None for _d, finding in prelim),
            "no_obstacle": sum(finding == "no_obstacle" for _d, finding in prelim),
            "conflict_found": sum(finding == "conflict_found" for _d, finding in prelim),
        }


def queries_of(build: Any) -> int:
    with CaptureQueriesContext(connection) as context:
        build()
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("name", "limit"),
    [("notices", 3), ("compliance", 2), ("preliminary", 2)],
)
def test_a_report_takes_a_fixed_number_of_queries_whatever_the_number_of_rows(
    name, limit, django_assert_max_num_queries
):
    generate_filings(notices=20, obligations=20, preliminary=4, seed=1)

    def build() -> reports.Report:
        return reports.build_report(name, organisation=None, year=2025)

    few = queries_of(build)
    generate_filings(notices=300, obligations=300, preliminary=40, seed=2)
    with django_assert_max_num_queries(limit):
        build()
    assert queries_of(build) == few


# --- files -----------------------------------------------------------------------------------------------


def csv_lines(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def csv_tables(lines: list[list[str]]) -> list[list[list[str]]]:
    """The table blocks after the heading: title, header, rows, totals; a blank line before each."""
    blocks: list[list[list[str]]] = []
    for line in lines[4:]:
        if not line:
            blocks.append([])
        elif not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def as_cells(values: Iterable[Any]) -> list[str]:
    return ["" if value is None else str(value) for value in values]


def expected_lines(table: dict[str, Any]) -> list[list[Any]]:
    """A table of the JSON as the files lay it out: title, header, rows, and the labelled totals row."""
    keys = [column["key"] for column in table["columns"]]
    totals = [table["totals"][column["key"]] if column["is_number"] else "" for column in table["columns"]]
    totals[0] = "Total"
    return [
        [table["title"]],
        [column["label"] for column in table["columns"]],
        *[[row[key] for key in keys] for row in table["rows"]],
        totals,
    ]


@pytest.mark.parametrize("name", ["notices", "compliance", "preliminary"])
def test_the_csv_file_carries_the_numbers_of_the_json(tree, name):
    hand_built_notices(tree)
    hand_built_obligations(tree)
    hand_built_preliminary(tree)
    report = reports.build_report(name, organisation=tree.aimag, year=2025)

    data = report.as_dict()
    lines = csv_lines(report_files.report_csv(report))

    assert lines[0] == [data["title"]]
    assert lines[1] == ["Organisation", "Dornogovi governor"]
    assert lines[2] == (["Year", "2025"] if name == "compliance" else ["Period", "2025-01-01 – 2025-12-31"])
    assert lines[3] == []
    assert csv_tables(lines) == [[as_cells(line) for line in expected_lines(table)] for table in data["tables"]]


@pytest.mark.parametrize("name", ["notices", "compliance", "preliminary"])
def test_the_xlsx_file_carries_the_numbers_of_the_json(tree, name):
    hand_built_notices(tree)
    hand_built_obligations(tree)
    hand_built_preliminary(tree)
    report = reports.build_report(name, organisation=tree.aimag, year=2025)

    data = report.as_dict()
    workbook = openpyxl.load_workbook(io.BytesIO(report_files.report_xlsx(report)))

    assert workbook.sheetnames == [table["title"][:31] for table in data["tables"]]
    for sheet, table in zip(workbook.worksheets, data["tables"], strict=True):
        values = [list(line) for line in sheet.iter_rows(values_only=True)]
        width = len(table["columns"])
        assert [line[:2] for line in values[:3]] == [
            [data["title"], None],
            ["Organisation", "Dornogovi governor"],
            ["Year", 2025] if name == "compliance" else ["Period", "2025-01-01 – 2025-12-31"],
        ]
        assert values[report_files.TITLE_LINE - 1][0] == table["title"]
        body = [
            [None if cell == "" else cell for cell in line[:width]] for line in values[report_files.HEADER_LINE - 1 :]
        ]
        assert body == [[None if cell == "" else cell for cell in line] for line in expected_lines(table)[1:]]


def test_the_numbers_in_the_xlsx_are_numbers(tree):
    hand_built_obligations(tree)
    report = reports.campaign_compliance(organisation=tree.department, year=2025)

    sheet = openpyxl.load_workbook(io.BytesIO(report_files.report_xlsx(report))).worksheets[0]

    assert [cell.value for cell in sheet[report_files.HEADER_LINE + 1]] == [
        tree.department.code,
        "Finance department",
        6,
        2,
        1,
        1,
        1,
        2,
        1,
        60.0,
        40.0,
    ]


def test_the_headers_are_mongolian_in_mongolian_and_english_in_english(tree):
    hand_built_notices(tree)

    with translation.override("mn"):
        report = reports.notice_statistics(organisation=tree.aimag, period=YEAR_2025)
        mongolian = csv_lines(report_files.report_csv(report))
        expected_header = [str(column.label) for column in reports.NOTICE_COLUMNS]
    with translation.override("en"):
        english = csv_lines(
            report_files.report_csv(reports.notice_statistics(organisation=tree.aimag, period=YEAR_2025))
        )

    header_line = report_files.HEADER_LINE - 1
    assert mongolian[header_line] == expected_header
    # Already in the catalogue: the declared outcomes and the organisation; the others follow with the next
    # catalogue update, through the same gettext calls.
    assert {"Ашиг сонирхлын зөрчилгүй", "Ашиг сонирхлын зөрчилтэй"} <= set(mongolian[header_line])
    assert mongolian[1] == ["Байгууллага", "Дорноговь аймгийн ЗДТГ"]
    assert mongolian[header_line + 1][:2] == ["contract", "Гэрээ байгуулах"]
    assert english[header_line] == [
        "Category code",
        "Category",
        "Notices",
        "No conflict of interest",
        "Conflict of interest",
        "Outcome not stated",
        "Filed late",
    ]
    assert english[header_line + 1][:2] == ["contract", "Concluding a contract"]


def test_file_names_say_what_the_file_holds(tree):
    notices = reports.notice_statistics(organisation=tree.aimag, period=YEAR_2025)
    compliance = reports.campaign_compliance(organisation=None, year=2025)

    assert report_files.file_name(notices, "csv") == f"notices-{tree.aimag.code}-2025-01-01_2025-12-31.csv"
    assert report_files.file_name(compliance, "xlsx") == "compliance-all-2025.xlsx"


# --- scope and parameters --------------------------------------------------------------------------------


def test_an_authorised_official_reports_on_their_subtree_only(tree):
    reviewer = make_reviewer(tree.aimag)
    soum_reviewer = make_reviewer(tree.soum)

    assert reports.report_organisation(reviewer, tree.department.pk) == tree.department
    assert reports.report_organisation(soum_reviewer, tree.soum.pk) == tree.soum
    for user, organisation in [
        (soum_reviewer, tree.aimag),
        (soum_reviewer, tree.department),
        (reviewer, tree.elsewhere),
    ]:
        with pytest.raises(errors.ObjectNotFound):
            reports.report_organisation(user, organisation.pk)
    with pytest.raises(errors.ActionForbidden) as refused:
        reports.report_organisation(reviewer, None)
    assert refused.value.message == reports.NATIONAL_REPORT_FORBIDDEN


def test_the_agency_reports_on_anything_and_others_on_nothing(tree):
    supervisor = make_supervisor()
    official = OfficialFactory().user

    assert reports.report_organisation(supervisor, None) is None
    assert reports.report_organisation(supervisor, tree.elsewhere.pk) == tree.elsewhere
    for user in (official, UserFactory(is_active=False)):
        with pytest.raises(errors.ObjectNotFound):
            reports.report_organisation(user, tree.aimag.pk)
    with pytest.raises(errors.ObjectNotFound):
        reports.report_organisation(supervisor, 10**9)


@pytest.mark.parametrize(
    ("name", "params", "field", "message"),
    [
        ("notices", {}, "year", reports.PERIOD_REQUIRED),
        ("notices", {"year": 2025, "date_from": datetime.date(2025, 1, 1)}, "year", reports.PERIOD_AMBIGUOUS),
        ("notices", {"date_from": datetime.date(2025, 1, 1)}, "date_to", reports.DATE_TO_REQUIRED),
        ("preliminary", {"date_to": datetime.date(2025, 1, 1)}, "date_from", reports.DATE_FROM_REQUIRED),
        (
            "notices",
            {"date_from": datetime.date(2025, 2, 1), "date_to": datetime.date(2025, 1, 31)},
            "date_to",
            reports.DATES_REVERSED,
        ),
        ("compliance", {}, "year", reports.YEAR_REQUIRED),
        ("compliance", {"year": 2025, "date_to": datetime.date(2025, 1, 1)}, "date_to", reports.YEAR_ONLY),
    ],
)
def test_period_parameters_are_checked(name, params, field, message):
    with pytest.raises(errors.InvalidInput) as invalid:
        reports.build_report(name, organisation=None, **params)

    assert invalid.value.errors == {field: [message]}


@pytest.mark.parametrize("year", [1999, datetime.date.today().year + 2])
def test_a_year_out_of_range_is_refused(year):
    with pytest.raises(errors.InvalidInput) as invalid:
        reports.build_report("compliance", organisation=None, year=year)

    assert list(invalid.value.errors) == ["year"]


def test_dates_out_of_range_are_refused():
    with pytest.raises(errors.InvalidInput) as invalid:
        reports.build_report(
            "notices", organisation=None, date_from=datetime.date(1, 1, 1), date_to=datetime.date(9999, 12, 31)
        )

    assert sorted(invalid.value.errors) == ["date_from", "date_to"]


# --- the command -----------------------------------------------------------------------------------------


def run_write_reports(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("write_reports", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_the_command_writes_every_report_as_csv_and_xlsx(tree, tmp_path, settings):
    settings.LANGUAGE_CODE = "mn"  # the project's default language
    hand_built_notices(tree)
    hand_built_obligations(tree)
    hand_built_preliminary(tree)

    stdout, stderr = run_write_reports(
        "--year", "2025", "--organisation", tree.aimag.code, "--out", str(tmp_path / "out")
    )

    code = tree.aimag.code
    expected = [
        f"notices-{code}-2025-01-01_2025-12-31.csv",
        f"notices-{code}-2025-01-01_2025-12-31.xlsx",
        f"compliance-{code}-2025.csv",
        f"compliance-{code}-2025.xlsx",
        f"preliminary-{code}-2025-01-01_2025-12-31.csv",
        f"preliminary-{code}-2025-01-01_2025-12-31.xlsx",
    ]
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == sorted(expected)
    assert stdout.splitlines() == [str(tmp_path / "out" / name) for name in expected]
    assert "6/6" in stderr
    # Mongolian by default (the project's language), the same numbers as the selector's.
    with translation.override("mn"):
        report = reports.notice_statistics(organisation=tree.aimag, period=YEAR_2025)
        assert (tmp_path / "out" / expected[0]).read_bytes() == report_files.report_csv(report)
    sheet = openpyxl.load_workbook(tmp_path / "out" / expected[3]).worksheets[0]
    assert sheet.cell(row=report_files.HEADER_LINE + 2, column=3).value == 6


def test_the_command_is_quiet_at_verbosity_zero_and_speaks_english_when_asked(tree, tmp_path):
    stdout, stderr = run_write_reports("--year", "2025", "--out", str(tmp_path), "--verbosity", "0", "--language", "en")

    assert (stdout, stderr) == ("", "")
    lines = csv_lines((tmp_path / "notices-all-2025-01-01_2025-12-31.csv").read_bytes())
    assert lines[1] == ["Organisation", "All organisations"]
    assert lines[report_files.HEADER_LINE - 1][0] == "Category code"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2025", "--organisation", "nowhere"], "No organisation with the code 'nowhere'."),
        (["--year", "1999"], "year: Enter a year between 2000 and"),
    ],
)
def test_the_command_refuses_bad_arguments(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run_write_reports(*args, "--out", str(tmp_path))

    assert list(tmp_path.iterdir()) == []
