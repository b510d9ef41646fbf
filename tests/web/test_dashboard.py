"""The campaign dashboard: the compliance report's figures per organisation, worst first, as an SVG bar chart and
a table; the overdue list a page at a time; the downloads; the scope (an ЭБАТ's subtrees, the whole country for
the agency, 404 for anyone else and for an organisation out of scope); the year; a fixed number of queries."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from declarations.models import Campaign, Organisation
from tests.factories import OrganisationFactory, make_reviewer, make_supervisor
from tests.web.pages_dashboard import (
    CAMPAIGN_YEAR,
    EARLIER_CAMPAIGN_YEAR,
    build_office,
    make_obligation,
    open_campaign,
    signed_in,
    table,
    today,
)
from tests.workflow.test_reports import generate_filings
from workflow import reports

pytestmark = pytest.mark.django_db

HEADER = [
    "Organisation",
    "Required",
    "Filed on time",
    "Filed late",
    "Not yet due",
    "Overdue",
    "Waived",
    "Completion (%)",
]
KEYS = ["required", "on_time", "late", "open", "overdue", "waived", "completion_percent"]


@pytest.fixture
def office():
    return build_office()


def page_of(user, path="/dashboard/", **params: Any) -> str:
    response = signed_in(user).get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def number(value: Any) -> str:
    """A figure as the page prints it: no decimals for a whole number, one otherwise; a dash for none."""
    if value is None:
        return "—"
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def worst_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        rows,
        key=lambda row: (
            row["completion_percent"] is None,
            row["completion_percent"] or 0,
            -row["overdue"],
            row["organisation"],
        ),
    )


def expected_table(organisation: Organisation | None, year: int) -> list[list[str]]:
    with translation.override("en"):
        annual = reports.campaign_compliance(organisation=organisation, year=year).table("annual")
    return [
        HEADER,
        *[[row["organisation"], *[number(row[key]) for key in KEYS]] for row in worst_first(annual.rows)],
        ["Total", *[number(annual.totals[key]) for key in KEYS]],
    ]


def bars(page: str) -> list[dict[str, str]]:
    found = []
    for group in re.findall(r'<g class="bar" transform="translate\(0 \d+\)">(.*?)</g>', page, re.S):
        label = re.search(r'<text class="bar-label"[^>]*>(.*?)</text>', group, re.S)
        value = re.search(r'<text class="bar-value"[^>]*>(.*?)</text>', group, re.S)
        on_time = re.search(r'<rect class="bar-on-time" x="0" y="20" width="([\d.]+)"', group)
        late = re.search(r'<rect class="bar-late" x="([\d.]+)" y="20" width="([\d.]+)"', group)
        assert label
        assert value
        assert on_time
        assert late
        found.append(
            {
                "label": html.unescape(label.group(1)).strip(),
                "value": value.group(1).strip(),
                "on_time": on_time.group(1),
                "late_x": late.group(1),
                "late": late.group(2),
            }
        )
    return found


# --- scope ------------------------------------------------------------------------------------------------


def test_the_dashboard_requires_signing_in():
    response = Client().get("/dashboard/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/dashboard/")


@pytest.mark.parametrize("role", ["filer", "agency", "hr", "reader"])
def test_someone_who_follows_no_organisation_gets_404(office, role):
    assert signed_in(getattr(office, role)).get("/dashboard/").status_code == 404
    assert signed_in(getattr(office, role)).get("/dashboard/", {"organisation": office.aimag.pk}).status_code == 404


def test_an_authorised_official_sees_their_subtree(office):
    page = page_of(office.reviewer)

    assert table(page, "compliance") == expected_table(office.aimag, CAMPAIGN_YEAR)
    organisations = [row[0] for row in table(page, "compliance")[1:-1]]
    assert sorted(organisations) == sorted(
        ["Sukhbaatar governor", "Treasury department", "Баруун-Урт сум", "Архивын тасаг"]
    )
    assert '<strong translate="no">Sukhbaatar governor</strong> and the organisations under it' in page
    assert '<option value="">The whole country</option>' not in page


def test_an_authorised_official_narrows_to_an_organisation_of_their_subtree(office):
    page = page_of(office.reviewer, organisation=office.department.pk)

    assert table(page, "compliance") == expected_table(office.department, CAMPAIGN_YEAR)
    assert f'<option value="{office.department.pk}" selected>' in page


@pytest.mark.parametrize("asked", ["elsewhere", "missing", "text"])
def test_an_organisation_out_of_scope_is_not_found(office, asked):
    value = {"elsewhere": office.elsewhere.pk, "missing": 999999, "text": "abc"}[asked]

    assert signed_in(office.reviewer).get("/dashboard/", {"organisation": value}).status_code == 404


def test_the_agency_follows_the_whole_country_and_any_organisation(office):
    national = page_of(office.supervisor)
    elsewhere = page_of(office.supervisor, organisation=office.elsewhere.pk)

    assert table(national, "compliance") == expected_table(None, CAMPAIGN_YEAR)
    assert "Хэнтий аймгийн ЗДТГ" in [row[0] for row in table(national, "compliance")]
    assert "<strong>The whole country</strong>" in national
    assert '<option value="">The whole country</option>' in national
    assert table(elsewhere, "compliance") == expected_table(office.elsewhere, CAMPAIGN_YEAR)


def test_the_rows_link_to_each_organisations_own_subtree(office):
    page = page_of(office.reviewer)

    assert f'<a href="?organisation={office.soum.pk}&amp;year=2025">Баруун-Урт сум</a>' in page


# --- the figures, the chart ---------------------------------------------------------------------------------


def test_the_figures_equal_the_reports_on_generated_data():
    generated = generate_filings(notices=0, obligations=400, preliminary=0, seed=11)
    for year in (2024, 2025, 2026):
        open_campaign(year)
    supervisor = make_supervisor()
    root = generated.organisations[0]
    reviewer = make_reviewer(root)

    for year in (2024, 2025, 2026):
        national = page_of(supervisor, year=year)
        assert table(national, "compliance") == expected_table(None, year)
        subtree = page_of(reviewer, year=year)
        assert table(subtree, "compliance") == expected_table(root, year)
        totals = reports.campaign_compliance(organisation=None, year=year).table("annual").totals
        overdue = totals["overdue"]
        assert f"{overdue} declarations of this campaign were not filed by their due date." in national


def test_the_rows_come_worst_first_with_nothing_due_last(office):
    rows = table(page_of(office.supervisor), "compliance")[1:-1]
    percents = [row[-1] for row in rows]

    due = [float(value) for value in percents if value != "—"]
    assert due == sorted(due)
    assert percents[len(due) :] == ["—"] * (len(percents) - len(due))
    assert "—" in percents


def test_the_chart_has_one_labelled_bar_per_organisation_in_the_tables_order(office):
    page = page_of(office.reviewer)
    with translation.override("en"):
        annual = reports.campaign_compliance(organisation=office.aimag, year=CAMPAIGN_YEAR).table("annual")
    rows = worst_first(annual.rows)

    drawn = bars(page)

    assert len(drawn) == len(rows) == 4
    assert [bar["label"] for bar in drawn] == [row[0] for row in table(page, "compliance")[1:-1]]
    for bar, row in zip(drawn, rows, strict=True):
        due = row["required"] - row["waived"]
        assert bar["label"] == row["organisation"]
        if due:
            assert bar["value"] == f"{number(row['completion_percent'])}%"
            assert bar["on_time"] == f"{520 * row['on_time'] / due:.1f}"
            assert bar["late"] == f"{520 * row['late'] / due:.1f}"
            assert bar["late_x"] == bar["on_time"]
        else:
            assert (bar["value"], bar["on_time"], bar["late"]) == ("nothing due", "0.0", "0.0")
    # The department: 2 filed on time and 1 late of 7 due (8 required, 1 waived).
    department = next(bar for bar in drawn if bar["label"] == "Treasury department")
    assert department == {
        "label": "Treasury department",
        "value": "42.9%",
        "on_time": "148.6",
        "late_x": "148.6",
        "late": "74.3",
    }
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in page
    assert "<script" not in page.split("<main")[1]


# --- the overdue list ---------------------------------------------------------------------------------------


def test_the_overdue_list_names_who_is_late_and_by_how_many_days(office):
    page = page_of(office.reviewer)
    twenty_ago, three_ago, one_ago = (str(today() - datetime.timedelta(days=days)) for days in (20, 3, 1))
    filer = office.filer_position.official.full_name

    rows = table(page, "overdue")

    assert rows[0] == ["Name of the official", "Position held", "Organisation", "Due date", "Days overdue"]
    # Longest overdue first; the two of the same day in the department by the official's name.
    assert sorted(row[1:] for row in rows[1:3]) == [
        ["Ахлах мэргэжилтэн", "Treasury department", twenty_ago, "20"],
        ["Мэргэжилтэн", "Treasury department", twenty_ago, "20"],
    ]
    assert rows[1][0] < rows[2][0]
    assert rows[3:] == [
        [filer, "Хэлтсийн дарга", "Treasury department", three_ago, "3"],
        [rows[4][0], "Сумын Засаг дарга", "Баруун-Урт сум", one_ago, "1"],
    ]
    assert "4 declarations of this campaign were not filed by their due date." in page
    report = reports.campaign_compliance(organisation=office.aimag, year=CAMPAIGN_YEAR)
    assert len(rows) - 1 == report.table("annual").totals["overdue"]


def test_the_overdue_list_is_paginated_and_keeps_the_choice(office, monkeypatch):
    from web import dashboard

    monkeypatch.setattr(dashboard, "OVERDUE_PAGE_SIZE", 3)
    first = page_of(office.reviewer, year=CAMPAIGN_YEAR)
    second = page_of(office.reviewer, year=CAMPAIGN_YEAR, page=2)

    assert len(table(first, "overdue")) == 4
    assert '<a href="?year=2025&amp;page=2" rel="next">Next page</a>' in first
    assert "Page 1" in first
    assert [row[1] for row in table(second, "overdue")[1:]] == ["Сумын Засаг дарга"]
    assert '<a href="?year=2025&amp;page=1" rel="prev">Previous page</a>' in second


def test_an_organisation_with_nothing_due_shows_an_empty_campaign(office):
    page = page_of(office.reviewer, organisation=office.quiet.pk)

    assert table(page, "compliance") == [
        HEADER,
        ["Архивын тасаг", "0", "0", "0", "0", "0", "0", "—"],
        ["Total", "0", "0", "0", "0", "0", "0", "—"],
    ]
    assert [bar["value"] for bar in bars(page)] == ["nothing due"]
    assert "No declaration of this campaign is overdue." in page
    assert 'id="overdue"' not in page


# --- the year -----------------------------------------------------------------------------------------------


def test_the_latest_campaign_is_shown_unless_another_year_is_chosen(office):
    latest = page_of(office.supervisor)
    earlier = page_of(office.supervisor, year=EARLIER_CAMPAIGN_YEAR)

    assert "Completion of the campaign of 2025" in latest
    assert '<option value="2025" selected>2025</option>' in latest
    assert table(earlier, "compliance") == expected_table(None, EARLIER_CAMPAIGN_YEAR)
    assert "Completion of the campaign of 2024" in earlier


@pytest.mark.parametrize("year", ["1999", "2023", "abc", "2025.5"])
def test_a_year_without_a_campaign_is_refused_next_to_the_field(office, year):
    page = page_of(office.reviewer, year=year)

    assert (
        '<ul class="errorlist" id="id_year_error"><li>Choose the year of a campaign that has been opened.</li></ul>'
        in page
    )
    assert "<svg" not in page
    assert 'id="compliance"' not in page


def test_before_any_campaign_the_dashboard_says_so(office):
    Campaign.objects.all().delete()

    page = page_of(office.supervisor)

    assert "No annual declaration campaign has been opened yet." in page
    assert 'name="year"' not in page
    assert "<svg" not in page


# --- the downloads ------------------------------------------------------------------------------------------


def test_the_downloads_are_the_apis_compliance_report_for_the_same_choice(office):
    subtree = page_of(office.reviewer)
    national = page_of(office.supervisor, year=EARLIER_CAMPAIGN_YEAR)
    aimag = office.aimag.pk

    assert f'href="/api/v1/reports/compliance/?year=2025&amp;organisation={aimag}&amp;format=csv"' in subtree
    assert f'href="/api/v1/reports/compliance/?year=2025&amp;organisation={aimag}&amp;format=xlsx"' in subtree
    assert 'href="/api/v1/reports/compliance/?year=2024&amp;format=csv"' in national
    download = signed_in(office.reviewer).get(f"/api/v1/reports/compliance/?year=2025&organisation={aimag}&format=csv")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")


# --- queries ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "supervisor"])
def test_the_dashboard_takes_the_same_number_of_queries_whatever_there_is(office, role):
    client = signed_in(getattr(office, role))
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dashboard/").status_code == 200
    for index in range(6):
        organisation = OrganisationFactory(parent=office.department if index % 2 else office.soum)
        for state in ("overdue", "open", "fulfilled_on_time", "fulfilled_late"):
            make_obligation(organisation=organisation, state=state, due_in=-index)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/dashboard/").status_code == 200

    assert len(many) == len(few)
