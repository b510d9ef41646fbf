"""The public register's pages: the search with its filters and pages, a record with its sections, the
conclusion, the links between corrections and the tombstone of a withdrawal; open to anyone, read-only,
escaped. An anonymous visitor reaches the register and no other page."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone

from declarations.models import PublicSnapshot
from tests.factories import (
    TRANSITION_ARGS,
    OrganisationFactory,
    PositionFactory,
    make_declaration,
)
from tests.register_factories import publish_declaration
from web import urls as web_urls
from workflow import register, services

WITHDRAWAL_REASON = TRANSITION_ARGS["withdraw_publication"]["reason"]
CONCLUSION = TRANSITION_ARGS["conclude"]
RESULT_LINK = re.compile(r'<a href="/register/(\d+)/"[^>]*>')


def page(path: str, params=None, language: str = "en") -> str:
    response = Client().get(path, params or {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response
    return response.content.decode()


def results(text: str) -> list[int]:
    """The ids of the records a search page lists, in order."""
    match = re.search(r'<ol class="register-results">(.*?)</ol>', text, re.S)
    return [int(pk) for pk in RESULT_LINK.findall(match.group(1))] if match else []


def text_of(markup: str) -> str:
    """The page's text: inline tags dropped, other tags a space, entities decoded, whitespace collapsed."""
    inline = re.sub(r"</?(?:a|strong|time)\b[^>]*>", "", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def links(text: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]*)" rel="{rel}">', text)
    return html.unescape(match.group(1)) if match else None


# --- the search page --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_sees_the_register_newest_first(records):
    r = records

    text = page("/register/")

    assert results(text) == [r.oyun.pk, r.nomin.pk, r.bat.pk, r.saraa.pk, r.bold.pk]
    shown = text_of(text)
    assert "Батын Болд: Annual, 2024 Санхүүгийн хэлтэс, Хэлтсийн дарга Published on" in shown
    assert "Ганбатын Оюун: Significant change, 2025" in shown
    assert "· publication withdrawn" in shown
    assert 'href="/api/v1/register/export.csv"' in text
    assert 'href="/api/v1/register/export.jsonl"' in text


@pytest.mark.django_db
def test_the_search_form_labels_every_field(records):
    text = page("/register/")

    for name, label in [
        ("q", "Name of the official"),
        ("organisation", "Organisation"),
        ("position", "Position title"),
        ("year", "Year"),
        ("kind", "Kind of record"),
    ]:
        assert f'<label for="id_{name}">{label}:</label>' in text
        assert f'name="{name}"' in text
        assert f'id="id_{name}"' in text
    # The organisations in tree order, a unit indented under its parent.
    options = re.findall(r'<option value="(\d+)">([^<]*)</option>', text)
    tree = records.tree
    assert [
        (int(pk), html.unescape(name)) for pk, name in options if int(pk) in (tree.aimag.pk, tree.department.pk)
    ] == [
        (tree.aimag.pk, "Дорноговь аймгийн ЗДТГ"),
        (tree.department.pk, "— Санхүүгийн хэлтэс"),
    ]


SEARCHES = [
    ({"q": "бат"}, ["oyun", "bat", "bold"]),
    ({"q": "БОЛД"}, ["bat", "bold"]),
    ({"organisation": "aimag"}, ["oyun", "nomin", "saraa", "bold"]),
    ({"organisation": "elsewhere"}, ["bat"]),
    ({"position": "ДАРГА"}, ["oyun", "bold"]),
    ({"year": "2024"}, ["bold"]),
    ({"kind": "notice"}, ["nomin"]),
    ({"kind": "annual", "year": "2025"}, ["bat"]),
    ({"q": "", "organisation": "", "position": "", "year": "", "kind": ""}, ["oyun", "nomin", "bat", "saraa", "bold"]),
]


@pytest.mark.django_db
def test_each_filter_narrows_the_list(records):
    def search(params):
        if params.get("organisation"):
            params = {**params, "organisation": getattr(records.tree, params["organisation"]).pk}
        return results(page("/register/", params))

    found = {repr(params): search(params) for params, _expected in SEARCHES}

    assert found == {repr(params): [getattr(records, name).pk for name in expected] for params, expected in SEARCHES}


@pytest.mark.django_db
def test_a_bad_value_is_explained_next_to_its_field_and_nothing_is_listed(records):
    text = page("/register/", {"year": "abc", "kind": "leaving"})

    assert results(text) == []
    assert '<ul class="errorlist" id="id_year_error"><li>Enter a whole number.</li></ul>' in text
    assert "Select a valid choice. leaving is not one of the available choices." in text
    assert "No published record matches the search." in text


