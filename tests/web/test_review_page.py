"""The review page of one declaration: its facts, content, history, machine checks, the year-over-year
comparison with its changes marked, the actions open to the reviewer, and its queries."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from declarations.content import FORM_2023
from declarations.models import DeclarationState
from tests.factories import PositionFactory, make_declaration, make_reviewer
from tests.web.pages_review import review_scene
from web.review import money, path_label
from workflow import services

S = DeclarationState


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(client: Client, declaration, language: str = "en") -> str:
    response = client.get(f"/review/declarations/{declaration.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def buttons(page: str) -> list[str]:
    return re.findall(r'<button type="submit" id="([^"]+)"', page)


def section_html(page: str, element_id: str) -> str:
    """One of the page's parts, up to the next one (the parts hold sections of their own)."""
    start = page.index(f'<section id="{element_id}"')
    ends = [page.find(mark, start + 1) for mark in ('<section id="', "</article>")]
    return page[start : min(end for end in ends if end != -1)]


def text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


@pytest.fixture
def scene():
    return review_scene()


# --- the page and its actions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_the_declaration_its_filer_and_its_history(scene):
    page = page_of(signed_in(scene.reviewer), scene.resubmitted)

    facts = text(re.search(r'<dl id="declaration-facts">(.*?)</dl>', page, re.S).group(1))
    assert re.fullmatch(
        r"Declaration Annual, 2024 Organisation Санхүүгийн хэлтэс Position Хэлтсийн дарга State Submitted "
        r"Submitted on \d{4}-\d\d-\d\d \d\d:\d\d Submission Revision 2",
        facts,
    )
    assert '<h1 translate="no">Батбаярын Тэмүүжин</h1>' in page
    history = [text(item) for item in re.findall(r"<li>(.*?)</li>", section_html(page, "history"), re.S)]
    reviewer_name = scene.reviewer.official.full_name
    assert [re.sub(r"^\S+ \S+ : ", "", item) for item in history if not item.startswith("Real estate")] == [
        "Submitted (Draft → Submitted), Батбаярын Тэмүүжин",
        f"Review started (Submitted → Under review), {reviewer_name}",
        f"Returned for correction (Under review → Returned for correction), {reviewer_name} "
        "Үл хөдлөх хөрөнгийн үнэлгээг шалгана уу. Real estate 1 › Value (MNT): Үнэлгээ буруу.",
        "Submitted again after correction (Returned for correction → Submitted), Батбаярын Тэмүүжин",
    ]
    content = section_html(page, "declared-content")
    assert "<h3>Real estate</h3>" in content
    assert '<dd translate="no">300000000.00</dd>' in content  # the revision submitted again, not the first


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "which", "expected"),
    [
        ("reviewer", "first", ["start-review"]),
        ("reviewer", "under_review", ["return-for-correction", "accept", "refer"]),
        ("reviewer", "accepted", ["publish"]),
        ("reviewer", "referred", []),
        ("agency", "referred", ["conclude"]),
        ("agency", "concluded", ["publish"]),
    ],
)
def test_only_the_actions_open_to_the_reviewer_are_offered(scene, who, which, expected):
    page = page_of(signed_in(getattr(scene, who)), getattr(scene, which))

    assert [button for button in buttons(page) if button != "queue-filter"] == expected
    assert ("No action is open to you in this state." in page) == (expected == [])


@pytest.mark.django_db
def test_the_return_form_offers_the_contents_fields_and_three_blank_remarks(scene):
    page = page_of(signed_in(scene.reviewer), scene.under_review)

    form = re.search(r'<form method="post" action="[^"]*/return/" id="return-form".*?</form>', page, re.S).group(0)
    assert '<label for="id_return-comment">Comment for the filer:</label>' in form
    assert '<input type="hidden" name="remarks-TOTAL_FORMS" value="3" id="id_remarks-TOTAL_FORMS">' in form
    assert re.findall(r"<legend>(Remark \d)</legend>", form) == ["Remark 1", "Remark 2", "Remark 3"]
    assert '<label for="id_remarks-2-path">Field:</label>' in form
    assert '<label for="id_remarks-2-message">What to correct:</label>' in form
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', form.split('id="id_remarks-1-path"')[0])
    assert '<option value="" selected>Choose a field</option>' in form
    assert options[:3] == [
        ("personal", "Personal data: the whole section"),
        ("personal.full_name", "Personal data › Full name"),
        ("personal.register_number", "Personal data › Registration number"),
    ]
    assert ("real_estate[1].value_mnt", "Real estate 2 › Value (MNT)") in options
    assert ("family_members[0].companies[0].share_percent", "Family members 1 › Companies 1 › Share (%)") in options
    assert ("family_members[1].companies", "Family members 2 › Companies") not in options  # an empty list
    assert '<button type="button" id="add-remark" hidden>Add another remark</button>' in form


