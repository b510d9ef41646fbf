"""The reviewer's queue page, /review/: what it lists, its filters and counts per state, its pages, its scope."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from declarations.models import DeclarationKind, DeclarationState
from tests.factories import (
    OrganisationFactory,
    PositionFactory,
    assign_to_agency,
    make_declaration,
    make_reviewer,
)
from web import review

S = DeclarationState


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(response) -> list[str]:
    """The filers' names in the queue, in order."""
    page = response.content.decode()
    return [html.unescape(name) for name in re.findall(r'id="review-\d+" translate="no">([^<]*)</a>', page)]


def state_counts(response) -> list[str]:
    match = re.search(r'<ul class="counts" id="queue-counts"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert match, "the page shows no counts"
    items = re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


def errors_of(response) -> list[str]:
    page = response.content.decode()
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item))
        for item in re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', page, re.S)
    ]


@pytest.fixture
def queue():
    """An aimag's ЭБАТ; filings of its department and of the aimag office, and filings the queue leaves out."""
    aimag = OrganisationFactory(kind="governor_office", name="Дорноговь аймгийн ЗДТГ")
    department = OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс")
    reviewer = make_reviewer(aimag)

    def official(name, organisation=department):
        return PositionFactory(organisation=organisation, official__full_name=name)

    # In submission order: the oldest first.
    bold = make_declaration(S.SUBMITTED, position=official("Болдын Батаа"), year=2024)
    saraa = make_declaration(S.UNDER_REVIEW, position=official("Дорждэрэмийн Сараа"), reviewer=reviewer, year=2024)
    tuya = make_declaration(S.SUBMITTED, position=official("Туяагийн Ганзориг"), year=2023)
    office = make_declaration(
        S.SUBMITTED,
        position=official("Оюуны Мөнх", organisation=aimag),
        kind=DeclarationKind.SIGNIFICANT_CHANGE,
        year=2024,
    )
    # Not waiting for review, the ЭБАТ's own, and outside the scope.
    make_declaration(S.ACCEPTED, position=official("Хүлээн Авсан"), reviewer=reviewer, year=2022)
    make_declaration(S.DRAFT, position=official("Ноорог Хэвээр"), year=2024)
    make_declaration(S.SUBMITTED, position=reviewer.official.positions.get(), year=2024)
    outside = OrganisationFactory(name="Өмнөговь аймгийн ЗДТГ")
    make_declaration(S.SUBMITTED, position=official("Гадна Байгаа", organisation=outside), year=2024)
    return {
        "aimag": aimag,
        "department": department,
        "outside": outside,
        "reviewer": reviewer,
        "declarations": {"bold": bold, "saraa": saraa, "tuya": tuya, "office": office},
        "client": signed_in(reviewer),
    }


ALL = ["Болдын Батаа", "Дорждэрэмийн Сараа", "Туяагийн Ганзориг", "Оюуны Мөнх"]


@pytest.mark.django_db
def test_the_queue_lists_what_waits_in_scope_oldest_submission_first_with_counts_per_state(queue):
    response = queue["client"].get("/review/")

    assert response.status_code == 200
    assert listed(response) == ALL
    assert state_counts(response) == ["All states: 4", "Submitted: 3", "Under review: 1"]
    page = response.content.decode()
    bold = queue["declarations"]["bold"]
    assert f'<a href="/review/declarations/{bold.pk}/" id="review-{bold.pk}" translate="no">Болдын Батаа</a>' in page
    assert "Annual, 2024" in page
    assert '<span translate="no">Санхүүгийн хэлтэс, Мэргэжилтэн</span>' in page


@pytest.mark.django_db
def test_the_queue_counts_in_mongolian():
    reviewer = make_reviewer(OrganisationFactory())

    response = signed_in(reviewer).get("/review/", HTTP_ACCEPT_LANGUAGE="mn")

    assert state_counts(response) == ["Бүх төлөв: 0", "Илгээсэн: 0", "Хянаж байгаа: 0"]
    assert "Эдгээр шүүлтүүрээр таны хянахыг хүлээж буй мэдүүлэг алга." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected", "counts"),
    [
        ({"state": "under_review"}, ["Дорждэрэмийн Сараа"], ["All states: 4", "Submitted: 3", "Under review: 1"]),
        ({"state": "submitted"}, ["Болдын Батаа", "Туяагийн Ганзориг", "Оюуны Мөнх"], None),
        ({"year": "2023"}, ["Туяагийн Ганзориг"], ["All states: 1", "Submitted: 1", "Under review: 0"]),
        ({"kind": "significant_change"}, ["Оюуны Мөнх"], ["All states: 1", "Submitted: 1", "Under review: 0"]),
        # The name is folded for case like the stored search column: Cyrillic capitals do not matter.
        ({"q": "  САРАА "}, ["Дорждэрэмийн Сараа"], ["All states: 1", "Submitted: 0", "Under review: 1"]),
        ({"q": "нзор"}, ["Туяагийн Ганзориг"], None),
        ({"year": "2024", "state": "submitted"}, ["Болдын Батаа", "Оюуны Мөнх"], None),
        ({"year": "1999"}, [], ["All states: 0", "Submitted: 0", "Under review: 0"]),
    ],
)
def test_the_queue_filters(queue, query, expected, counts):
    response = queue["client"].get("/review/", query)

    assert response.status_code == 200
    assert listed(response) == expected
    if counts is not None:
        assert state_counts(response) == counts


