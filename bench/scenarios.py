"""The benchmark scenarios: each times the product's own code path and hand-written SQL for the same result.

Before timing, each scenario runs both once and raises ``ScenarioMismatch`` unless they agree; then it runs
them alternately (product, SQL, product, SQL, …) so drift on the machine hits both alike, and reports the
medians. The hand-written SQL is what a careful developer would write for the same question without the
ORM: one statement per question, the grant tables joined, the organisation subtree as a path prefix.

Every request of the product starts from a freshly loaded user, as a real request does (the policy module
caches the reviewer's scope on the user object); loading that user is not timed, except in the API
scenario, where authenticating the token is part of the request.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bench.generate import BenchData
from declarations.models import (
    Declaration,
    DeclarationGroupObjectPermission,
    DeclarationState,
    DeclarationUserObjectPermission,
    Official,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
    Position,
)
from workflow import audit, policies, services
from workflow.models import TransitionLog

User = get_user_model()
S = DeclarationState

PAGE_SIZE = 50
QUEUE_URL = f"/api/v1/review-queue/?page_size={PAGE_SIZE}"


class ScenarioMismatch(AssertionError):
    """The product and the hand-written SQL disagree: a bug in one of them, never a timing matter."""


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    goal: float  # the product may take at most this many times the SQL's median


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("queue", "ЭБАТ review queue: first page + count (policies.review_queue_for)", 3.0),
    Scenario("api", "ЭБАТ review queue page through the API (GET /api/v1/review-queue/)", 5.0),
    Scenario("agency", "Agency reviewer's granted filings: first page (policies.visible_declarations)", 3.0),
    Scenario("transition", "start_review on a submitted declaration (services.declaration_start_review)", 2.0),
)


@dataclass
class ScenarioResult:
    """One scenario's timings in milliseconds, what it returned, and how many statements each side ran."""

    scenario: Scenario
    product_ms: list[float]
    sql_ms: list[float]
    rows: int
    total: int | None
    product_queries: int
    sql_queries: int

    @property
    def product_median(self) -> float:
        return statistics.median(self.product_ms)

    @property
    def sql_median(self) -> float:
        return statistics.median(self.sql_ms)

    @property
    def ratio(self) -> float:
        return self.product_median / self.sql_median if self.sql_median else float("inf")

    @property
    def met(self) -> bool:
        return self.ratio <= self.scenario.goal

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "title": self.scenario.title,
            "product_median_ms": round(self.product_median, 3),
            "sql_median_ms": round(self.sql_median, 3),
            "ratio": round(self.ratio, 2),
            "goal": self.scenario.goal,
            "met": self.met,
            "rows": self.rows,
            "total": self.total,
            "product_queries": self.product_queries,
            "sql_queries": self.sql_queries,
            "repetitions": len(self.product_ms),
            "product_ms": [round(value, 3) for value in self.product_ms],
            "sql_ms": [round(value, 3) for value in self.sql_ms],
        }


# --- The hand-written SQL ---------------------------------------------------------------------------------


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(alias: str, model: type[models.Model]) -> str:
    """Every column the ORM loads for the model, so both sides fetch the same data."""
    return ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields)


def _in_states(*states: str) -> str:
    return ", ".join(f"'{state}'" for state in states)


