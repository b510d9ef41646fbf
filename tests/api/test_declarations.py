"""Declarations: list, filters, pagination, detail, create, correct and edit; who sees what; query counts."""

import base64
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import assign_perm

from declarations.content import MSG_EXPECTED_OBJECT, MSG_PERSON_REGISTER_NUMBER, sample_content
from declarations.models import Declaration, DeclarationState
from tests.api.conftest import footprint, signed_in, url
from tests.api.test_transitions import AVAILABLE
from tests.factories import OrganisationFactory, PositionFactory, UserFactory, make_declaration
from workflow import errors

S = DeclarationState
LIST = "/api/v1/declarations/"
QUEUE = "/api/v1/review-queue/"
NOT_FOUND_BODY = {"detail": str(errors.NOT_FOUND), "code": "not_found"}
ROW_FIELDS = {
    "id",
    "kind",
    "kind_display",
    "year",
    "state",
    "state_display",
    "form_version",
    "official",
    "organisation",
    "position",
    "corrects",
    "created_at",
    "updated_at",
    "submitted_at",
    "accepted_at",
    "concluded_at",
    "published_at",
    "nomination",
    "conclusion",
    "available_transitions",
}


def _invalid(errors_by_path):
    return {"detail": "The input is invalid.", "code": "invalid", "errors": errors_by_path}


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _declaration(world, state, position=None, **kwargs):
    return make_declaration(
        state,
        position=position or world.filer_position,
        reviewer=world.reviewer,
        supervisor=world.supervisor,
        **kwargs,
    )


# --- Reading ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_shows_the_declaration_with_its_content_and_never_a_registration_number_outside_it(world):
    declaration = _declaration(world, S.DRAFT)
    official = world.filer.official

    body = signed_in(world.filer).get(url(declaration.pk)).json()

    assert set(body) == ROW_FIELDS | {"content", "return_note"}
    assert body["official"] == {"id": official.pk, "full_name": official.full_name}
    assert body["organisation"] == {"id": world.department.pk, "name": world.department.name}
    assert body["position"] == {"id": world.filer_position.pk, "title": world.filer_position.title}
    assert (body["kind"], body["kind_display"], body["state"], body["state_display"]) == (
        "annual",
        "Annual",
        "draft",
        "Draft",
    )
    assert body["content"] == Declaration.objects.get(pk=declaration.pk).content
    assert body["return_note"] is None
    assert official.register_number not in str({k: v for k, v in body.items() if k != "content"})


@pytest.mark.django_db
def test_list_rows_leave_out_the_content_and_come_newest_first(world):
    older = _declaration(world, S.DRAFT, year=2023)
    newer = _declaration(world, S.SUBMITTED, year=2024)

    response = signed_in(world.filer).get(LIST)

    assert _ids(response) == [newer.pk, older.pk]
    assert [set(row) for row in response.json()["results"]] == [ROW_FIELDS, ROW_FIELDS]
    assert [row["available_transitions"] for row in response.json()["results"]] == [[], ["submit", "discard"]]


@pytest.mark.django_db
def test_the_return_note_appears_only_while_the_declaration_is_returned(world):
    returned = _declaration(world, S.RETURNED)
    resubmitted = _declaration(world, S.RETURNED, year=2024)
    signed_in(world.filer).post(url(resubmitted.pk, "resubmit"))

    note = signed_in(world.filer).get(url(returned.pk)).json()["return_note"]
    gone = signed_in(world.filer).get(url(resubmitted.pk)).json()["return_note"]

    assert note["comment"] == "Үл хөдлөх хөрөнгийн үнэлгээг шалгана уу."
    assert note["remarks"] == [{"path": "real_estate[0].value_mnt", "message": "Үнэлгээ буруу."}]
    assert datetime.datetime.fromisoformat(note["at"]) < timezone.now()
    assert gone is None


# --- Who sees what ----------------------------------------------------------------------------------


