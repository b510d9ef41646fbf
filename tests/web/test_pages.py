"""The web pages: the home page and its counts, signing in and out, the language switch, and every page in
Mongolian and in English with nothing left untranslated."""

from __future__ import annotations

import ast
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import templatize

from declarations.models import DeclarationState, PublicSnapshot
from tests.factories import OrganisationFactory, PositionFactory, UserFactory, make_declaration, make_reviewer
from tests.notice_factories import make_notice
from tests.web.conftest import AREA_PAGES
from workflow import notices, register, services
from workflow.invitations import invitation_link

S = DeclarationState
TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
PASSWORD = "test-password-123"  # tests.factories.UserFactory's
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CYRILLIC_WORD = re.compile(r"[\u0400-\u04FF]{2,}")
# Latin words a Mongolian page may show (the name of the API), and Cyrillic ones an English page may (the
# abbreviation of the declaration's Mongolian name).
LATIN_ALLOWED_IN_MN = {"API", "CSV", "JSON", "Lines", "MNT"}  # MNT: the currency code in amount labels
CYRILLIC_ALLOWED_IN_EN = {"ХАСХОМ", "ХАСУМ"}
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --- helpers -------------------------------------------------------------------------------------------------


def template_messages() -> list[tuple[str, str | None]]:
    """The (msgid, msgid_plural) of every translatable string of the web templates, as makemessages sees them."""
    literal = r"u'(?:[^'\\]|\\.)*'"
    call = re.compile(rf"\bn?gettext\(({literal})(?:, ({literal}))?")
    found: list[tuple[str, str | None]] = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        python = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        for singular, plural in call.findall(python):
            entry = (ast.literal_eval(singular), ast.literal_eval(plural) if plural else None)
            if entry not in found:
                found.append(entry)
    return found


def fragments(msgid: str) -> list[str]:
    """The fixed text of a message: what is left between its placeholders."""
    return [part.strip() for part in PLACEHOLDER.split(msgid) if part.strip()]


