"""Load a realistic data set for the benchmarks, fast: ``bulk_create`` row sets, not the transition services.

The shape follows the product's world: aimag governor's offices with departments, agencies and soum offices
under them and units under the soums; officials with users (one pre-hashed password), one position each;
declarations in every state with the timestamps each state implies and a valid content document; an
authorised official (ЭБАТ) for every aimag and every first-level organisation, granted the way the product
grants it (``policies.grant_organisation_reviewer``); and an agency reviewer with per-filing grants in
guardian's direct tables, most to the user and some through the agency's group.

No revisions, public snapshots or transition log rows are written: the scenarios do not read them (the
transition scenario writes its own log rows). Everything random comes from one ``random.Random(seed)``.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import math
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, models, transaction
from django.utils import timezone

from declarations.content import sample_content
from declarations.models import (
    Declaration,
    DeclarationGroupObjectPermission,
    DeclarationKind,
    DeclarationState,
    DeclarationUserObjectPermission,
    Official,
    Organisation,
    OrganisationKind,
    Position,
)
from workflow import policies

User = get_user_model()
S = DeclarationState
K = DeclarationKind

BATCH_SIZE = 2_000
PASSWORD = "bench-password-2026"
DEFAULT_SEED = 2026
AGENCY_USERNAME = "bench-agency"
AGENCY_GROUP = "bench-agency-team"
# Every n-th official lists the ЭБАТ of their aimag as their spouse, so the separation-of-duties exclusion
# of the review queue has rows to exclude.
RELATIVE_OF_REVIEWER_EVERY = 97


@dataclass(frozen=True)
class Scale:
    """How much data a run loads."""

    name: str
    organisations: int
    officials: int
    declarations: int
    agency_grants: int  # declarations granted one by one to the agency reviewer


SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale("tiny", organisations=6, officials=40, declarations=300, agency_grants=30),
        Scale("small", organisations=20, officials=500, declarations=5_000, agency_grants=100),
        Scale("medium", organisations=200, officials=10_000, declarations=100_000, agency_grants=2_000),
        Scale("full", organisations=2_000, officials=60_000, declarations=1_000_000, agency_grants=20_000),
    )
}


@dataclass(frozen=True)
class BenchData:
    """What the scenarios need to know about the loaded data."""

    scale: Scale
    seed: int
    reviewer_id: int  # the ЭБАТ of the first aimag: the widest organisation scope
    reviewer_organisation_id: int
    agency_reviewer_id: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


AIMAGS = (
    "Архангай",
    "Баян-Өлгий",
    "Баянхонгор",
    "Булган",
    "Говь-Алтай",
    "Говьсүмбэр",
    "Дархан-Уул",
    "Дорноговь",
    "Дорнод",
    "Дундговь",
    "Завхан",
    "Орхон",
    "Өвөрхангай",
    "Өмнөговь",
    "Сүхбаатар",
    "Сэлэнгэ",
    "Төв",
    "Увс",
    "Ховд",
    "Хөвсгөл",
    "Хэнтий",
)
FIRST_LEVEL = (
    (OrganisationKind.DEPARTMENT, "хэлтэс"),
    (OrganisationKind.SOUM_OFFICE, "сумын Засаг даргын Тамгын газар"),
    (OrganisationKind.AGENCY, "газар"),
    (OrganisationKind.SOUM_OFFICE, "сумын Засаг даргын Тамгын газар"),
)
UNITS = ("Ерөнхий боловсролын сургууль", "Эрүүл мэндийн төв", "Цэцэрлэг", "Соёлын төв")
TITLES = ("Мэргэжилтэн", "Ахлах мэргэжилтэн", "Нягтлан бодогч", "Хэлтсийн дарга", "Улсын байцаагч")
GIVEN_NAMES = ("Тэмүүжин", "Батзориг", "Ганбаатар", "Анужин", "Сарангэрэл", "Болормаа", "Мөнхзул", "Номин")
PATRONYMICS = ("Батбаярын", "Ганболдын", "Должинсүрэнгийн", "Энхтөрийн", "Мөнхбатын", "Цэрэндоржийн")
REGISTER_PREFIXES = ("ДО", "ДА", "УБ", "УЕ", "УЗ", "ХО")

# The state of an official's newest declaration (this season's), and of the older ones.
CURRENT_STATES = (
    (S.DRAFT, 15),
    (S.SUBMITTED, 35),
    (S.UNDER_REVIEW, 20),
    (S.RETURNED, 10),
    (S.ACCEPTED, 10),
    (S.PUBLISHED, 5),
    (S.DISCARDED, 5),
)
HISTORICAL_STATES = (
    (S.PUBLISHED, 82),
    (S.ACCEPTED, 10),
    (S.WITHDRAWN, 1),
    (S.UNDER_REVIEW, 2),
    (S.SUBMITTED, 2),
    (S.RETURNED, 1),
    (S.DISCARDED, 2),
)
UNSUBMITTED = (S.DRAFT, S.DISCARDED)
ACCEPTED_OR_LATER = (S.ACCEPTED, S.PUBLISHED, S.WITHDRAWN)
PUBLISHED_OR_LATER = (S.PUBLISHED, S.WITHDRAWN)


def generate(scale: Scale, *, seed: int = DEFAULT_SEED, analyze: bool = True) -> BenchData:
    """Load the data set into an empty database; ``analyze`` refreshes the planner statistics afterwards."""
    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        organisations = _create_organisations(scale, rng)
        officials = _create_officials(scale, rng)
        positions = _create_positions(officials, organisations, rng)
        reviewers = _grant_reviewers(organisations, officials, positions)
        declaration_count = _create_declarations(scale, officials, positions, reviewers, rng)
        agency = _create_agency_reviewer(scale, rng)
    if analyze:
        _analyze()
    root = organisations[0]
    return BenchData(
        scale=scale,
        seed=seed,
        reviewer_id=reviewers[root.pk].user_id,
        reviewer_organisation_id=root.pk,
        agency_reviewer_id=agency.pk,
        counts={
            "organisations": len(organisations),
            "officials": len(officials),
            "positions": len(positions),
            "declarations": declaration_count,
            "organisation_reviewers": len(reviewers),
            "agency_user_grants": DeclarationUserObjectPermission.objects.filter(user=agency).count(),
            "agency_group_grants": DeclarationGroupObjectPermission.objects.count(),
        },
        seconds=time.perf_counter() - started,
    )


# --- Organisations ------------------------------------------------------------------------------------


def _create_organisations(scale: Scale, rng: random.Random) -> list[Organisation]:
    """Aimag governor's offices, their first-level bodies, and units under the soums; paths set by level."""
    aimag_count = max(1, scale.organisations // 100)
    budgets = [scale.organisations // aimag_count] * aimag_count
    for index in range(scale.organisations % aimag_count):
        budgets[index] += 1
    roots = _bulk_create_level(
        [
            Organisation(
                code=f"aimag-{a}",
                name=f"{_aimag_name(a)} аймгийн Засаг даргын Тамгын газар",
                kind=OrganisationKind.GOVERNOR_OFFICE,
            )
            for a in range(aimag_count)
        ],
        parents={},
    )
    first_level: list[Organisation] = []
    second_level: list[Organisation] = []
    first_parents: dict[str, Organisation] = {}
    second_parents: dict[str, Organisation] = {}
    for a, (root, budget) in enumerate(zip(roots, budgets, strict=True)):
        below = budget - 1
        first_count = min(below, max(1, math.ceil(below * 0.4)))
        children = []
        for j in range(first_count):
            kind, suffix = FIRST_LEVEL[j % len(FIRST_LEVEL)]
            child = Organisation(code=f"aimag-{a}-{j}", name=f"{_aimag_name(a)} {j + 1}-р {suffix}", kind=kind)
            first_parents[child.code] = root
            children.append(child)
        first_level.extend(children)
        hosts = [child for child in children if child.kind == OrganisationKind.SOUM_OFFICE] or children
        for k in range(below - first_count):
            host = hosts[k % len(hosts)]
            unit = Organisation(
                code=f"{host.code}-{k}", name=f"{rng.choice(UNITS)} {k + 1}", kind=OrganisationKind.OTHER
            )
            second_parents[unit.code] = host
            second_level.append(unit)
    first_level = _bulk_create_level(first_level, parents=first_parents)
    second_level = _bulk_create_level(second_level, parents=second_parents)
    return [*roots, *first_level, *second_level]


def _aimag_name(index: int) -> str:
    name = AIMAGS[index % len(AIMAGS)]
    return name if index < len(AIMAGS) else f"{name}-{index // len(AIMAGS) + 1}"


def _bulk_create_level(rows: list[Organisation], *, parents: dict[str, Organisation]) -> list[Organisation]:
    """Insert one level of the tree, then set the materialised paths the model's ``save()`` would set."""
    for row in rows:
        row.parent = parents.get(row.code)
    created = Organisation.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    for row in created:
        row.path = f"{row.parent.path if row.parent else '/'}{row.pk}/"
    Organisation.objects.bulk_update(created, ["path"], batch_size=BATCH_SIZE)
    return created


# --- People -------------------------------------------------------------------------------------------


def _create_officials(scale: Scale, rng: random.Random) -> list[Official]:
    """Users with one pre-hashed password, and their official records (search column and number normalised)."""
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        (
            User(username=f"bench{index:06d}", email=f"bench{index:06d}@example.mn", password=password)
            for index in range(scale.officials)
        ),
        batch_size=BATCH_SIZE,
    )
    officials = []
    for index, user in enumerate(users):
        full_name = f"{rng.choice(PATRONYMICS)} {rng.choice(GIVEN_NAMES)}"
        officials.append(
            Official(
                user_id=user.pk,
                full_name=full_name,
                # bulk_create skips Official.save(), which keeps these two in step.
                full_name_search=full_name.casefold(),
                register_number=f"{rng.choice(REGISTER_PREFIXES)}{index:08d}",
            )
        )
    return Official.objects.bulk_create(officials, batch_size=BATCH_SIZE)


def _create_positions(
    officials: list[Official], organisations: list[Organisation], rng: random.Random
) -> list[Position]:
    """One position per official; every organisation has at least one, larger bodies have more."""
    weights = [_staff_weight(organisation) for organisation in organisations]
    positions = []
    for index, official in enumerate(officials):
        if index < len(organisations):
            organisation = organisations[index]
        else:
            organisation = rng.choices(organisations, weights=weights)[0]
        positions.append(
            Position(
                official_id=official.pk,
                organisation_id=organisation.pk,
                title=rng.choice(TITLES),
                start_date=datetime.date(rng.randint(2008, 2022), rng.randint(1, 12), rng.randint(1, 28)),
                declaration_required=index < len(organisations) or rng.random() > 0.05,
            )
        )
    return Position.objects.bulk_create(positions, batch_size=BATCH_SIZE)


def _staff_weight(organisation: Organisation) -> int:
    if organisation.kind == OrganisationKind.GOVERNOR_OFFICE:
        return 6
    if organisation.kind == OrganisationKind.OTHER:
        return 1
    return 3


def _grant_reviewers(
    organisations: list[Organisation], officials: list[Official], positions: list[Position]
) -> dict[int, Official]:
    """The ЭБАТ of each aimag and each first-level body: its first official, granted as the product grants."""
    users = User.objects.in_bulk([official.user_id for official in officials[: len(organisations)]])
    reviewers = {}
    for organisation, official, position in zip(organisations, officials, positions, strict=False):
        assert position.organisation_id == organisation.pk
        if organisation.path.count("/") > 3:  # "/root/first/unit/": units are covered by the soum's ЭБАТ
            continue
        policies.grant_organisation_reviewer(organisation=organisation, user=users[official.user_id])
        reviewers[organisation.pk] = official
    return reviewers


# --- Declarations -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _explicit_timestamps(model: type[models.Model], *names: str) -> Iterator[None]:
    """Let ``bulk_create`` keep the given ``auto_now``/``auto_now_add`` values instead of stamping now."""
    saved = []
    for name in names:
        model_field: Any = model._meta.get_field(name)
        saved.append((model_field, model_field.auto_now, model_field.auto_now_add))
        model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def _create_declarations(
    scale: Scale,
    officials: list[Official],
    positions: list[Position],
    reviewers: dict[int, Official],
    rng: random.Random,
) -> int:
    """Declarations in every state, spread evenly over the officials whose position requires one."""
    now = timezone.now()
    organisations = Organisation.objects.in_bulk()
    filers = [
        (official, position)
        for official, position in zip(officials, positions, strict=True)
        if position.declaration_required
    ]
    base, extra = divmod(scale.declarations, len(filers))
    rows = (
        declaration
        for index, (official, position) in enumerate(filers)
        for declaration in _declarations_of(
            official,
            position,
            count=base + (1 if index < extra else 0),
            aimag_reviewer=_aimag_reviewer(official, position, organisations, reviewers, index),
            now=now,
            rng=rng,
        )
    )
    total = 0
    with _explicit_timestamps(Declaration, "created_at", "updated_at"):
        for batch in _batched(rows, BATCH_SIZE):
            Declaration.objects.bulk_create(batch)
            total += len(batch)
    return total


def _aimag_reviewer(
    official: Official,
    position: Position,
    organisations: dict[int, Organisation],
    reviewers: dict[int, Official],
    index: int,
) -> Official | None:
    """The ЭБАТ of the filer's aimag when this filer is one of the few who list them as a family member."""
    if index % RELATIVE_OF_REVIEWER_EVERY != 7:
        return None
    root_id = organisations[position.organisation_id].ancestors_and_self_ids()[0]
    reviewer = reviewers.get(root_id)
    return reviewer if reviewer is not None and reviewer.pk != official.pk else None


def _declarations_of(
    official: Official,
    position: Position,
    *,
    count: int,
    aimag_reviewer: Official | None,
    now: datetime.datetime,
    rng: random.Random,
) -> Iterator[Declaration]:
    """An official's declarations, newest first: this season's annual one, older annual ones, the one on
    appointment, then significant changes; the newest is in a working state, the older ones mostly final."""
    complete = sample_content(full_name=official.full_name, register_number=official.register_number)
    if aimag_reviewer is not None:
        complete["family_members"][0]["register_number"] = aimag_reviewer.register_number
    draft = sample_content(complete=False, full_name=official.full_name, register_number=official.register_number)
    latest_year = now.year - 1
    start_year = position.start_date.year
    slots: list[tuple[str, int]] = [(K.ANNUAL, year) for year in range(latest_year, start_year - 1, -1)]
    slots.append((K.APPOINTMENT, start_year))
    while len(slots) < count:
        slots.append((K.SIGNIFICANT_CHANGE, rng.randint(start_year, latest_year)))
    for number, (kind, year) in enumerate(slots[:count]):
        state = _pick(CURRENT_STATES if number == 0 else HISTORICAL_STATES, rng)
        submitted = _submission_time(kind, year, position.start_date, now, rng)
        created = submitted - datetime.timedelta(days=rng.randint(1, 10), seconds=rng.randint(0, 86_399))
        accepted = published = None
        if state in ACCEPTED_OR_LATER:
            accepted = min(now, submitted + datetime.timedelta(days=rng.randint(5, 60)))
        if state in PUBLISHED_OR_LATER and accepted is not None:
            published = min(now, accepted + datetime.timedelta(days=rng.randint(1, 5)))
        yield Declaration(
            official_id=official.pk,
            organisation_id=position.organisation_id,
            position_id=position.pk,
            kind=kind,
            year=year,
            form_version="2023",
            content=_json_value(draft if state in UNSUBMITTED else complete),
            # The state is protected against assignment after loading, not in the constructor.
            state=state,
            created_at=created,
            updated_at=max(t for t in (created, submitted, accepted, published) if t is not None),
            submitted_at=None if state in UNSUBMITTED else submitted,
            accepted_at=accepted,
            published_at=published,
        )


def _json_value(document: dict[str, Any]) -> Any:
    """The document as an expression on PostgreSQL, which keeps ``bulk_create`` on its plain ``VALUES`` form.

    Django 5.2 bulk-inserts through ``UNNEST`` of arrays that psycopg quotes on the client with a regular
    expression per escaped character, and a JSON document in an array literal has hundreds (every quote):
    that quoting took most of the generation time. An expression value makes Django fall back to ``VALUES``.
    """
    if connection.vendor != "postgresql":
        return document
    return models.Value(document, output_field=models.JSONField())


def _submission_time(
    kind: str, year: int, start: datetime.date, now: datetime.datetime, rng: random.Random
) -> datetime.datetime:
    """When a declaration of this kind and year is filed: annual ones early the next year (by 15 February)."""
    if kind == K.ANNUAL:
        day = datetime.date(year + 1, 1, 2) + datetime.timedelta(days=rng.randint(0, 44))
    elif kind == K.APPOINTMENT:
        day = start + datetime.timedelta(days=rng.randint(0, 30))
    else:
        day = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(0, 23), rng.randint(0, 59)), datetime.UTC)
    moment += datetime.timedelta(seconds=rng.randint(0, 59), microseconds=rng.randint(0, 999_999))
    return min(moment, now - datetime.timedelta(hours=1))


