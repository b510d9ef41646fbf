"""A database failure in the middle of a transition, after the state changed and before its log row is
written (or while the rows are appended): nothing of it stays, neither the state nor a log row nor
anything it set off, and no side effect runs. The transactions commit for real here (``transaction=True``),
so what is asserted is what the database kept.

(That a reminder run killed halfway and run again sends each notification once is tested in
``tests/workflow/test_reminders.py``: ``test_a_run_that_dies_midway_loses_no_email_and_the_rerun_sends_each_once``.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import DatabaseError

from declarations.models import Declaration, DeclarationRevision, Nomination, Obligation
from tests.api.conftest import signed_in, url
from tests.factories import PositionFactory, make_declaration, make_reviewer
from workflow import audit, obligations, services, verification
from workflow.models import Notification, TransitionLog

pytestmark = pytest.mark.django_db(transaction=True)
DISK_FULL = "could not extend file: No space left on device"


def everything() -> dict[str, Any]:
    """What a failed transition must leave exactly as it was."""
    return {
        "declarations": list(Declaration.objects.order_by("pk").values()),
        "revisions": list(DeclarationRevision.objects.order_by("pk").values_list("pk", "content_hash")),
        "log": list(TransitionLog.objects.order_by("seq").values_list("pk", "seq", "hash")),
        "nominations": list(Nomination.objects.order_by("pk").values_list("pk", "state")),
        "obligations": list(Obligation.objects.order_by("pk").values_list("pk", "state", "declaration_id")),
        "notifications": Notification.objects.count(),
    }


def fail(*args: Any, **kwargs: Any) -> None:
    raise DatabaseError(DISK_FULL)


@pytest.fixture(params=["before the log row", "while the rows are appended"])
def break_the_log(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """From the call on, the failure strikes when a service asks for its log row, or when the queued rows are
    inserted."""
    return lambda: monkeypatch.setattr(
        audit, "record_transition" if request.param == "before the log row" else "_write", fail
    )


def test_an_acceptance_that_fails_before_its_log_row_leaves_nothing(break_the_log):
    # given
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    declaration = make_declaration("under_review", position=position, reviewer=reviewer)
    mail.outbox.clear()
    before = everything()
    break_the_log()

    # when the acceptance fails after the state changed and before (or while) its row is written
    with pytest.raises(DatabaseError, match=f"^{DISK_FULL}$"):
        services.declaration_accept(actor=reviewer, declaration_id=declaration.pk, comment="Зөв.")

    # then nothing of it was committed, no e-mail went out, and the trail still verifies
    assert everything() == before
    assert Declaration.objects.get(pk=declaration.pk).state == "under_review"
    assert mail.outbox == []
    assert verification.verify().problems == []


def test_a_submission_that_fails_leaves_nothing_of_what_it_set_off(break_the_log, monkeypatch):
    # given a draft whose submission would also fulfil the appointment obligation (a nested transition)
    position = PositionFactory()
    obligation = obligations.obligation_for_appointment(position)
    declaration = make_declaration("draft", position=position, kind="appointment", year=2020)
    before = everything()
    break_the_log()

    # when
    with pytest.raises(DatabaseError, match=f"^{DISK_FULL}$"):
        services.declaration_submit(actor=position.official.user, declaration_id=declaration.pk)

    # then no state, revision, fulfilment or log row stayed
    assert everything() == before
    assert Obligation.objects.get(pk=obligation.pk).state == "open"
    assert verification.verify().problems == []

    # and once the database is well again the same submission goes through, chained where it belongs
    monkeypatch.undo()
    services.declaration_submit(actor=position.official.user, declaration_id=declaration.pk)
    assert [row.transition for row in TransitionLog.objects.order_by("seq")][-2:] == ["fulfil_late", "submit"]
    assert verification.verify().problems == []


def test_the_api_answers_the_generic_server_error_and_keeps_nothing(monkeypatch):
    # given
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    declaration = make_declaration("under_review", position=position, reviewer=reviewer)
    before = everything()
    monkeypatch.setattr(audit, "record_transition", fail)
    client = signed_in(reviewer)
    client.raise_request_exception = False

    # when
    response = client.post(url(declaration.pk, "accept"), {}, format="json")

    # then the generic 500, which tells nothing of the database, and nothing changed
    assert response.status_code == 500
    assert DISK_FULL not in response.content.decode()
    assert "DatabaseError" not in response.content.decode()
    assert everything() == before
