"""The home page per role: what waits for a filer, an ЭБАТ, an agency reviewer, an HR officer and the agency's
supervisor, with exact counts and lists, in a fixed number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from declarations.models import Nomination
from tests.factories import OfficialFactory, PositionFactory, make_declaration
from tests.notice_factories import make_notice
from tests.web.pages_dashboard import build_office, list_items, make_obligation, notify, signed_in, table, today
from tests.web.test_pages import counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return build_office()


def home(user, language="en") -> str:
    response = signed_in(user).get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_reads_what_the_site_is_and_signs_in():
    page = Client().get("/").content.decode()

    assert "Public officials file their declarations and notices here" in page
    assert '<p><a href="/login/">Sign in</a></p>' in page
    assert '<a href="/register/">Search the public register</a>' in page
    assert '<ul class="counts">' not in page


def test_a_filer_sees_their_deadlines_soonest_first_with_the_days_left_or_over(office):
    page = home(office.filer)
    year = today().year

    assert counts(page) == ["2 draft declarations", "1 declaration returned for correction", "1 unread notification"]
    assert table(page, "obligations") == [
        ["Declaration to file", "Organisation and position", "Due date", "Time left"],
        [
            "Annual, 2025",
            "Төрийн сангийн хэлтэс, Хэлтсийн дарга",
            (today() - datetime.timedelta(days=3)).isoformat(),
            "3 days overdue",
        ],
        [
            "On appointment, 2025",
            "Төрийн сангийн хэлтэс, Хэлтсийн дарга",
            today().isoformat(),
            "Due today, until 24:00",
        ],
        [
            f"Significant change, {year}",
            "Төрийн сангийн хэлтэс, Хэлтсийн дарга",
            (today() + datetime.timedelta(days=5)).isoformat(),
            "5 days left",
        ],
        [
            "Annual, 2019",
            "Төрийн сангийн хэлтэс, Хэлтсийн дарга",
            (today() + datetime.timedelta(days=40)).isoformat(),
            "40 days left",
        ],
    ]
    assert re.findall(r'<tr class="(is-overdue|is-open)">', page) == ["is-overdue", "is-open", "is-open", "is-open"]
    assert "A declaration filed after its due date is still accepted, but it is counted as filed late." in page
    assert "not shown here" not in page


def test_an_obligation_past_its_due_date_is_overdue_before_the_daily_job_marks_it(office):
    make_obligation(office.filer_position, period=2017, due_in=-1)

    rows = table(home(office.filer), "obligations")

    assert rows[1][3] == "3 days overdue"
    assert rows[2][3] == "1 day overdue"


def test_a_filer_sees_drafts_and_returned_declarations_returned_first_with_links(office):
    page = home(office.filer)
    objects = office.objects

    assert list_items(page, "own-declarations") == [
        "Annual, 2022: Returned for correction · Төрийн сангийн хэлтэс",
        "Annual, 2025: Draft · Төрийн сангийн хэлтэс",
        "Annual, 2021: Draft · Төрийн сангийн хэлтэс",
    ]
    links = re.findall(r'<a href="(/declarations/\d+/)">', page.split('id="own-declarations"')[1].split("</ul>")[0])
    assert links == [f"/declarations/{objects[name].pk}/" for name in ("returned", "draft_new", "draft_old")]


def test_a_filer_sees_the_notices_to_file_the_returned_one_first_and_the_committees(office):
    page = home(office.filer)
    objects = office.objects
    committee_notice = objects["tender"].notices.get(filer=office.filer)
    action_date = objects["notice_returned"].action_date.isoformat()

    items = list_items(page, "own-notices")
    assert items[0] == f"Замын засварын гэрээ: Returned for correction · to file before {action_date}"
    assert set(items[1:]) == {
        "Concluding a contract: Draft",
        f"{committee_notice.title or 'Procurement evaluation committee'}: Draft · evaluation committee of the tender"
        f" {objects['tender'].reference_number}",
    }
    links = re.findall(r'<a href="(/notices/\d+/)">', page.split('id="own-notices"')[1].split("</ul>")[0])
    assert links[0] == f"/notices/{objects['notice_returned'].pk}/"
    assert set(links[1:]) == {f"/notices/{objects['notice_draft'].pk}/", f"/notices/{committee_notice.pk}/"}


def test_an_official_with_nothing_to_file_is_told_so(office):
    page = home(office.reviewer)

    assert "You have no declaration to file now." in page
    assert 'id="own-declarations"' not in page
    assert 'id="own-notices"' not in page


def test_an_authorised_official_sees_the_queues_and_the_overdue_in_their_subtree(office):
    page = home(office.reviewer)

    assert counts(page) == [
        "0 draft declarations",
        "0 declarations returned for correction",
        "1 filing waiting for your review",
        "1 notice waiting for your review",
        "5 overdue declarations in the organisations you follow",
        "0 unread notifications",
    ]
    assert '<a href="/review/" id="review-queue-link">' in page
    assert '<a href="/review/notices/" id="notice-queue-link">' in page
    assert '<a href="/dashboard/" id="overdue-link">' in page
    assert '<a href="/dashboard/" id="dashboard-link">Open the campaign dashboard</a>' in page
    assert 'id="assigned-filings"' not in page
    assert "Nominations in progress" not in page


def test_an_agency_reviewer_sees_the_filings_assigned_to_them(office):
    page = home(office.agency)
    declaration, notice = office.objects["assigned_declaration"], office.objects["assigned_notice"]

    assert counts(page) == [
        "1 filing waiting for your review",
        "1 notice waiting for your review",
        "0 unread notifications",
    ]
    assert list_items(page, "assigned-filings") == [
        f"{declaration.official.full_name}: Annual, 2025 · Referred to the agency · {declaration.organisation.name}",
        f"Замын засварын гэрээ: Concluding a contract · Referred to the agency · {notice.organisation.name}",
    ]
    assert f'<a href="/declarations/{declaration.pk}/">' in page
    assert f'<a href="/notices/{notice.pk}/">' in page
    assert "Open the campaign dashboard" not in page
    assert "Declarations you must file" not in page


def test_an_agency_reviewer_with_nothing_assigned_is_told_so(office):
    page = home(office.idle_agency)

    assert "Nothing is assigned to you now." in page
    assert 'id="assigned-filings"' not in page


def test_an_hr_officer_sees_the_nominations_in_progress_newest_first(office):
    page = home(office.hr)

    assert counts(page) == ["0 draft declarations", "0 declarations returned for correction", "0 unread notifications"]
    items = list_items(page, "nominations")
    assert [item.split(" · ")[0] for item in items] == [
        "Нэр дэвшигч concluded — Хэлтсийн дарга, Төрийн сангийн хэлтэс: Agency concluded",
        "Нэр дэвшигч declared — Хэлтсийн дарга, Төрийн сангийн хэлтэс: Preliminary declaration filed",
        "Нэр дэвшигч nominated — Хэлтсийн дарга, Төрийн сангийн хэлтэс: Nominated",
    ]
    assert "No nomination is in progress in your organisations." in home(office.idle_hr)


def test_the_agency_supervisor_follows_the_whole_country(office):
    page = home(office.supervisor)

    assert counts(page) == ["6 overdue declarations in the organisations you follow", "0 unread notifications"]
    assert "Open the campaign dashboard" in page
    assert 'id="review-queue-link"' not in page


def test_the_unread_count_links_to_the_inbox(office):
    page = home(office.reader)

    assert counts(page) == ["2 unread notifications"]
    assert '<a href="/inbox/" id="inbox-link">2 unread notifications</a>' in page


def test_long_lists_are_cut_and_say_how_many_more(office, monkeypatch):
    from workflow import dashboard

    monkeypatch.setattr(dashboard, "HOME_LIST_LIMIT", 1)
    page = home(office.filer)

    assert len(table(page, "obligations")) == 2
    assert "Due later and not shown here: 3" in page
    assert len(list_items(page, "own-declarations")) == 1
    assert "Further ones not shown here: 2" in page


def test_the_home_page_speaks_mongolian(office):
    page = home(office.filer, "mn")

    assert "Хугацаа 3 хоног хэтэрсэн" in page
    assert "5 хоног үлдсэн" in page


# --- a fixed number of queries ---------------------------------------------------------------------------


def queries(user) -> int:
    client = signed_in(user)
    client.get("/")  # the session is warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def more_of_everything(office) -> None:
    position = office.filer_position
    for period in range(2005, 2015):
        make_obligation(position, period=period, due_in=period - 2010)
    for year in range(2005, 2010):
        make_declaration("draft", position=position, year=year)
        make_notice("draft", position=position)
        notify(office.filer, f"more-{year}")
        notify(office.reviewer, f"more-{year}")
        make_declaration("submitted", position=PositionFactory(organisation=office.department), year=year)
        make_notice("submitted", position=PositionFactory(organisation=office.soum))
        make_obligation(organisation=office.soum, state="overdue", due_in=-4, period=year)
        Nomination.objects.create(
            nominee=OfficialFactory(),
            organisation=office.department,
            position_title="Мэргэжилтэн",
            hr_officer=office.hr,
        )


@pytest.mark.parametrize("role", ["filer", "reviewer", "agency", "hr", "supervisor", "reader"])
def test_the_home_page_takes_the_same_number_of_queries_whatever_there_is(office, role):
    user = getattr(office, role)
    before = queries(user)

    more_of_everything(office)

    assert queries(user) == before