@pytest.mark.django_db
def test_the_list_is_paged_and_the_pages_keep_the_search(records, monkeypatch):
    monkeypatch.setattr(register, "PAGE_SIZE", 2)
    r = records

    first = page("/register/")
    second = page("/register/" + links(first, "next"))
    third = page("/register/" + links(second, "next"))
    back = page("/register/" + links(third, "prev"))
    filtered = page("/register/", {"q": "бат"})
    filtered_next = links(filtered, "next")

    assert (results(first), links(first, "prev"), links(first, "next")) == (
        [r.oyun.pk, r.nomin.pk],
        None,
        f"?after={r.nomin.pk}",
    )
    assert results(second) == [r.bat.pk, r.saraa.pk]
    assert (results(third), links(third, "next")) == ([r.bold.pk], None)
    assert results(back) == [r.bat.pk, r.saraa.pk]
    assert results(filtered) == [r.oyun.pk, r.bat.pk]
    assert filtered_next == f"?q=%D0%B1%D0%B0%D1%82&after={r.bat.pk}"
    assert results(page("/register/" + filtered_next)) == [r.bold.pk]
    # A position that is not a record id starts from the beginning.
    assert results(page("/register/", {"after": "abc"})) == [r.oyun.pk, r.nomin.pk]


@pytest.mark.django_db
def test_an_empty_register_says_so():
    text = page("/register/")

    assert results(text) == []
    assert "No published record matches the search." in text


# --- a record ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_declaration_shows_its_public_content_in_the_forms_sections(tree):
    position = PositionFactory(organisation=tree.department, title="Хэлтсийн дарга", official__full_name="Батын Болд")
    declaration = make_declaration("concluded", position=position, reviewer=tree.reviewer, supervisor=tree.supervisor)
    services.declaration_publish(actor=tree.reviewer, declaration_id=declaration.pk)
    record = PublicSnapshot.objects.get(declaration=declaration)

    text = page(f"/register/{record.pk}/")

    shown = text_of(text)
    assert '<h1 translate="no">Батын Болд</h1>' in text
    assert "Kind of record Annual Year 2025 Organisation Санхүүгийн хэлтэс Position title Хэлтсийн дарга" in shown
    assert re.findall(r"<h2>([^<]*)</h2>", text) == [
        "Personal data",
        "Positions and jobs",
        "Business interests and shareholdings",
        "Real estate",
        "Vehicles",
        "Bank accounts",
        "Securities",
        "Income",
        "Loans and debts",
        "Gifts",
        "Family members",
        "Conclusion of the agency",
    ]
    assert (
        "Company name Говь-Алт ХХК Role Shareholder Share (%) 25.00 Acquired on 2016-04-20" in shown
    )  # a choice shows its label
    assert "Description Хүндэт тэмдэг, дурсгалын бэлэг" in shown
    assert '<dd translate="no">Хүндэт тэмдэг,<br>дурсгалын бэлэг</dd>' in text
    assert "Relationship Spouse Occupation Эмч" in shown
    assert "Companies Company name Сарнай Эм Хангамж ХХК Share (%) 100.00" in shown
    assert "Relationship Child Companies Nothing declared." in shown
    concluded_on = declaration.conclusions.get().concluded_at
    assert (
        f"Finding No violation Legal article {CONCLUSION['legal_article']} Reasoning {CONCLUSION['reasoning']} "
        f"Concluded at {timezone.localtime(concluded_on).date():%Y-%m-%d}"
    ) in shown
    # What the snapshot left out is not there to show, not even its label.
    for private in ("УБ90051234", "Должинсүрэнгийн Сарангэрэл", "5012987654", "1234УБА"):
        assert private not in text
    for label in ("Registration number", "Date of birth", "Home address", "Phone number", "Account number"):
        assert label not in shown


@pytest.mark.django_db
def test_a_notice_shows_its_public_fields_with_their_labels(records):
    text = page(f"/register/{records.nomin.pk}/")

    assert (
        "The notice Category Concluding a contract Matter Замын засварын гэрээ Reference number ГЭ-2025/017 "
        "Action date 2023-06-01 Declared outcome No conflict of interest Filed late Yes Supplementary No"
    ) in text_of(text)


@pytest.mark.django_db
def test_a_correction_and_the_original_link_to_each_other(tree):
    position = PositionFactory(organisation=tree.department, official__full_name="Батын Болд")
    original = make_declaration("published", position=position, reviewer=tree.reviewer)
    filer = position.official.user
    correction = services.declaration_create_correction(actor=filer, corrects_id=original.pk)
    for name, actor in [("submit", filer), ("start_review", tree.reviewer), ("accept", tree.reviewer)]:
        services.TRANSITION_SERVICES[name](actor=actor, declaration_id=correction.pk)
    services.declaration_publish(actor=tree.reviewer, declaration_id=correction.pk)
    original_pk = PublicSnapshot.objects.get(declaration=original).pk
    correction_pk = PublicSnapshot.objects.get(declaration=correction).pk

    original_page = page(f"/register/{original_pk}/")
    correction_page = page(f"/register/{correction_pk}/")
    listed = text_of(page("/register/"))

    assert (
        f'This record was corrected by:\n      <a href="/register/{correction_pk}/">Record {correction_pk}</a>'
        in original_page
    )
    assert "This record corrects" not in original_page
    assert (
        f'This record corrects an earlier one: <a href="/register/{original_pk}/">Record {original_pk}</a>'
        in correction_page
    )
    assert "This record was corrected by" not in correction_page
    assert listed.count("· a correction") == 1