@pytest.fixture
def every_declaration(world):
    """Declarations of the filer in every state, a colleague's, one elsewhere, and the ЭБАТ's own."""
    own = {state: _declaration(world, state, year=2017 + index) for index, state in enumerate(S)}
    colleague = _declaration(world, S.SUBMITTED, position=world.colleague_position)
    elsewhere = make_declaration(S.UNDER_REVIEW, position=PositionFactory(organisation=world.elsewhere))
    reviewers_own = make_declaration(S.SUBMITTED, position=world.reviewer.official.positions.get())
    by_name = {f"filer:{state}": declaration.pk for state, declaration in own.items()}
    by_name |= {"colleague": colleague.pk, "elsewhere": elsewhere.pk, "reviewers_own": reviewers_own.pk}
    return by_name


def _named(every, *names):
    return {every[name] for name in names}


FILERS = [f"filer:{state}" for state in S]
IN_AIMAG = [*FILERS, "colleague", "reviewers_own"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "visible", "queued"),
    [
        ("filer", FILERS, []),
        ("colleague", ["colleague"], []),
        ("reviewer", IN_AIMAG, ["filer:submitted", "filer:under_review", "colleague"]),
        ("foreign_reviewer", ["elsewhere"], ["elsewhere"]),
        ("supervisor", [*IN_AIMAG, "elsewhere"], []),
    ],
)
def test_every_list_holds_exactly_what_the_detail_shows(world, every_declaration, role, visible, queued):
    client = signed_in(getattr(world, role))

    listed = set(_ids(client.get(f"{LIST}?page_size=200")))
    queue = set(_ids(client.get(f"{QUEUE}?page_size=200")))
    shown = {pk for pk in every_declaration.values() if client.get(url(pk)).status_code == 200}
    hidden = set(every_declaration.values()) - shown

    assert listed == shown == _named(every_declaration, *visible)
    assert queue == _named(every_declaration, *queued)
    assert queue <= shown
    assert all(client.get(url(pk)).json() == NOT_FOUND_BODY for pk in hidden)


@pytest.mark.django_db
def test_the_queue_holds_nothing_its_user_cannot_open(world):
    """The global review permission (agency supervisors) opens every declaration its queue lists."""
    declaration = _declaration(world, S.SUBMITTED)
    user = UserFactory()
    assign_perm("declarations.review_declaration", user)
    client = signed_in(user)

    assert _ids(client.get(QUEUE)) == [declaration.pk]
    assert client.get(url(declaration.pk)).status_code == 200
    assert client.get(url(declaration.pk)).json()["available_transitions"] == ["start_review"]


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("role", ["filer", "reviewer", "supervisor", "agency_reviewer"])
def test_a_list_row_offers_the_same_transitions_as_the_detail(world, role, state):
    declaration = _declaration(world, state)
    if role == "agency_reviewer":
        user = UserFactory()
        assign_perm("declarations.review_declaration", user, declaration)
        # the agency's reviewer of this declaration: what an ЭБАТ may do, and its conclusion once referred
        expected = AVAILABLE[state]["reviewer"] + (["conclude"] if state == S.REFERRED else [])
    else:
        user = getattr(world, role)
        expected = AVAILABLE[state][role]
    client = signed_in(user)

    row = next(row for row in client.get(LIST).json()["results"] if row["id"] == declaration.pk)
    detail = client.get(url(declaration.pk)).json()

    assert row["available_transitions"] == detail["available_transitions"] == expected


# --- Filters ----------------------------------------------------------------------------------------


