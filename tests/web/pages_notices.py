"""The notices and tenders pages, for the every-page checks in tests/web/test_pages.py.

``notice_world()`` builds, through the real services, an office where each page has something to show: a
filer's notices in every state the pages treat differently (one with a red flag, one filed late), an ЭБАТ's
queue, and tenders in each state of the clearing gate. The tests of the pages use it too.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from declarations.models import CommitteeMember, Notice, NoticeState, Tender, TenderState
from tests.factories import OrganisationFactory, PositionFactory, UserFactory, make_reviewer
from tests.notice_factories import in_days, latest_notice, make_accepted_declaration, make_notice, make_tender
from web import notices as notice_pages
from web import tenders as tender_pages
from workflow import tenders
from workflow.models import TransitionLog

N = NoticeState
T = TenderState
COMPANY = "Говь Трейд ХХК"
COMPANY_NUMBER = "5012345"
BIDDER = "Хөх Тэнгэр Констракшн ХХК"
BIDDER_NUMBER = "6012345"
EXTERNAL_NAME = "Иргэн Болдын Бат"
EXTERNAL_EMAIL = "bat.bold@example.mn"


@dataclass
class World:
    filer: Any
    position: Any
    reviewer: Any
    secretary: Any
    external: Any
    draft: Notice
    returned: Notice
    late: Notice
    reviewing: Notice
    acknowledged: Notice
    committee: Notice
    declaring: Tender
    recused: CommitteeMember
    gate_open: Tender
    cleared: Tender
    forming: Tender
    empty: Tender


def notice_world() -> World:
    """An office: a filer with notices in each state, an ЭБАТ, a procurement secretary and five tenders."""
    office = OrganisationFactory(kind="governor_office", name="Сайншанд сумын ЗДТГ")
    reviewer = make_reviewer(office)
    position = PositionFactory(organisation=office, title="Санхүүгийн мэргэжилтэн")
    filer = position.official.user
    # The filer declared a company: a notice or a bidder naming it raises a red flag.
    make_accepted_declaration(position, companies=[(COMPANY, COMPANY_NUMBER)], reviewer=reviewer)
    matching = {"counterparty_name": COMPANY, "counterparty_register_number": COMPANY_NUMBER}
    draft = make_notice(N.DRAFT, position=position, title="Цэцэрлэгийн засварын гэрээ")
    returned = make_notice(N.RETURNED, position=position, reviewer=reviewer, title="Тоног төхөөрөмжийн гэрээ")
    late = make_notice(
        N.SUBMITTED, position=position, reviewer=reviewer, title="Түлшний гэрээ", action_date=in_days(-3), **matching
    )
    reviewing = make_notice(
        N.UNDER_REVIEW,
        position=position,
        reviewer=reviewer,
        title="Хашааны гэрээ",
        outcome="conflict",
        interest_nature="Гэрээлэгч компанийн 25 хувийг эзэмшдэг.",
        proposed_handling="recusal",
        **matching,
    )
    acknowledged = make_notice(
        N.ACKNOWLEDGED, position=position, reviewer=reviewer, title="Зам засварын гэрээ", **matching
    )

    secretary = PositionFactory(organisation=office, title="Худалдан авах ажиллагааны нарийн бичиг").official.user
    colleague = PositionFactory(organisation=office, title="Инженер")
    declaring = make_tender(
        T.DECLARING,
        organisation=office,
        secretary=secretary,
        members=[position, colleague],
        externals=[(EXTERNAL_NAME, EXTERNAL_EMAIL)],
        bidders=[(BIDDER, BIDDER_NUMBER)],
    )
    # A bidder added while the members declare asks each of them for a supplementary notice.
    tenders.tender_add_bidder(actor=secretary, tender_id=declaring.pk, name=COMPANY, register_number=COMPANY_NUMBER)
    recused = declaring.members.get(user=colleague.official.user)
    tenders.tender_recuse_member(
        actor=secretary,
        tender_id=declaring.pk,
        member_id=recused.pk,
        kind="ngo",
        full_name="Төрийн бус байгууллагын Сараа",
        email="saraa@example.mn",
    )
    recused.refresh_from_db()
    external = declaring.members.get(full_name=EXTERNAL_NAME).user
    committee = latest_notice(declaring.members.get(user=filer))
    gate_open = make_tender(T.DECLARING, organisation=office, secretary=secretary, reviewer=reviewer, gate_open=True)
    cleared = make_tender(T.CLEARED, organisation=office, secretary=secretary, reviewer=reviewer)
    forming = make_tender(T.FORMING, organisation=office, secretary=secretary)
    empty = make_tender(T.FORMING, organisation=office, secretary=secretary, members=[], bidders=())
    # The newest notice, on the list's first page: a draft whose matter is not written yet.
    make_notice(N.DRAFT, position=position, title="", reference_number="")
    return World(
        filer=filer,
        position=position,
        reviewer=reviewer,
        secretary=secretary,
        external=external,
        draft=draft,
        returned=returned,
        late=late,
        reviewing=reviewing,
        acknowledged=acknowledged,
        committee=committee,
        declaring=declaring,
        recused=recused,
        gate_open=gate_open,
        cleared=cleared,
        forming=forming,
        empty=empty,
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def database_state() -> tuple[list[dict], int]:
    """Every notice's row and the number of log entries: what a refused request must leave as it was."""
    return list(Notice.objects.order_by("pk").values()), TransitionLog.objects.count()


