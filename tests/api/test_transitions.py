"""One endpoint per transition: the whole graph as a table, who may take each step, and what a step needs."""

import datetime

import pytest
from guardian.shortcuts import assign_perm

from api.errors import MALFORMED_REQUEST
from declarations.content import MSG_REQUIRED, sample_content
from declarations.models import DeclarationRevision, DeclarationState, PublicSnapshot
from tests.api.conftest import footprint, signed_in, url
from tests.factories import TRANSITION_ARGS, UserFactory, make_declaration
from workflow import audit, errors

S = DeclarationState

# transition → (source, target, the role that takes it)
GRAPH = {
    "submit": (S.DRAFT, S.SUBMITTED, "filer"),
    "resubmit": (S.RETURNED, S.SUBMITTED, "filer"),
    "start_review": (S.SUBMITTED, S.UNDER_REVIEW, "reviewer"),
    "return_for_correction": (S.UNDER_REVIEW, S.RETURNED, "reviewer"),
    "accept": (S.UNDER_REVIEW, S.ACCEPTED, "reviewer"),
    "refer": (S.UNDER_REVIEW, S.REFERRED, "reviewer"),
    "publish": (S.ACCEPTED, S.PUBLISHED, "reviewer"),
    "withdraw_publication": (S.PUBLISHED, S.WITHDRAWN, "supervisor"),
    "discard": (S.DRAFT, S.DISCARDED, "filer"),
}

# Transitions with a second source (``conclude``, the agency's, is in tests/api/test_referrals.py).
OTHER_SOURCES = {"publish": (S.CONCLUDED,)}

# What each role may do in each state: the ``available_transitions`` every payload carries.
AVAILABLE = {
    S.DRAFT: {"filer": ["submit", "discard"], "reviewer": [], "supervisor": []},
    S.SUBMITTED: {"filer": [], "reviewer": ["start_review"], "supervisor": []},
    S.UNDER_REVIEW: {"filer": [], "reviewer": ["return_for_correction", "accept", "refer"], "supervisor": []},
    S.RETURNED: {"filer": ["resubmit"], "reviewer": [], "supervisor": []},
    S.ACCEPTED: {"filer": [], "reviewer": ["publish"], "supervisor": []},
    S.REFERRED: {"filer": [], "reviewer": [], "supervisor": []},
    S.CONCLUDED: {"filer": [], "reviewer": ["publish"], "supervisor": []},
    S.PUBLISHED: {"filer": [], "reviewer": [], "supervisor": ["withdraw_publication"]},
    S.WITHDRAWN: {"filer": [], "reviewer": [], "supervisor": []},
    S.DISCARDED: {"filer": [], "reviewer": [], "supervisor": []},
}

NOT_FOUND_BODY = {"detail": str(errors.NOT_FOUND), "code": "not_found"}
FORBIDDEN_BODY = {"detail": str(errors.FORBIDDEN_TRANSITION), "code": "forbidden"}


def _declaration(world, state):
    return make_declaration(state, position=world.filer_position, reviewer=world.reviewer, supervisor=world.supervisor)