@pytest.fixture
def filterable(world):
    """Declarations across states, kinds, years, officials and organisations, seen by the supervisor."""
    sub_department = PositionFactory(organisation=OrganisationFactory(parent=world.department))
    return {
        "filer_2024_draft": _declaration(world, S.DRAFT, year=2024),
        "filer_2025_submitted": _declaration(world, S.SUBMITTED, year=2025),
        "filer_2025_change": _declaration(world, S.UNDER_REVIEW, year=2025, kind="significant_change"),
        "colleague_2025_accepted": _declaration(world, S.ACCEPTED, position=world.colleague_position),
        "sub_2025_submitted": _declaration(world, S.SUBMITTED, position=sub_department),
        "elsewhere_2025_submitted": make_declaration(
            S.SUBMITTED, position=PositionFactory(organisation=world.elsewhere)
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=submitted", {"filer_2025_submitted", "sub_2025_submitted", "elsewhere_2025_submitted"}),
        ("state=draft&state=accepted", {"filer_2024_draft", "colleague_2025_accepted"}),
        ("kind=significant_change", {"filer_2025_change"}),
        ("year=2024", {"filer_2024_draft"}),
        (
            "year=2025&state=submitted&state=under_review",
            {
                "filer_2025_submitted",
                "filer_2025_change",
                "sub_2025_submitted",
                "elsewhere_2025_submitted",
            },
        ),
        ("official=FILER", {"filer_2024_draft", "filer_2025_submitted", "filer_2025_change"}),
        (
            "organisation=DEPARTMENT",
            {
                "filer_2024_draft",
                "filer_2025_submitted",
                "filer_2025_change",
                "colleague_2025_accepted",
                "sub_2025_submitted",
            },
        ),
        ("organisation=ELSEWHERE", {"elsewhere_2025_submitted"}),
        ("organisation=AIMAG&state=accepted", {"colleague_2025_accepted"}),
    ],
)
def test_filters_narrow_the_list(world, filterable, query, expected):
    query = (
        query.replace("FILER", str(world.filer.official.pk))
        .replace("DEPARTMENT", str(world.department.pk))
        .replace("ELSEWHERE", str(world.elsewhere.pk))
        .replace("AIMAG", str(world.aimag.pk))
    )

    ids = _ids(signed_in(world.supervisor).get(f"{LIST}?{query}"))

    assert set(ids) == {filterable[name].pk for name in expected}
    assert len(ids) == len(expected)


@pytest.mark.django_db
def test_submission_time_filters_bound_the_list(world):
    early = _declaration(world, S.SUBMITTED, year=2024)
    late = _declaration(world, S.SUBMITTED, year=2025)
    _declaration(world, S.DRAFT, year=2023)  # never submitted: outside every bound
    early_at, late_at = early.submitted_at.isoformat(), late.submitted_at.isoformat()
    client = signed_in(world.filer)

    after = _ids(client.get(LIST, {"submitted_after": late_at}))
    before = _ids(client.get(LIST, {"submitted_before": late_at}))
    between = _ids(client.get(LIST, {"submitted_after": early_at, "submitted_before": late_at}))

    assert after == [late.pk]
    assert before == [early.pk]
    assert between == [early.pk]


@pytest.mark.django_db
def test_a_filter_never_widens_what_the_user_sees(world, filterable):
    client = signed_in(world.filer)

    by_colleague = _ids(client.get(LIST, {"official": world.colleague.official.pk}))
    elsewhere = _ids(client.get(LIST, {"organisation": world.elsewhere.pk}))

    assert by_colleague == []
    assert elsewhere == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", [LIST, QUEUE])