@pytest.mark.django_db
def test_the_page_of_a_concluded_declaration_shows_the_internal_notes_to_the_agency_only(scene):
    agency = page_of(signed_in(scene.agency), scene.concluded)
    reviewer = page_of(signed_in(scene.reviewer), scene.concluded)

    assert "Internal notes for the agency" in section_html(agency, "conclusions")
    assert "Өв залгамжлалын гэрчилгээг шалгасан." in agency
    assert "Өв залгамжлалын гэрчилгээг шалгасан." not in reviewer
    assert "Хөрөнгийн өсөлт өв залгамжлалаар тайлбарлагдсан." in section_html(reviewer, "conclusions")
    # The conclusion's step names the finding by its label; the referral's reason shows to both.
    assert "Concluded by the agency (Referred to the agency → Concluded by the agency)" in text(
        section_html(reviewer, "history")
    )
    assert "No violation" in text(section_html(reviewer, "history"))
    assert "Хөрөнгийн өсөлтийг орлогоор тайлбарлах боломжгүй." in section_html(reviewer, "history")


# --- comparison and checks --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_comparison_marks_new_removed_and_changed_rows_in_words_and_by_class(scene):
    page = page_of(signed_in(scene.reviewer), scene.resubmitted)
    comparison = section_html(page, "comparison")

    assert text(re.search(r'<p id="compared-with">(.*?)</p>', comparison, re.S).group(1)).startswith(
        f"Compared with: Annual, 2023 (declaration no. {scene.accepted.pk}, Accepted)."
    )
    totals = re.search(r'<table class="comparison" id="comparison-totals">(.*?)</table>', comparison, re.S).group(1)
    assert [text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", totals, re.S)][1:] == [
        "Total assets (real estate, vehicles, bank accounts, securities) 385 530 000.00 378 530 000.00 "
        "-7 000 000.00 Decreased",
        "Total income 45 600 000.00 59 200 000.00 +13 600 000.00 Increased",
        "Outstanding loans 20 000 000.00 20 000 000.00 0.00 Unchanged",
    ]
    assert re.findall(r'<tr class="(cmp-\w+)"><th scope="row">', totals) == [
        "cmp-decreased",
        "cmp-increased",
        "cmp-unchanged",
    ]
    rows = {
        text(cells): status
        for status, cells in re.findall(r'<tr class="cmp-(\w+)">\s*<td>(.*?)</tr>', comparison, re.S)
    }
    assert rows == {
        "Shareholder: Говь-Алт ХХК, 2345678 Unchanged": "unchanged",
        "Apartment: Улаанбаатар хот, Баянзүрх дүүрэг, 26-р хороо, 45-р байр 31 тоот Value (MNT): 280 000 000.00 → "
        "300 000 000.00 280 000 000.00 300 000 000.00 +20 000 000.00 Changed": "changed",
        "Land: Төв аймаг, Эрдэнэ сум, Тэрэлжийн ам, 1860004417 45 000 000.00 45 000 000.00 0.00 Unchanged": "unchanged",
        "Toyota, Prius 41, 2016, 1234УБА 32 000 000.00 — -32 000 000.00 Removed": "removed",
        "Хаан банк, 5012987654, MNT 15 400 000.00 15 400 000.00 0.00 Unchanged": "unchanged",
        "Голомт банк, 1105003321, USD 10 880 000.00 10 880 000.00 0.00 Unchanged": "unchanged",
        "Төрийн банк, 3400112233, MNT — 5 000 000.00 +5 000 000.00 New": "added",
        "Shares: АПУ ХК, 2081911 2 250 000.00 2 250 000.00 0.00 Unchanged": "unchanged",
        "Salary: Сангийн яам Amount (MNT): 38 400 000.00 → 42 000 000.00 38 400 000.00 42 000 000.00 +3 600 000.00 "
        "Changed": "changed",
        "Rental income: Орон сууцны түрээс 7 200 000.00 7 200 000.00 0.00 Unchanged": "unchanged",
        "Business income: Говь-Алт ХХК — 10 000 000.00 +10 000 000.00 New": "added",
        "Хаан банк, MNT, 2017-08-01 20 000 000.00 20 000 000.00 0.00 Unchanged": "unchanged",
        "Spouse: Должинсүрэнгийн Сарангэрэл, Сарнай Эм Хангамж ХХК, 5123456 Share (%): 100.00 → 50.00 "
        "Changed": "changed",
    }
    assert '<tr class="cmp-removed">' in comparison
    assert '<span class="marker">Removed</span>' in comparison
    vehicles = comparison.split('id="compare-vehicles"')[1].split("<h3")[0]
    assert text(re.search(r'<ul class="section-changes">(.*?)</ul>', vehicles, re.S).group(1)) == (
        "New items: 0 Removed items: 1 Changed items: 0"
    )
    assert "The machine checks found nothing to point at." in section_html(page, "checks")