@pytest.mark.django_db
def test_a_withdrawn_record_shows_its_tombstone_and_no_content(records):
    oyun = PublicSnapshot.objects.get(pk=records.oyun.pk)

    text = page(f"/register/{oyun.pk}/")

    shown = text_of(text)
    withdrawn_on = timezone.localtime(oyun.withdrawn_at).date()
    assert (
        f"Publication withdrawn Withdrawn on {withdrawn_on:%Y-%m-%d} Reason: {WITHDRAWAL_REASON} "
        "The content of a withdrawn publication is no longer shown."
    ) in shown
    assert '<h1 translate="no">Ганбатын Оюун</h1>' in text
    assert re.findall(r"<h2>([^<]*)</h2>", text) == ["Publication withdrawn"]
    for public_value in ("Говь-Алт ХХК", "Сангийн яам", "280000000.00", "Хаан банк"):
        assert public_value not in text


@pytest.mark.django_db
def test_a_missing_record_is_404_and_the_pages_are_read_only(records):
    client = Client()
    before = list(PublicSnapshot.objects.order_by("pk").values())

    missing = client.get("/register/999999/")
    posted = {
        path: client.post(path, {"q": "x"}).status_code for path in ("/register/", f"/register/{records.bold.pk}/")
    }

    assert missing.status_code == 404
    assert posted == {"/register/": 405, f"/register/{records.bold.pk}/": 405}
    assert list(PublicSnapshot.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_the_pages_escape_what_they_show(tree):
    organisation = OrganisationFactory(parent=tree.aimag, name='<b onmouseover="x">Хэлтэс</b>')
    hostile = publish_declaration(tree, organisation, name="<script>alert('нэр')</script>", title="<i>Дарга</i>")

    for text in (page("/register/"), page(f"/register/{hostile.pk}/")):
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(&#x27;нэр&#x27;)&lt;/script&gt;" in text
        assert "<b onmouseover" not in text
        assert "&lt;b onmouseover=&quot;x&quot;&gt;Хэлтэс&lt;/b&gt;" in text
        assert "<i>Дарга</i>" not in text


@pytest.mark.django_db
def test_the_pages_render_in_mongolian_too(records):
    for path in ("/register/", f"/register/{records.bold.pk}/", f"/register/{records.oyun.pk}/"):
        response = Client().get(path, HTTP_ACCEPT_LANGUAGE="mn")

        assert (response.status_code, response["Content-Language"]) == (200, "mn")
        assert '<html lang="mn">' in response.content.decode()


@pytest.mark.django_db
def test_every_page_links_to_the_register():
    assert '<a href="/register/">Public register</a>' in page("/")
    assert '<a href="/register/">Public register</a>' in page("/login/")


@pytest.mark.django_db
def test_the_register_fits_a_phone_screen(records):
    text = page("/register/")

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert text.count('class="fit"') == 4  # the wide fields: text and lists
    assert '<article class="record">' in page(f"/register/{records.bold.pk}/")
    css = (Path(settings.BASE_DIR) / "web" / "static" / "web" / "site.css").read_text()
    assert ".fit { max-width: 100%; box-sizing: border-box; }" in css
    assert ".record { overflow-wrap: anywhere; }" in css


# --- anonymous visitors reach the register and nothing else ------------------------------------------------

# The pages open to everyone; "logout" takes only a POST; "invitation" checks its token (tests/web/test_pages.py).
PUBLIC_PAGES = {"home", "login", "logout", "invitation", "invitation_done", "register", "register_record"}


@pytest.mark.django_db
def test_every_other_page_sends_a_visitor_to_sign_in():
    client = Client()
    others = {}
    for pattern in web_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in PUBLIC_PAGES:
            continue
        path = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", str(pattern.pattern))
        response = client.get(path)
        # An action takes only a POST: a GET is refused as such, and the POST sends the visitor to sign in.
        others[path] = client.post(path) if response.status_code == 405 else response

    assert {path: (response.status_code, response["Location"]) for path, response in others.items()} == {
        path: (302, f"/login/?next={path}") for path in others
    }
    admin = client.get("/admin/")
    assert (admin.status_code, admin["Location"]) == (302, "/admin/login/?next=/admin/")
    assert client.get("/logout/").status_code == 405
