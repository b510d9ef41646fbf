"""The filing pages, for the every-page checks in tests/web/test_pages.py: the filer's list, a new declaration
(pre-filled and first), the form (empty, with errors, returned with remarks), the summary (incomplete,
complete, not confirmed), the declaration (returned, accepted, a correction) and the discard confirmation.
Also the helpers the filing tests share."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from declarations.content import sample_content
from declarations.models import Declaration, DeclarationKind, DeclarationRevision, Obligation
from tests.factories import PositionFactory, UserFactory, make_declaration, make_reviewer
from workflow import services
from workflow.models import TransitionLog

# --- helpers shared with the filing tests (tests/web/test_filing*.py) ------------------------------------------


def signed_in(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


class FormFields(HTMLParser):
    """The values a browser would post from ``form#declaration-form``: its inputs, selected options and text
    areas, leaving out the row templates (``<template>`` content is not part of the form)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = False
        self._template_depth = 0
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == "declaration-form":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "template":
            self._template_depth += 1
        if self._template_depth:
            return
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") != "submit":
            self.values[name] = attributes.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values[name] = ""
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "template" and self._in_form:
            self._template_depth -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and not self._template_depth:
            self.values[self._textarea] += data


def form_values(page: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(page)
    parser.values.pop("csrfmiddlewaretoken", None)
    return parser.values


def snapshot(declaration: Declaration) -> tuple[Any, ...]:
    """What a refused request must leave as it was: the declaration's row, its revisions and its history."""
    row = Declaration.objects.filter(pk=declaration.pk).values().get()
    revisions = list(DeclarationRevision.objects.filter(declaration=declaration).values_list("pk", flat=True))
    log = TransitionLog.objects.filter(object_id=declaration.pk).count()
    return row, revisions, log, Declaration.objects.count()


# --- the pages ---------------------------------------------------------------------------------------------------


@pytest.fixture
def filing_pages(db):
    position = PositionFactory(title="Хэлтсийн дарга")
    reviewer = make_reviewer(position.organisation)
    filer = position.official.user
    accepted = make_declaration("accepted", position=position, reviewer=reviewer, year=2023)
    correction = services.declaration_create_correction(actor=filer, corrects_id=accepted.pk)
    returned = make_declaration("returned", position=position, reviewer=reviewer, year=2024)
    incomplete = make_declaration("draft", position=position, year=2025, content=sample_content(complete=False))
    complete = make_declaration("draft", position=position, year=2025, kind=DeclarationKind.APPOINTMENT)
    Obligation.objects.create(
        official=position.official,
        organisation=position.organisation,
        position=position,
        kind="annual",
        period=services.local_today().year,
        due_date=services.local_today(),
    )
    newcomer_position = PositionFactory(title="Нягтлан бодогч")
    newcomer = newcomer_position.official.user
    empty = services.declaration_create(actor=newcomer, position=newcomer_position, kind="annual", year=2025)

    filer_client, newcomer_client, nobody = signed_in(filer), signed_in(newcomer), signed_in(UserFactory())
    invalid = {
        "personal.full_name": "Батын Болд",
        "personal.birth_date": "2999-01-01",
        "personal.phone": "123",
        "real_estate[0].kind": "apartment",
        "real_estate[0].value_mnt": "12,5",
        "action": "save",
    }

    def get(client, url):
        return lambda headers: client.get(url, **headers)

    def post(client, url, data):
        return lambda headers: client.post(url, data, **headers)

    return [
        ("filing: my declarations", get(filer_client, "/declarations/")),
        ("filing: my declarations, none", get(nobody, "/declarations/")),
        ("filing: new declaration, pre-filled", get(filer_client, "/declarations/new/")),
        ("filing: new declaration, the first", get(newcomer_client, "/declarations/new/")),
        (
            "filing: new declaration, refused",
            post(filer_client, "/declarations/new/", {"position": position.pk, "kind": "annual", "year": 2024}),
        ),
        ("filing: form, empty", get(newcomer_client, f"/declarations/{empty.pk}/edit/")),
        ("filing: form, with errors", post(filer_client, f"/declarations/{incomplete.pk}/edit/", invalid)),
        ("filing: form, returned with remarks", get(filer_client, f"/declarations/{returned.pk}/edit/")),
        ("filing: summary, incomplete", get(filer_client, f"/declarations/{incomplete.pk}/summary/")),
        ("filing: summary, complete", get(filer_client, f"/declarations/{complete.pk}/summary/")),
        ("filing: summary, not confirmed", post(filer_client, f"/declarations/{complete.pk}/summary/", {})),
        ("filing: declaration, returned", get(filer_client, f"/declarations/{returned.pk}/")),
        ("filing: declaration, accepted", get(filer_client, f"/declarations/{accepted.pk}/")),
        ("filing: declaration, a correction", get(filer_client, f"/declarations/{correction.pk}/")),
        ("filing: discard a draft", get(filer_client, f"/declarations/{complete.pk}/discard/")),
    ]
