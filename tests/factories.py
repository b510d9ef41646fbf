"""Factories for the domain; workflow objects in a given state are built through the real services."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import factory
from django.contrib.auth import get_user_model

from declarations.content import sample_content
from declarations.models import Declaration, DeclarationKind, DeclarationState, Official, Organisation, Position
from workflow import policies, services

User = get_user_model()
_register_numbers = itertools.count(10000000)
S = DeclarationState


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.mn")
    password = factory.django.Password("test-password-123")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Байгууллага {n}")
    kind = "department"
    parent = None


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Бат Дорж {n}")
    register_number = factory.LazyFunction(lambda: f"УБ{next(_register_numbers)}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    official = factory.SubFactory(OfficialFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = "Мэргэжилтэн"
    start_date = datetime.date(2020, 1, 6)
    end_date = None
    declaration_required = True


def make_reviewer(organisation: Organisation, **kwargs: Any) -> Any:
    """An authorised official (ЭБАТ) of the organisation, who is an official there too."""
    position = PositionFactory(organisation=organisation, title="ЭБАТ", **kwargs)
    policies.grant_organisation_reviewer(organisation=organisation, user=position.official.user)
    return position.official.user


# The service calls that bring a new draft to each state, and who takes each step.
PATH_TO_STATE: dict[str, list[tuple[str, str]]] = {
    S.DRAFT: [],
    S.SUBMITTED: [("submit", "filer")],
    S.UNDER_REVIEW: [("submit", "filer"), ("start_review", "reviewer")],
    S.RETURNED: [("submit", "filer"), ("start_review", "reviewer"), ("return_for_correction", "reviewer")],
    S.ACCEPTED: [("submit", "filer"), ("start_review", "reviewer"), ("accept", "reviewer")],
    S.PUBLISHED: [("submit", "filer"), ("start_review", "reviewer"), ("accept", "reviewer"), ("publish", "reviewer")],
    S.REFERRED: [("submit", "filer"), ("start_review", "reviewer"), ("refer", "reviewer")],
    S.CONCLUDED: [("submit", "filer"), ("start_review", "reviewer"), ("refer", "reviewer"), ("conclude", "agency")],
    S.WITHDRAWN: [
        ("submit", "filer"),
        ("start_review", "reviewer"),
        ("accept", "reviewer"),
        ("publish", "reviewer"),
        ("withdraw_publication", "supervisor"),
    ],
    S.DISCARDED: [("discard", "filer")],
}

TRANSITION_ARGS: dict[str, dict[str, Any]] = {
    "return_for_correction": {
        "comment": "Үл хөдлөх хөрөнгийн үнэлгээг шалгана уу.",
        "remarks": [{"path": "real_estate[0].value_mnt", "message": "Үнэлгээ буруу."}],
    },
    "withdraw_publication": {"reason": "Шүүхийн шийдвэрээр."},
    "refer": {"reason": "Хөрөнгийн өсөлтийг орлогоор тайлбарлах боломжгүй."},
    "conclude": {
        "finding": "no_violation",
        "legal_article": "Нийтийн албанд нийтийн болон хувийн ашиг сонирхлыг зохицуулах тухай хууль, 8.1",
        "reasoning": "Хөрөнгийн өсөлт өв залгамжлалаар тайлбарлагдсан.",
    },
}


def make_supervisor() -> Any:
    """An agency supervisor: the global permissions to see everything and withdraw publications."""
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="declarations",
            codename__in=["withdraw_publication", "view_all_declarations", "assign_reviewers"],
        )
    )
    return User.objects.get(pk=user.pk)


def make_agency_reviewer() -> Any:
    """An agency (АТГ) reviewer: reviews what a supervisor assigns to them, nothing else."""
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="declarations", codename="agency_review"))
    return User.objects.get(pk=user.pk)


def assign_to_agency(filing: Any, *, supervisor: Any = None, agency: Any = None) -> Any:
    """A supervisor assigns the filing to an agency reviewer (new ones unless given); returns the reviewer."""
    from workflow import referrals

    agency = agency or make_agency_reviewer()
    referrals.assign_reviewer(
        actor=supervisor or make_supervisor(), model=type(filing), filing_id=filing.pk, reviewer_id=agency.pk
    )
    return agency


def make_declaration(
    state: str = S.DRAFT,
    *,
    position: Position | None = None,
    reviewer: Any = None,
    supervisor: Any = None,
    kind: str = DeclarationKind.ANNUAL,
    year: int = 2025,
    content: dict[str, Any] | None = None,
) -> Declaration:
    """A declaration brought to ``state`` through the transition services, as users would."""
    position = position or PositionFactory()
    filer = position.official.user
    actors = {"filer": filer}
    if state not in (S.DRAFT, S.DISCARDED, S.SUBMITTED):
        actors["reviewer"] = reviewer or make_reviewer(position.organisation)
    if state == S.WITHDRAWN:
        actors["supervisor"] = supervisor or make_supervisor()
    declaration = services.declaration_create(
        actor=filer,
        position=position,
        kind=kind,
        year=year,
        content=content if content is not None else sample_content(full_name=position.official.full_name),
    )
    for name, role in PATH_TO_STATE[state]:
        if role == "agency" and role not in actors:
            actors["agency"] = assign_to_agency(declaration, supervisor=supervisor)
        declaration = services.TRANSITION_SERVICES[name](
            actor=actors[role], declaration_id=declaration.pk, **TRANSITION_ARGS.get(name, {})
        )
    declaration.refresh_from_db()
    assert declaration.state == state
    return declaration