class HandSql:
    """The statements, for the connection's vendor; parameters are named (``%(user)s``).

    They answer for users without a global permission (the generated reviewers): the product's branch for
    agency supervisors and superusers, who see everything, is not written out here.
    """

    def __init__(self) -> None:
        t = {
            "declaration": _table(Declaration),
            "official": _table(Official),
            "organisation": _table(Organisation),
            "position": _table(Position),
            "org_user_perm": _table(OrganisationUserObjectPermission),
            "org_group_perm": _table(OrganisationGroupObjectPermission),
            "decl_user_perm": _table(DeclarationUserObjectPermission),
            "decl_group_perm": _table(DeclarationGroupObjectPermission),
            "user_groups": _table(User.groups.through),
            "permission": _table(Permission),
            "content_type": _table(ContentType),
            "log": _table(TransitionLog),
        }
        # The reviewer's organisation grants (own or through a group) as path prefixes, their per-filing
        # grants, and their own registration number for the separation-of-duties exclusion.
        self.prelude = f"""
WITH perm_org AS (
    SELECT p.id FROM {t["permission"]} p JOIN {t["content_type"]} ct ON ct.id = p.content_type_id
    WHERE ct.app_label = 'declarations' AND ct.model = 'organisation' AND p.codename = 'review_filings'
), perm_decl AS (
    SELECT p.id FROM {t["permission"]} p JOIN {t["content_type"]} ct ON ct.id = p.content_type_id
    WHERE ct.app_label = 'declarations' AND ct.model = 'declaration' AND p.codename = 'review_declaration'
), scope AS (
    SELECT o.path FROM {t["organisation"]} o WHERE o.id IN (
        SELECT g.content_object_id FROM {t["org_group_perm"]} g
        JOIN {t["user_groups"]} ug ON ug.group_id = g.group_id
        WHERE ug.user_id = %(user)s AND g.permission_id IN (SELECT id FROM perm_org)
        UNION
        SELECT u.content_object_id FROM {t["org_user_perm"]} u
        WHERE u.user_id = %(user)s AND u.permission_id IN (SELECT id FROM perm_org)
    )
), granted AS (
    SELECT u.content_object_id AS id FROM {t["decl_user_perm"]} u
    WHERE u.user_id = %(user)s AND u.permission_id IN (SELECT id FROM perm_decl)
    UNION
    SELECT g.content_object_id FROM {t["decl_group_perm"]} g
    JOIN {t["user_groups"]} ug ON ug.group_id = g.group_id
    WHERE ug.user_id = %(user)s AND g.permission_id IN (SELECT id FROM perm_decl)
), me AS (
    SELECT f.register_number FROM {t["official"]} f WHERE f.user_id = %(user)s AND f.register_number <> ''
)"""
        if connection.vendor == "postgresql":
            lists_me = (
                "EXISTS (SELECT 1 FROM me WHERE d.content -> 'family_members'"
                " @> jsonb_build_array(jsonb_build_object('register_number', me.register_number)))"
            )
        else:
            lists_me = (
                "EXISTS (SELECT 1 FROM me, json_each(d.content, '$.family_members') AS m"
                " WHERE json_extract(m.value, '$.register_number') = me.register_number)"
            )
        queue_states = _in_states(*policies.REVIEW_QUEUE_STATES)
        # The organisations under the reviewer's grants: a small table, so the prefix match is cheap here and
        # the declarations are then reached through the (organisation, state, submitted_at) index.
        self.prelude += f""", subtree AS (
    SELECT o.id FROM {t["organisation"]} o JOIN scope s ON o.path LIKE s.path || '%%'
)"""
        in_scope = "(d.organisation_id IN (SELECT id FROM subtree) OR d.id IN (SELECT id FROM granted))"
        not_theirs = f"f.user_id <> %(user)s AND NOT {lists_me}"
        # The page is chosen on the declarations alone; the related rows are joined for its 50 rows only.
        select = (
            f"SELECT {_columns('d', Declaration)}, {_columns('f', Official)}, {_columns('o', Organisation)},"
            f" {_columns('p', Position)} FROM page JOIN {t['declaration']} d ON d.id = page.id"
            f" JOIN {t['official']} f ON f.id = d.official_id JOIN {t['organisation']} o ON o.id = d.organisation_id"
            f" JOIN {t['position']} p ON p.id = d.position_id"
        )
        # Candidates by scope and by grant separately, so each side can use its index; the separation of
        # duties is checked on the candidates only (it reads the content document).
        queue = f"""{self.prelude}, candidates AS (
    SELECT d.id FROM {t["declaration"]} d
    WHERE d.organisation_id IN (SELECT id FROM subtree) AND d.state IN ({queue_states})
    UNION
    SELECT d.id FROM {t["declaration"]} d WHERE d.id IN (SELECT id FROM granted) AND d.state IN ({queue_states})
), queue AS MATERIALIZED (
    SELECT d.id, d.submitted_at FROM {t["declaration"]} d JOIN {t["official"]} f ON f.id = d.official_id
    WHERE d.id IN (SELECT id FROM candidates) AND {not_theirs}
), page AS (
    SELECT id, submitted_at FROM queue ORDER BY submitted_at, id LIMIT %(limit)s
)"""
        self.queue_page = f"{queue} {select} ORDER BY page.submitted_at, page.id"
        # Page and total in one statement: the queue is computed once.
        self.queue_page_with_total = (
            f"{queue} {select.replace(' FROM page', ', (SELECT count(*) FROM queue) FROM page', 1)}"
            " ORDER BY page.submitted_at, page.id"
        )
        self.visible_page = f"""{self.prelude}, visible AS (
    SELECT id FROM granted
    UNION
    SELECT d.id FROM {t["declaration"]} d JOIN {t["official"]} f ON f.id = d.official_id
    WHERE f.user_id = %(user)s
    UNION
    SELECT d.id FROM {t["declaration"]} d WHERE d.organisation_id IN (SELECT id FROM subtree)
), page AS (
    SELECT d.id, d.created_at FROM {t["declaration"]} d WHERE d.id IN (SELECT id FROM visible)
    ORDER BY d.created_at DESC, d.id DESC LIMIT %(limit)s
) {select} ORDER BY page.created_at DESC, page.id DESC"""
        lock = " FOR NO KEY UPDATE OF d" if connection.features.has_select_for_update_of else ""
        self.lock_for_review = (
            f"{self.prelude} SELECT d.id, d.state FROM {t['declaration']} d"
            f" JOIN {t['official']} f ON f.id = d.official_id"
            f" WHERE d.id = %(declaration)s AND d.state = '{S.SUBMITTED}' AND {in_scope} AND {not_theirs}{lock}"
        )
        self.set_state = f"UPDATE {t['declaration']} SET state = %s, updated_at = %s WHERE id = %s"
        self.previous_hash = (
            f"SELECT hash FROM {t['log']} WHERE content_type_id = %s AND object_id = %s ORDER BY id DESC LIMIT 1"
        )
        # The global chain: on PostgreSQL the same advisory lock the product takes, then the head.
        self.lock_chain = (
            f"SELECT pg_advisory_xact_lock({audit.GLOBAL_CHAIN_LOCK_KEY})"
            if connection.vendor == "postgresql"
            else None
        )
        self.chain_head = f"SELECT seq, hash FROM {t['log']} ORDER BY seq DESC LIMIT 1"
        self.insert_log = (
            f"INSERT INTO {t['log']} (content_type_id, object_id, transition, from_state, to_state, actor_id, at,"
            " comment, remarks, previous_hash, seq, global_previous_hash, hash)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, '', '[]', %s, %s, %s, %s)"
        )

    def fetch(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


# --- Timing -------------------------------------------------------------------------------------------------


def _elapsed_ms(run: Callable[[Any], Any], argument: Any) -> float:
    started = time.perf_counter()
    run(argument)
    return (time.perf_counter() - started) * 1000


def _measure(
    product: Callable[[Any], Any],
    product_argument: Callable[[], Any],
    sql: Callable[[Any], Any],
    sql_argument: Callable[[], Any],
    *,
    repetitions: int,
    warmup: int,
) -> tuple[list[float], list[float], int, int]:
    """Alternate the two sides; the arguments are prepared untimed. Returns timings and statement counts."""
    for _ in range(warmup):
        product(product_argument())
        sql(sql_argument())
    product_ms, sql_ms = [], []
    for _ in range(repetitions):
        product_ms.append(_elapsed_ms(product, product_argument()))
        sql_ms.append(_elapsed_ms(sql, sql_argument()))
    argument = product_argument()
    with CaptureQueriesContext(connection) as product_queries:
        product(argument)
    argument = sql_argument()
    with CaptureQueriesContext(connection) as sql_queries:
        sql(argument)
    return product_ms, sql_ms, len(product_queries), len(sql_queries)


def _check(scenario: Scenario, product: Any, sql: Any) -> None:
    if product != sql:
        raise ScenarioMismatch(f"{scenario.name}: the product returned {product!r}, the SQL {sql!r}")


def _fresh_user(pk: int) -> Any:
    return User.objects.get(pk=pk)


# --- The scenarios ------------------------------------------------------------------------------------------


def review_queue(data: BenchData, *, repetitions: int, warmup: int) -> ScenarioResult:
    """(a) The ЭБАТ's review queue: the first page of 50 and the total, as the product's selector gives them."""
    scenario, hand = SCENARIOS[0], HandSql()

    def product(user: Any) -> tuple[list[int], int]:
        queryset = policies.review_queue_for(user)
        return [declaration.pk for declaration in queryset[:PAGE_SIZE]], queryset.count()

    def sql(user_id: int) -> tuple[list[int], int]:
        rows = hand.fetch(hand.queue_page_with_total, user=user_id, limit=PAGE_SIZE)
        return [row[0] for row in rows], rows[0][-1] if rows else 0

    expected = sql(data.reviewer_id)
    _check(scenario, product(_fresh_user(data.reviewer_id)), expected)
    timings = _measure(
        product,
        lambda: _fresh_user(data.reviewer_id),
        sql,
        lambda: data.reviewer_id,
        repetitions=repetitions,
        warmup=warmup,
    )
    return ScenarioResult(scenario, *timings[:2], len(expected[0]), expected[1], *timings[2:])


def review_queue_api(data: BenchData, *, repetitions: int, warmup: int) -> ScenarioResult:
    """(b) The same page through the API: token authentication, filters, cursor pagination, JSON rendering."""
    scenario, hand = SCENARIOS[1], HandSql()
    token, _created = Token.objects.get_or_create(user_id=data.reviewer_id)
    client = APIClient()

    def product(_: None) -> list[int]:
        response = client.get(QUEUE_URL, HTTP_AUTHORIZATION=f"Token {token.key}")
        if response.status_code != 200:
            raise ScenarioMismatch(f"{scenario.name}: the API answered {response.status_code}")
        return [row["id"] for row in json.loads(response.content)["results"]]

    def sql(user_id: int) -> list[int]:
        return [row[0] for row in hand.fetch(hand.queue_page, user=user_id, limit=PAGE_SIZE)]

    expected = sql(data.reviewer_id)
    _check(scenario, product(None), expected)
    timings = _measure(product, lambda: None, sql, lambda: data.reviewer_id, repetitions=repetitions, warmup=warmup)
    return ScenarioResult(scenario, *timings[:2], len(expected), None, *timings[2:])


def agency_filings(data: BenchData, *, repetitions: int, warmup: int) -> ScenarioResult:
    """(c) The agency reviewer's first page of visible filings, which per-filing grants make visible."""
    scenario, hand = SCENARIOS[2], HandSql()

    def product(user: Any) -> list[int]:
        return [declaration.pk for declaration in policies.visible_declarations(user)[:PAGE_SIZE]]

    def sql(user_id: int) -> list[int]:
        return [row[0] for row in hand.fetch(hand.visible_page, user=user_id, limit=PAGE_SIZE)]

    expected = sql(data.agency_reviewer_id)
    _check(scenario, product(_fresh_user(data.agency_reviewer_id)), expected)
    timings = _measure(
        product,
        lambda: _fresh_user(data.agency_reviewer_id),
        sql,
        lambda: data.agency_reviewer_id,
        repetitions=repetitions,
        warmup=warmup,
    )
    return ScenarioResult(scenario, *timings[:2], len(expected), None, *timings[2:])


def start_review(data: BenchData, *, repetitions: int, warmup: int) -> ScenarioResult:
    """(d) One transition, each on a fresh submitted declaration, committed on its own.

    The product locks the row through the policy module, checks the permission and the state, saves, and
    writes the hash-chained log row. The SQL side takes the same lock with the same scope check, updates the
    state, reads the previous hash and inserts the log row with a SHA-256 computed in Python.
    """
    scenario, hand = SCENARIOS[3], HandSql()
    content_type_id = ContentType.objects.get_for_model(Declaration).pk
    fresh = list(
        policies.review_queue_for(_fresh_user(data.reviewer_id))
        .filter(state=S.SUBMITTED)
        .order_by("-submitted_at", "-pk")
        .values_list("pk", flat=True)[: 2 * (warmup + repetitions + 2)]
    )
    # Each run takes two declarations (one per side); a small data set may allow fewer repetitions.
    repetitions = min(repetitions, len(fresh) // 2 - warmup - 2)
    if repetitions < 1:
        raise ValueError(f"{scenario.name}: too few submitted declarations in scope ({len(fresh)})")
    pending = iter(fresh)

    def product(argument: tuple[Any, int]) -> None:
        user, declaration_id = argument
        services.declaration_start_review(actor=user, declaration_id=declaration_id)

    def sql(declaration_id: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(hand.lock_for_review, {"user": data.reviewer_id, "declaration": declaration_id})
            if cursor.fetchone() is None:
                raise ScenarioMismatch(f"{scenario.name}: declaration {declaration_id} refused by the SQL")
            now = timezone.now()
            cursor.execute(
                hand.set_state, [S.UNDER_REVIEW, connection.ops.adapt_datetimefield_value(now), declaration_id]
            )
            cursor.execute(hand.previous_hash, [content_type_id, declaration_id])
            previous = cursor.fetchone()
            if hand.lock_chain:
                cursor.execute(hand.lock_chain)
            cursor.execute(hand.chain_head)
            seq, global_previous = cursor.fetchone() or (0, "")
            entry_hash = _log_hash(
                content_type_id,
                declaration_id,
                data.reviewer_id,
                now,
                previous[0] if previous else "",
                seq + 1,
                global_previous,
            )
            cursor.execute(
                hand.insert_log,
                [
                    content_type_id,
                    declaration_id,
                    "start_review",
                    S.SUBMITTED,
                    S.UNDER_REVIEW,
                    data.reviewer_id,
                    connection.ops.adapt_datetimefield_value(now),
                    previous[0] if previous else "",
                    seq + 1,
                    global_previous,
                    entry_hash,
                ],
            )

    checked = next(pending), next(pending)
    product((_fresh_user(data.reviewer_id), checked[0]))
    sql(checked[1])
    _check(scenario, *(_transition_outcome(pk) for pk in checked))
    timings = _measure(
        product,
        lambda: (_fresh_user(data.reviewer_id), next(pending)),
        sql,
        lambda: next(pending),
        repetitions=repetitions,
        warmup=warmup,
    )
    return ScenarioResult(scenario, *timings[:2], 1, None, *timings[2:])


def _log_hash(
    content_type_id: int,
    object_id: int,
    actor_id: int,
    at: datetime.datetime,
    previous: str,
    seq: int,
    global_previous: str,
) -> str:
    """SHA-256 over the log row's canonical JSON (sorted keys, no whitespace), written out by hand."""
    payload = {
        "content_type": content_type_id,
        "object_id": object_id,
        "transition": "start_review",
        "from": S.SUBMITTED.value,
        "to": S.UNDER_REVIEW.value,
        "actor": actor_id,
        "at": at.astimezone(datetime.UTC).isoformat(),
        "comment": "",
        "remarks": [],
        "previous": previous,
        "seq": seq,
        "global_previous": global_previous,
    }
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _transition_outcome(declaration_id: int) -> dict[str, Any]:
    """What a transition left behind, without the ids and times: the state and the verified log row."""
    state = Declaration.objects.values_list("state", flat=True).get(pk=declaration_id)
    entries = list(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Declaration), object_id=declaration_id
        )
    )
    return {
        "state": state,
        "log": [
            {
                "transition": entry.transition,
                "from": entry.from_state,
                "to": entry.to_state,
                "actor": entry.actor_id,
                "comment": entry.comment,
                "remarks": entry.remarks,
                "previous": entry.previous_hash,
                "verifies": entry.hash == audit.row_hash(entry),
            }
            for entry in entries
        ],
    }


RUNNERS: dict[str, Callable[..., ScenarioResult]] = {
    "queue": review_queue,
    "api": review_queue_api,
    "agency": agency_filings,
    "transition": start_review,
}


def run_all(
    data: BenchData, *, repetitions: int, warmup: int, transition_repetitions: int | None = None
) -> list[ScenarioResult]:
    """Every scenario in order; the transition comes last because it takes declarations out of the queue."""
    results = []
    for scenario in SCENARIOS:
        count = transition_repetitions if scenario.name == "transition" and transition_repetitions else repetitions
        results.append(RUNNERS[scenario.name](data, repetitions=count, warmup=warmup))
    return results
