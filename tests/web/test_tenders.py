"""The tender pages: the procurement secretary's list and tender, its bidders, committee and clearing gate."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from declarations.models import Bidder, CommitteeMember, Notice, NoticeState, Tender, TenderState
from tests.factories import OrganisationFactory, PositionFactory, UserFactory, make_reviewer
from tests.notice_factories import declare, latest_notice, make_tender
from tests.web import pages_notices
from tests.web.pages_notices import BIDDER, EXTERNAL_EMAIL, EXTERNAL_NAME, messages_of, signed_in, text
from workflow.models import TransitionLog

N = NoticeState
T = TenderState
User = get_user_model()
world = pages_notices.world


def committee_state() -> tuple:
    """Every tender, bidder, seat, notice and account, and the log: what a refused request must leave as it was."""
    return (
        list(Tender.objects.order_by("pk").values()),
        list(Bidder.objects.order_by("pk").values()),
        list(CommitteeMember.objects.order_by("pk").values()),
        list(Notice.objects.order_by("pk").values()),
        User.objects.count(),
        TransitionLog.objects.count(),
    )


# --- signing in ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/tenders/", "/tenders/new/", "/tenders/1/", "/tenders/1/members/1/recuse/"])
def test_the_tender_pages_ask_a_visitor_to_sign_in(path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["open_declarations", "clear", "start_evaluation", "close", "bidders", "members"])
def test_the_tender_actions_are_posts_only(world, action):
    before = committee_state()

    response = signed_in(world.secretary).get(f"/tenders/{world.forming.pk}/{action}/")

    assert response.status_code == 405
    assert committee_state() == before


# --- the list ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_each_tender_with_its_state_and_whether_the_committee_is_cleared(world):
    response = signed_in(world.secretary).get("/tenders/")

    assert response.status_code == 200
    rows = {row.tender.pk: row.clearing for row in response.context["rows"]}
    assert rows == {
        world.declaring.pk: "waiting",
        world.gate_open.pk: "ready",
        world.cleared.pk: "cleared",
        world.forming.pk: "waiting",
        world.empty.pk: "waiting",
    }
    page = text(response)
    assert re.search(rf'<tr id="tender-{world.gate_open.pk}">.*?Members declaring.*?Can be cleared now', page, re.S)
    assert re.search(rf'<tr id="tender-{world.cleared.pk}">.*?Committee cleared.*?Cleared</td>', page, re.S)
    assert re.search(rf'<tr id="tender-{world.declaring.pk}">.*?Not cleared yet', page, re.S)


@pytest.mark.django_db
def test_a_member_sees_their_tender_but_not_whether_it_may_be_cleared(world):
    response = signed_in(world.filer).get("/tenders/")

    assert [(row.tender.pk, row.clearing) for row in response.context["rows"]] == [(world.declaring.pk, "")]


@pytest.mark.django_db
def test_nobody_else_sees_the_tenders(world):
    response = signed_in(PositionFactory().official.user).get("/tenders/")

    assert response.context["rows"] == []
    assert "You follow no tender." in text(response)


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_however_many_tenders(world):
    client = signed_in(world.secretary)
    client.get("/tenders/")
    with CaptureQueriesContext(connection) as few:
        client.get("/tenders/")
    for _ in range(2):
        make_tender(T.DECLARING, organisation=world.position.organisation, secretary=world.secretary)

    with CaptureQueriesContext(connection) as many:
        response = client.get("/tenders/")

    assert len(response.context["rows"]) == 7
    assert len(many) == len(few)


# --- opening a tender ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_opening_a_tender_makes_the_user_its_secretary(world):
    position = world.secretary.official.positions.get()
    client = signed_in(world.secretary)

    response = client.post(
        "/tenders/new/",
        {"position": str(position.pk), "reference_number": "ХА-2026/0100", "title": "Сургуулийн дээвэр"},
    )

    tender = Tender.objects.get(reference_number="ХА-2026/0100")
    assert response["Location"] == f"/tenders/{tender.pk}/"
    assert (tender.title, tender.organisation_id, tender.secretary_id, tender.state) == (
        "Сургуулийн дээвэр",
        position.organisation_id,
        world.secretary.pk,
        T.FORMING,
    )
    assert messages_of(client.get(response["Location"])) == [
        "The tender was opened: you are its procurement secretary."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "required", "duplicate"),
    [
        ("en", "This field is required.", "A tender with this reference number already exists."),
        ("mn", "Энэ талбарыг заавал бөглөнө.", "Ийм бүртгэлийн дугаартай тендер аль хэдийн бүртгэгдсэн байна."),
    ],
)
def test_opening_a_tender_with_errors_changes_nothing(world, language, required, duplicate):
    position = str(world.secretary.official.positions.get().pk)
    client = signed_in(world.secretary)
    before = committee_state()

    empty = client.post(
        "/tenders/new/",
        {"position": position, "reference_number": "", "title": "Дээвэр"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    taken = client.post(
        "/tenders/new/",
        {"position": position, "reference_number": world.declaring.reference_number, "title": "Дээвэр"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert empty.context["form"].errors == {"reference_number": [required]}
    assert taken.context["form"].errors == {"reference_number": [duplicate]}
    assert 'value="Дээвэр"' in text(taken)
    assert committee_state() == before


@pytest.mark.django_db
def test_a_user_without_a_position_cannot_open_a_tender():
    client = signed_in(UserFactory())
    before = committee_state()

    response = client.post("/tenders/new/", {"position": "1", "reference_number": "ХА-1", "title": "Дээвэр"})

    assert "You can open a tender only for an organisation where you hold a position." in text(response)
    assert list(response.context["form"].errors) == ["position"]
    assert committee_state() == before


# --- one tender ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tender_is_not_found_by_those_who_do_not_follow_it(world):
    outsider = signed_in(PositionFactory().official.user)
    foreign_reviewer = signed_in(make_reviewer(OrganisationFactory()))
    before = committee_state()
    member = world.declaring.members.get(user=world.filer)

    for client in (outsider, foreign_reviewer):
        assert client.get(f"/tenders/{world.declaring.pk}/").status_code == 404
        assert client.post(f"/tenders/{world.declaring.pk}/bidders/", {"name": "X ХХК"}).status_code == 404
        assert client.post(f"/tenders/{world.declaring.pk}/members/", {"kind": "citizen"}).status_code == 404
        assert client.post(f"/tenders/{world.gate_open.pk}/clear/").status_code == 404
        assert client.get(f"/tenders/{world.declaring.pk}/members/{member.pk}/recuse/").status_code == 404
    assert committee_state() == before


@pytest.mark.django_db
def test_the_secretary_sees_each_members_notice_state_and_outcome_but_not_its_content(world):
    member = world.declaring.members.get(user=world.filer)
    declare(
        latest_notice(member),
        outcome="conflict",
        interest_nature="Ах нь оролцогч компанийн захирал.",
        proposed_handling="recusal",
    )

    response = signed_in(world.secretary).get(f"/tenders/{world.declaring.pk}/")

    page = text(response)
    row = re.search(rf'<tr id="member-{member.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "Submitted (supplementary)" in row
    assert "Conflict of interest" in row
    assert "Ах нь оролцогч компанийн захирал." not in page
    assert re.search(r'href="/(?:review/)?notices/\d', page) is None
    # The notices themselves stay the filer's and the reviewers'.
    notice = latest_notice(member)
    assert signed_in(world.secretary).get(f"/notices/{notice.pk}/").status_code == 404
    assert signed_in(world.secretary).get(f"/review/notices/{notice.pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "{name} has not submitted a notice for this tender."),
        ("mn", "{name} энэ тендерт мэдэгдэл тайлбар гаргаагүй байна."),
    ],
)
def test_a_closed_gate_says_why_naming_each_member(world, language, sentence):
    response = signed_in(world.secretary).get(f"/tenders/{world.declaring.pk}/", HTTP_ACCEPT_LANGUAGE=language)

    active = world.declaring.members.filter(is_recused=False).order_by("pk")
    expected = [sentence.format(name=member.full_name) for member in active]
    assert [re.sub("<[^>]+>", "", str(problem)) for problem in response.context["gate"]] == expected
    items = re.findall(
        r"<li>(.*?)</li>", re.search(r'<ul id="gate-problems">(.*?)</ul>', text(response), re.S).group(1)
    )
    assert items == [sentence.format(name=f'<span translate="no">{member.full_name}</span>') for member in active]
    assert "clear/" not in text(response)


@pytest.mark.django_db
def test_the_gate_names_a_conflict_a_flag_and_a_missing_acknowledgement(world):
    members = {m.user_id: m for m in world.declaring.members.filter(is_recused=False)}
    filer_seat = members[world.filer.pk]
    external_seat = members[world.external.pk]
    replacement = world.recused.replaced_by
    declare(latest_notice(filer_seat))  # bidder COMPANY is the filer's declared company: a red flag
    declare(latest_notice(external_seat), outcome="conflict", interest_nature="Ах нь.", proposed_handling="recusal")
    declare(latest_notice(replacement))

    response = signed_in(world.secretary).get(f"/tenders/{world.declaring.pk}/")

    assert [re.sub("<[^>]+>", "", str(problem)) for problem in response.context["gate"]] == [
        f"The notice of {filer_seat.full_name} has an unresolved red flag.",
        f"{EXTERNAL_NAME} declared a conflict of interest and must be recused and replaced.",
        f"The notice of {replacement.full_name} has not been acknowledged yet.",
    ]


@pytest.mark.django_db
def test_the_gate_open_offers_to_clear_and_clearing_clears(world):
    client = signed_in(world.secretary)
    page = text(client.get(f"/tenders/{world.gate_open.pk}/"))
    assert (
        "Every member declared no conflict of interest and it was acknowledged: the committee can be cleared." in page
    )
    assert f'action="/tenders/{world.gate_open.pk}/clear/"' in page
    assert '<button type="submit" id="tender-clear">Clear the committee</button>' in page

    response = client.post(f"/tenders/{world.gate_open.pk}/clear/")

    assert response["Location"] == f"/tenders/{world.gate_open.pk}/"
    world.gate_open.refresh_from_db()
    assert world.gate_open.state == T.CLEARED
    cleared = client.get(response["Location"])
    assert messages_of(cleared) == ["The committee was cleared."]
    assert "The committee is cleared: every member declared no conflict of interest and it was acknowledged." in (
        text(cleared)
    )


@pytest.mark.django_db
def test_clearing_a_closed_gate_is_refused_with_the_gates_reasons(world):
    client = signed_in(world.secretary)
    before = committee_state()

    response = client.post(f"/tenders/{world.declaring.pk}/clear/")

    active = world.declaring.members.filter(is_recused=False).order_by("pk")
    assert messages_of(client.get(response["Location"])) == [
        " ".join(f"{member.full_name} has not submitted a notice for this tender." for member in active)
    ]
    assert committee_state() == before


@pytest.mark.django_db
def test_the_evaluation_starts_and_closes_after_clearing(world):
    client = signed_in(world.secretary)

    started = client.post(f"/tenders/{world.cleared.pk}/start_evaluation/")
    assert messages_of(client.get(started["Location"])) == ["The evaluation has started."]
    closed = client.post(f"/tenders/{world.cleared.pk}/close/")
    assert messages_of(client.get(closed["Location"])) == ["The evaluation was closed."]

    world.cleared.refresh_from_db()
    assert world.cleared.state == T.CLOSED


@pytest.mark.django_db
def test_asking_the_members_to_declare_opens_a_notice_for_each(world):
    client = signed_in(world.secretary)
    seat = world.forming.members.get()

    response = client.post(f"/tenders/{world.forming.pk}/open_declarations/")

    assert messages_of(client.get(response["Location"])) == ["The members were asked to declare."]
    world.forming.refresh_from_db()
    assert world.forming.state == T.DECLARING
    assert list(Notice.objects.filter(tender=world.forming).values_list("filer_id", "state")) == [
        (seat.user_id, N.DRAFT)
    ]


@pytest.mark.django_db
def test_a_member_cannot_take_the_secretarys_actions(world):
    client = signed_in(world.filer)
    before = committee_state()
    page = text(client.get(f"/tenders/{world.declaring.pk}/"))
    posts = [
        (f"/tenders/{world.declaring.pk}/clear/", {}),
        (f"/tenders/{world.declaring.pk}/bidders/", {"name": "Шинэ ХХК", "register_number": ""}),
        (f"/tenders/{world.declaring.pk}/members/", {"kind": "citizen", "full_name": "А", "email": "a@example.mn"}),
    ]

    refusals = []
    for path, data in posts:
        response = client.post(path, data)
        refusals.append((response.status_code, messages_of(client.get(response["Location"]))))
    recuse = client.get(f"/tenders/{world.declaring.pk}/members/{world.recused.pk}/recuse/")

    assert 'id="bidder-form"' not in page
    assert 'id="gate"' not in page
    assert refusals == [(302, ["You are not allowed to take this action on this filing."])] * 3
    assert recuse.status_code == 404
    assert committee_state() == before


@pytest.mark.django_db
def test_a_member_sees_only_their_own_notice_and_can_open_it(world):
    response = signed_in(world.filer).get(f"/tenders/{world.declaring.pk}/")

    rows = {row.member.user_id: row for row in response.context["members"]}
    assert rows[world.filer.pk].notice.pk == world.committee.pk
    assert all(row.notice is None for user_id, row in rows.items() if user_id != world.filer.pk)
    assert f'<a href="/notices/{world.committee.pk}/">Draft</a>' in text(response)
    assert response.context["gate"] is None


# --- bidders and members -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_a_bidder_asks_the_members_again(world):
    client = signed_in(world.secretary)
    notices_before = Notice.objects.filter(tender=world.declaring).count()

    response = client.post(
        f"/tenders/{world.declaring.pk}/bidders/", {"name": "Алтан Гадас ХХК", "register_number": "7012345"}
    )

    assert messages_of(client.get(response["Location"])) == ["The bidder was added."]
    assert world.declaring.bidders.filter(name="Алтан Гадас ХХК", register_number="7012345").exists()
    active = world.declaring.members.filter(is_recused=False).count()
    assert Notice.objects.filter(tender=world.declaring).count() == notices_before + active


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "required", "number"),
    [
        ("en", "This field is required.", "Enter a company registration number of 7 digits."),
        ("mn", "Энэ талбарыг заавал бөглөнө.", "Компанийн 7 оронтой регистрийн дугаар оруулна уу."),
    ],
)
def test_a_bidder_with_errors_changes_nothing(world, language, required, number):
    client = signed_in(world.secretary)
    before = committee_state()

    unnamed = client.post(
        f"/tenders/{world.declaring.pk}/bidders/",
        {"name": "", "register_number": "7012345"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    misnumbered = client.post(
        f"/tenders/{world.declaring.pk}/bidders/",
        {"name": "Алтан ХХК", "register_number": "12"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    twice = client.post(f"/tenders/{world.declaring.pk}/bidders/", {"name": BIDDER, "register_number": "6012345"})

    assert unnamed.context["bidder_form"].errors == {"name": [required]}
    assert misnumbered.context["bidder_form"].errors == {"register_number": [number]}
    assert 'value="Алтан ХХК"' in text(misnumbered)
    assert twice.context["bidder_form"].errors == {"__all__": ["This bidder is already registered for the tender."]}
    assert committee_state() == before


@pytest.mark.django_db
def test_bidders_do_not_change_once_the_evaluation_started(world):
    tender = make_tender(T.EVALUATING, organisation=world.position.organisation, secretary=world.secretary)
    client = signed_in(world.secretary)
    before = committee_state()

    page = text(client.get(f"/tenders/{tender.pk}/"))
    response = client.post(f"/tenders/{tender.pk}/bidders/", {"name": "Хожуу ХХК"})

    assert 'id="bidder-form"' not in page
    assert messages_of(client.get(response["Location"])) == [
        "Bidders and members cannot change once the evaluation has started."
    ]
    assert committee_state() == before


@pytest.mark.django_db
def test_seating_an_external_member_invites_them(world):
    client = signed_in(world.secretary)

    response = client.post(
        f"/tenders/{world.forming.pk}/members/",
        {"kind": "association", "full_name": "Мэргэжлийн холбооны Оюун", "email": "oyun@example.mn"},
    )

    assert messages_of(client.get(response["Location"])) == ["The member was added to the committee."]
    seat = world.forming.members.get(full_name="Мэргэжлийн холбооны Оюун")
    assert (seat.kind, seat.user.email, seat.official_id) == ("association", "oyun@example.mn", None)


@pytest.mark.django_db
def test_seating_an_official_from_the_list(world):
    client = signed_in(world.secretary)
    form = client.get(f"/tenders/{world.empty.pk}/").context["member_form"]
    official = world.secretary.official
    assert (str(official.pk), official.full_name) in form.fields["official"].choices

    client.post(f"/tenders/{world.empty.pk}/members/", {"kind": "official", "official": str(official.pk)})

    seat = world.empty.members.get()
    assert (seat.kind, seat.official_id, seat.full_name) == ("official", official.pk, official.full_name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "needs", "email"),
    [
        ("en", "An external member needs a full name and an e-mail address.", "Enter a valid e-mail address."),
        (
            "mn",
            "Гадны гишүүний овог нэр болон цахим шуудангийн хаягийг заавал оруулна.",
            "Цахим шуудангийн хаягийг зөв оруулна уу.",
        ),
    ],
)
def test_a_member_with_errors_changes_nothing(world, language, needs, email):
    client = signed_in(world.secretary)
    before = committee_state()

    unnamed = client.post(
        f"/tenders/{world.forming.pk}/members/",
        {"kind": "citizen", "email": "a@example.mn"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    misaddressed = client.post(
        f"/tenders/{world.forming.pk}/members/",
        {"kind": "citizen", "full_name": "Иргэн Дорж", "email": "not-an-address"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    unchosen = client.post(f"/tenders/{world.forming.pk}/members/", {"kind": "official", "official": ""})
    twice = client.post(
        f"/tenders/{world.declaring.pk}/members/", {"kind": "citizen", "full_name": "Бат", "email": EXTERNAL_EMAIL}
    )

    assert unnamed.context["member_form"].errors == {"full_name": [needs]}
    assert misaddressed.context["member_form"].errors == {"email": [email]}
    assert 'value="Иргэн Дорж"' in text(misaddressed)
    assert unchosen.context["member_form"].errors == {"official": ["Unknown official."]}
    assert twice.context["member_form"].errors == {"__all__": ["This person already sits on the committee."]}
    assert committee_state() == before


@pytest.mark.django_db
def test_recusing_a_member_seats_the_replacement(world):
    seat = world.declaring.members.get(user=world.external)
    client = signed_in(world.secretary)
    assert 'id="recuse-form"' in text(client.get(f"/tenders/{world.declaring.pk}/members/{seat.pk}/recuse/"))

    response = client.post(
        f"/tenders/{world.declaring.pk}/members/{seat.pk}/recuse/",
        {"kind": "citizen", "full_name": "Иргэн Ганбат", "email": "ganbat@example.mn"},
    )

    assert response["Location"] == f"/tenders/{world.declaring.pk}/"
    assert messages_of(client.get(response["Location"])) == ["The member was recused and the replacement seated."]
    seat.refresh_from_db()
    assert seat.is_recused
    assert seat.replaced_by.full_name == "Иргэн Ганбат"
    assert Notice.objects.filter(tender=world.declaring, filer=seat.replaced_by.user, state=N.DRAFT).count() == 1


@pytest.mark.django_db
def test_a_recusal_with_errors_or_of_a_recused_member_changes_nothing(world):
    seat = world.declaring.members.get(user=world.external)
    client = signed_in(world.secretary)
    before = committee_state()

    invalid = client.post(
        f"/tenders/{world.declaring.pk}/members/{seat.pk}/recuse/", {"kind": "citizen", "full_name": "Иргэн Ганбат"}
    )
    again = client.post(
        f"/tenders/{world.declaring.pk}/members/{world.recused.pk}/recuse/",
        {"kind": "citizen", "full_name": "Иргэн Ганбат", "email": "ganbat@example.mn"},
    )
    missing = client.get(f"/tenders/{world.declaring.pk}/members/999999/recuse/")

    assert invalid.context["form"].errors == {"email": ["An external member needs a full name and an e-mail address."]}
    assert 'value="Иргэн Ганбат"' in text(invalid)
    assert again.context["form"].errors == {"__all__": ["This member is already recused."]}
    assert missing.status_code == 404
    assert committee_state() == before


# --- the whole committee flow --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_declares_the_reviewer_acknowledges_and_the_secretary_clears(world):
    """The flow the browser test drives: through the pages only, with the texts a person reads."""
    office = world.position.organisation
    member_position = PositionFactory(organisation=office, title="Инженер")
    tender = make_tender(T.DECLARING, organisation=office, secretary=world.secretary, members=[member_position])
    member = signed_in(member_position.official.user)
    reviewer = signed_in(world.reviewer)
    secretary = signed_in(world.secretary)

    listed = text(member.get("/notices/"))
    notice = Notice.objects.get(tender=tender)
    assert "You must declare before the tender is evaluated." in listed
    assert f'<a href="/notices/{notice.pk}/">Declare</a>' in listed
    opened = member.get(f"/notices/{notice.pk}/")
    assert tender.reference_number in text(opened)
    filed = member.post(
        f"/notices/{notice.pk}/edit/",
        {**opened.context["committee_form"].initial, "outcome": "no_conflict", "action": "submit"},
    )
    assert messages_of(member.get(filed["Location"])) == ["The notice was submitted."]

    gate = secretary.get(f"/tenders/{tender.pk}/").context["gate"]
    assert [re.sub("<[^>]+>", "", str(problem)) for problem in gate] == [
        f"The notice of {member_position.official.full_name} has not been acknowledged yet."
    ]

    assert notice.pk in [row.pk for row, _name in reviewer.get("/review/notices/").context["rows"]]
    reviewer.post(f"/review/notices/{notice.pk}/start_review/")
    reviewer.post(f"/review/notices/{notice.pk}/acknowledge/", {"comment": ""})
    notice.refresh_from_db()
    assert notice.state == N.ACKNOWLEDGED

    page = text(secretary.get(f"/tenders/{tender.pk}/"))
    assert "the committee can be cleared." in page
    secretary.post(f"/tenders/{tender.pk}/clear/")
    tender.refresh_from_db()
    assert tender.state == T.CLEARED
