"""The benchmark suite at a tiny scale: the generator loads what the scenarios need, and for every scenario the
product and the hand-written SQL return the same result. Timings are never asserted."""

import datetime
import json

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db.models import Count
from django.utils import timezone

from bench import generate, report, scenarios
from declarations.content import family_register_numbers, validate_content
from declarations.models import Declaration, DeclarationState, Official, Organisation
from workflow import policies
from workflow.models import TransitionLog

User = get_user_model()
S = DeclarationState
# Not ``transaction=True``: its flush after each test would also delete the rows the migrations seed, which
# other tests on the same worker read. Inside the test's transaction, each transition is a savepoint.
pytestmark = pytest.mark.django_db
TINY = generate.SCALES["tiny"]


@pytest.fixture
def data():
    return generate.generate(TINY, analyze=False)


def test_generator_loads_the_scale_with_every_state(data):
    assert data.counts["organisations"] == Organisation.objects.count() == TINY.organisations
    assert data.counts["officials"] == Official.objects.count() == TINY.officials
    assert data.counts["declarations"] == Declaration.objects.count() == TINY.declarations
    states = dict(Declaration.objects.values_list("state").annotate(n=Count("pk")))
    assert set(states) >= {S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.ACCEPTED, S.PUBLISHED}
    assert not Declaration.objects.filter(state__in=[S.DRAFT, S.DISCARDED], submitted_at__isnull=False).exists()
    assert not Declaration.objects.exclude(state__in=[S.DRAFT, S.DISCARDED]).filter(submitted_at=None).exists()
    assert not Declaration.objects.filter(state=S.PUBLISHED, published_at=None).exists()


def test_generated_rows_are_what_the_product_would_have_written(data):
    for organisation in Organisation.objects.select_related("parent"):
        parent_path = organisation.parent.path if organisation.parent else "/"
        assert organisation.path == f"{parent_path}{organisation.pk}/"
    official = Official.objects.select_related("user")[0]
    assert official.full_name_search == official.full_name.casefold()
    assert authenticate(username=official.user.username, password=generate.PASSWORD) == official.user
    submitted = Declaration.objects.filter(state=S.SUBMITTED)[0]
    assert (
        validate_content(submitted.content, form_version="2023", complete=True, today=timezone.localdate()).errors == []
    )
    draft = Declaration.objects.filter(state=S.DRAFT)[0]
    assert validate_content(draft.content, form_version="2023", complete=False, today=timezone.localdate()).errors == []
    with pytest.raises(AttributeError):
        submitted.state = S.UNDER_REVIEW  # loaded rows keep the protected state field protected


def test_reviewers_are_granted_as_the_product_grants(data):
    reviewer = User.objects.get(pk=data.reviewer_id)
    root = Organisation.objects.get(pk=data.reviewer_organisation_id)
    assert policies.reviewer_organisation_paths(reviewer) == (root.path,)
    agency = User.objects.get(pk=data.agency_reviewer_id)
    assert set(policies.visible_declarations(agency).values_list("pk", flat=True)) == policies.granted_declaration_ids(
        agency
    )
    assert len(policies.granted_declaration_ids(agency)) == TINY.agency_grants


def test_every_scenario_agrees_with_its_sql(data):
    reviewer = User.objects.get(pk=data.reviewer_id)
    relatives = [
        d.pk
        for d in Declaration.objects.filter(state__in=policies.REVIEW_QUEUE_STATES)
        if reviewer.official.register_number in family_register_numbers(d.content)
    ]
    queue = list(policies.review_queue_for(reviewer).values_list("pk", flat=True))
    logged_before = TransitionLog.objects.count()

    results = scenarios.run_all(data, repetitions=2, warmup=1, transition_repetitions=2)

    assert [result.scenario.name for result in results] == ["queue", "api", "agency", "transition"]
    assert relatives  # the separation-of-duties exclusion has rows to exclude …
    assert not set(relatives) & set(queue)  # … and the product excludes them, so the SQL agreed on that too
    by_name = {result.scenario.name: result for result in results}
    assert by_name["queue"].total == len(queue)
    assert by_name["queue"].rows == by_name["api"].rows == min(len(queue), scenarios.PAGE_SIZE)
    assert by_name["agency"].rows == min(TINY.agency_grants, scenarios.PAGE_SIZE)
    # One checked pair, one warm-up pair, two timed pairs, one counted pair: a log row each.
    assert TransitionLog.objects.count() - logged_before == 2 * (1 + 1 + 2 + 1)
    for result in results:
        assert len(result.product_ms) == len(result.sql_ms) == 2
        assert result.product_queries > 0
        assert result.sql_queries > 0


def test_a_disagreement_is_an_error_not_a_miss():
    with pytest.raises(scenarios.ScenarioMismatch):
        scenarios._check(scenarios.SCENARIOS[0], ([1, 2], 2), ([1, 3], 2))


def test_report_has_a_row_per_scenario_and_writes_the_record(data, tmp_path):
    results = scenarios.run_all(data, repetitions=1, warmup=0, transition_repetitions=1)

    rows = report.rows(results)
    text = report.table(results)
    document = report.record(
        data, results, database="sqlite", started=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
    )
    path = report.write(document, tmp_path / "result.json")

    assert [set(row) for row in rows] == [set(report.COLUMNS)] * len(scenarios.SCENARIOS)
    assert {row["result"] for row in rows} <= {"pass", "MISS"}
    assert all(scenario.name in text for scenario in scenarios.SCENARIOS)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["scale"] == "tiny"
    assert written["date"] == "2026-01-02"
    assert set(written["machine"]) >= {"cpu_count", "memory_total", "database_vendor", "database_version", "python"}
    assert written["goals"] == {"queue": 3.0, "api": 5.0, "agency": 3.0, "transition": 2.0}
    assert set(written["results"][0]) >= {
        "scenario",
        "product_median_ms",
        "sql_median_ms",
        "ratio",
        "goal",
        "met",
        "rows",
        "product_queries",
        "sql_queries",
    }