@pytest.mark.django_db
def test_the_organisation_filter_takes_its_whole_subtree(queue):
    client = queue["client"]

    department = client.get("/review/", {"organisation": queue["department"].pk})
    aimag = client.get("/review/", {"organisation": queue["aimag"].pk})

    assert listed(department) == ["Болдын Батаа", "Дорждэрэмийн Сараа", "Туяагийн Ганзориг"]
    assert state_counts(department) == ["All states: 3", "Submitted: 2", "Under review: 1"]
    assert listed(aimag) == ALL


@pytest.mark.django_db
def test_the_organisation_filter_offers_only_the_reviewers_scope(queue):
    page = queue["client"].get("/review/").content.decode()

    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', page)
    assert options == [
        (str(queue["aimag"].pk), "Дорноговь аймгийн ЗДТГ"),
        (str(queue["department"].pk), "— Санхүүгийн хэлтэс"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "last"}, "Enter a whole number."),
        ({"state": "accepted"}, "Select a valid choice. accepted is not one of the available choices."),
        ({"kind": "leaving"}, "Select a valid choice. leaving is not one of the available choices."),
    ],
)
def test_a_wrong_filter_is_shown_next_to_its_field_and_lists_nothing(queue, query, message):
    response = queue["client"].get("/review/", query)

    assert response.status_code == 200
    assert errors_of(response) == [message]
    assert listed(response) == []
    assert "Correct the filters to see the queue." in response.content.decode()


@pytest.mark.django_db
def test_an_organisation_outside_the_scope_is_not_a_choice(queue):
    response = queue["client"].get("/review/", {"organisation": queue["outside"].pk})

    assert errors_of(response) == ["Select a valid choice. That choice is not one of the available choices."]
    assert listed(response) == []


@pytest.mark.django_db
def test_the_queue_has_pages_and_keeps_the_filters(queue, monkeypatch):
    monkeypatch.setattr(review, "PAGE_SIZE", 2)
    client = queue["client"]

    first = client.get("/review/", {"year": "2024"})
    second = client.get("/review/", {"year": "2024", "page": "2"})
    beyond = client.get("/review/", {"year": "2024", "page": "99"})
    garbage = client.get("/review/", {"year": "2024", "page": "x"})

    assert listed(first) == ["Болдын Батаа", "Дорждэрэмийн Сараа"]
    assert '<a href="?year=2024&amp;page=2" rel="next">Next page</a>' in first.content.decode()
    assert "Page 1. Number of pages: 2" in first.content.decode()
    assert listed(second) == ["Оюуны Мөнх"]
    assert '<a href="?year=2024&amp;page=1" rel="prev">Previous page</a>' in second.content.decode()
    assert 'rel="next"' not in second.content.decode()
    assert listed(beyond) == ["Оюуны Мөнх"]
    assert listed(garbage) == listed(first)
    # The counts link to a state with the other filters kept, back on the first page.
    assert '<a href="?year=2024&amp;state=submitted">Submitted</a>: 2' in second.content.decode()


@pytest.mark.django_db
def test_a_plain_filer_has_an_empty_queue(queue):
    filer = queue["declarations"]["bold"].official.user

    response = signed_in(filer).get("/review/")

    assert response.status_code == 200
    assert listed(response) == []
    assert state_counts(response) == ["All states: 0", "Submitted: 0", "Under review: 0"]
    assert re.findall(r'<option value="(\d+)"', response.content.decode()) == []


@pytest.mark.django_db
def test_signing_in_is_required():
    response = Client().get("/review/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/review/"


@pytest.mark.django_db
def test_the_agency_reviewer_sees_the_referred_declarations_assigned_to_them(queue):
    referred = make_declaration(
        S.REFERRED, position=PositionFactory(organisation=queue["department"]), reviewer=queue["reviewer"]
    )
    agency = assign_to_agency(referred)

    response = signed_in(agency).get("/review/")
    reviewer_view = queue["client"].get("/review/")

    assert listed(response) == [referred.official.full_name]
    assert state_counts(response) == ["All states: 1", "Submitted: 0", "Under review: 0", "Referred to the agency: 1"]
    options = re.findall(r'<option value="(\d+)"', response.content.decode())
    assert options == [str(queue["department"].pk)]
    assert referred.official.full_name not in listed(reviewer_view)


@pytest.mark.django_db
def test_the_queue_takes_the_same_number_of_queries_for_more_rows(queue, django_assert_num_queries):
    client = queue["client"]
    client.get("/review/")  # warm the content-type and session caches
    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(listed(client.get("/review/", {"organisation": queue["aimag"].pk}))) == 4

    more = PositionFactory(organisation=queue["department"])
    for year in (2021, 2022, 2023, 2024):
        make_declaration(S.SUBMITTED, position=more, year=year)

    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(listed(client.get("/review/", {"organisation": queue["aimag"].pk}))) == 8


# The session and its user; the reviewer's permissions (user, groups), organisation grants and registration number;
# the organisation filter's check and its choices; the counts per state (one GROUP BY); the page of rows.
QUEUE_QUERIES = 11  # with the menu: whether the user is an official


@pytest.mark.django_db
def test_the_counts_per_state_are_one_query(queue, django_assert_num_queries):
    from workflow import policies, review_queue

    reviewer = queue["reviewer"]
    narrowed = review_queue.filter_queue(policies.review_queue_for(reviewer), year=2024)
    policies.reviewer_organisation_paths(reviewer)  # the scope, read once per request

    with django_assert_num_queries(1):
        counts = review_queue.state_counts(narrowed, review_queue.queue_states_for(reviewer))

    assert counts == {"submitted": 2, "under_review": 1}