def _pick(weighted: tuple[tuple[str, int], ...], rng: random.Random) -> str:
    return rng.choices([value for value, _weight in weighted], weights=[weight for _value, weight in weighted])[0]


# --- The agency reviewer ---------------------------------------------------------------------------------


def _create_agency_reviewer(scale: Scale, rng: random.Random) -> Any:
    """An agency (АТГ) reviewer without an official record, granted filings one by one.

    Nine in ten grants go to the user, the rest to the agency's group, half of those overlapping the user's.
    """
    agency = User.objects.create_user(AGENCY_USERNAME, email=f"{AGENCY_USERNAME}@example.mn", password=PASSWORD)
    group = Group.objects.create(name=AGENCY_GROUP)
    agency.groups.add(group)
    permission = Permission.objects.get(content_type__app_label="declarations", codename="review_declaration")
    candidates = list(Declaration.objects.exclude(state__in=UNSUBMITTED).values_list("pk", flat=True))
    granted = rng.sample(candidates, min(scale.agency_grants, len(candidates)))
    to_user_count = math.ceil(len(granted) * 0.9)
    to_user, to_group_only = granted[:to_user_count], granted[to_user_count:]
    to_group = to_group_only + to_user[: len(to_group_only)]
    DeclarationUserObjectPermission.objects.bulk_create(
        (DeclarationUserObjectPermission(user=agency, permission=permission, content_object_id=pk) for pk in to_user),
        batch_size=BATCH_SIZE,
    )
    DeclarationGroupObjectPermission.objects.bulk_create(
        (DeclarationGroupObjectPermission(group=group, permission=permission, content_object_id=pk) for pk in to_group),
        batch_size=BATCH_SIZE,
    )
    return agency


# --- Helpers --------------------------------------------------------------------------------------------


def _batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _analyze() -> None:
    """Refresh the planner statistics, as autovacuum (PostgreSQL) or ``PRAGMA optimize`` would in service."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
