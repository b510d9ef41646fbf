"""Hostile text typed into a filing stays text on every page that shows it, and the admin cannot change or
delete what is frozen: revisions, public snapshots and log rows."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from declarations.content import FORM_2023, FieldKind, sample_content
from declarations.models import DeclarationRevision, PublicSnapshot
from tests.factories import PositionFactory, UserFactory, make_declaration, make_reviewer
from tests.notice_factories import make_notice
from workflow.models import TransitionLog

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
TEXT_KINDS = {FieldKind.TEXT, FieldKind.LONG_TEXT}


def hostile_content() -> dict:
    """The sample filing with a script appended to every free-text field of every row."""
    content = copy.deepcopy(sample_content(full_name="Дорж"))
    for section in FORM_2023.sections:
        rows = content.get(section.name)
        rows = rows if isinstance(rows, list) else [rows] if rows else []
        for row in rows:
            for spec in section.fields:
                if spec.kind in TEXT_KINDS and isinstance(row.get(spec.name), str):
                    row[spec.name] = (row[spec.name] + SCRIPT)[: spec.max_length]
    return content


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_script_in_every_text_field_is_shown_as_text_on_every_page():
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    content = hostile_content()
    declaration = make_declaration("published", position=position, reviewer=reviewer, content=content)
    notice = make_notice(
        "submitted", position=position, reviewer=reviewer, title=SCRIPT, counterparty_name=SCRIPT + "ХХК"
    )
    snapshot = PublicSnapshot.objects.get(declaration=declaration)
    filer = signed_in(position.official.user)
    pages = {
        "filer's declaration": filer.get(f"/declarations/{declaration.pk}/"),
        "printable declaration": filer.get(f"/declarations/{declaration.pk}/pdf/preview/"),
        "review page": signed_in(reviewer).get(f"/review/declarations/{declaration.pk}/"),
        "public record": Client().get(f"/register/{snapshot.pk}/"),
        "filer's notice": filer.get(f"/notices/{notice.pk}/"),
        "notice review": signed_in(reviewer).get(f"/review/notices/{notice.pk}/"),
        "printable notice": filer.get(f"/notices/{notice.pk}/pdf/preview/"),
    }

    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert SCRIPT not in page, name
        assert ESCAPED in page, name
    # Stored exactly as typed.
    assert DeclarationRevision.objects.get(declaration=declaration).content == content


@pytest.mark.django_db
def test_the_admin_cannot_change_or_delete_frozen_rows():
    declaration = make_declaration("published")
    revision = DeclarationRevision.objects.get(declaration=declaration)
    snapshot = PublicSnapshot.objects.get(declaration=declaration)
    entry = TransitionLog.objects.filter(object_id=declaration.pk).order_by("id").first()
    admin = signed_in(UserFactory(is_staff=True, is_superuser=True))
    before = {
        "revision": DeclarationRevision.objects.filter(pk=revision.pk).values().get(),
        "snapshot": PublicSnapshot.objects.filter(pk=snapshot.pk).values().get(),
        "entry": TransitionLog.objects.filter(pk=entry.pk).values().get(),
    }

    for url in (
        f"/admin/declarations/declarationrevision/{revision.pk}/change/",
        f"/admin/declarations/publicsnapshot/{snapshot.pk}/change/",
        f"/admin/workflow/transitionlog/{entry.pk}/change/",
    ):
        response = admin.post(url, {"content": "{}", "comment": "edited", "official_name": "Someone else"})
        assert response.status_code == 403, url
    for url in (
        f"/admin/declarations/declarationrevision/{revision.pk}/delete/",
        f"/admin/declarations/publicsnapshot/{snapshot.pk}/delete/",
        f"/admin/workflow/transitionlog/{entry.pk}/delete/",
    ):
        response = admin.post(url, {"post": "yes"})
        assert response.status_code == 403, url

    assert {
        "revision": DeclarationRevision.objects.filter(pk=revision.pk).values().get(),
        "snapshot": PublicSnapshot.objects.filter(pk=snapshot.pk).values().get(),
        "entry": TransitionLog.objects.filter(pk=entry.pk).values().get(),
    } == before
