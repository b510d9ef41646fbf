"""The ЭБАТ's notice queue: what waits for whom, in which order, and how each filter narrows it."""

import base64

import pytest
from guardian.shortcuts import assign_perm

from declarations.models import NoticeState
from tests.api.conftest import signed_in
from tests.factories import OrganisationFactory, PositionFactory, UserFactory
from tests.notice_factories import conflict_fields, declare, in_days, latest_notice, make_notice, make_tender

N = NoticeState
QUEUE = "/api/v1/notice-review-queue/"
LIST = "/api/v1/notices/"


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _invalid(errors_by_path):
    return {"detail": "The input is invalid.", "code": "invalid", "errors": errors_by_path}


@pytest.fixture
def queued(world):
    """Notices in every corner of the ЭБАТ's scope, in order of submission, and some that never queue."""
    sub_department = OrganisationFactory(parent=world.department, name="Төсвийн алба")
    position = world.filer_position

    def notice(state, *, at=None, category="contract", **fields):
        return make_notice(
            state,
            position=at or position,
            reviewer=world.reviewer,
            category_code=category,
            **{"reference_number": f"R-{len(made)}", **fields},
        )

    made = {}
    made["contract"] = notice(N.SUBMITTED, action_date=in_days(14))
    made["inspection_in_review"] = notice(N.UNDER_REVIEW, category="inspection", action_date=in_days(20))
    made["colleague_conflict"] = notice(
        N.SUBMITTED, at=world.colleague_position, **conflict_fields(action_date=in_days(30))
    )
    made["late_liability"] = notice(N.SUBMITTED, category="liability", action_date=in_days(-10))
    made["sub_department"] = notice(
        N.SUBMITTED, at=PositionFactory(organisation=sub_department), category="other", action_date=in_days(5)
    )
    made["aimag_office"] = notice(N.SUBMITTED, at=PositionFactory(organisation=world.aimag), action_date=in_days(40))
    tender = make_tender("declaring", organisation=world.department)
    made["committee"] = declare(latest_notice(tender.members.get()))
    # never in this ЭБАТ's queue: not yet submitted, already acknowledged, elsewhere, the ЭБАТ's own
    made["draft"] = notice(N.DRAFT)
    made["acknowledged"] = notice(N.ACKNOWLEDGED)
    made["elsewhere"] = notice(N.SUBMITTED, at=PositionFactory(organisation=world.elsewhere))
    made["reviewers_own"] = notice(N.SUBMITTED, at=world.reviewer.official.positions.get())
    made["sub"], made["tender"] = sub_department, tender
    return made


IN_SCOPE = [
    "contract",
    "inspection_in_review",
    "colleague_conflict",
    "late_liability",
    "sub_department",
    "aimag_office",
    "committee",
]


@pytest.mark.django_db
def test_the_queue_holds_the_submitted_and_in_review_notices_of_the_scope_oldest_submission_first(world, queued):
    response = signed_in(world.reviewer).get(QUEUE)

    assert _ids(response) == [queued[name].pk for name in IN_SCOPE]
    assert [row["available_transitions"] for row in response.json()["results"]] == [
        ["start_review"],
        ["return_for_correction", "acknowledge", "refer"],
        *[["start_review"]] * 5,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("foreign_reviewer", ["elsewhere"]),
        ("filer", []),
        ("colleague", []),
        ("supervisor", []),
    ],
)
def test_the_queue_of_everyone_else(world, queued, role, expected):
    assert _ids(signed_in(getattr(world, role)).get(QUEUE)) == [queued[name].pk for name in expected]


@pytest.mark.django_db
def test_the_secretary_neither_reviews_nor_opens_the_committee_notices(world, queued):
    secretary = signed_in(queued["tender"].secretary)

    assert _ids(secretary.get(QUEUE)) == []
    assert _ids(secretary.get(LIST)) == []
    assert secretary.get(f"{LIST}{queued['committee'].pk}/").status_code == 404


@pytest.mark.django_db
def test_the_queue_holds_nothing_its_user_cannot_open_or_take(world, queued):
    """The global review permission (agency supervisors): every queued notice, their own left out."""
    agency = UserFactory()
    assign_perm("declarations.review_notice", agency)
    client = signed_in(agency)

    ids = _ids(client.get(QUEUE, {"page_size": 200}))

    assert set(ids) == {queued[name].pk for name in [*IN_SCOPE, "elsewhere", "reviewers_own"]}
    assert all(client.get(f"/api/v1/notices/{pk}/").status_code == 200 for pk in ids)


# --- Filters ----------------------------------------------------------------------------------------