def _log(declaration):
    return list(audit.history_for(declaration).values_list("transition", "from_state", "to_state", "actor"))


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("transition", list(GRAPH))
def test_every_transition_from_every_state_is_taken_or_refused_with_409(world, state, transition):
    source, target, role = GRAPH[transition]
    declaration = _declaration(world, state)
    log_before = _log(declaration)
    before = footprint(declaration)

    response = signed_in(getattr(world, role)).post(
        url(declaration.pk, transition), TRANSITION_ARGS.get(transition, {}), format="json"
    )

    if state == source or state in OTHER_SOURCES.get(transition, ()):
        assert response.status_code == 200
        assert response.json()["state"] == target
        assert response.json()["available_transitions"] == AVAILABLE[target][role]
        declaration.refresh_from_db()
        assert declaration.state == target
        assert _log(declaration) == [*log_before, (transition, state, target, getattr(world, role).pk)]
    else:
        assert response.status_code == 409
        assert response.json() == {
            "detail": str(errors.WRONG_STATE % {"state": S(state).label}),
            "code": "invalid_state",
            "state": state,
            "allowed_transitions": AVAILABLE[state][role],
        }
        assert footprint(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("transition", "role", "status"),
    [
        (transition, role, status)
        for transition, (_source, _target, owner) in GRAPH.items()
        for role, status in {
            "filer": 403,
            "colleague": 404,
            "foreign_reviewer": 404,
            "reviewer": 403,
            "supervisor": 403,
        }.items()
        if role != owner
    ],
)
def test_a_transition_is_refused_to_everyone_but_its_role(world, transition, role, status):
    source, _target, _owner = GRAPH[transition]
    declaration = _declaration(world, source)
    before = footprint(declaration)

    response = signed_in(getattr(world, role)).post(
        url(declaration.pk, transition), TRANSITION_ARGS.get(transition, {}), format="json"
    )

    assert response.status_code == status
    assert response.json() == (FORBIDDEN_BODY if status == 403 else NOT_FOUND_BODY)
    assert footprint(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize("transition", list(GRAPH))
def test_a_transition_on_a_missing_declaration_is_404(world, transition):
    _source, _target, role = GRAPH[transition]

    response = signed_in(getattr(world, role)).post(url(999999, transition), {}, format="json")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


@pytest.mark.django_db
def test_a_reviewer_granted_one_declaration_may_review_it_but_not_its_neighbour(world):
    granted = _declaration(world, S.SUBMITTED)
    neighbour = make_declaration(S.SUBMITTED, position=world.colleague_position)
    agency_reviewer = UserFactory()
    assign_perm("declarations.review_declaration", agency_reviewer, granted)
    client = signed_in(agency_reviewer)
    before = footprint(neighbour)

    taken = client.post(url(granted.pk, "start_review"))
    refused = client.post(url(neighbour.pk, "start_review"))

    assert taken.status_code == 200
    assert taken.json()["available_transitions"] == ["return_for_correction", "accept", "refer"]
    assert refused.status_code == 404
    assert footprint(neighbour) == before


@pytest.mark.django_db
def test_nobody_reviews_a_declaration_that_lists_them_as_family(world):
    spouse_register_number = sample_content()["family_members"][0]["register_number"]
    world.reviewer.official.register_number = spouse_register_number
    world.reviewer.official.save()
    declaration = _declaration(world, S.SUBMITTED)
    before = footprint(declaration)

    detail = signed_in(world.reviewer).get(url(declaration.pk))
    response = signed_in(world.reviewer).post(url(declaration.pk, "start_review"))

    assert detail.json()["available_transitions"] == []
    assert response.status_code == 403
    assert response.json() == FORBIDDEN_BODY
    assert footprint(declaration) == before


# --- What a transition needs -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("transition", "body", "errors_by_path"),
    [
        ("return_for_correction", {}, {"comment": [str(errors.COMMENT_REQUIRED)]}),
        ("return_for_correction", {"comment": "   "}, {"comment": [str(errors.COMMENT_REQUIRED)]}),
        ("return_for_correction", {"comment": None}, {"comment": [str(errors.COMMENT_REQUIRED)]}),
        ("return_for_correction", {"comment": 42}, {"comment": [str(errors.COMMENT_REQUIRED)]}),
        ("return_for_correction", {"comment": ["a"]}, {"comment": [str(errors.COMMENT_REQUIRED)]}),
        (
            "return_for_correction",
            {"comment": "x" * 4001},
            {"comment": [str(errors.TEXT_TOO_LONG % {"max": 4000})]},
        ),
        (
            "return_for_correction",
            {"comment": "Шалгана уу.", "remarks": "real_estate"},
            {"remarks": [str(errors.REMARKS_INVALID)]},
        ),
        (
            "return_for_correction",
            {"comment": "Шалгана уу.", "remarks": {"path": "income", "message": "?"}},
            {"remarks": [str(errors.REMARKS_INVALID)]},
        ),
        (
            "return_for_correction",
            {"comment": "Шалгана уу.", "remarks": [{"path": "income"}]},
            {"remarks[0]": [str(errors.REMARKS_INVALID)]},
        ),
        (
            "return_for_correction",
            {"comment": "Шалгана уу.", "remarks": [{"path": "income", "message": "?"}, "income"]},
            {"remarks[1]": [str(errors.REMARKS_INVALID)]},
        ),
        (
            "return_for_correction",
            {"comment": "Шалгана уу.", "remarks": [{"path": "salary[0]", "message": "?"}]},
            {"remarks[0].path": [str(errors.REMARK_PATH_UNKNOWN % {"path": "salary[0]"})]},
        ),
        (
            "return_for_correction",
            {"comment": "Шалгана уу.", "remarks": [{"path": "income", "message": "?"}] * 101},
            {"remarks": [str(errors.REMARKS_INVALID)]},
        ),
        ("accept", {"comment": "x" * 4001}, {"comment": [str(errors.TEXT_TOO_LONG % {"max": 4000})]}),
        ("accept", {"comment": {"text": "ok"}}, {"comment": [str(errors.COMMENT_REQUIRED)]}),
        ("withdraw_publication", {}, {"reason": [str(errors.REASON_REQUIRED)]}),
        ("withdraw_publication", {"reason": ""}, {"reason": [str(errors.REASON_REQUIRED)]}),
        ("withdraw_publication", {"reason": 7}, {"reason": [str(errors.REASON_REQUIRED)]}),
    ],
)
def test_invalid_transition_input_is_a_400_with_the_field_and_changes_nothing(world, transition, body, errors_by_path):
    source, _target, role = GRAPH[transition]
    declaration = _declaration(world, source)
    before = footprint(declaration)

    response = signed_in(getattr(world, role)).post(url(declaration.pk, transition), body, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The input is invalid.", "code": "invalid", "errors": errors_by_path}
    assert footprint(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize("transition", ["submit", "return_for_correction", "accept", "withdraw_publication"])
@pytest.mark.parametrize("body", ["[]", '["comment"]', '"comment"', "5", "null"])
def test_a_body_that_is_not_an_object_is_a_400(world, transition, body):
    source, _target, role = GRAPH[transition]
    declaration = _declaration(world, source)
    before = footprint(declaration)

    response = signed_in(getattr(world, role)).post(
        url(declaration.pk, transition), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The input is invalid.",
        "code": "invalid",
        "errors": {"non_field_errors": ["Send a JSON object."]},
    }
    assert footprint(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize("transition", ["submit", "return_for_correction"])
def test_malformed_json_on_a_transition_is_a_400(world, transition):
    source, _target, role = GRAPH[transition]
    declaration = _declaration(world, source)
    before = footprint(declaration)

    response = signed_in(getattr(world, role)).post(
        url(declaration.pk, transition), '{"comment": "unterminated', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": str(MALFORMED_REQUEST), "code": "parse_error"}
    assert footprint(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "state", "status"),
    [
        ("filer", S.UNDER_REVIEW, 403),  # not a reviewer: forbidden before the missing comment matters
        ("reviewer", S.SUBMITTED, 409),  # a reviewer, but the wrong state
        ("colleague", S.UNDER_REVIEW, 404),  # cannot see it
    ],
)
def test_permission_and_state_are_judged_before_the_missing_comment(world, role, state, status):
    declaration = _declaration(world, state)
    before = footprint(declaration)

    response = signed_in(getattr(world, role)).post(url(declaration.pk, "return_for_correction"), {}, format="json")

    assert response.status_code == status
    assert footprint(declaration) == before


@pytest.mark.django_db
def test_an_invisible_declaration_is_a_404_even_for_malformed_json(world):
    declaration = _declaration(world, S.UNDER_REVIEW)

    response = signed_in(world.colleague).post(
        url(declaration.pk, "return_for_correction"), "{", content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


@pytest.mark.django_db
def test_submitting_incomplete_content_is_a_400_per_field_and_freezes_nothing(world):
    declaration = make_declaration(S.DRAFT, position=world.filer_position, content=sample_content(complete=False))
    before = footprint(declaration)

    response = signed_in(world.filer).post(url(declaration.pk, "submit"))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "content.personal.birth_date": [str(MSG_REQUIRED)],
        "content.personal.address": [str(MSG_REQUIRED)],
        "content.personal.phone": [str(MSG_REQUIRED)],
    }
    assert footprint(declaration) == before


@pytest.mark.django_db
def test_submit_freezes_a_revision_and_stamps_the_time(world):
    declaration = _declaration(world, S.DRAFT)

    response = signed_in(world.filer).post(url(declaration.pk, "submit"))

    revision = DeclarationRevision.objects.get(declaration=declaration)
    assert response.status_code == 200
    assert revision.number == 1
    assert revision.content == declaration.content
    assert revision.submitted_by == world.filer
    assert datetime.datetime.fromisoformat(response.json()["submitted_at"]) == revision.created_at


@pytest.mark.django_db
def test_accept_keeps_its_optional_comment_in_the_history(world):
    declaration = _declaration(world, S.UNDER_REVIEW)

    accepted = signed_in(world.reviewer).post(url(declaration.pk, "accept"), {"comment": "  Зөв.  "}, format="json")
    history = signed_in(world.filer).get(url(declaration.pk, "history"))

    assert accepted.status_code == 200
    assert accepted.json()["accepted_at"] is not None
    assert history.json()[-1]["transition"] == "accept"
    assert history.json()[-1]["comment"] == "Зөв."


@pytest.mark.django_db
def test_publish_writes_the_public_snapshot_and_withdrawal_leaves_a_tombstone(world):
    declaration = _declaration(world, S.ACCEPTED)

    published = signed_in(world.reviewer).post(url(declaration.pk, "publish"))
    withdrawn = signed_in(world.supervisor).post(
        url(declaration.pk, "withdraw_publication"), {"reason": " Шүүхийн шийдвэрээр. "}, format="json"
    )

    snapshot = PublicSnapshot.objects.get(declaration=declaration)
    assert published.status_code == 200
    assert withdrawn.status_code == 200
    assert withdrawn.json()["state"] == S.WITHDRAWN
    assert snapshot.withdrawal_reason == "Шүүхийн шийдвэрээр."
    assert snapshot.withdrawn_at is not None


# --- History ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("filer", 200), ("reviewer", 200), ("supervisor", 200), ("colleague", 404)]
)
def test_history_is_shown_to_whoever_sees_the_declaration(world, role, status):
    declaration = _declaration(world, S.RETURNED)

    response = signed_in(getattr(world, role)).get(url(declaration.pk, "history"))

    assert response.status_code == status
    if status == 404:
        assert response.json() == NOT_FOUND_BODY
    else:
        reviewer_name = world.reviewer.official.full_name
        assert [
            (e["transition"], e["from_state"], e["to_state"], e["actor"], e["comment"], e["remarks"])
            for e in response.json()
        ] == [
            ("submit", S.DRAFT, S.SUBMITTED, world.filer.official.full_name, "", []),
            ("start_review", S.SUBMITTED, S.UNDER_REVIEW, reviewer_name, "", []),
            (
                "return_for_correction",
                S.UNDER_REVIEW,
                S.RETURNED,
                reviewer_name,
                TRANSITION_ARGS["return_for_correction"]["comment"],
                TRANSITION_ARGS["return_for_correction"]["remarks"],
            ),
        ]


@pytest.mark.django_db
def test_history_names_an_actor_without_an_official_record_by_username(world):
    declaration = _declaration(world, S.WITHDRAWN)

    response = signed_in(world.filer).get(url(declaration.pk, "history"))

    assert response.json()[-1]["transition"] == "withdraw_publication"
    assert response.json()[-1]["actor"] == world.supervisor.username


# --- The whole path, through HTTP only -------------------------------------------------------------


@pytest.mark.django_db
def test_end_to_end_a_declaration_is_filed_returned_corrected_accepted_published_and_corrected(world):
    filer, reviewer = signed_in(world.filer), signed_in(world.reviewer)
    position = world.filer_position
    full_name = world.filer.official.full_name
    draft_content = sample_content(complete=False, full_name=full_name)

    # The filer opens a draft, completes it and submits it.
    created = filer.post(
        "/api/v1/declarations/",
        {"position": position.pk, "kind": "annual", "year": 2024, "content": draft_content},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["state"] == S.DRAFT
    assert created.json()["available_transitions"] == ["submit", "discard"]
    assert filer.post(url(pk, "submit")).status_code == 400  # incomplete yet
    edited = filer.patch(url(pk), {"content": sample_content(full_name=full_name)}, format="json")
    assert edited.status_code == 200
    submitted = filer.post(url(pk, "submit"))
    assert submitted.status_code == 200
    assert submitted.json()["state"] == S.SUBMITTED

    # The ЭБАТ finds it in the queue, takes it into review and returns it with a remark.
    queue = reviewer.get("/api/v1/review-queue/")
    assert [row["id"] for row in queue.json()["results"]] == [pk]
    assert queue.json()["results"][0]["available_transitions"] == ["start_review"]
    assert reviewer.post(url(pk, "start_review")).json()["state"] == S.UNDER_REVIEW
    remark = {"path": "real_estate[0].value_mnt", "message": "Зах зээлийн үнээр үнэлнэ үү."}
    returned = reviewer.post(
        url(pk, "return_for_correction"),
        {"comment": "Үл хөдлөх хөрөнгийн үнэлгээг засна уу.", "remarks": [remark]},
        format="json",
    )
    assert returned.json()["state"] == S.RETURNED
    assert reviewer.get("/api/v1/review-queue/").json()["results"] == []

    # The filer reads the note, corrects the value and resubmits.
    detail = filer.get(url(pk))
    assert detail.json()["return_note"]["comment"] == "Үл хөдлөх хөрөнгийн үнэлгээг засна уу."
    assert detail.json()["return_note"]["remarks"] == [remark]
    assert detail.json()["available_transitions"] == ["resubmit"]
    corrected = detail.json()["content"]
    corrected["real_estate"][0]["value_mnt"] = "310000000.00"
    assert filer.patch(url(pk), {"content": corrected}, format="json").status_code == 200
    resubmitted = filer.post(url(pk, "resubmit"))
    assert resubmitted.json()["state"] == S.SUBMITTED
    assert resubmitted.json()["return_note"] is None

    # The ЭБАТ reviews it again, accepts and publishes it.
    assert reviewer.post(url(pk, "start_review")).json()["state"] == S.UNDER_REVIEW
    assert reviewer.post(url(pk, "accept"), {}, format="json").json()["state"] == S.ACCEPTED
    published = reviewer.post(url(pk, "publish"))
    assert published.json()["state"] == S.PUBLISHED
    assert published.json()["available_transitions"] == []

    # Every step is in the history, with its actor.
    history = filer.get(url(pk, "history")).json()
    assert [(e["transition"], e["actor"]) for e in history] == [
        ("submit", full_name),
        ("start_review", world.reviewer.official.full_name),
        ("return_for_correction", world.reviewer.official.full_name),
        ("resubmit", full_name),
        ("start_review", world.reviewer.official.full_name),
        ("accept", world.reviewer.official.full_name),
        ("publish", world.reviewer.official.full_name),
    ]
    assert history[2]["remarks"] == [remark]
    assert PublicSnapshot.objects.get(declaration_id=pk).revision.number == 2

    # The filer opens a correction of the published declaration.
    correction = filer.post("/api/v1/declarations/", {"corrects": pk}, format="json")
    assert correction.status_code == 201
    assert correction.json()["corrects"] == pk
    assert correction.json()["state"] == S.DRAFT
    assert (correction.json()["kind"], correction.json()["year"]) == ("annual", 2024)
    assert correction.json()["content"]["real_estate"][0]["value_mnt"] == "310000000.00"
    assert correction.json()["available_transitions"] == ["submit", "discard"]
