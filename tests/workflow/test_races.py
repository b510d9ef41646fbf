"""Races, on PostgreSQL: concurrent requests on the same filing, each in its own thread and connection,
started together. Exactly one of two conflicting transitions wins, the other is refused as a state
conflict (the API's 409), the log holds one row per applied transition, and both hash chains stay intact;
transitions of different filings, and a bulk job, append to one linear global chain.

Each scenario runs ``ITERATIONS`` times; an iteration whose outcome is anything else is an anomaly, and
the scenario prints its count (``pytest -rP`` shows it).
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from declarations.models import Declaration, DeclarationRevision, Obligation
from tests.factories import OrganisationFactory, PositionFactory, make_declaration, make_reviewer
from workflow import audit, errors, notifications, obligations, services, verification
from workflow.models import TransitionLog

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need PostgreSQL: SQLite ignores select_for_update and serialises every write transaction",
    ),
    pytest.mark.django_db(transaction=True),
]

ITERATIONS = 50
REFUSED = (errors.TransitionNotAllowed, errors.StateConflict)
RETURN = {"comment": "Засна уу."}
WHO = ("first", "second")


def without_waiting_for_the_disk() -> None:
    """Commits return before their WAL reaches the disk: the tests do not need durability, only speed (the
    setup commits hundreds of times). Visibility and locking are unchanged."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")


@pytest.fixture(autouse=True)
def _fast_commits() -> None:
    without_waiting_for_the_disk()


@pytest.fixture(autouse=True)
def _no_emails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The e-mails sent after commit are not what these tests race, and cost most of the setup's time."""
    for name in ("notify_submitted", "notify_filer"):
        monkeypatch.setattr(notifications, name, lambda *args, **kwargs: None)


def race(*calls: Callable[[], Any]) -> list[str]:
    """Run the calls at once, each in its own thread and database connection (opened before the start);
    each call's outcome is ``won``, the refusal's class name, or ``error: …``."""
    barrier = threading.Barrier(len(calls))
    outcomes = [""] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            without_waiting_for_the_disk()
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "won"
        except REFUSED as refused:
            outcomes[index] = type(refused).__name__
        except Exception as error:  # an anomaly, reported by the scenario
            outcomes[index] = f"error: {error!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def logged(declaration: Declaration) -> list[str]:
    return list(audit.history_for(declaration).order_by("id").values_list("transition", flat=True))


def assert_trail_intact() -> None:
    report = verification.verify()
    assert (report.problems, report.problem_count) == ([], 0)
    seqs = list(TransitionLog.objects.order_by("seq").values_list("seq", "global_previous_hash", "hash"))
    assert [seq for seq, _previous, _hash in seqs] == list(range(1, len(seqs) + 1))
    assert [previous for _seq, previous, _hash in seqs] == ["", *(hash_ for _seq, _previous, hash_ in seqs[:-1])]
    assert len({previous for _seq, previous, _hash in seqs}) == len(seqs)


def report(scenario: str, anomalies: list[str]) -> None:
    print(f"{scenario}: {ITERATIONS} iterations, {len(anomalies)} anomalies")
    assert anomalies == []


@pytest.fixture
def office() -> dict[str, Any]:
    organisation = OrganisationFactory()
    return {"organisation": organisation, "first": make_reviewer(organisation), "second": make_reviewer(organisation)}


def test_two_authorised_officials_accept_the_same_declaration(office):
    anomalies = []
    for iteration in range(ITERATIONS):
        declaration = make_declaration(
            "under_review", position=PositionFactory(organisation=office["organisation"]), reviewer=office["first"]
        )

        outcomes = race(
            *[partial(services.declaration_accept, actor=office[who], declaration_id=declaration.pk) for who in WHO]
        )

        declaration.refresh_from_db()
        result = (sorted(outcomes), declaration.state, logged(declaration))
        if result != (["TransitionNotAllowed", "won"], "accepted", ["submit", "start_review", "accept"]):
            anomalies.append(f"{iteration}: {result}")
    assert_trail_intact()
    report("accept × accept", anomalies)