FILTER_CASES = [
    # query → (the queue, what the list holds besides: the draft, the acknowledged notice, the ЭБАТ's own)
    ({"state": "under_review"}, ["inspection_in_review"], []),
    ({"state": ["submitted", "under_review"]}, IN_SCOPE, ["reviewers_own"]),
    ({"category": "inspection"}, ["inspection_in_review"], []),
    ({"category": "procurement_committee"}, ["committee"], []),
    ({"outcome": "conflict"}, ["colleague_conflict"], []),
    ({"is_late": "true"}, ["late_liability"], []),
    (
        {"is_late": "false", "category": "contract", "state": "submitted"},
        ["contract", "colleague_conflict", "aimag_office"],
        ["reviewers_own"],
    ),
    ({"tender": "TENDER"}, ["committee"], []),
    (
        {"organisation": "DEPARTMENT"},
        ["contract", "inspection_in_review", "colleague_conflict", "late_liability", "sub_department", "committee"],
        ["draft", "acknowledged"],
    ),
    ({"organisation": "SUB"}, ["sub_department"], []),
    ({"organisation": "AIMAG", "outcome": "no_conflict", "category": "other"}, ["sub_department"], []),
    ({"action_date_after": in_days(20)}, ["inspection_in_review", "colleague_conflict", "aimag_office"], []),
    ({"action_date_before": in_days(6)}, ["late_liability", "sub_department"], []),
    (
        {"action_date_after": in_days(6), "action_date_before": in_days(20)},
        ["contract", "committee"],
        ["draft", "acknowledged", "reviewers_own"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "queue", "also_listed"), FILTER_CASES)
def test_each_filter_narrows_the_queue_and_the_list(world, queued, query, queue, also_listed):
    ids = {
        "DEPARTMENT": world.department.pk,
        "SUB": queued["sub"].pk,
        "AIMAG": world.aimag.pk,
        "TENDER": queued["tender"].pk,
    }
    query = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in query.items()}
    client = signed_in(world.reviewer)

    in_queue = _ids(client.get(QUEUE, {**query, "page_size": 200}))
    in_list = _ids(client.get(LIST, {**query, "page_size": 200}))

    assert in_queue == [queued[name].pk for name in queue]
    assert sorted(in_list) == sorted(queued[name].pk for name in [*queue, *also_listed])


@pytest.mark.django_db
def test_submission_time_filters_bound_the_queue(world, queued):
    first, third = queued["contract"].submitted_at, queued["colleague_conflict"].submitted_at
    client = signed_in(world.reviewer)

    after = _ids(client.get(QUEUE, {"submitted_after": third.isoformat()}))
    before = _ids(client.get(QUEUE, {"submitted_before": third.isoformat()}))
    between = _ids(client.get(QUEUE, {"submitted_after": first.isoformat(), "submitted_before": third.isoformat()}))

    assert after == [queued[name].pk for name in IN_SCOPE[2:]]
    assert before == [queued[name].pk for name in IN_SCOPE[:2]]
    assert between == before


@pytest.mark.django_db
def test_a_filter_never_widens_what_the_user_sees(world, queued):
    client = signed_in(world.filer)

    elsewhere = _ids(client.get(QUEUE, {"organisation": world.elsewhere.pk}))
    listed_elsewhere = _ids(client.get(LIST, {"organisation": world.elsewhere.pk}))
    colleague_conflicts = _ids(client.get(LIST, {"outcome": "conflict"}))

    assert (elsewhere, listed_elsewhere, colleague_conflicts) == ([], [], [])


@pytest.mark.django_db
@pytest.mark.parametrize("path", [QUEUE, LIST])
@pytest.mark.parametrize(
    ("query", "errors_by_path"),
    [
        ({"state": "lost"}, {"state": ["Select a valid choice. lost is not one of the available choices."]}),
        (
            {"category": "bribery"},
            {"category": ["Select a valid choice. That choice is not one of the available choices."]},
        ),
        ({"outcome": "maybe"}, {"outcome": ["Select a valid choice. maybe is not one of the available choices."]}),
        ({"is_late": "perhaps"}, {"is_late": ["Select a valid choice. perhaps is not one of the available choices."]}),
        ({"tender": "abc"}, {"tender": ["Enter a whole number."]}),
        ({"tender": "0"}, {"tender": ["Ensure this value is greater than or equal to 1."]}),
        (
            {"organisation": "999999"},
            {"organisation": ["Select a valid choice. That choice is not one of the available choices."]},
        ),
        ({"action_date_after": "2025-13-01"}, {"action_date_after": ["Enter a valid date."]}),
        ({"action_date_before": "last week"}, {"action_date_before": ["Enter a valid date."]}),
        ({"submitted_after": "yesterday"}, {"submitted_after": ["Enter a valid date/time."]}),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(world, path, query, errors_by_path):
    response = signed_in(world.reviewer).get(path, query)

    assert response.status_code == 400
    assert response.json() == _invalid(errors_by_path)


# --- Pagination -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "order"), [(QUEUE, "oldest_submission"), (LIST, "newest")])
def test_cursor_pages_cover_the_queue_once_in_order(world, path, order):
    made = [
        make_notice(N.SUBMITTED, position=world.filer_position, reference_number=f"P-{i}", category_code="contract")
        for i in range(5)
    ]
    client = signed_in(world.reviewer)

    seen, link = [], f"{path}?page_size=2"
    while link:
        page = client.get(link).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        link = page["next"]

    expected = [notice.pk for notice in made]
    assert seen == (expected if order == "oldest_submission" else expected[::-1])


@pytest.mark.django_db
@pytest.mark.parametrize("path", [QUEUE, LIST, "/api/v1/tenders/", "/api/v1/notice-categories/"])
@pytest.mark.parametrize("cursor", ["garbage", base64.b64encode(b"p=abc").decode(), base64.b64encode(b"p=").decode()])
def test_a_cursor_the_api_did_not_issue_is_a_400(world, path, cursor):
    response = signed_in(world.reviewer).get(path, {"cursor": cursor})

    assert response.status_code == 400
    assert response.json() == _invalid(
        {"cursor": ["The cursor is invalid; follow the next and previous links as given."]}
    )


@pytest.mark.django_db
def test_a_reviewer_takes_the_first_notice_of_the_queue_into_review(world, queued):
    client = signed_in(world.reviewer)
    first = _ids(client.get(QUEUE))[0]

    response = client.post(f"/api/v1/notices/{first}/start_review/")

    assert response.status_code == 200
    assert first == queued["contract"].pk
    assert _ids(client.get(QUEUE, {"state": "under_review"})) == [first, queued["inspection_in_review"].pk]