@pytest.mark.parametrize(
    ("query", "errors_by_path"),
    [
        ({"state": "lost"}, {"state": ["Select a valid choice. lost is not one of the available choices."]}),
        ({"kind": "weekly"}, {"kind": ["Select a valid choice. weekly is not one of the available choices."]}),
        ({"year": "twenty"}, {"year": ["Enter a whole number."]}),
        ({"year": "2025.5"}, {"year": ["Enter a whole number."]}),
        ({"year": "1e400"}, {"year": ["Enter a whole number."]}),
        ({"year": "99999999999999999999999"}, {"year": ["Ensure this value is less than or equal to 9999."]}),
        ({"official": "me"}, {"official": ["Enter a whole number."]}),
        (
            {"official": "99999999999999999999999"},
            {"official": ["Ensure this value is less than or equal to 9223372036854775807."]},
        ),
        ({"official": "0"}, {"official": ["Ensure this value is greater than or equal to 1."]}),
        (
            {"organisation": "999999"},
            {"organisation": ["Select a valid choice. That choice is not one of the available choices."]},
        ),
        (
            {"organisation": "99999999999999999999999"},
            {"organisation": ["Select a valid choice. That choice is not one of the available choices."]},
        ),
        (
            {"organisation": "aimag"},
            {"organisation": ["Select a valid choice. That choice is not one of the available choices."]},
        ),
        ({"submitted_after": "yesterday"}, {"submitted_after": ["Enter a valid date/time."]}),
        ({"submitted_before": "2025-13-01"}, {"submitted_before": ["Enter a valid date/time."]}),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(world, path, query, errors_by_path):
    response = signed_in(world.reviewer).get(path, query)

    assert response.status_code == 400
    assert response.json() == _invalid(errors_by_path)


# --- Pagination -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "order"), [(LIST, "newest"), (QUEUE, "oldest_submission")])
def test_cursor_pages_cover_the_list_once_in_order(world, path, order):
    declarations = [_declaration(world, S.SUBMITTED, year=year) for year in (2021, 2022, 2023, 2024, 2025)]
    client = signed_in(world.reviewer)

    seen, link = [], f"{path}?page_size=2"
    while link:
        page = client.get(link).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        link = page["next"]

    expected = [d.pk for d in declarations]
    assert seen == (expected[::-1] if order == "newest" else expected)


def _cursor(raw):
    return base64.b64encode(raw.encode()).decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", [LIST, QUEUE, "/api/v1/officials/", "/api/v1/positions/", "/api/v1/organisations/"])
@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        _cursor("p=abc"),
        _cursor("p=2025-01-01"),  # a naive time
        _cursor("p=2025-01-01 00:00:00&r=x"),
        _cursor("o=abc"),
        _cursor("p=\x00"),
        _cursor("p="),
    ],
)
def test_a_cursor_the_api_did_not_issue_is_a_400(world, path, cursor):
    _declaration(world, S.SUBMITTED)

    response = signed_in(world.reviewer).get(path, {"cursor": cursor})

    assert response.status_code == 400
    assert response.json() == _invalid(
        {"cursor": ["The cursor is invalid; follow the next and previous links as given."]}
    )


@pytest.mark.django_db
def test_a_huge_page_size_is_capped(world):
    for year in (2024, 2025):
        _declaration(world, S.DRAFT, year=year)

    response = signed_in(world.filer).get(LIST, {"page_size": "99999999999999999999"})

    assert len(_ids(response)) == 2


# --- Creating ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_filer_opens_a_draft_prefilled_from_the_last_accepted_declaration(world):
    accepted = _declaration(world, S.ACCEPTED, year=2024)
    count = Declaration.objects.count()

    response = signed_in(world.filer).post(
        LIST, {"position": world.filer_position.pk, "kind": "annual", "year": 2025}, format="json"
    )

    assert response.status_code == 201
    created = Declaration.objects.get(pk=response.json()["id"])
    assert Declaration.objects.count() == count + 1
    assert (created.state, created.kind, created.year, created.official, created.organisation) == (
        S.DRAFT,
        "annual",
        2025,
        world.filer.official,
        world.department,
    )
    assert response.json()["content"] == accepted.revisions.get().content
    assert response.json()["available_transitions"] == ["submit", "discard"]


