"""The dashboard area's pages alone through the checks of tests/web/test_pages.py: nothing English left in
Mongolian, nothing Mongolian in English, and every string of the area's templates shown on one of them (the
site-wide checks stop at the first page that fails, whichever area it belongs to)."""

from __future__ import annotations

import ast
import html
import re

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
    template_messages,
    visible_text,
)

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
AREA_TEMPLATES = [
    TEMPLATES / "web" / "home.html",
    *sorted((TEMPLATES / "web" / "dashboard").rglob("*.html")),
    *sorted((TEMPLATES / "web" / "inbox").rglob("*.html")),
]


def area_messages() -> list[tuple[str, str | None]]:
    """The (msgid, plural) of the area's templates, read as test_pages reads the whole site's."""
    literal = r"u'(?:[^'\\]|\\.)*'"
    call = re.compile(rf"\bn?gettext\(({literal})(?:, ({literal}))?")
    found: list[tuple[str, str | None]] = []
    for template in AREA_TEMPLATES:
        python = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        for singular, plural in call.findall(python):
            entry = (ast.literal_eval(singular), ast.literal_eval(plural) if plural else None)
            if entry not in found:
                found.append(entry)
    return found


@pytest.mark.django_db
def test_the_dashboard_pages_speak_one_language_each_and_show_every_string(dashboard_pages):
    english = [
        fragment
        for singular, plural in template_messages()
        for msgid in (singular, plural)
        if msgid
        for fragment in fragments(msgid)
    ]
    rendered = []
    for name, request in dashboard_pages:
        page = _render(request, "mn")
        assert html_lang(page) == "mn", name
        # The CSRF tokens are random letters: a short English word may turn up in one by chance.
        text = CSRF_TOKEN.sub("", html.unescape(page))
        assert [fragment for fragment in english if fragment in text] == [], name
        latin = set(LATIN_WORD.findall(visible_text(page))) - LATIN_ALLOWED_IN_MN
        assert latin == set(), f"{name}: untranslated words {sorted(latin)}"

        page = _render(request, "en")
        assert html_lang(page) == "en", name
        cyrillic = set(CYRILLIC_WORD.findall(visible_text(page))) - CYRILLIC_ALLOWED_IN_EN
        assert cyrillic == set(), f"{name}: Mongolian words {sorted(cyrillic)}"
        rendered.append(html.unescape(page))

    messages = area_messages()
    assert ("%(counter)s unread notification", "%(counter)s unread notifications") in messages
    for singular, plural in messages:
        forms = [singular] if plural is None else [singular, plural]
        assert any(all(fragment in page for fragment in fragments(form)) for form in forms for page in rendered), (
            singular
        )
