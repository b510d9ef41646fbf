"""Filing obligations over HTTP: the list as far as each role may see it, its filters and pages, one
obligation, and the waiver (400 names the field, 403 for what you may not do, 404 for what you may not see,
409 with the state). A refused request changes nothing."""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from declarations.models import Obligation
from tests.api.conftest import World, signed_in
from tests.factories import PositionFactory
from tests.workflow.test_obligations import REASON, footprint
from workflow import obligations

LIST = "/api/v1/obligations/"
D = datetime.date
NOT_FOUND_BODY = {"detail": "Not found.", "code": "not_found"}
NOT_SIGNED_IN = {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}
FORBIDDEN = {"detail": "You are not allowed to take this action on this filing.", "code": "forbidden"}


def url(pk: Any, action: str | None = None) -> str:
    return f"{LIST}{pk}/{action}/" if action else f"{LIST}{pk}/"


def invalid(errors_by_path: dict[str, list[str]]) -> dict[str, Any]:
    return {"detail": "The input is invalid.", "code": "invalid", "errors": errors_by_path}


def client_for(user: Any) -> APIClient:
    return signed_in(user) if user is not None else APIClient()


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@dataclass
class Duties:
    """The 2024 campaign's annual obligations of the world's officials, and a newcomer's appointment."""

    filer: Obligation
    colleague: Obligation
    reviewer: Obligation
    foreign_reviewer: Obligation
    newcomer: Obligation

    def all(self) -> list[Obligation]:
        return [self.filer, self.colleague, self.reviewer, self.foreign_reviewer, self.newcomer]


@pytest.fixture
def duties(world: World) -> Duties:
    obligations.open_campaign(actor=None, year=2024)  # every position of the world, due 15 February 2025
    newcomer = PositionFactory(organisation=world.department, title="Ахлах мэргэжилтэн", start_date=D(2025, 1, 15))
    appointment = obligations.obligation_for_appointment(newcomer)
    assert appointment is not None

    def annual(user: Any) -> Obligation:
        return Obligation.objects.get(kind="annual", official__user=user)

    return Duties(
        filer=annual(world.filer),
        colleague=annual(world.colleague),
        reviewer=annual(world.reviewer),
        foreign_reviewer=annual(world.foreign_reviewer),
        newcomer=appointment,
    )


# --- The list ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("filer", ["filer"]),
        ("reviewer", ["filer", "colleague", "reviewer", "newcomer"]),  # the aimag's subtree, their own too
        ("foreign_reviewer", ["foreign_reviewer"]),
        ("supervisor", ["filer", "colleague", "reviewer", "foreign_reviewer", "newcomer"]),
    ],
)
def test_the_list_shows_what_each_role_may_see(world, duties, role, expected):
    response = signed_in(getattr(world, role)).get(LIST, {"page_size": 50})

    assert sorted(ids(response)) == sorted(getattr(duties, name).pk for name in expected)


@pytest.mark.django_db
def test_the_list_needs_a_signed_in_user(duties):
    response = APIClient().get(LIST)

    assert response.status_code == 401
    assert response.json() == NOT_SIGNED_IN


@pytest.mark.django_db
def test_an_obligation_reads_with_its_deadline_in_ulaanbaatar_time(world, duties):
    response = signed_in(world.reviewer).get(url(duties.newcomer.pk))

    body = response.json()
    assert response.status_code == 200
    newcomer = duties.newcomer
    assert {key: value for key, value in body.items() if key != "created_at"} == {
        "id": newcomer.pk,
        "official": {"id": newcomer.official_id, "full_name": newcomer.official.full_name},
        "organisation": {"id": world.department.pk, "name": "Санхүүгийн хэлтэс"},
        "position": {"id": newcomer.position_id, "title": "Ахлах мэргэжилтэн"},
        "nomination": None,
        "kind": "appointment",
        "kind_display": "On appointment",
        "period": 2025,
        "event_date": "2025-01-15",
        "due_date": "2025-02-14",
        "deadline": "2025-02-15T00:00:00+08:00",
        "state": "open",
        "state_display": "Open",
        "declaration": None,
        "fulfilled_at": None,
        "waiver_reason": "",
        "available_transitions": ["waive"],
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "transitions"), [("filer", []), ("reviewer", ["waive"]), ("supervisor", [])])
def test_each_row_says_whether_you_may_waive_it(world, duties, role, transitions):
    response = signed_in(getattr(world, role)).get(url(duties.filer.pk))

    assert response.json()["available_transitions"] == transitions


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["foreign_reviewer", None])
def test_an_obligation_you_may_not_see_is_not_found(world, duties, role):
    response = client_for(getattr(world, role) if role else None).get(url(duties.filer.pk))

    assert (response.status_code, response.json()) == ((404, NOT_FOUND_BODY) if role else (401, NOT_SIGNED_IN))


