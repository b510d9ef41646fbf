"""The dashboard area's pages (the home page per role, the campaign dashboard, the inbox) for the every-page
checks in tests/web/test_pages.py, and the office they show, which the area's own tests build too."""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from declarations.models import Campaign, DeclarationState, Nomination, Obligation, Organisation, Position
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    PositionFactory,
    UserFactory,
    assign_to_agency,
    make_agency_reviewer,
    make_declaration,
    make_reviewer,
    make_supervisor,
)
from tests.notice_factories import make_notice, make_tender
from workflow import dashboard, policies
from workflow.models import Notification

S = DeclarationState
CAMPAIGN_YEAR = 2025
EARLIER_CAMPAIGN_YEAR = 2024


def today() -> datetime.date:
    return dashboard.local_today()


def make_obligation(
    position: Position | None = None,
    *,
    organisation: Organisation | None = None,
    kind: str = "annual",
    period: int = CAMPAIGN_YEAR,
    state: str = "open",
    due_in: int = 10,
    event_date: datetime.date | None = None,
) -> Obligation:
    """An obligation in ``state``, due ``due_in`` days from today (negative: in the past). Without a position,
    one of a new official in ``organisation`` (the reports read organisation, kind, period and state)."""
    return Obligation.objects.create(
        official=position.official if position else OfficialFactory(),
        organisation=position.organisation if position else organisation,
        position=position,
        kind=kind,
        period=period,
        event_date=event_date if kind != "annual" else None,
        due_date=today() + datetime.timedelta(days=due_in),
        state=state,
    )


def open_campaign(year: int) -> Campaign:
    return Campaign.objects.create(
        year=year, due_date=datetime.date(year + 1, 2, 15), opened_at=timezone.now(), opened_by=None
    )


def notify(user: Any, key: str, *, link: str = "/", read: bool = False, subject: str | None = None) -> Notification:
    notification = Notification.objects.create(
        recipient=user,
        kind="reminder",
        key=key,
        subject=subject or f"Сануулга {key}",
        body="Таны мэдүүлгийн эцсийн хугацаа ойртож байна.\nЭцсийн хугацаа 24:00 цагт дуусна.",
        link=link,
    )
    if read:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
        notification.refresh_from_db()
    return notification


@dataclass
class Office:
    """An aimag office (the ЭБАТ's subtree) with a department, a soum and an organisation with nothing due,
    another aimag outside it, and one person in each role."""

    aimag: Organisation
    department: Organisation
    soum: Organisation
    quiet: Organisation
    elsewhere: Organisation
    filer: Any
    filer_position: Position
    reviewer: Any
    supervisor: Any
    agency: Any
    idle_agency: Any
    hr: Any
    idle_hr: Any
    reader: Any
    nobody: Any
    objects: dict[str, Any]


