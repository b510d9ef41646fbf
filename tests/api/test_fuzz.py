"""Fuzz every operation of the API with Schemathesis, in-process against the WSGI application, as each role.

The schema is the one the API serves (``/api/v1/schema/``, drf-spectacular). For every operation and every
role (a filer, an ЭБАТ reviewer, a procurement secretary, an HR officer, an agency reviewer, an anonymous
visitor) Schemathesis sends schema-conforming and schema-violating requests and checks that the answer is
never a server error and conforms to the schema: a documented status code, a documented content type, a
body of the documented shape. Most generated ids are replaced by ids of objects that exist (the role's own
and other people's), so the requests reach the services and not only the 404.

The run is bounded and reproducible: a fixed number of examples per operation, derandomized, no example
database. Every operation runs in a transaction rolled back after it, over data built once per module; the
side effects a request schedules after commit (e-mails, notifications) run after each case.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.fuzz_world import World, world_for_module

SCHEMA_PATH = "/api/v1/schema/"
# Examples per operation and role: 10 keeps the module under three minutes on two cores; a deeper run (nightly)
# sets FUZZ_MAX_EXAMPLES. Derandomized either way, so a failure found once is found again.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "10"))
# Without credentials every operation but the public register's answers 401 before it reads any input.
ANONYMOUS_MAX_EXAMPLES = 3
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20250215,
        "generation": {"deterministic": True, "database": "none"},
        # The coverage phase sends every boundary value of every parameter (hundreds of requests for some
        # operations) and the stateful phase chains operations: both beyond a CI budget, both for a deeper run.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        # Constant extraction imports and walks every module of the project, the tests' included.
        "analysis": {"constants": {"enabled": False}},
    }
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
# The kind of object a path parameter names: ``{id}`` by the path's first segment (``World.ids`` uses the same
# names), the others by their own name.
ID_KINDS = {
    "flag_id": "flags",
    "member_id": "members",
}
# The cases sent, by role: reported at the end of the module.
CASES: Counter[str] = Counter()


class _Application(WSGIHandler):
    """Django's WSGI handler for in-process calls inside a test transaction.

    The real handler closes "old" connections when a request starts and ends; inside the test's
    transaction that would end it. Django's test client does the same disconnection.
    """

    def __call__(self, environ: Any, start_response: Any) -> Any:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()  # sends request_finished while the connection is safe from it
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


APPLICATION = _Application()
schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, APPLICATION, config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def _report_the_cases_sent(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and CASES:
        by_role = ", ".join(f"{role} {count}" for role, count in CASES.items())
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            reporter.write_line(f"\nschemathesis cases sent: {sum(CASES.values())} ({by_role})")


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with world_for_module(django_db_blocker) as world:
        yield world


def point_at_real_objects(case: Any, world: World) -> None:
    """Replace most generated integer ids in the path by ids that exist (decided by the generated value)."""
    first_segment = case.operation.path.removeprefix("/api/v1/").split("/")[0]
    for name, value in list((case.path_parameters or {}).items()):
        if not isinstance(value, int) or isinstance(value, bool) or value % 4 == 0:
            continue
        pool = world.ids.get(ID_KINDS.get(name, first_segment), [])
        if pool:
            case.path_parameters[name] = pool[value % len(pool)]


def fuzz_as(role: str) -> Any:
    @schema.parametrize()
    @settings(
        max_examples=ANONYMOUS_MAX_EXAMPLES if role == "anonymous" else MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @pytest.mark.django_db
    def test(case: Any, fuzz_world: World, django_capture_on_commit_callbacks: Any) -> None:
        point_at_real_objects(case, fuzz_world)
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        case.headers = {**headers, **fuzz_world.authorization(role)}
        CASES[role] += 1
        with django_capture_on_commit_callbacks(execute=True):
            case.call_and_validate(checks=CHECKS)

    test.__name__ = f"test_the_api_as_{role}"
    return test


test_the_api_as_filer = fuzz_as("filer")
test_the_api_as_reviewer = fuzz_as("reviewer")
test_the_api_as_secretary = fuzz_as("secretary")
test_the_api_as_hr = fuzz_as("hr")
test_the_api_as_agency = fuzz_as("agency")
test_the_api_as_anonymous = fuzz_as("anonymous")


def test_every_operation_that_needs_a_sign_in_documents_the_401():
    operations = {
        (path, method): operation
        for path, methods in schema.raw_schema["paths"].items()
        for method, operation in methods.items()
    }
    # drf-spectacular lists ``{}`` among an operation's security requirements when it takes no credentials.
    needs_sign_in = {key for key, operation in operations.items() if {} not in operation.get("security", [{}])}

    undocumented = sorted(key for key in needs_sign_in if "401" not in operations[key]["responses"])

    assert undocumented == []
    assert len(needs_sign_in) == len(operations) - 5  # the public register's four, and issuing a token