def messages_of(response) -> list[str]:
    """The confirmations and refusals the page shows (``django.contrib.messages``)."""
    return [str(message) for message in response.context["messages"]] if response.context else []


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def world() -> World:
    """``notice_world()`` for a test; a test module takes it with ``world = pages_notices.world``."""
    return notice_world()


@pytest.fixture
def notices_pages(monkeypatch):
    """Every notices and tenders page, with two rows a page so that the pagers show."""
    monkeypatch.setattr(notice_pages, "PAGE_SIZE", 2)
    monkeypatch.setattr(tender_pages, "PAGE_SIZE", 2)
    w = notice_world()
    filer, reviewer, secretary, external = (signed_in(u) for u in (w.filer, w.reviewer, w.secretary, w.external))
    newcomer = signed_in(PositionFactory().official.user)
    nobody = signed_in(UserFactory())
    position = str(w.position.pk)
    committee_edit = f"/notices/{w.committee.pk}/edit/"
    return [
        ("notices", lambda headers: filer.get("/notices/", **headers)),
        ("notices, second page", lambda headers: filer.get("/notices/", {"page": 2}, **headers)),
        ("notices, none filed", lambda headers: newcomer.get("/notices/", **headers)),
        ("notices, external member", lambda headers: external.get("/notices/", **headers)),
        ("notice, new", lambda headers: filer.get("/notices/new/", **headers)),
        (
            "notice, new with errors",
            lambda headers: filer.post(
                "/notices/new/",
                {"position": position, "category": "", "counterparty_register_number": "12", "action": "save"},
                **headers,
            ),
        ),
        (
            "notice, new submitted incomplete",
            lambda headers: filer.post(
                "/notices/new/",
                {"position": position, "category": "contract", "outcome": "conflict", "action": "submit"},
                **headers,
            ),
        ),
        ("notice, new without a position", lambda headers: external.get("/notices/new/", **headers)),
        ("notice, draft", lambda headers: filer.get(f"/notices/{w.draft.pk}/", **headers)),
        ("notice, returned", lambda headers: filer.get(f"/notices/{w.returned.pk}/", **headers)),
        ("notice, late with a red flag", lambda headers: filer.get(f"/notices/{w.late.pk}/", **headers)),
        ("notice, acknowledged", lambda headers: filer.get(f"/notices/{w.acknowledged.pk}/", **headers)),
        ("notice, committee", lambda headers: filer.get(f"/notices/{w.committee.pk}/", **headers)),
        ("notice, edit", lambda headers: filer.get(f"/notices/{w.draft.pk}/edit/", **headers)),
        ("notice, committee edit", lambda headers: filer.get(committee_edit, **headers)),
        (
            "notice, committee submitted incomplete",
            lambda headers: filer.post(committee_edit, {"outcome": "conflict", "action": "submit"}, **headers),
        ),
        ("review queue", lambda headers: reviewer.get("/review/notices/", **headers)),
        (
            "review queue, nothing found",
            lambda headers: reviewer.get("/review/notices/", {"state": "referred"}, **headers),
        ),
        ("review queue, bad filter", lambda headers: reviewer.get("/review/notices/", {"state": "x"}, **headers)),
        ("review, submitted", lambda headers: reviewer.get(f"/review/notices/{w.late.pk}/", **headers)),
        ("review, under review", lambda headers: reviewer.get(f"/review/notices/{w.reviewing.pk}/", **headers)),
        (
            "review, return without a comment",
            lambda headers: reviewer.post(
                f"/review/notices/{w.reviewing.pk}/return_for_correction/", {"comment": " "}, **headers
            ),
        ),
        ("review, acknowledged", lambda headers: reviewer.get(f"/review/notices/{w.acknowledged.pk}/", **headers)),
        ("review, nothing to do", lambda headers: reviewer.get(f"/review/notices/{w.returned.pk}/", **headers)),
        ("tenders", lambda headers: secretary.get("/tenders/", **headers)),
        ("tenders, second page", lambda headers: secretary.get("/tenders/", {"page": 2}, **headers)),
        ("tenders, none", lambda headers: nobody.get("/tenders/", **headers)),
        ("tender, new", lambda headers: secretary.get("/tenders/new/", **headers)),
        (
            "tender, new with errors",
            lambda headers: secretary.post("/tenders/new/", {"position": "", "title": ""}, **headers),
        ),
        ("tender, new without a position", lambda headers: nobody.get("/tenders/new/", **headers)),
        ("tender, no committee", lambda headers: secretary.get(f"/tenders/{w.empty.pk}/", **headers)),
        ("tender, forming", lambda headers: secretary.get(f"/tenders/{w.forming.pk}/", **headers)),
        ("tender, gate closed", lambda headers: secretary.get(f"/tenders/{w.declaring.pk}/", **headers)),
        ("tender, gate open", lambda headers: secretary.get(f"/tenders/{w.gate_open.pk}/", **headers)),
        ("tender, cleared", lambda headers: secretary.get(f"/tenders/{w.cleared.pk}/", **headers)),
        ("tender, as a member", lambda headers: filer.get(f"/tenders/{w.declaring.pk}/", **headers)),
        (
            "tender, bidder with errors",
            lambda headers: secretary.post(
                f"/tenders/{w.declaring.pk}/bidders/", {"name": "", "register_number": "12"}, **headers
            ),
        ),
        (
            "tender, member with errors",
            lambda headers: secretary.post(
                f"/tenders/{w.declaring.pk}/members/", {"kind": "citizen", "email": "not-an-address"}, **headers
            ),
        ),
        (
            "tender, recuse",
            lambda headers: secretary.get(
                f"/tenders/{w.declaring.pk}/members/{w.declaring.members.get(user=w.filer).pk}/recuse/", **headers
            ),
        ),
        (
            "tender, recuse with errors",
            lambda headers: secretary.post(
                f"/tenders/{w.declaring.pk}/members/{w.declaring.members.get(user=w.filer).pk}/recuse/",
                {"kind": "official", "official": ""},
                **headers,
            ),
        ),
        (
            "tender, recused already",
            lambda headers: secretary.get(f"/tenders/{w.declaring.pk}/members/{w.recused.pk}/recuse/", **headers),
        ),
    ]
