"""The review pages alone, through the checks tests/web/test_pages.py runs on every page of the site: each
renders in Mongolian with no English left and in English with no Mongolian, and every string of the review
templates shows on one of them."""

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
    _render,
    fragments,
    html_lang,
    visible_text,
)

REVIEW_TEMPLATES = TEMPLATES / "web" / "review"


def review_template_messages() -> list[tuple[str, str | None]]:
    """The (msgid, msgid_plural) of the review templates, as makemessages sees them."""
    literal = r"u'(?:[^'\\]|\\.)*'"
    call = re.compile(rf"\bn?gettext\(({literal})(?:, ({literal}))?")
    found: list[tuple[str, str | None]] = []
    for template in sorted(REVIEW_TEMPLATES.glob("*.html")):
        python = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        for singular, plural in call.findall(python):
            entry = (ast.literal_eval(singular), ast.literal_eval(plural) if plural else None)
            if entry not in found:
                found.append(entry)
    return found


@pytest.mark.django_db
def test_every_review_page_in_mongolian_has_no_english_left(review_pages):
    english = [
        fragment
        for singular, plural in review_template_messages()
        for msgid in (singular, plural)
        if msgid
        for fragment in fragments(msgid)
    ]
    for name, request in review_pages:
        page = _render(request, "mn")

        assert html_lang(page) == "mn", name
        assert [fragment for fragment in english if fragment in html.unescape(page)] == [], name
        assert set(LATIN_WORD.findall(visible_text(page))) - LATIN_ALLOWED_IN_MN == set(), name


@pytest.mark.django_db
def test_every_review_page_in_english_is_english_and_every_review_string_shows(review_pages):
    rendered = []
    for name, request in review_pages:
        page = _render(request, "en")

        assert html_lang(page) == "en", name
        assert set(CYRILLIC_WORD.findall(visible_text(page))) - CYRILLIC_ALLOWED_IN_EN == set(), name
        rendered.append(html.unescape(page))
    missing = [
        singular
        for singular, plural in review_template_messages()
        if not any(
            all(fragment in page for fragment in fragments(form))
            for form in ([singular] if plural is None else [singular, plural])
            for page in rendered
        )
    ]
    assert missing == []


def test_the_review_templates_are_found():
    assert Path(REVIEW_TEMPLATES / "queue.html").exists()
    assert ("Declarations to review", None) in review_template_messages()
