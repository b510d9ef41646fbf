"""The data the API fuzzing and hostile-input tests run against: one user per role, each with a token, and
objects of every kind in most of their states, some of them other people's.

``build_world()`` goes through the real services (the factories), as users would. ``World.ids`` lists the
ids of every kind of object, so that a generated path can be pointed at an object that exists.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from declarations.content import sample_content
from declarations.models import (
    CommitteeMember,
    Declaration,
    DeclarationKind,
    DeclarationState,
    Nomination,
    Notice,
    NoticeState,
    Obligation,
    Official,
    Organisation,
    Position,
    PublicSnapshot,
    RedFlag,
    Tender,
    TenderState,
)
from tests.factories import (
    OrganisationFactory,
    PositionFactory,
    assign_to_agency,
    make_agency_reviewer,
    make_declaration,
    make_reviewer,
    make_supervisor,
)
from tests.notice_factories import make_notice, make_tender
from tests.workflow.test_nominations import make_case, make_hr_officer
from workflow import obligations
from workflow.models import Notification

User = get_user_model()
D = DeclarationState
N = NoticeState
T = TenderState

ROLES = ("filer", "reviewer", "secretary", "hr", "agency", "anonymous")
# A company the filer declares: a notice naming it as the counterparty gets a red flag.
DECLARED_COMPANY_NUMBER = "2345678"


@dataclass
class World:
    """The organisations, the users by role (``anonymous`` is None), their tokens and the objects' ids."""

    aimag: Organisation
    department: Organisation
    elsewhere: Organisation
    users: dict[str, Any]
    tokens: dict[str, str]
    # Objects of the filer and the organisations the roles work in, and the same kinds of someone else's.
    declarations: dict[str, Declaration]
    notices: dict[str, Notice]
    tenders: dict[str, Tender]
    nominations: dict[str, Nomination]
    foreign_declaration: Declaration
    foreign_notice: Notice
    foreign_tender: Tender
    foreign_nomination: Nomination
    ids: dict[str, list[int]] = field(default_factory=dict)

    def authorization(self, role: str) -> dict[str, str]:
        """The ``Authorization`` header of the role (none for the anonymous visitor)."""
        token = self.tokens.get(role)
        return {"Authorization": f"Token {token}"} if token else {}


def _notify(user: Any, key: str) -> Notification:
    return Notification.objects.create(
        recipient=user, kind="due_today", key=key, subject=f"Subject {key}", body="Due today.", link="/"
    )


