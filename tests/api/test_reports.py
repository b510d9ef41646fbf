"""The reports over HTTP: JSON, CSV and XLSX with the same numbers, the scope, the parameters, the schema."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.api.conftest import signed_in
from tests.factories import OfficialFactory, make_reviewer, make_supervisor
from tests.workflow.test_reports import (
    Tree,
    generate_filings,
    hand_built_notices,
    hand_built_obligations,
    hand_built_preliminary,
    make_tree,
)
from workflow import report_files, reports

pytestmark = pytest.mark.django_db

REPORTS = ["notices", "compliance", "preliminary"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(name: str) -> str:
    return f"/api/v1/reports/{name}/"


@pytest.fixture
def tree() -> Tree:
    tree = make_tree()
    hand_built_notices(tree)
    hand_built_obligations(tree)
    hand_built_preliminary(tree)
    return tree


@pytest.fixture
def reviewer(tree: Tree) -> Any:
    """The ЭБАТ of the aimag office and its subtree."""
    return make_reviewer(tree.aimag)


def get(user: Any, name: str, language: str = "en", **params: Any) -> Any:
    client = signed_in(user) if user is not None else APIClient()
    return client.get(url(name), params, HTTP_ACCEPT_LANGUAGE=language)


# --- JSON ------------------------------------------------------------------------------------------------


def test_an_authorised_official_gets_the_notice_statistics_of_their_subtree(tree, reviewer):
    response = get(reviewer, "notices", organisation=tree.department.pk, year=2025)

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("report", "organisation", "year", "date_from", "date_to")} == {
        "report": "notices",
        "organisation": {"id": tree.department.pk, "code": tree.department.code, "name": "Finance department"},
        "year": None,
        "date_from": "2025-01-01",
        "date_to": "2025-12-31",
    }
    (table,) = body["tables"]
    assert table["totals"] == {"total": 5, "no_conflict": 2, "conflict": 2, "not_stated": 1, "late": 1}
    assert [row for row in table["rows"] if row["total"]] == [
        {
            "category_code": "contract",
            "category": "Concluding a contract",
            "total": 3,
            "no_conflict": 2,
            "conflict": 1,
            "not_stated": 0,
            "late": 1,
        },
        {
            "category_code": "inspection",
            "category": "Carrying out an inspection",
            "total": 1,
            "no_conflict": 0,
            "conflict": 0,
            "not_stated": 1,
            "late": 0,
        },
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
    assert table["columns"][:3] == [
        {"key": "category_code", "label": "Category code", "is_number": False},
        {"key": "category", "label": "Category", "is_number": False},
        {"key": "total", "label": "Notices", "is_number": True},
    ]
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}


def test_a_date_range_narrows_the_period(tree, reviewer):
    response = get(reviewer, "notices", organisation=tree.soum.pk, date_from="2025-12-31", date_to="2026-01-01")

    assert response.status_code == 200
    assert response.json()["tables"][0]["totals"]["total"] == 2


def test_the_compliance_report_by_year(tree, reviewer):
    response = get(reviewer, "compliance", organisation=tree.aimag.pk, year=2025)

    assert response.status_code == 200
    body = response.json()
    assert [table["name"] for table in body["tables"]] == ["annual", "events"]
    assert body["tables"][0]["totals"] == {
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
    assert len(body["tables"][0]["rows"]) == 3


def test_the_preliminary_report(tree, reviewer):
    response = get(reviewer, "preliminary", organisation=tree.aimag.pk, year=2025)

    assert response.status_code == 200
    assert response.json()["tables"][0]["totals"] == {
        "total": 7,
        "in_progress": 3,
        "no_obstacle": 3,
        "conflict_found": 1,
    }


@pytest.mark.parametrize("name", REPORTS)
def test_the_agency_gets_the_national_view(tree, name):
    response = get(make_supervisor(), name, year=2025)

    assert response.status_code == 200
    assert response.json()["organisation"] is None
    assert (
        response.json()["tables"][0]["totals"]
        == reports.build_report(name, organisation=None, year=2025).as_dict()["tables"][0]["totals"]
    )


# --- scope -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORTS)
def test_a_visitor_must_sign_in(tree, name):
    response = get(None, name, organisation=tree.aimag.pk, year=2025)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("name", REPORTS)
def test_an_organisation_out_of_scope_is_not_found(tree, name):
    soum_reviewer = make_reviewer(tree.soum)
    official = OfficialFactory().user

    answers = [
        get(soum_reviewer, name, organisation=tree.aimag.pk, year=2025),
        get(soum_reviewer, name, organisation=tree.department.pk, year=2025),
        get(official, name, organisation=tree.soum.pk, year=2025),
        get(make_supervisor(), name, organisation=10**9, year=2025),
    ]

    assert [(response.status_code, response.json()) for response in answers] == [
        (404, {"detail": "Not found.", "code": "not_found"})
    ] * 4


@pytest.mark.parametrize("name", REPORTS)
def test_only_the_agency_reports_on_the_whole_country(tree, reviewer, name):
    response = get(reviewer, name, year=2025)

    assert response.status_code == 403
    assert response.json() == {"detail": str(reports.NATIONAL_REPORT_FORBIDDEN), "code": "forbidden"}


def test_the_soum_reviewer_sees_the_soum_only(tree):
    response = get(make_reviewer(tree.soum), "compliance", organisation=tree.soum.pk, year=2025)

    assert [row["organisation_code"] for row in response.json()["tables"][0]["rows"]] == [tree.soum.code]


# --- parameters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "errors"),
    [
        ("notices", {"year": "abc"}, {"year": ["A valid integer is required."]}),
        (
            "notices",
            {"date_from": "2025-13-01", "date_to": "2025-12-31"},
            {"date_from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ("notices", {}, {"year": [str(reports.PERIOD_REQUIRED)]}),
        ("notices", {"date_from": "2025-01-01"}, {"date_to": [str(reports.DATE_TO_REQUIRED)]}),
        (
            "preliminary",
            {"date_from": "2025-02-01", "date_to": "2025-01-31"},
            {"date_to": [str(reports.DATES_REVERSED)]},
        ),
        ("notices", {"year": 2025, "date_to": "2025-01-31"}, {"year": [str(reports.PERIOD_AMBIGUOUS)]}),
        ("compliance", {}, {"year": [str(reports.YEAR_REQUIRED)]}),
        ("compliance", {"year": 2025, "date_from": "2025-01-01"}, {"date_from": [str(reports.YEAR_ONLY)]}),
        ("compliance", {"year": 1999}, {"year": [f"Enter a year between 2000 and {reports.max_report_year()}."]}),
        ("notices", {"year": 2025, "format": "pdf"}, {"format": ['"pdf" is not a valid choice.']}),
        ("notices", {"year": 2025, "organisation": "x"}, {"organisation": ["A valid integer is required."]}),
    ],
)
def test_bad_parameters_answer_400_with_the_field_and_the_reason(tree, reviewer, name, params, errors):
    response = get(reviewer, name, **{"organisation": tree.aimag.pk, **params})

    assert response.status_code == 400
    assert response.json() == {"detail": "The input is invalid.", "code": "invalid", "errors": errors}


def test_errors_are_in_mongolian_by_default(tree, reviewer):
    response = get(reviewer, "notices", language="mn", organisation=tree.aimag.pk, year="abc")

    assert response.status_code == 400
    assert response.json()["detail"] != "The input is invalid."


# --- files -----------------------------------------------------------------------------------------------


def csv_lines(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def file_rows(table: dict[str, Any]) -> list[list[Any]]:
    """The rows and the totals row of a JSON table, as the files lay them out."""
    keys = [column["key"] for column in table["columns"]]
    totals = [table["totals"][column["key"]] if column["is_number"] else "" for column in table["columns"]]
    return [*[[row[key] for key in keys] for row in table["rows"]], totals]


def as_cells(line: list[Any]) -> list[str]:
    return ["" if value is None else str(value) for value in line]


@pytest.mark.parametrize("name", REPORTS)
def test_the_csv_download_has_the_numbers_of_the_json(tree, reviewer, name):
    params = {"organisation": tree.aimag.pk, "year": 2025}
    data = get(reviewer, name, **params).json()

    response = get(reviewer, name, format="csv", **params)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{name}-{tree.aimag.code}-')
    lines = csv_lines(response)
    header_line = report_files.HEADER_LINE - 1
    for table in data["tables"]:
        title_at = lines.index([table["title"]])
        assert lines[title_at + 1] == [column["label"] for column in table["columns"]]
        body = lines[title_at + 2 : title_at + 2 + len(table["rows"]) + 1]
        expected = [as_cells(line) for line in file_rows(table)]
        expected[-1][0] = "Total"
        assert body == expected
    assert lines[header_line] == [column["label"] for column in data["tables"][0]["columns"]]


@pytest.mark.parametrize("name", REPORTS)
def test_the_xlsx_download_has_the_numbers_of_the_json(tree, reviewer, name):
    params = {"organisation": tree.aimag.pk, "year": 2025}
    data = get(reviewer, name, **params).json()

    response = get(reviewer, name, format="xlsx", **params)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == len(data["tables"])
    for sheet, table in zip(workbook.worksheets, data["tables"], strict=True):
        values = [list(line) for line in sheet.iter_rows(min_row=report_files.HEADER_LINE, values_only=True)]
        expected = file_rows(table)
        expected[-1][0] = "Total"
        assert values[0] == [column["label"] for column in table["columns"]]
        assert [[None if cell == "" else cell for cell in line] for line in values[1:]] == [
            [None if cell == "" else cell for cell in line] for line in expected
        ]


def test_the_headers_follow_the_language_of_the_request(tree, reviewer):
    params = {"organisation": tree.aimag.pk, "year": 2025}
    header_line = report_files.HEADER_LINE - 1

    mongolian = csv_lines(get(reviewer, "notices", language="mn", format="csv", **params))
    english = csv_lines(get(reviewer, "notices", language="en", format="csv", **params))
    mongolian_json = get(reviewer, "notices", language="mn", **params).json()
    sheet = openpyxl.load_workbook(
        io.BytesIO(get(reviewer, "compliance", language="mn", format="xlsx", **params).content)
    ).worksheets[0]

    assert mongolian[header_line] == [column["label"] for column in mongolian_json["tables"][0]["columns"]]
    assert mongolian[header_line][3:5] == ["Ашиг сонирхлын зөрчилгүй", "Ашиг сонирхлын зөрчилтэй"]
    assert mongolian[1] == ["Байгууллага", "Дорноговь аймгийн ЗДТГ"]
    assert english[header_line][3:5] == ["No conflict of interest", "Conflict of interest"]
    assert english[1] == ["Organisation", "Dornogovi governor"]
    assert sheet.cell(row=report_files.HEADER_LINE, column=2).value == "Байгууллага"


def test_a_bad_format_is_refused_before_any_file_is_made(tree, reviewer):
    response = get(reviewer, "notices", organisation=tree.aimag.pk, year=2025, format="xml")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


# --- queries ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["json", "csv", "xlsx"])
@pytest.mark.parametrize("name", REPORTS)
def test_a_request_takes_as_many_queries_for_many_rows_as_for_few(name, file_format, django_assert_max_num_queries):
    few = make_tree()
    hand_built_notices(few)
    reviewer = make_reviewer(few.aimag)
    client = signed_in(reviewer)
    params = {"organisation": few.aimag.pk, "year": 2025, "format": file_format}

    with CaptureQueriesContext(connection) as small:
        assert client.get(url(name), params).status_code == 200
    generated = generate_filings(seed=3)
    for organisation in generated.organisations[:3]:
        organisation.parent = few.aimag
        organisation.save()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(name), params)

    assert response.status_code == 200
    # The session, the user and their permissions and review scope, the organisation, and the report's own.
    assert len(small.captured_queries) <= 10


# --- schema ----------------------------------------------------------------------------------------------


def test_the_schema_documents_the_reports(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)

    for name in REPORTS:
        operation = schema["paths"][f"/api/v1/reports/{name}/"]["get"]
        assert operation["operationId"] == f"reports_{name}"
        assert sorted(operation["responses"]) == ["200", "400", "401", "403", "404"]
        assert sorted(operation["responses"]["200"]["content"]) == sorted(["application/json", "text/csv", XLSX])
        assert operation["responses"]["200"]["content"]["text/csv"]["schema"] == {"type": "string", "format": "binary"}
        assert {parameter["name"] for parameter in operation["parameters"]} >= {"organisation", "year", "format"}