@pytest.mark.django_db
def test_a_first_draft_without_content_starts_empty(world):
    response = signed_in(world.filer).post(
        LIST, {"position": world.filer_position.pk, "kind": "appointment", "year": 2025}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["content"]["personal"] == {}
    assert response.json()["content"]["real_estate"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({}, 400, _invalid({f: ["This field is required."] for f in ("position", "kind", "year")})),
        ({"kind": "annual", "year": 2025}, 400, _invalid({"position": ["This field is required."]})),
        (
            {"position": "POSITION", "kind": "weekly", "year": 2025},
            400,
            _invalid({"kind": ['"weekly" is not a valid choice.']}),
        ),
        (
            {"position": "POSITION", "kind": "annual", "year": "last"},
            400,
            _invalid({"year": ["A valid integer is required."]}),
        ),
        (
            {"position": "POSITION", "kind": "annual", "year": [2025]},
            400,
            _invalid({"year": ["A valid integer is required."]}),
        ),
        ({"position": "POSITION", "kind": "annual", "year": 1999}, 400, "YEAR"),
        ({"position": "POSITION", "kind": "annual", "year": 10**30}, 400, "YEAR"),
        ({"position": "POSITION", "kind": "annual", "year": "NEXT_YEAR"}, 400, "YEAR"),
        (
            {"position": True, "kind": "annual", "year": 2025},
            400,
            _invalid({"position": ["A valid integer is required."]}),
        ),
        (
            {"position": 0, "kind": "annual", "year": 2025},
            400,
            _invalid({"position": ["Ensure this value is greater than or equal to 1."]}),
        ),
        ({"position": 999999, "kind": "annual", "year": 2025}, 404, NOT_FOUND_BODY),
        ({"position": 10**30, "kind": "annual", "year": 2025}, 404, NOT_FOUND_BODY),
        ({"position": "COLLEAGUE", "kind": "annual", "year": 2025}, 404, NOT_FOUND_BODY),
        (
            {"position": "POSITION", "kind": "annual", "year": 2025, "content": []},
            400,
            _invalid({"content": [str(MSG_EXPECTED_OBJECT)]}),
        ),
        (
            {"position": "POSITION", "kind": "annual", "year": 2025, "content": "{}"},
            400,
            _invalid({"content": [str(MSG_EXPECTED_OBJECT)]}),
        ),
        (
            {"position": "POSITION", "kind": "annual", "year": 2025, "content": None},
            400,
            _invalid({"content": ["This field may not be null."]}),
        ),
        (
            {
                "position": "POSITION",
                "kind": "annual",
                "year": 2025,
                "content": {"personal": {"register_number": "12345"}},
            },
            400,
            _invalid({"content.personal.register_number": [str(MSG_PERSON_REGISTER_NUMBER)]}),
        ),
        ({"corrects": "first"}, 400, _invalid({"corrects": ["A valid integer is required."]})),
        ({"corrects": 999999}, 404, NOT_FOUND_BODY),
    ],
)
def test_a_refused_create_writes_nothing(world, body, status, expected):
    this_year = timezone.localdate().year
    substitutes = {
        "POSITION": world.filer_position.pk,
        "COLLEAGUE": world.colleague_position.pk,
        "NEXT_YEAR": this_year + 1,
    }
    body = {key: substitutes.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    if expected == "YEAR":
        expected = _invalid({"year": [str(errors.YEAR_OUT_OF_RANGE % {"min": 2000, "max": this_year})]})

    response = signed_in(world.filer).post(LIST, body, format="json")

    assert response.status_code == status
    assert response.json() == expected
    assert Declaration.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "status", "expected"),
    [
        ("colleagues_position", 403, {"detail": str(errors.FORBIDDEN_POSITION), "code": "forbidden"}),
        ("no_declaration_required", 400, _invalid({"position": [str(errors.POSITION_NOT_REQUIRED)]})),
        ("ended_position", 400, _invalid({"position": [str(errors.POSITION_ENDED)]})),
        ("duplicate", 409, {"detail": str(errors.DUPLICATE_DECLARATION), "code": "conflict"}),
    ],
)
def test_create_is_refused_for_a_position_that_cannot_file(world, case, status, expected):
    user, position = world.filer, world.filer_position
    if case == "colleagues_position":
        user, position = world.reviewer, world.colleague_position  # visible to the ЭБАТ, not theirs
    elif case == "no_declaration_required":
        position = PositionFactory(official=world.filer.official, declaration_required=False)
    elif case == "ended_position":
        position = PositionFactory(official=world.filer.official, end_date=datetime.date(2023, 6, 30))
    else:
        _declaration(world, S.DRAFT, year=2025)
    count = Declaration.objects.count()

    response = signed_in(user).post(LIST, {"position": position.pk, "kind": "annual", "year": 2025}, format="json")

    assert response.status_code == status
    assert response.json() == expected
    assert Declaration.objects.count() == count


