"""The reminder tasks through a real Celery worker and the real Redis broker (``-m redis``).

The worker runs in a thread of this process (``celery.contrib.testing.worker.start_worker``) on its own
Celery app, queue and Redis database, so nothing else on the Redis is touched and the project's app (eager
in tests) is left as it was. Every wait is bounded; the worker stops at the end of each test. Without a
Redis answering at ``TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``) the tests are skipped, or
fail when ``REDIS_TESTS_REQUIRED=1`` (CI), so a CI run cannot pass without having talked to Redis.
"""

from __future__ import annotations

import datetime
import os
import sys
import threading
import types
import uuid

import pytest
import redis
from celery import Celery, signals
from celery.contrib.testing.worker import TestWorkController, start_worker
from django.core import mail
from django.db import connections

import workflow.tasks  # noqa: F401  (registers the shared tasks with every Celery app, the test's too)
from config import celery_app
from declarations.models import Obligation, ObligationState
from tests.factories import OrganisationFactory, PositionFactory, make_reviewer
from workflow.models import Notification

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TODAY = datetime.date(2026, 2, 1)
TIMEOUT = 30  # seconds: any single wait on the worker or the broker


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        message = (
            f"Redis does not answer at {REDIS_URL} ({error}); start it with "
            "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no`"
        )
        if os.environ.get("REDIS_TESTS_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return client


class BoundedWorkController(TestWorkController):
    """The test worker, except that waiting for it to start gives up after ``TIMEOUT`` seconds."""

    def ensure_started(self) -> None:
        if not self._on_started.wait(TIMEOUT):
            self.stop(in_sighandler=False)
            raise RuntimeError(f"The Celery worker did not start within {TIMEOUT} seconds.")


@pytest.fixture
def worker_app():
    """A Celery app configured as in production (the project's CELERY_ settings) but on its own queue of the
    test Redis, with results kept, and a worker consuming that queue; all removed afterwards."""
    client = _redis_or_skip()
    queue = f"coi-test-{uuid.uuid4().hex}"
    app = Celery("reminders-redis-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    # Read with the CELERY_ namespace, so overridden under the same names.
    app.conf.update(
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_RESULT_BACKEND=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_TASK_IGNORE_RESULT=False,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        CELERY_RESULT_EXPIRES=300,
        CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP=False,
        CELERY_BROKER_CONNECTION_MAX_RETRIES=2,
        CELERY_BROKER_CONNECTION_TIMEOUT=5,
        CELERY_BROKER_TRANSPORT_OPTIONS={"socket_timeout": 5, "socket_connect_timeout": 5},
        CELERY_REDIS_SOCKET_TIMEOUT=5,
        CELERY_REDIS_SOCKET_CONNECT_TIMEOUT=5,
    )
    assert (app.conf.broker_url, app.conf.task_always_eager) == (REDIS_URL, False)

    def close_worker_connections(sender=None, **kwargs):
        # In the worker's thread, after each task: its database sessions must not outlive the test (the test
        # database is dropped at the end, and PostgreSQL refuses while a session is open).
        if getattr(sender, "app", None) is app:
            connections.close_all()

    signals.task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=TIMEOUT,
            WorkController=BoundedWorkController,
        ):
            yield app
    finally:
        # start_worker made the test app the current one: give the project's app its place back.
        celery_app.set_current()
        celery_app.set_default()
        signals.task_postrun.disconnect(close_worker_connections)
        client.delete(queue, f"_kombu.binding.{queue}")
        client.close()


def _run(app: Celery, name: str, *args: str) -> dict:
    result = app.tasks[name].delay(*args)
    try:
        return result.get(timeout=TIMEOUT)
    finally:
        result.forget()


def _make_obligation(*, due_date, state=ObligationState.OPEN, **position_kwargs):
    position = PositionFactory(**position_kwargs)
    obligation = Obligation.objects.create(
        official=position.official,
        organisation=position.organisation,
        position=position,
        kind="annual",
        period=2025,
        due_date=due_date,
    )
    Obligation.objects.filter(pk=obligation.pk).update(state=state)
    return obligation


def test_the_reminders_go_once_through_the_worker(worker_app):
    # given three officials whose declarations are due today and one due in three days
    for name in ("first", "second", "third"):
        _make_obligation(due_date=TODAY, official__user__email=f"{name}@example.mn")
    _make_obligation(due_date=datetime.date(2026, 2, 4), official__user__email="soon@example.mn")

    # when the worker runs the reminder task twice for the same day
    first = _run(worker_app, "workflow.tasks.send_reminders", "2026-02-01")
    second = _run(worker_app, "workflow.tasks.send_reminders", "2026-02-01")

    # then the task ran in the worker's thread, and each official got one notification and one e-mail
    assert first == {"date": "2026-02-01", "created": 4, "emailed": 4, "failed": 0}
    assert second == {"date": "2026-02-01", "created": 0, "emailed": 0, "failed": 0}
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("first@example.mn", "Your declaration is due today, 2026-02-01"),
        ("second@example.mn", "Your declaration is due today, 2026-02-01"),
        ("soon@example.mn", "Reminder: your declaration is due on 2026-02-04"),
        ("third@example.mn", "Your declaration is due today, 2026-02-01"),
    ]
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 4


def test_mark_overdue_and_notify_runs_in_the_worker(worker_app, monkeypatch):
    # given an overdue filing, its organisation's ЭБАТ, and the overdue service (another module's) stubbed
    ran_in = []

    def mark_overdue(*, today):
        ran_in.append((today, threading.current_thread().name))
        return 0

    module = types.ModuleType("workflow.obligations")
    module.mark_overdue = mark_overdue
    monkeypatch.setitem(sys.modules, "workflow.obligations", module)
    organisation = OrganisationFactory()
    make_reviewer(organisation, official__user__email="ebat@example.mn")
    _make_obligation(due_date=datetime.date(2026, 1, 20), state=ObligationState.OVERDUE, organisation=organisation)

    # when the worker runs the task
    result = _run(worker_app, "workflow.tasks.mark_overdue_and_notify", "2026-02-01")

    # then it ran outside the test's thread and the ЭБАТ got the list
    assert result == {"date": "2026-02-01", "marked_overdue": 0, "created": 1, "emailed": 1, "failed": 0}
    assert [day for day, _thread in ran_in] == [TODAY]
    assert ran_in[0][1] != threading.current_thread().name
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("ebat@example.mn", "Overdue declarations as of 2026-02-01: 1")
    ]
