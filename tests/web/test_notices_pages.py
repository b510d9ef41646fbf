"""The notices and tenders pages in Mongolian and in English, checked like every page of the site
(tests/web/test_pages.py), against the strings of this area's own templates."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
from django.utils.translation import templatize

from tests.web.test_pages import (
    CYRILLIC_ALLOWED_IN_EN,
    CYRILLIC_WORD,
    LATIN_ALLOWED_IN_MN,
    LATIN_WORD,
    TEMPLATES,
    fragments,
    html_lang,
    visible_text,
)

AREA_TEMPLATES = [TEMPLATES / "web" / "notices", TEMPLATES / "web" / "tenders"]


def area_messages() -> list[str]:
    """Every msgid (and plural) of this area's templates."""
    literal = r"u'(?:[^'\\]|\\.)*'"
    call = re.compile(rf"\bn?gettext\(({literal})(?:, ({literal}))?")
    found: list[str] = []
    for folder in AREA_TEMPLATES:
        for template in sorted(Path(folder).rglob("*.html")):
            python = templatize(template.read_text(encoding="utf-8"), origin=str(template))
            for singular, plural in call.findall(python):
                for literal_text in (singular, plural):
                    if literal_text and ast.literal_eval(literal_text) not in found:
                        found.append(ast.literal_eval(literal_text))
    return found


def render(request, language: str) -> str:
    response = request({"HTTP_ACCEPT_LANGUAGE": language})
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.content.decode()


@pytest.mark.django_db
def test_every_notices_page_in_mongolian_has_no_english_left(notices_pages):
    english = [fragment for msgid in area_messages() for fragment in fragments(msgid)]
    for name, request in notices_pages:
        page = render(request, "mn")

        assert html_lang(page) == "mn", name
        assert [fragment for fragment in english if fragment in html.unescape(page)] == [], name
        latin = set(LATIN_WORD.findall(visible_text(page))) - LATIN_ALLOWED_IN_MN
        assert latin == set(), f"{name}: untranslated words {sorted(latin)}"


@pytest.mark.django_db
def test_every_notices_page_in_english_is_english_and_every_string_shows(notices_pages):
    rendered = []
    for name, request in notices_pages:
        page = render(request, "en")

        assert html_lang(page) == "en", name
        cyrillic = set(CYRILLIC_WORD.findall(visible_text(page))) - CYRILLIC_ALLOWED_IN_EN
        assert cyrillic == set(), f"{name}: Mongolian words {sorted(cyrillic)}"
        rendered.append(html.unescape(page))
    for msgid in area_messages():
        assert any(all(fragment in page for fragment in fragments(msgid)) for page in rendered), msgid