@pytest.mark.django_db
def test_malformed_json_on_create_is_a_400(world):
    response = signed_in(world.filer).post(LIST, '{"position": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert Declaration.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "who", "status", "expected"),
    [
        (S.DRAFT, "filer", 409, {"detail": str(errors.CORRECTS_NOT_FINAL), "code": "conflict"}),
        (S.SUBMITTED, "filer", 409, {"detail": str(errors.CORRECTS_NOT_FINAL), "code": "conflict"}),
        (S.WITHDRAWN, "filer", 409, {"detail": str(errors.CORRECTS_NOT_FINAL), "code": "conflict"}),
        (S.ACCEPTED, "reviewer", 403, {"detail": str(errors.FORBIDDEN_CORRECTION), "code": "forbidden"}),
        (S.PUBLISHED, "supervisor", 403, {"detail": str(errors.FORBIDDEN_CORRECTION), "code": "forbidden"}),
        (S.PUBLISHED, "colleague", 404, NOT_FOUND_BODY),
    ],
)
def test_a_correction_is_refused_unless_it_is_the_filers_own_final_declaration(world, state, who, status, expected):
    original = _declaration(world, state)
    before = footprint(original)

    response = signed_in(getattr(world, who)).post(LIST, {"corrects": original.pk}, format="json")

    assert response.status_code == status
    assert response.json() == expected
    assert footprint(original) == before


@pytest.mark.django_db
@pytest.mark.parametrize("state", [S.ACCEPTED, S.PUBLISHED])
def test_a_correction_copies_the_last_frozen_revision_and_links_the_original(world, state):
    original = _declaration(world, state)

    response = signed_in(world.filer).post(LIST, {"corrects": original.pk}, format="json")

    assert response.status_code == 201
    correction = Declaration.objects.get(pk=response.json()["id"])
    assert correction.corrects_id == original.pk
    assert (correction.state, correction.kind, correction.year, correction.position_id) == (
        S.DRAFT,
        original.kind,
        original.year,
        original.position_id,
    )
    assert correction.content == original.revisions.get().content
    assert Declaration.objects.get(pk=original.pk).state == state


# --- Editing ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", [S.DRAFT, S.RETURNED])
def test_the_filer_edits_the_content_while_draft_or_returned(world, state):
    declaration = _declaration(world, state)
    content = sample_content(full_name="Батбаярын Тэмүүжин", register_number="ув90051234")

    response = signed_in(world.filer).patch(url(declaration.pk), {"content": content}, format="json")

    saved = Declaration.objects.get(pk=declaration.pk)
    assert response.status_code == 200
    assert saved.content["personal"]["register_number"] == "УВ90051234"  # normalised by the schema
    assert response.json()["content"] == saved.content
    assert saved.updated_at > declaration.updated_at
    assert saved.state == state