@pytest.mark.django_db
def test_the_comparison_in_mongolian_marks_changes_in_words(scene):
    comparison = section_html(page_of(signed_in(scene.reviewer), scene.resubmitted, "mn"), "comparison")

    assert '<span class="marker">Өөрчлөгдсөн</span>' in comparison
    assert '<span class="marker">Хасагдсан</span>' in comparison
    assert '<span class="marker">Шинэ</span>' in comparison


@pytest.mark.django_db
def test_the_machine_checks_are_listed_with_their_amounts(scene):
    page = page_of(signed_in(scene.reviewer), scene.under_review)

    checks = [text(item) for item in re.findall(r'<li class="check">(.*?)</li>', section_html(page, "checks"), re.S)]
    assert checks == [
        "Look at this: Net assets (assets less outstanding loans) grew by 50 000 000.00 MNT since the previous "
        "declaration, more than the 0.00 MNT of income declared.",
        "Look at this: Loan 1, of 60 000 000.00 MNT, is more than 80% of the 0.00 MNT of income declared.",
    ]
    comparison = section_html(page, "comparison")
    assert "No income declared in either declaration." in comparison
    securities = comparison.split('id="compare-securities"')[1].split("<h3")[0]
    assert "Nothing declared in either declaration." in securities


@pytest.mark.django_db
def test_without_a_previous_declaration_the_page_says_so_and_shows_the_totals(scene):
    comparison = section_html(page_of(signed_in(scene.reviewer), scene.first), "comparison")

    assert "The filer has no earlier accepted or published declaration to compare with." in comparison
    assert [text(row) for row in re.findall(r"<tbody>(.*?)</tbody>", comparison, re.S)] == [
        "Total assets (real estate, vehicles, bank accounts, securities) 385 530 000.00 "
        "Total income 45 600 000.00 Outstanding loans 41 250 000.00"
    ]
    assert "cmp-" not in comparison


# --- queries ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_takes_the_same_number_of_queries_whatever_its_history(django_assert_num_queries):
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    make_declaration(S.ACCEPTED, position=position, reviewer=reviewer, year=2023)
    short = make_declaration(S.SUBMITTED, position=position, year=2024)
    long = make_declaration(S.RETURNED, position=position, reviewer=reviewer, year=2022, kind="appointment")
    services.declaration_resubmit(actor=position.official.user, declaration_id=long.pk)
    services.declaration_start_review(actor=reviewer, declaration_id=long.pk)
    client = signed_in(reviewer)
    client.get(f"/review/declarations/{short.pk}/")

    with django_assert_num_queries(PAGE_QUERIES):
        client.get(f"/review/declarations/{short.pk}/")
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(f"/review/declarations/{long.pk}/")


# The session and its user; the reviewer's permissions (user, groups) and organisation grants; the declaration;
# the reviewer's registration number and per-filing grants (separation of duties, the agency's scope); the
# revision and the previous declaration's; the conclusions; the history with its actors.
PAGE_QUERIES = 13  # with the menu: whether the user is an official


# --- display helpers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("real_estate", "Real estate"),
        ("real_estate[0]", "Real estate 1"),
        ("real_estate[1].area_m2", "Real estate 2 › Area (m²)"),
        ("personal.birth_date", "Personal data › Date of birth"),
        ("family_members[0].companies[2].company_name", "Family members 1 › Companies 3 › Company name"),
        ("real_estate[0].nonsense", "real_estate[0].nonsense"),
        ("nonsense[0]", "nonsense[0]"),
        ("personal.full_name.more", "personal.full_name.more"),
        ("personal.full_name[0]", "personal.full_name[0]"),
        ("real_estate[x]", "real_estate[x]"),
    ],
)
def test_a_remark_path_reads_in_the_forms_words(path, label):
    assert path_label(FORM_2023, path) == label


@pytest.mark.parametrize(
    ("value", "signed", "shown"),
    [
        (Decimal("1234567.5"), False, "1\u00a0234\u00a0567.50"),
        (Decimal("1234567.5"), True, "+1\u00a0234\u00a0567.50"),
        (Decimal("-32000000.00"), True, "-32\u00a0000\u00a0000.00"),
        (Decimal(0), True, "0.00"),
        (None, False, "—"),
    ],
)
def test_amounts_are_grouped_by_thousands(value, signed, shown):
    assert money(value, signed=signed) == shown
