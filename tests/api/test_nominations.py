"""Nominations over HTTP: the HR officer registers a nominee and records the appointment, the nominee opens
the ХАСУМ, and the agency reviews it through the declaration endpoints (DESIGN §3–4).

Errors keep the API's one shape: 400 names each field, 404 for what you may not see, 403 for what you
may not do, 409 with the state and what you may still do. A refused request changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from declarations.content import sample_content
from declarations.models import Conclusion, Nomination, Position
from tests.api.conftest import signed_in
from tests.factories import OrganisationFactory, UserFactory, make_agency_reviewer
from tests.workflow.test_nominations import (
    PRELIMINARY_CONCLUSION,
    TITLE,
    WITHDRAW_REASON,
    Case,
    _actors,
    footprint,
    make_case,
    make_hr_officer,
    nominee_fields,
)
from workflow import errors

User = get_user_model()
LIST = "/api/v1/nominations/"
NOT_FOUND_BODY = {"detail": "Not found.", "code": "not_found"}
NOT_SIGNED_IN = {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}
DETAIL_FIELDS = {
    "id",
    "nominee",
    "organisation",
    "position_title",
    "declaration_required",
    "state",
    "state_display",
    "position",
    "appointed_on",
    "created_at",
    "updated_at",
    "preliminary_declaration",
    "conclusion",
    "available_transitions",
}


def url(pk: Any, action: str | None = None) -> str:
    return f"{LIST}{pk}/{action}/" if action else f"{LIST}{pk}/"


def declaration_url(pk: Any, action: str) -> str:
    return f"/api/v1/declarations/{pk}/{action}/"


def invalid(errors_by_path: dict[str, list[str]]) -> dict[str, Any]:
    return {"detail": "The input is invalid.", "code": "invalid", "errors": errors_by_path}


def client_for(user: Any) -> APIClient:
    return APIClient() if not user.is_authenticated else signed_in(user)


# --- Registering ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_hr_officer_registers_a_nominee_who_is_invited(django_capture_on_commit_callbacks, mailoutbox):
    organisation = OrganisationFactory(name="Дорноговь аймгийн ЗДТГ")
    hr = make_hr_officer(organisation)
    fields = nominee_fields(email="saraa@example.mn")

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(hr).post(LIST, {"organisation": organisation.pk, **fields}, format="json")

    assert response.status_code == 201
    body = response.json()
    nomination = Nomination.objects.get()
    assert set(body) == DETAIL_FIELDS
    assert body["id"] == nomination.pk
    assert body["nominee"] == {"id": nomination.nominee_id, "full_name": "Ганболдын Сарангэрэл"}
    assert body["organisation"] == {"id": organisation.pk, "name": "Дорноговь аймгийн ЗДТГ"}
    assert (body["position_title"], body["declaration_required"], body["state"], body["state_display"]) == (
        TITLE,
        True,
        "nominated",
        "Nominated",
    )
    assert (body["position"], body["appointed_on"], body["preliminary_declaration"], body["conclusion"]) == (
        None,
        None,
        None,
        None,
    )
    assert body["available_transitions"] == ["withdraw"]
    assert "register_number" not in str(body)
    assert [message.to for message in mailoutbox] == [["saraa@example.mn"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "This field is required."),
        ("full_name", 7, "Enter a text value."),
        ("register_number", "УБ123", "Enter a registration number of two Cyrillic letters followed by 8 digits."),
        ("register_number", None, "This field is required."),
        ("email", "saraa@", "Enter a valid email address."),
        ("email", "taken@example.mn", "This e-mail address belongs to another account."),
        ("position_title", "   ", "This field is required."),
        ("position_title", "Д" * 256, "Ensure this value has at most 255 characters."),
        ("declaration_required", "true", "Enter true or false."),
    ],
)
def test_bad_input_answers_400_naming_the_field_and_registers_nobody(
    field, value, message, django_capture_on_commit_callbacks, mailoutbox
):
    organisation = OrganisationFactory()
    hr = make_hr_officer(organisation)
    UserFactory(email="taken@example.mn")
    before = footprint()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(hr).post(
            LIST, {"organisation": organisation.pk, **nominee_fields(**{field: value})}, format="json"
        )

    assert (response.status_code, response.json()) == (400, invalid({field: [message]}))
    assert footprint() == before
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_missing_field_is_named_and_a_missing_organisation_comes_first():
    organisation = OrganisationFactory()
    hr = make_hr_officer(organisation)
    before = footprint()
    client = signed_in(hr)

    no_email = client.post(
        LIST, {"organisation": organisation.pk, **nominee_fields()} | {"email": None}, format="json"
    ).json()
    fields = {key: value for key, value in nominee_fields().items() if key != "register_number"}
    no_number = client.post(LIST, {"organisation": organisation.pk, **fields}, format="json")
    no_organisation = client.post(LIST, nominee_fields(), format="json")
    bad_organisation = client.post(LIST, {"organisation": "ЗДТГ", **nominee_fields()}, format="json")
    unknown_organisation = client.post(LIST, {"organisation": 999999, **nominee_fields()}, format="json")
    not_an_object = client.post(LIST, ["organisation"], format="json")

    assert no_email == invalid({"email": ["This field is required."]})
    assert (no_number.status_code, no_number.json()) == (400, invalid({"register_number": ["This field is required."]}))
    assert (no_organisation.status_code, no_organisation.json()) == (
        400,
        invalid({"organisation": ["This field is required."]}),
    )
    assert (bad_organisation.status_code, bad_organisation.json()) == (
        400,
        invalid({"organisation": ["A valid integer is required."]}),
    )
    assert (unknown_organisation.status_code, unknown_organisation.json()) == (404, NOT_FOUND_BODY)
    assert (not_an_object.status_code, not_an_object.json()) == (
        400,
        invalid({"non_field_errors": ["Send a JSON object."]}),
    )
    assert footprint() == before


@pytest.mark.django_db
def test_a_second_open_nomination_is_a_409():
    organisation = OrganisationFactory()
    hr = make_hr_officer(organisation)
    fields = {"organisation": organisation.pk, **nominee_fields()}
    assert signed_in(hr).post(LIST, fields, format="json").status_code == 201
    before = footprint()

    response = signed_in(hr).post(LIST, fields, format="json")

    assert (response.status_code, response.json()) == (
        409,
        {"detail": "This person is already nominated to this post in this organisation.", "code": "conflict"},
    )
    assert footprint() == before


# --- Who may do what, over HTTP ------------------------------------------------------------------------------

ROLES = ("nominee", "hr", "other_hr", "ebat", "agency", "other_agency", "supervisor", "outsider", "anonymous")
# action → the ХАСУМ state it starts from (None: the nominee has not opened it) and the status per role.
HTTP_SETUP = {
    "create": "submitted",
    "read": "submitted",
    "appoint": "concluded",
    "withdraw": "submitted",
    "preliminary_declaration": None,
    "start_review": "submitted",
    "return_for_correction": "under_review",
    "conclude": "under_review",
    "publish": "concluded",
    "assign": "submitted",
}
HTTP_MATRIX: dict[str, tuple[int, ...]] = {
    #                          nominee hr  other_hr ebat agency other_agency supervisor outsider anonymous
    "create": (403, 201, 403, 403, 403, 403, 403, 403, 401),
    "read": (200, 200, 404, 404, 200, 404, 200, 404, 401),
    "appoint": (403, 200, 404, 404, 403, 404, 403, 404, 401),
    "withdraw": (403, 200, 404, 404, 403, 404, 403, 404, 401),
    "preliminary_declaration": (201, 403, 404, 404, 404, 404, 403, 404, 401),
    "start_review": (403, 404, 404, 404, 200, 404, 403, 404, 401),
    "return_for_correction": (403, 404, 404, 404, 200, 404, 403, 404, 401),
    "conclude": (403, 404, 404, 404, 200, 404, 403, 404, 401),
    "publish": (403, 404, 404, 404, 200, 404, 403, 404, 401),
    "assign": (403, 404, 404, 404, 403, 404, 200, 404, 401),
}
HTTP_CASES = [(action, role, HTTP_MATRIX[action][i]) for action in HTTP_MATRIX for i, role in enumerate(ROLES)]


def _request(client: APIClient, action: str, case: Case, successor: Any) -> Any:
    nomination = case.nomination.pk
    declaration = case.declaration.pk if case.declaration is not None else 0
    requests = {
        "create": lambda: client.post(LIST, {"organisation": case.organisation.pk, **nominee_fields()}, format="json"),
        "read": lambda: client.get(url(nomination)),
        "appoint": lambda: client.post(
            url(nomination, "appoint"), {"start_date": timezone.localdate().isoformat()}, format="json"
        ),
        "withdraw": lambda: client.post(url(nomination, "withdraw"), {"reason": WITHDRAW_REASON}, format="json"),
        "preliminary_declaration": lambda: client.post(url(nomination, "preliminary-declaration")),
        "start_review": lambda: client.post(declaration_url(declaration, "start_review")),
        "return_for_correction": lambda: client.post(
            declaration_url(declaration, "return_for_correction"), {"comment": "Засна уу."}, format="json"
        ),
        "conclude": lambda: client.post(
            declaration_url(declaration, "conclude"), PRELIMINARY_CONCLUSION, format="json"
        ),
        "publish": lambda: client.post(declaration_url(declaration, "publish")),
        "assign": lambda: client.post(
            declaration_url(declaration, "assign"), {"reviewer": successor.pk}, format="json"
        ),
    }
    return requests[action]()


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "role", "expected"), HTTP_CASES, ids=[f"{a}-{r}" for a, r, _ in HTTP_CASES])
def test_roles_by_actions_over_http(action, role, expected):
    # given a nomination whose ХАСУМ is assigned to an agency reviewer, in the state the action starts from
    case = make_case(HTTP_SETUP[action])
    actor = _actors(case, OrganisationFactory())[role]
    successor = make_agency_reviewer()
    before = footprint()

    # when
    response = _request(client_for(actor), action, case, successor)

    # then the status is the table's; a refusal has the API's body and changed nothing
    assert response.status_code == expected
    if expected == 404:
        assert response.json() == NOT_FOUND_BODY
    if expected == 401:
        assert response.json() == NOT_SIGNED_IN
    if expected >= 400:
        assert response.json()["code"] in ("forbidden", "not_found", "not_authenticated")
        assert footprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_exactly_what_the_detail_shows(role):
    # given two nominations in two organisations, the first's ХАСУМ assigned to an agency reviewer
    case = make_case("submitted")
    other = make_case("submitted")
    actor = _actors(case, OrganisationFactory())[role]

    # when
    response = client_for(actor).get(LIST)

    # then the first is listed exactly for those who may read it; the second for the supervisor only
    if role == "anonymous":
        assert response.status_code == 401
        return
    expected = {
        "nominee": [case.nomination.pk],
        "hr": [case.nomination.pk],
        "agency": [case.nomination.pk],
        "supervisor": [other.nomination.pk, case.nomination.pk],
    }.get(role, [])
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == expected


# --- The detail -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_shows_the_preliminary_declaration_and_only_the_public_conclusion():
    # given a nomination the agency concluded on
    case = make_case("concluded")
    conclusion = Conclusion.objects.get(declaration=case.declaration)

    for user in (case.hr, case.nominee, case.supervisor):
        # when
        response = signed_in(user).get(url(case.nomination.pk))

        # then
        body = response.json()
        assert response.status_code == 200
        assert body["state"] == "concluded"
        assert body["preliminary_declaration"] == {
            "id": case.declaration.pk,
            "state": "concluded",
            "state_display": "Concluded by the agency",
        }
        assert body["conclusion"] == {
            "finding": "no_obstacle",
            "finding_display": "No obstacle to the appointment",
            "legal_article": PRELIMINARY_CONCLUSION["legal_article"],
            "reasoning": PRELIMINARY_CONCLUSION["reasoning"],
            "concluded_at": conclusion.concluded_at.astimezone(timezone.get_current_timezone()).isoformat(),
        }
        assert PRELIMINARY_CONCLUSION["internal_notes"] not in response.content.decode()
    assert signed_in(case.hr).get(url(case.nomination.pk)).json()["available_transitions"] == ["appoint", "withdraw"]


@pytest.mark.django_db
def test_before_the_conclusion_the_detail_has_none():
    case = make_case("under_review")

    body = signed_in(case.hr).get(url(case.nomination.pk)).json()

    assert (body["state"], body["preliminary_declaration"]["state"], body["conclusion"]) == (
        "declared",
        "under_review",
        None,
    )


# --- The ХАСУМ ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_nominee_opens_the_draft_once_while_nominated():
    case = make_case(None)
    client = signed_in(case.nominee)

    created = client.post(url(case.nomination.pk, "preliminary-declaration"))
    before = footprint()
    again = client.post(url(case.nomination.pk, "preliminary-declaration"))

    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["state"], body["year"]) == ("preliminary", "draft", timezone.localdate().year)
    assert body["position"] == {"id": None, "title": TITLE}
    assert body["official"] == {"id": case.nomination.nominee_id, "full_name": case.nomination.nominee.full_name}
    assert body["content"]["personal"] == {"full_name": case.nomination.nominee.full_name}
    assert body["available_transitions"] == ["submit", "discard"]
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "This nomination already has a preliminary declaration.", "code": "conflict"},
    )
    assert footprint() == before


@pytest.mark.django_db
def test_the_preliminary_declaration_runs_through_the_declaration_endpoints_and_the_nomination_follows():
    # given a nomination, and the agency's supervisor and reviewer
    case = make_case(None)
    nominee, agency, supervisor = signed_in(case.nominee), signed_in(case.agency), signed_in(case.supervisor)
    hr = signed_in(case.hr)

    # when the nominee opens, fills in and submits the ХАСУМ
    pk = nominee.post(url(case.nomination.pk, "preliminary-declaration")).json()["id"]
    official = case.nomination.nominee
    content = sample_content(full_name=official.full_name, register_number=official.register_number)
    assert nominee.patch(f"/api/v1/declarations/{pk}/", {"content": content}, format="json").status_code == 200
    assert nominee.post(declaration_url(pk, "submit")).json()["state"] == "submitted"
    assert hr.get(url(case.nomination.pk)).json()["state"] == "declared"
    # then the HR officer cannot appoint yet
    refused = hr.post(url(case.nomination.pk, "appoint"), {"start_date": timezone.localdate().isoformat()})
    assert (refused.status_code, refused.json()) == (
        409,
        {
            "detail": "The agency has not concluded on the nominee's preliminary declaration yet.",
            "code": "invalid_state",
            "state": "declared",
            "allowed_transitions": ["withdraw"],
        },
    )
    assert not Position.objects.filter(official=official).exists()

    # when the supervisor assigns it and the agency reviewer concludes and publishes
    assert supervisor.post(declaration_url(pk, "assign"), {"reviewer": case.agency.pk}).status_code == 200
    assert agency.post(declaration_url(pk, "start_review")).json()["available_transitions"] == [
        "return_for_correction",
        "conclude",
    ]
    assert agency.post(declaration_url(pk, "conclude"), PRELIMINARY_CONCLUSION, format="json").status_code == 200
    assert agency.post(declaration_url(pk, "publish")).json()["state"] == "published"

    # then the nomination is concluded and the HR officer records the appointment
    assert hr.get(url(case.nomination.pk)).json()["conclusion"]["finding"] == "no_obstacle"
    start = timezone.localdate().isoformat()
    appointed = hr.post(url(case.nomination.pk, "appoint"), {"start_date": start}, format="json")
    assert appointed.status_code == 200
    position = Position.objects.get(official=official)
    assert (appointed.json()["state"], appointed.json()["position"], appointed.json()["appointed_on"]) == (
        "appointed",
        position.pk,
        start,
    )
    assert appointed.json()["available_transitions"] == []
    assert (position.title, position.organisation_id, position.start_date.isoformat()) == (
        TITLE,
        case.organisation.pk,
        start,
    )


# --- Appointment and withdrawal input --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "This field is required."),
        ({"start_date": "2026-13-01"}, "Enter a valid date in the format YYYY-MM-DD."),
        ({"start_date": ["2026-03-01"]}, "Enter a valid date in the format YYYY-MM-DD."),
    ],
)
def test_a_bad_start_date_is_a_400(body, message):
    case = make_case("concluded")
    before = footprint()

    response = signed_in(case.hr).post(url(case.nomination.pk, "appoint"), body, format="json")

    assert (response.status_code, response.json()) == (400, invalid({"start_date": [message]}))
    assert footprint() == before


@pytest.mark.django_db
def test_withdrawing_needs_a_reason_and_then_ends_the_nomination():
    case = make_case("draft")
    client = signed_in(case.hr)
    before = footprint()

    missing = client.post(url(case.nomination.pk, "withdraw"), {}, format="json")
    assert (missing.status_code, missing.json()) == (400, invalid({"reason": [str(errors.REASON_REQUIRED)]}))
    assert footprint() == before

    withdrawn = client.post(url(case.nomination.pk, "withdraw"), {"reason": WITHDRAW_REASON}, format="json")
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["state"], withdrawn.json()["available_transitions"]) == ("withdrawn", [])
    again = client.post(url(case.nomination.pk, "withdraw"), {"reason": WITHDRAW_REASON}, format="json")
    assert (again.status_code, again.json()) == (
        409,
        {
            "detail": "This action is not possible in the state “Nomination withdrawn”.",
            "code": "invalid_state",
            "state": "withdrawn",
            "allowed_transitions": [],
        },
    )


# --- The schema ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    import yaml
    from django.core.management import call_command

    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_every_nomination_operation_is_documented_with_its_errors(schema):
    operations = {
        (path, method): operation
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/nominations/")
        for method, operation in methods.items()
    }

    assert {key: (op["operationId"], sorted(op["responses"])) for key, op in operations.items()} == {
        ("/api/v1/nominations/", "get"): ("nominations_list", ["200", "400", "401"]),
        ("/api/v1/nominations/", "post"): (
            "nominations_create",
            ["201", "400", "401", "403", "404", "409", "413", "415"],
        ),
        ("/api/v1/nominations/{id}/", "get"): ("nominations_retrieve", ["200", "401", "404"]),
        ("/api/v1/nominations/{id}/preliminary-declaration/", "post"): (
            "nominations_preliminary_declaration",
            ["201", "400", "401", "403", "404", "409", "413", "415"],
        ),
        ("/api/v1/nominations/{id}/appoint/", "post"): (
            "nominations_appoint",
            ["200", "400", "401", "403", "404", "409", "413", "415"],
        ),
        ("/api/v1/nominations/{id}/withdraw/", "post"): (
            "nominations_withdraw",
            ["200", "400", "401", "403", "404", "409", "413", "415"],
        ),
    }
    appoint_body = operations[("/api/v1/nominations/{id}/appoint/", "post")]["requestBody"]
    assert appoint_body["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/AppointRequest"
    assert schema["components"]["schemas"]["AppointRequest"]["required"] == ["start_date"]
    assert "requestBody" not in operations[("/api/v1/nominations/{id}/preliminary-declaration/", "post")]
    assert schema["components"]["schemas"]["NominationStateEnum"]["enum"] == [
        "nominated",
        "declared",
        "concluded",
        "appointed",
        "withdrawn",
    ]
    assert sorted(schema["components"]["schemas"]["PublicConclusion"]["properties"]) == [
        "concluded_at",
        "finding",
        "finding_display",
        "legal_article",
        "reasoning",
    ]