@pytest.mark.django_db
@pytest.mark.parametrize("state", [S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.PUBLISHED, S.WITHDRAWN, S.DISCARDED])
def test_the_content_is_frozen_outside_draft_and_returned(world, state):
    declaration = _declaration(world, state)
    before = footprint(declaration)

    response = signed_in(world.filer).patch(url(declaration.pk), {"content": sample_content()}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": str(errors.NOT_EDITABLE),
        "code": "invalid_state",
        "state": state,
        "allowed_transitions": AVAILABLE[state]["filer"],
    }
    assert footprint(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "body", "status", "expected"),
    [
        ("reviewer", {"content": {}}, 403, {"detail": str(errors.FORBIDDEN_EDIT), "code": "forbidden"}),
        ("supervisor", {"content": {}}, 403, {"detail": str(errors.FORBIDDEN_EDIT), "code": "forbidden"}),
        ("colleague", {"content": {}}, 404, NOT_FOUND_BODY),
        ("colleague", {}, 404, NOT_FOUND_BODY),
        ("foreign_reviewer", {"content": []}, 404, NOT_FOUND_BODY),
        ("filer", {}, 400, _invalid({"content": ["This field is required."]})),
        ("filer", {"content": None}, 400, _invalid({"content": ["This field may not be null."]})),
        ("filer", {"content": []}, 400, _invalid({"content": [str(MSG_EXPECTED_OBJECT)]})),
        ("filer", {"content": {"personal": []}}, 400, _invalid({"content.personal": [str(MSG_EXPECTED_OBJECT)]})),
        (
            "filer",
            {"content": {"personal": {"register_number": "AB12345678"}}},
            400,
            _invalid({"content.personal.register_number": [str(MSG_PERSON_REGISTER_NUMBER)]}),
        ),
    ],
)
def test_a_refused_edit_changes_nothing(world, who, body, status, expected):
    declaration = _declaration(world, S.DRAFT)
    before = footprint(declaration)

    response = signed_in(getattr(world, who)).patch(url(declaration.pk), body, format="json")

    assert response.status_code == status
    assert response.json() == expected
    assert footprint(declaration) == before


@pytest.mark.django_db
def test_malformed_json_on_edit_is_a_400_and_changes_nothing(world):
    declaration = _declaration(world, S.DRAFT)
    before = footprint(declaration)

    response = signed_in(world.filer).patch(url(declaration.pk), "{'content': {}}", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert footprint(declaration) == before


# --- Query counts -----------------------------------------------------------------------------------

STATES_IN_TURN = [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.ACCEPTED, S.PUBLISHED]


def _add_declarations(world, count, agency_reviewer):
    for index in range(count):
        declaration = _declaration(
            world, STATES_IN_TURN[index % 6], position=PositionFactory(organisation=world.department)
        )
        if index % 2:
            assign_perm("declarations.review_declaration", agency_reviewer, declaration)


def _queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"page_size": 50})
    assert response.status_code == 200
    return len(response.json()["results"]), len(context)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "rows"),
    [
        # role → (rows seen among 6 declarations, among 36)
        (LIST, {"filer": (0, 0), "reviewer": (6, 36), "supervisor": (6, 36), "agency": (3, 18)}),
        (QUEUE, {"filer": (0, 0), "reviewer": (2, 12), "supervisor": (0, 0), "agency": (1, 6)}),
    ],
)
def test_a_list_page_costs_the_same_number_of_queries_at_any_size(world, path, rows):
    agency_reviewer = UserFactory()
    roles = {
        "filer": world.filer,
        "reviewer": world.reviewer,
        "supervisor": world.supervisor,
        "agency": agency_reviewer,
    }
    _add_declarations(world, 6, agency_reviewer)
    small = {role: _queries(signed_in(user), path) for role, user in roles.items()}

    _add_declarations(world, 30, agency_reviewer)
    large = {role: _queries(signed_in(user), path) for role, user in roles.items()}

    assert {role: (small[role][0], large[role][0]) for role in roles} == rows
    assert {role: large[role][1] for role in roles} == {role: small[role][1] for role in roles}
    assert max(queries for _rows, queries in large.values()) <= 10