def build_world() -> World:
    aimag = OrganisationFactory(kind="governor_office", name="Дорноговь аймгийн ЗДТГ")
    department = OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс")
    elsewhere = OrganisationFactory(kind="governor_office", name="Өмнөговь аймгийн ЗДТГ")

    filer_position = PositionFactory(
        organisation=department, title="Хэлтсийн дарга", start_date=datetime.date(2010, 1, 4)
    )
    filer = filer_position.official.user
    reviewer = make_reviewer(aimag)
    foreign_reviewer = make_reviewer(elsewhere)
    supervisor = make_supervisor()
    agency = make_agency_reviewer()
    secretary = PositionFactory(organisation=department, title="Худалдан авах ажиллагааны нарийн бичиг").official.user
    hr = make_hr_officer(department)
    stranger_position = PositionFactory(organisation=elsewhere, title="Мэргэжилтэн")

    # The filer's declarations, one per state (annual, a year each), the referred one assigned to the agency.
    states = [D.DRAFT, D.SUBMITTED, D.UNDER_REVIEW, D.RETURNED, D.ACCEPTED, D.PUBLISHED, D.REFERRED, D.CONCLUDED]
    declarations = {
        state: make_declaration(
            state,
            position=filer_position,
            reviewer=reviewer,
            supervisor=supervisor,
            kind=DeclarationKind.ANNUAL,
            year=2016 + index,
        )
        for index, state in enumerate(states)
    }
    declarations[D.WITHDRAWN] = make_declaration(
        D.WITHDRAWN, position=filer_position, reviewer=reviewer, supervisor=supervisor, kind=DeclarationKind.APPOINTMENT
    )
    assign_to_agency(declarations[D.REFERRED], supervisor=supervisor, agency=agency)
    foreign_declaration = make_declaration(D.SUBMITTED, position=stranger_position, reviewer=foreign_reviewer)

    # The filer's notices; a second one under review names a declared company, so it carries a red flag.
    notices = {
        state: make_notice(state, position=filer_position, reviewer=reviewer, reference_number=f"ГЭ-{state}")
        for state in (N.DRAFT, N.SUBMITTED, N.RETURNED, N.ACKNOWLEDGED, N.REFERRED, N.PUBLISHED)
    }
    notices[N.UNDER_REVIEW] = make_notice(N.UNDER_REVIEW, position=filer_position, reviewer=reviewer)
    notices["flagged"] = make_notice(
        N.UNDER_REVIEW,
        position=filer_position,
        reviewer=reviewer,
        reference_number="ГЭ-flagged",
        outcome="conflict",
        interest_nature="Гэрээлэгч компанийн 25 хувийг эзэмшдэг.",
        proposed_handling="recusal",
        counterparty_name="Говь-Алт ХХК",
        counterparty_register_number=DECLARED_COMPANY_NUMBER,
    )
    assign_to_agency(notices[N.REFERRED], supervisor=supervisor, agency=agency)
    foreign_notice = make_notice(N.SUBMITTED, position=stranger_position, reviewer=foreign_reviewer)

    # The secretary's tenders, the filer on every committee, and an external member on the forming one.
    tenders = {
        state: make_tender(
            state,
            organisation=department,
            secretary=secretary,
            reviewer=reviewer,
            members=[filer_position],
            externals=[("Цэвэгийн Туяа", f"tuya.{state}@example.mn")] if state == T.FORMING else (),
        )
        for state in (T.FORMING, T.DECLARING, T.CLEARED, T.EVALUATING)
    }
    foreign_tender = make_tender(T.FORMING, organisation=elsewhere, members=[stranger_position])

    # Nominations in the department, the ХАСУМ assigned to the agency reviewer.
    nominations = {
        "nominated": make_case(None, organisation=department, agency=agency).nomination,
        "draft": make_case(D.DRAFT, organisation=department, agency=agency).nomination,
        "under_review": make_case(D.UNDER_REVIEW, organisation=department, agency=agency).nomination,
        "concluded": make_case(D.CONCLUDED, organisation=department, agency=agency).nomination,
    }
    foreign_nomination = make_case(D.SUBMITTED, organisation=elsewhere).nomination

    obligations.open_campaign(actor=None, year=2024)
    users = {
        "filer": filer,
        "reviewer": reviewer,
        "secretary": secretary,
        "hr": hr,
        "agency": agency,
        "supervisor": supervisor,
        "foreign_reviewer": foreign_reviewer,
        "stranger": stranger_position.official.user,
        "nominee": nominations["nominated"].nominee.user,
    }
    for role, user in users.items():
        _notify(user, f"{role}-1")
        _notify(user, f"{role}-2")
    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    users["anonymous"] = None

    world = World(
        aimag=aimag,
        department=department,
        elsewhere=elsewhere,
        users=users,
        tokens=tokens,
        declarations=declarations,
        notices=notices,
        tenders=tenders,
        nominations=nominations,
        foreign_declaration=foreign_declaration,
        foreign_notice=foreign_notice,
        foreign_tender=foreign_tender,
        foreign_nomination=foreign_nomination,
    )
    world.ids = {
        "declarations": _ids(Declaration),
        "notices": _ids(Notice),
        "flags": _ids(RedFlag),
        "tenders": _ids(Tender),
        "members": _ids(CommitteeMember),
        "nominations": _ids(Nomination),
        "obligations": _ids(Obligation),
        "organisations": _ids(Organisation),
        "officials": _ids(Official),
        "positions": _ids(Position),
        "notifications": _ids(Notification),
        "register": _ids(PublicSnapshot),
    }
    return world


@contextlib.contextmanager
def world_for_module(django_db_blocker: Any) -> Iterator[World]:
    """The world, built once for a test module in a transaction rolled back after its last test; each test
    runs in a savepoint of it (pytest-django's ``db``), so what one test changes the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# Every table a request could write to: the domain, the workflow (log, notifications), accounts, tokens, grants.
STATE_APPS = ("declarations", "workflow", "auth", "authtoken", "guardian")


def database_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a request could change, to compare before and after a refused request."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for label in STATE_APPS
        for model in apps.get_app_config(label).get_models()
    }


def _ids(model: Any) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def content_for(world: World) -> dict[str, Any]:
    """A complete, valid content document of the filer."""
    official = world.users["filer"].official
    return sample_content(full_name=official.full_name, register_number=official.register_number)