def build_office() -> Office:
    aimag = OrganisationFactory(kind="governor_office", name="Сүхбаатар аймгийн ЗДТГ", name_en="Sukhbaatar governor")
    department = OrganisationFactory(parent=aimag, name="Төрийн сангийн хэлтэс", name_en="Treasury department")
    soum = OrganisationFactory(parent=aimag, kind="soum_office", name="Баруун-Урт сум")
    quiet = OrganisationFactory(parent=aimag, name="Архивын тасаг")
    elsewhere = OrganisationFactory(name="Хэнтий аймгийн ЗДТГ")
    reviewer = make_reviewer(aimag)
    supervisor = make_supervisor()
    objects: dict[str, Any] = {}

    # The filer: drafts and a returned declaration, notices to file (one for a tender's committee), and
    # obligations overdue, due today and due later; a fulfilled one waits for nothing.
    filer_position = PositionFactory(organisation=department, title="Хэлтсийн дарга")
    filer = filer_position.official.user
    objects["returned"] = make_declaration(S.RETURNED, position=filer_position, reviewer=reviewer, year=2022)
    objects["draft_old"] = make_declaration(S.DRAFT, position=filer_position, year=2021)
    objects["draft_new"] = make_declaration(S.DRAFT, position=filer_position, year=2025)
    objects["notice_returned"] = make_notice("returned", position=filer_position, reviewer=reviewer)
    objects["notice_draft"] = make_notice("draft", position=filer_position, action_date=None, title="")
    objects["tender"] = make_tender("declaring", organisation=department, members=[filer_position])
    objects["overdue"] = make_obligation(filer_position, state="overdue", due_in=-3)
    objects["due_today"] = make_obligation(
        filer_position, kind="appointment", due_in=0, event_date=today() - datetime.timedelta(days=30)
    )
    objects["due_later"] = make_obligation(
        filer_position,
        kind="significant_change",
        due_in=5,
        event_date=today() - datetime.timedelta(days=25),
        period=today().year,
    )
    objects["due_much_later"] = make_obligation(filer_position, period=2019, due_in=40)
    make_obligation(filer_position, period=2018, state="fulfilled_on_time", due_in=-300)

    # The ЭБАТ's queues: a colleague's submitted declaration and notice.
    colleague = PositionFactory(organisation=department, title="Нягтлан бодогч")
    objects["queued_declaration"] = make_declaration(S.SUBMITTED, position=colleague, year=2024)
    objects["queued_notice"] = make_notice("submitted", position=colleague)

    # The campaign in the aimag's subtree and outside it.
    for state in ("fulfilled_on_time", "fulfilled_on_time", "fulfilled_late", "open", "waived"):
        make_obligation(organisation=department, state=state)
    for title in ("Мэргэжилтэн", "Ахлах мэргэжилтэн"):
        make_obligation(PositionFactory(organisation=department, title=title), state="overdue", due_in=-20)
    make_obligation(PositionFactory(organisation=soum, title="Сумын Засаг дарга"), state="overdue", due_in=-1)
    make_obligation(organisation=soum, state="fulfilled_on_time")
    make_obligation(organisation=elsewhere, state="overdue", due_in=-5)
    make_obligation(organisation=department, state="overdue", period=EARLIER_CAMPAIGN_YEAR, due_in=-300)
    open_campaign(EARLIER_CAMPAIGN_YEAR)
    open_campaign(CAMPAIGN_YEAR)

    # The agency: a referred declaration and a referred notice assigned to a reviewer, and one with nothing.
    agency, idle_agency = make_agency_reviewer(), make_agency_reviewer()
    referred = make_declaration(S.REFERRED, position=PositionFactory(organisation=soum), reviewer=reviewer)
    assign_to_agency(referred, supervisor=supervisor, agency=agency)
    referred_notice = make_notice("referred", position=PositionFactory(organisation=soum), reviewer=reviewer)
    assign_to_agency(referred_notice, supervisor=supervisor, agency=agency)
    objects["assigned_declaration"], objects["assigned_notice"] = referred, referred_notice

    # HR officers: one with nominations in progress (and two that are not), one with none; both officials.
    hr = PositionFactory(organisation=department, title="Хүний нөөцийн мэргэжилтэн").official.user
    policies.grant_hr_officer(organisation=department, user=hr)
    idle_hr = PositionFactory(organisation=soum, title="Хүний нөөцийн ажилтан").official.user
    policies.grant_hr_officer(organisation=soum, user=idle_hr)
    objects["nominations"] = [
        Nomination.objects.create(
            nominee=OfficialFactory(full_name=f"Нэр дэвшигч {state}"),
            organisation=department,
            position_title="Хэлтсийн дарга",
            hr_officer=hr,
            state=state,
        )
        for state in ("nominated", "declared", "concluded", "appointed", "withdrawn")
    ]

    # Notifications: three for the reader (two unread, one read), one for the filer.
    reader = UserFactory()
    objects["notifications"] = [
        notify(reader, "old-read", read=True),
        notify(reader, "no-link", link=""),
        notify(reader, "new", link=f"/declarations/{objects['draft_new'].pk}/"),
    ]
    notify(filer, "filer")
    nobody = UserFactory()
    return Office(
        aimag=aimag,
        department=department,
        soum=soum,
        quiet=quiet,
        elsewhere=elsewhere,
        filer=filer,
        filer_position=filer_position,
        reviewer=reviewer,
        supervisor=supervisor,
        agency=agency,
        idle_agency=idle_agency,
        hr=hr,
        idle_hr=idle_hr,
        reader=reader,
        nobody=nobody,
        objects=objects,
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def without_campaigns(client: Client, path: str) -> Any:
    """The page as it is before any campaign is opened: the campaigns are deleted and put back (a savepoint)."""

    def request(headers: dict[str, str]) -> Any:
        with transaction.atomic():
            Campaign.objects.all().delete()
            response = client.get(path, **headers)
            transaction.set_rollback(True)
        return response

    return request


@pytest.fixture
def dashboard_pages(monkeypatch):
    from web import dashboard as dashboard_page
    from web import inbox as inbox_page

    # Short lists and pages, so that "…and N more" and the page links show.
    monkeypatch.setattr(dashboard, "HOME_LIST_LIMIT", 3)
    monkeypatch.setattr(dashboard_page, "OVERDUE_PAGE_SIZE", 2)
    monkeypatch.setattr(inbox_page, "PAGE_SIZE", 2)
    office = build_office()
    make_declaration(S.DRAFT, position=office.filer_position, year=2020)  # one more than the list shows
    clients = {
        name: signed_in(getattr(office, name))
        for name in ("filer", "reviewer", "supervisor", "agency", "idle_agency", "hr", "idle_hr", "reader", "nobody")
    }

    def get(name: str, path: str, **params: Any) -> Any:
        return lambda headers: clients[name].get(path, params, **headers)

    return [
        ("home, visitor (what the site is)", lambda headers: Client().get("/", **headers)),
        ("home, official with deadlines", get("filer", "/")),
        ("home, ЭБАТ with queues", get("reviewer", "/")),
        ("home, agency reviewer", get("agency", "/")),
        ("home, agency reviewer with nothing assigned", get("idle_agency", "/")),
        ("home, HR officer", get("hr", "/")),
        ("home, HR officer without nominations", get("idle_hr", "/")),
        ("home, agency supervisor", get("supervisor", "/")),
        ("dashboard, whole country", get("supervisor", "/dashboard/")),
        ("dashboard, ЭБАТ's subtree", get("reviewer", "/dashboard/")),
        ("dashboard, overdue list second page", get("reviewer", "/dashboard/", page=2)),
        ("dashboard, organisation with nothing due", get("reviewer", "/dashboard/", organisation=office.quiet.pk)),
        ("dashboard, earlier campaign", get("supervisor", "/dashboard/", year=EARLIER_CAMPAIGN_YEAR)),
        ("dashboard, year not opened", get("reviewer", "/dashboard/", year=1999)),
        ("dashboard, no campaign yet", without_campaigns(clients["supervisor"], "/dashboard/")),
        ("inbox, empty", get("nobody", "/inbox/")),
        ("inbox, full", get("reader", "/inbox/")),
        ("inbox, second page", get("reader", "/inbox/", page=2)),
    ]


# --- reading the pages --------------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """The rows of one table (by id) as lists of cell texts, header and body and footer alike."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.depth = 0
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", self.table_id) in attrs:
            self.depth = 1
        elif self.depth and tag == "table":
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "table":
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(page: str, table_id: str) -> list[list[str]]:
    """The rows of the table ``table_id`` of the page (the header row first), each cell's text."""
    parser = _Tables(table_id)
    parser.feed(page)
    assert parser.rows, f"the page has no table {table_id!r}"
    return parser.rows


def list_items(page: str, list_id: str) -> list[str]:
    """The text of each item of the list ``list_id``, whitespace collapsed."""
    match = re.search(rf'<(ul|ol)[^>]*\bid="{list_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"the page has no list {list_id!r}"
    items = re.findall(r"<li\b[^>]*>(.*?)</li>", match.group(2), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]