# --- Filters and pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "overdue"}, ["newcomer"]),
        ({"state": ["open", "overdue"]}, ["filer", "colleague", "reviewer", "foreign_reviewer", "newcomer"]),
        ({"state": "waived"}, []),
        ({"kind": "annual"}, ["filer", "colleague", "reviewer", "foreign_reviewer"]),
        ({"kind": "appointment"}, ["newcomer"]),
        ({"period": 2024}, ["filer", "colleague", "reviewer", "foreign_reviewer"]),
        ({"period": 2025}, ["newcomer"]),
        ({"organisation": "aimag"}, ["filer", "colleague", "reviewer", "newcomer"]),  # with its subtree
        ({"organisation": "department"}, ["filer", "colleague", "newcomer"]),
        ({"organisation": "elsewhere"}, ["foreign_reviewer"]),
        ({"due_before": "2025-02-15"}, ["newcomer"]),  # before: the day itself excluded
        ({"due_after": "2025-02-15"}, ["filer", "colleague", "reviewer", "foreign_reviewer"]),  # on or after
        ({"due_after": "2025-02-14", "due_before": "2025-02-15", "kind": "appointment"}, ["newcomer"]),
    ],
)
def test_the_filters(world, duties, query, expected):
    obligations.mark_overdue(D(2025, 2, 15))  # the appointment's deadline passed, the campaign's not yet
    if "organisation" in query:
        query = {**query, "organisation": getattr(world, query["organisation"]).pk}

    response = signed_in(world.supervisor).get(LIST, {**query, "page_size": 50})

    assert sorted(ids(response)) == sorted(getattr(duties, name).pk for name in expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"state": "late"}, "state"),
        ({"kind": "notice"}, "kind"),
        ({"period": "2024.5"}, "period"),
        ({"period": "0"}, "period"),
        ({"organisation": "999999"}, "organisation"),
        ({"organisation": "abc"}, "organisation"),
        ({"due_before": "2025-02-30"}, "due_before"),
        ({"due_after": "tomorrow"}, "due_after"),
    ],
)
def test_a_wrong_filter_value_is_a_400_naming_the_filter(world, duties, query, field):
    response = signed_in(world.supervisor).get(LIST, query)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.django_db
def test_cursor_pages_cover_the_list_once_soonest_due_first(world, duties):
    client = signed_in(world.supervisor)

    seen, link = [], f"{LIST}?page_size=2"
    while link:
        page = client.get(link).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        link = page["next"]

    expected = sorted(duties.all(), key=lambda o: (o.due_date, o.pk))
    assert seen == [o.pk for o in expected]


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["p=abc", "p=2025-13-01", "o=abc", "p="])
def test_a_cursor_the_api_did_not_issue_is_a_400(world, duties, raw):
    cursor = base64.b64encode(raw.encode()).decode()

    response = signed_in(world.supervisor).get(LIST, {"cursor": cursor})

    assert response.status_code == 400
    assert response.json() == invalid(
        {"cursor": ["The cursor is invalid; follow the next and previous links as given."]}
    )


# --- The waiver ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_authorised_official_waives_an_obligation_with_a_reason(world, duties):
    response = signed_in(world.reviewer).post(url(duties.filer.pk, "waive"), {"reason": REASON}, format="json")

    body = response.json()
    assert response.status_code == 200
    assert (body["id"], body["state"], body["state_display"], body["waiver_reason"]) == (
        duties.filer.pk,
        "waived",
        "Waived",
        REASON,
    )
    assert body["available_transitions"] == []
    assert Obligation.objects.get(pk=duties.filer.pk).state == "waived"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "body", "status", "answer"),
    [
        ("reviewer", {}, 400, invalid({"reason": ["A reason is required."]})),
        ("reviewer", {"reason": "   "}, 400, invalid({"reason": ["A reason is required."]})),
        ("reviewer", {"reason": ["a"]}, 400, invalid({"reason": ["A reason is required."]})),
        ("reviewer", ["reason"], 400, invalid({"non_field_errors": ["Send a JSON object."]})),
        ("filer", {"reason": REASON}, 403, FORBIDDEN),
        ("supervisor", {"reason": REASON}, 403, FORBIDDEN),
        ("foreign_reviewer", {"reason": REASON}, 404, NOT_FOUND_BODY),
        (None, {"reason": REASON}, 401, NOT_SIGNED_IN),
    ],
)
def test_a_refused_waiver_changes_nothing(world, duties, role, body, status, answer):
    before = footprint()

    response = client_for(getattr(world, role) if role else None).post(
        url(duties.filer.pk, "waive"), body, format="json"
    )

    assert (response.status_code, response.json()) == (status, answer)
    assert footprint() == before


@pytest.mark.django_db
def test_waiving_twice_is_a_409_with_the_state(world, duties):
    client = signed_in(world.reviewer)
    client.post(url(duties.filer.pk, "waive"), {"reason": REASON}, format="json")
    before = footprint()

    response = client.post(url(duties.filer.pk, "waive"), {"reason": REASON}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This action is not possible in the state “Waived”.",
        "code": "invalid_state",
        "state": "waived",
        "allowed_transitions": [],
    }
    assert footprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["abc", "999999"])
def test_an_unknown_obligation_is_a_404(world, duties, pk):
    response = signed_in(world.reviewer).post(f"{LIST}{pk}/waive/", {"reason": REASON}, format="json")

    assert (response.status_code, response.json()) == (404, NOT_FOUND_BODY)


def test_the_schema_documents_the_obligation_endpoints():
    # ``test_schema`` generates the whole schema with --fail-on-warn; here, the shape of these operations.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    waive = schema["paths"]["/api/v1/obligations/{id}/waive/"]["post"]
    listing = schema["paths"]["/api/v1/obligations/"]["get"]

    assert waive["operationId"] == "obligations_waive"
    assert sorted(waive["responses"]) == ["200", "400", "401", "403", "404", "409", "413", "415"]
    assert waive["requestBody"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/ReasonRequest"
    )
    assert sorted(p["name"] for p in listing["parameters"]) == [
        "cursor",
        "due_after",
        "due_before",
        "kind",
        "organisation",
        "page_size",
        "period",
        "state",
    ]
