"""Fixtures for the HTTP API tests: signed-in clients, a small organisation tree with one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from declarations.models import Declaration, DeclarationRevision, Organisation, PublicSnapshot
from tests.factories import OrganisationFactory, PositionFactory, make_reviewer, make_supervisor
from workflow import audit


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous client; ``signed_in(user)`` gives a signed-in one."""
    return APIClient()


def signed_in(user: Any) -> APIClient:
    """A client with a real session: every request loads the user afresh, as in production."""
    client = APIClient()
    client.force_login(user)
    return client


@dataclass
class World:
    """An aimag office with a department under it, and an unrelated organisation, with one user per role."""

    aimag: Organisation
    department: Organisation
    elsewhere: Organisation
    filer: Any
    colleague: Any
    reviewer: Any
    foreign_reviewer: Any
    supervisor: Any

    @property
    def filer_position(self):
        return self.filer.official.positions.get()

    @property
    def colleague_position(self):
        return self.colleague.official.positions.get()


@pytest.fixture
def world() -> World:
    aimag = OrganisationFactory(kind="governor_office", name="Дорноговь аймгийн ЗДТГ")
    department = OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс")
    elsewhere = OrganisationFactory(name="Өмнөговь аймгийн ЗДТГ")
    filer = PositionFactory(organisation=department, title="Хэлтсийн дарга").official.user
    colleague = PositionFactory(organisation=department, title="Нягтлан бодогч").official.user
    return World(
        aimag=aimag,
        department=department,
        elsewhere=elsewhere,
        filer=filer,
        colleague=colleague,
        reviewer=make_reviewer(aimag),
        foreign_reviewer=make_reviewer(elsewhere),
        supervisor=make_supervisor(),
    )


def footprint(declaration: Declaration) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    row = Declaration.objects.get(pk=declaration.pk)
    return {
        "state": row.state,
        "content": row.content,
        "updated_at": row.updated_at,
        "submitted_at": row.submitted_at,
        "accepted_at": row.accepted_at,
        "published_at": row.published_at,
        "log": list(audit.history_for(row).values_list("id", "hash")),
        "revisions": DeclarationRevision.objects.filter(declaration=row).count(),
        "snapshot": list(PublicSnapshot.objects.filter(declaration=row).values()),
        "declarations": Declaration.objects.count(),
    }


def url(pk: Any, action: str | None = None) -> str:
    return f"/api/v1/declarations/{pk}/{action}/" if action else f"/api/v1/declarations/{pk}/"