class _Text(HTMLParser):
    """The interface text a reader sees or hears: text nodes outside <style> and <script>, and labelling
    attributes. Filed data (names, organisations, declared values) is marked ``translate="no"``: it is in
    the language it was filed in, not the page's, so it is left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._data_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._data_depth:
            self._data_depth += tag not in VOID_ELEMENTS
            return
        if ("translate", "no") in attrs and tag not in VOID_ELEMENTS:
            self._data_depth = 1
            return
        if tag in ("style", "script"):
            self._skip += 1
        self.parts.extend(
            value for name, value in attrs if name in ("aria-label", "title", "alt", "placeholder") and value
        )

    def handle_endtag(self, tag: str) -> None:
        if self._data_depth:
            self._data_depth -= 1
            return
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._data_depth:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def html_lang(page: str) -> str:
    match = re.search(r"<html\b[^>]*\blang=\"([^\"]*)\"", page)
    assert match, "the page has no <html lang=...>"
    return match.group(1)


def counts(page: str) -> list[str]:
    """The text of each count of the home page (a count may be a link)."""
    match = re.search(r'<ul class="counts">(.*?)</ul>', page, re.S)
    assert match, "the page shows no counts"
    items = re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


def get(client: Client, path: str, language: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.content.decode()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- the home page -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_home_page_for_a_visitor_offers_to_sign_in():
    page = get(Client(), "/", "en")

    assert '<a href="/login/">Sign in</a>' in page
    assert '<ul class="counts">' not in page
    assert 'action="/logout/"' not in page


@pytest.fixture
def office():
    """An aimag office with a department: a filer and a colleague in the department, an ЭБАТ of the aimag."""
    aimag = OrganisationFactory(kind="governor_office", name="Дорноговь аймгийн ЗДТГ")
    department = OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс")
    filer = PositionFactory(organisation=department, title="Хэлтсийн дарга")
    colleague = PositionFactory(organisation=department, title="Нягтлан бодогч")
    reviewer = make_reviewer(aimag)
    elsewhere = PositionFactory(organisation=OrganisationFactory(name="Өмнөговь аймгийн ЗДТГ"))

    def declare(state, position, year):
        make_declaration(state, position=position, reviewer=reviewer, year=year)

    # The filer: two drafts, one returned, one submitted, one under review, one accepted.
    for state, year in [
        (S.DRAFT, 2025),
        (S.DRAFT, 2024),
        (S.RETURNED, 2023),
        (S.SUBMITTED, 2022),
        (S.UNDER_REVIEW, 2021),
        (S.ACCEPTED, 2020),
    ]:
        declare(state, filer, year)
    # A colleague's draft is not the filer's; the colleague's submitted filing waits for the ЭБАТ.
    declare(S.DRAFT, colleague, 2025)
    declare(S.SUBMITTED, colleague, 2024)
    # The ЭБАТ's own filings: one draft, and a submitted one that is not in their own queue.
    reviewer_position = reviewer.official.positions.get()
    declare(S.DRAFT, reviewer_position, 2025)
    declare(S.SUBMITTED, reviewer_position, 2024)
    # Outside the ЭБАТ's scope.
    make_declaration(S.SUBMITTED, position=elsewhere, year=2025)
    return {"filer": filer.official.user, "reviewer": reviewer}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "language", "expected"),
    [
        (
            "filer",
            "en",
            ["2 draft declarations", "1 declaration returned for correction", "0 unread notifications"],
        ),
        (
            "filer",
            "mn",
            ["2 ноорог мэдүүлэг", "Засварлуулахаар буцаасан 1 мэдүүлэг", "Уншаагүй 0 сонордуулга"],
        ),
        (
            "reviewer",
            "en",
            [
                "1 draft declaration",
                "0 declarations returned for correction",
                "3 filings waiting for your review",
                "0 notices waiting for your review",
                "0 overdue declarations in the organisations you follow",
                "0 unread notifications",
            ],
        ),
        (
            "reviewer",
            "mn",
            [
                "1 ноорог мэдүүлэг",
                "Засварлуулахаар буцаасан 0 мэдүүлэг",
                "Таны хянахыг хүлээж буй 3 мэдүүлэг",
                "Таны хянахыг хүлээж буй 0 мэдэгдэл",
                "Таны хариуцсан байгууллагуудын хугацаа хэтэрсэн 0 мэдүүлэг",
                "Уншаагүй 0 сонордуулга",
            ],
        ),
    ],
)
def test_the_home_page_counts_what_waits_for_the_signed_in_user(office, who, language, expected):
    page = get(signed_in(office[who]), "/", language)

    assert counts(page) == expected
    assert 'action="/logout/"' in page


# --- signing in and out --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_signs_a_user_in():
    UserFactory(username="official")
    client = Client()
    assert 'name="username"' in get(client, "/login/", "en")

    response = client.post("/login/", {"username": "official", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert 'action="/logout/"' in get(client, "/", "en")


@pytest.mark.django_db
def test_the_login_page_follows_next_only_within_the_site():
    UserFactory(username="official")

    inside = Client().post("/login/", {"username": "official", "password": PASSWORD, "next": "/admin/"})
    outside = Client().post("/login/", {"username": "official", "password": PASSWORD, "next": "https://evil.example/"})

    assert (inside.status_code, inside["Location"]) == (302, "/admin/")
    assert (outside.status_code, outside["Location"]) == (302, "/")


@pytest.mark.django_db
def test_signing_in_needs_the_csrf_token_of_the_login_form():
    UserFactory(username="official")
    client = Client(enforce_csrf_checks=True)

    refused = client.post("/login/", {"username": "official", "password": PASSWORD})
    get(client, "/login/", "en")
    accepted = client.post(
        "/login/",
        {"username": "official", "password": PASSWORD, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Please enter a correct username and password. Note that both fields may be case-sensitive."),
        ("mn", "Зөв хэрэглэгчийн нэр, нууц үг оруулна уу. Том жижиг үсэг ялгаатай болохыг анхаарна уу."),
    ],
)
def test_a_wrong_password_is_refused_in_the_users_language(language, message):
    UserFactory(username="official")
    client = Client()

    response = client.post("/login/", {"username": "official", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert message in visible_text(response.content.decode())
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_signing_out_is_a_post_only():
    client = signed_in(UserFactory())

    refused = client.get("/logout/")
    assert refused.status_code == 405
    assert is_signed_in(client)

    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_signed_in(client)
    assert '<a href="/login/">Sign in</a>' in get(client, "/", "en")


# --- the language switch -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_language_switch_changes_the_language_of_the_pages():
    client = Client()
    page = get(client, "/", "mn")
    assert html_lang(page) == "mn"
    assert '<option value="mn" selected>' in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, HTTP_ACCEPT_LANGUAGE="mn")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.cookies["django_language"].value == "en"
    # The choice outweighs the browser's Accept-Language from now on.
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="mn")
    assert page["Content-Language"] == "en"
    text = page.content.decode()
    assert html_lang(text) == "en"
    assert "<h1>Sign in</h1>" in text
    assert '<option value="en" selected>' in text

    client.post("/i18n/setlang/", {"language": "mn", "next": "/"})
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()) == "mn"


@pytest.mark.django_db
def test_the_language_switch_returns_only_within_the_site():
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


# --- every page in both languages ----------------------------------------------------------------------------


def test_the_template_strings_are_found_and_translated():
    found = template_messages()
    assert ("Sign in", None) in found
    assert ("%(counter)s draft declaration", "%(counter)s draft declarations") in found
    untranslated = []
    with translation.override("mn"):
        for singular, plural in found:
            forms = (
                [translation.gettext(singular)]
                if plural is None
                else [
                    translation.ngettext(singular, plural, 1),
                    translation.ngettext(singular, plural, 2),
                ]
            )
            if any(form in (singular, plural) for form in forms):
                untranslated.append(singular)
    assert untranslated == [], "run makemessages and translate the template strings"


@pytest.fixture
def register_records(monkeypatch):
    """Published records of every shape the register pages show: a declaration and its published
    correction, a withdrawn declaration, and a notice the agency concluded on; two records a page."""
    monkeypatch.setattr(register, "PAGE_SIZE", 2)
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    original = make_declaration("published", position=position, reviewer=reviewer, year=2024)
    correction = services.declaration_create_correction(actor=position.official.user, corrects_id=original.pk)
    for name in ("submit", "start_review", "accept", "publish"):
        actor = position.official.user if name == "submit" else reviewer
        services.TRANSITION_SERVICES[name](actor=actor, declaration_id=correction.pk)
    withdrawn = make_declaration("withdrawn", position=position, reviewer=reviewer, year=2023)
    notice = make_notice("concluded", position=position, reviewer=reviewer)
    notices.notice_publish(actor=reviewer, notice_id=notice.pk)
    snapshot = PublicSnapshot.objects.get
    return {
        "original": snapshot(declaration=original).pk,
        "correction": snapshot(declaration=correction).pk,
        "withdrawn": snapshot(declaration=withdrawn).pk,
        "notice": snapshot(notice=notice).pk,
    }


@pytest.fixture
def pages(office, register_records, request):
    """Every page, as (name, request): the home page for a visitor, a filer and an ЭБАТ, the login page, empty
    and after a wrong password, the invitation pages, and the public register's search and record pages. A
    request takes the Accept-Language header."""
    filer, reviewer = signed_in(office["filer"]), signed_in(office["reviewer"])
    records = register_records
    invited = UserFactory(password=None, email="bold@example.mn")
    invitation = invitation_link(invited).removeprefix(settings.SITE_URL)

    def choose(password1, password2):
        def request(headers):
            client = Client()
            form = client.get(invitation, follow=True, **headers)
            return client.post(
                form.redirect_chain[-1][0], {"new_password1": password1, "new_password2": password2}, **headers
            )

        return request

    return [
        ("invitation", lambda headers: Client().get(invitation, follow=True, **headers)),
        ("invitation, passwords differ", choose("Урт-нууц-үг-2026", "Өөр-нууц-үг-2026")),
        ("invitation, weak password", choose("1234", "1234")),
        ("invitation, used or expired", lambda headers: Client().get("/invitation/MQ/bad-token/", **headers)),
        ("invitation, done", lambda headers: Client().get("/invitation/done/", **headers)),
        ("register", lambda headers: Client().get("/register/", **headers)),
        (
            "register, second page",
            lambda headers: Client().get(
                urljoin(
                    "/register/",
                    html.unescape(
                        re.search(r'href="([^"]*)" rel="next"', Client().get("/register/").content.decode()).group(1)
                    ),
                ),
                **headers,
            ),
        ),
        ("register, nothing found", lambda headers: Client().get("/register/", {"year": 1999}, **headers)),
        ("register, corrected record", lambda headers: Client().get(f"/register/{records['original']}/", **headers)),
        ("register, correction", lambda headers: Client().get(f"/register/{records['correction']}/", **headers)),
        ("register, withdrawn", lambda headers: Client().get(f"/register/{records['withdrawn']}/", **headers)),
        ("register, notice", lambda headers: Client().get(f"/register/{records['notice']}/", **headers)),
        ("home, visitor", lambda headers: Client().get("/", **headers)),
        ("home, filer", lambda headers: filer.get("/", **headers)),
        ("home, ЭБАТ", lambda headers: reviewer.get("/", **headers)),
        ("login", lambda headers: Client().get("/login/", **headers)),
        (
            "login, wrong password",
            lambda headers: Client().post("/login/", {"username": "nobody", "password": "wrong"}, **headers),
        ),
        # Each area of the site lists its own pages in tests/web/pages_<area>.py.
        *(page for area in AREA_PAGES for page in request.getfixturevalue(area)),
    ]


def _render(request, language: str) -> str:
    response = request({"HTTP_ACCEPT_LANGUAGE": language})
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.content.decode()


@pytest.mark.django_db
def test_every_page_in_mongolian_has_no_english_left(pages):
    english = [
        fragment
        for singular, plural in template_messages()
        for msgid in (singular, plural)
        if msgid
        for fragment in fragments(msgid)
    ]
    for name, request in pages:
        page = _render(request, "mn")

        assert html_lang(page) == "mn", name
        # The CSRF token is random letters: a short English word may turn up in it by chance.
        text = html.unescape(CSRF_TOKEN.sub("", page))
        assert [fragment for fragment in english if fragment in text] == [], name
        latin = set(LATIN_WORD.findall(visible_text(page))) - LATIN_ALLOWED_IN_MN
        assert latin == set(), f"{name}: untranslated words {sorted(latin)}"


@pytest.mark.django_db
def test_every_page_in_english_is_english(pages):
    rendered = []
    for name, request in pages:
        page = _render(request, "en")

        assert html_lang(page) == "en", name
        cyrillic = set(CYRILLIC_WORD.findall(visible_text(page))) - CYRILLIC_ALLOWED_IN_EN
        assert cyrillic == set(), f"{name}: Mongolian words {sorted(cyrillic)}"
        rendered.append(html.unescape(page))
    # Every template string shows on some page, so the Mongolian check above looks for all of them.
    for singular, plural in template_messages():
        forms = [singular] if plural is None else [singular, plural]
        assert any(all(fragment in page for fragment in fragments(form)) for form in forms for page in rendered), (
            singular
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "mn",
            [
                "Нууц үг хэт богино байна. Хамгийн багадаа 8 тэмдэгттэй байх ёстой.",
                "Энэ нууц үг хэт түгээмэл байна.",
                "Энэ нууц үг зөвхөн тооноос бүрдэж байна.",
            ],
        ),
        (
            "en",
            [
                "This password is too short. It must contain at least 8 characters.",
                "This password is too common.",
                "This password is entirely numeric.",
            ],
        ),
    ],
)
def test_a_weak_invitation_password_is_refused_in_the_users_language(language, expected):
    invited = UserFactory(password=None, email="bold@example.mn")
    client = Client()
    form = client.get(invitation_link(invited).removeprefix(settings.SITE_URL), follow=True)

    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "1234", "new_password2": "1234"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password2": expected}
    invited.refresh_from_db()
    assert invited.has_usable_password() is False