def test_the_filer_submits_the_same_draft_twice_at_once(office):
    anomalies = []
    for iteration in range(ITERATIONS):
        position = PositionFactory(organisation=office["organisation"])
        obligation = obligations.obligation_for_appointment(position)  # the submission fulfils it (nested)
        declaration = make_declaration("draft", position=position, kind="appointment", year=2020)
        filer = position.official.user

        outcomes = race(*[partial(services.declaration_submit, actor=filer, declaration_id=declaration.pk)] * 2)

        declaration.refresh_from_db()
        obligation.refresh_from_db()
        result = (
            sorted(outcomes),
            declaration.state,
            logged(declaration),
            DeclarationRevision.objects.filter(declaration=declaration).count(),
            (obligation.state, obligation.declaration_id),
            logged(obligation),
        )
        expected = (
            ["TransitionNotAllowed", "won"],
            "submitted",
            ["submit"],
            1,
            ("fulfilled_late", declaration.pk),
            ["fulfil_late"],
        )
        if result != expected:
            anomalies.append(f"{iteration}: {result}")
    assert_trail_intact()
    report("submit × submit", anomalies)


def test_one_authorised_official_returns_a_declaration_while_another_accepts_it(office):
    anomalies = []
    winners: Counter[str] = Counter()
    for iteration in range(ITERATIONS):
        declaration = make_declaration(
            "under_review", position=PositionFactory(organisation=office["organisation"]), reviewer=office["first"]
        )

        outcomes = race(
            partial(
                services.declaration_return_for_correction,
                actor=office["first"],
                declaration_id=declaration.pk,
                **RETURN,
            ),
            partial(services.declaration_accept, actor=office["second"], declaration_id=declaration.pk),
        )

        declaration.refresh_from_db()
        winner = "return_for_correction" if outcomes[0] == "won" else "accept"
        winners[winner] += 1
        state = {"return_for_correction": "returned", "accept": "accepted"}[winner]
        result = (sorted(outcomes), declaration.state, logged(declaration))
        if result != (["TransitionNotAllowed", "won"], state, ["submit", "start_review", winner]):
            anomalies.append(f"{iteration}: {result}")
    assert_trail_intact()
    print(f"return × accept winners: {dict(winners)}")
    report("return × accept", anomalies)


def test_the_filer_submits_a_draft_while_discarding_it_in_another_tab(office):
    anomalies = []
    for iteration in range(ITERATIONS):
        declaration = make_declaration("draft", position=PositionFactory(organisation=office["organisation"]))
        filer = declaration.official.user

        outcomes = race(
            partial(services.declaration_submit, actor=filer, declaration_id=declaration.pk),
            partial(services.declaration_discard, actor=filer, declaration_id=declaration.pk),
        )

        declaration.refresh_from_db()
        winner = "submit" if outcomes[0] == "won" else "discard"
        expected_revisions = 1 if winner == "submit" else 0
        result = (
            sorted(outcomes),
            declaration.state,
            logged(declaration),
            DeclarationRevision.objects.filter(declaration=declaration).count(),
        )
        state = {"submit": "submitted", "discard": "discarded"}[winner]
        if result != (["TransitionNotAllowed", "won"], state, [winner], expected_revisions):
            anomalies.append(f"{iteration}: {result}")
    assert_trail_intact()
    report("submit × discard", anomalies)


def test_transitions_of_different_filings_and_a_bulk_job_append_to_one_linear_chain(office):
    # given three declarations under review, which go round return → resubmit → start review, one step per
    # iteration each, while the overdue job moves two obligations
    anomalies = []
    declarations = [
        make_declaration(
            "under_review", position=PositionFactory(organisation=office["organisation"]), reviewer=office["first"]
        )
        for _ in range(3)
    ]
    steps = [
        ("return_for_correction", lambda declaration: office["second"], RETURN),
        ("resubmit", lambda declaration: declaration.official.user, {}),
        ("start_review", lambda declaration: office["second"], {}),
    ]
    past = datetime.date(2025, 1, 1)
    for iteration in range(ITERATIONS):
        name, actor_of, arguments = steps[iteration % len(steps)]
        overdue = [obligations.obligation_for_appointment(PositionFactory(start_date=past)).pk for _ in range(2)]
        before = TransitionLog.objects.count()

        outcomes = race(
            *[
                partial(
                    services.TRANSITION_SERVICES[name],
                    actor=actor_of(declaration),
                    declaration_id=declaration.pk,
                    **arguments,
                )
                for declaration in declarations
            ],
            partial(obligations.mark_overdue, timezone.localdate()),
        )

        result = (
            outcomes,
            [logged(declaration)[-1] for declaration in declarations],
            sorted(Obligation.objects.filter(pk__in=overdue).values_list("state", flat=True)),
            TransitionLog.objects.count() - before,
        )
        if result != (["won"] * 4, [name] * 3, ["overdue"] * 2, 5):
            anomalies.append(f"{iteration}: {result}")
    assert_trail_intact()
    report("4 writers at once (3 filings' transitions + the overdue job)", anomalies)
