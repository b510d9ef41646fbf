"""Referrals to the agency through the API: refer, assign, conclude, and who reads what of a conclusion.

An ЭБАТ refers a declaration or notice under review with a reason; an agency supervisor assigns it to an
agency reviewer (a per-object grant; reassigning revokes it); the reviewer concludes with a finding, the
legal article and the reasoning. No violation: the ЭБАТ publishes it with the conclusion's public part.
A violation: it stays unpublished. The filer sees the state and the conclusion, never the reviewer's
internal notes nor the referral's reason.
"""

from __future__ import annotations

import pytest
from guardian.shortcuts import get_perms

from declarations import rules
from declarations.models import Conclusion, Declaration, Notice, PublicSnapshot
from tests.api.conftest import footprint, signed_in, url
from tests.factories import TRANSITION_ARGS, make_agency_reviewer, make_declaration
from tests.notice_factories import make_notice
from workflow import errors, referrals

REASON = TRANSITION_ARGS["refer"]["reason"]
CONCLUSION = {**TRANSITION_ARGS["conclude"], "internal_notes": "Өв залгамжлалын гэрчилгээг нотариатаас шалгав."}
ARTICLE = TRANSITION_ARGS["conclude"]["legal_article"]


def _invalid(errors_by_path):
    return {"detail": "The input is invalid.", "code": "invalid", "errors": errors_by_path}


def _referred(world):
    return make_declaration("referred", position=world.filer_position, reviewer=world.reviewer)


def _assign(client, declaration, reviewer, *, kind="declarations"):
    return client.post(f"/api/v1/{kind}/{declaration.pk}/assign/", {"reviewer": reviewer.pk})


@pytest.mark.django_db
def test_a_declaration_is_referred_assigned_concluded_and_published(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    # given a declaration under review and an agency reviewer
    declaration = make_declaration("under_review", position=world.filer_position, reviewer=world.reviewer)
    agency = make_agency_reviewer()
    ebat, supervisor, reviewer = signed_in(world.reviewer), signed_in(world.supervisor), signed_in(agency)

    # when the ЭБАТ refers it, the supervisor assigns it and the agency reviewer concludes
    with django_capture_on_commit_callbacks(execute=True):
        referred = ebat.post(url(declaration.pk, "refer"), {"reason": REASON})
        assigned = _assign(supervisor, declaration, agency)
        queue = reviewer.get("/api/v1/review-queue/").json()["results"]
        concluded = reviewer.post(url(declaration.pk, "conclude"), CONCLUSION)

    # then each step answered and the supervisor, then the reviewer, then the filer were told
    assert (referred.status_code, referred.json()["state"]) == (200, "referred")
    assert (assigned.status_code, assigned.json()["available_transitions"]) == (200, [])
    assert [row["id"] for row in queue] == [declaration.pk]
    assert (concluded.status_code, concluded.json()["state"]) == (200, "concluded")
    assert concluded.json()["conclusion"]["internal_notes"] == CONCLUSION["internal_notes"]
    assert [message.to for message in mailoutbox] == [
        [world.supervisor.email],
        [agency.email],
        [world.filer.email],
    ]

    # when the ЭБАТ publishes it
    published = ebat.post(url(declaration.pk, "publish"))

    # then the public record carries the conclusion's public part only
    assert (published.status_code, published.json()["state"]) == (200, "published")
    snapshot = PublicSnapshot.objects.get(declaration=declaration)
    conclusion = Conclusion.objects.get(declaration=declaration)
    assert snapshot.conclusion == {
        "finding": "no_violation",
        "legal_article": ARTICLE,
        "reasoning": CONCLUSION["reasoning"],
        "concluded_at": conclusion.concluded_at.isoformat(),
    }
    assert snapshot.content_hash == snapshot.compute_hash()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["filer", "reviewer"])
def test_the_filer_and_the_ebat_read_the_conclusion_but_not_the_internal_notes(world, role):
    declaration = _referred(world)
    agency = referrals_assignee(declaration, world)
    signed_in(agency).post(url(declaration.pk, "conclude"), CONCLUSION)

    body = signed_in(getattr(world, role)).get(url(declaration.pk)).json()

    assert body["state"] == "concluded"
    assert body["conclusion"] == {
        "finding": "no_violation",
        "finding_display": "No violation",
        "legal_article": ARTICLE,
        "reasoning": CONCLUSION["reasoning"],
        "concluded_at": body["conclusion"]["concluded_at"],
    }


def referrals_assignee(filing, world):
    agency = make_agency_reviewer()
    referrals.assign_reviewer(actor=world.supervisor, model=type(filing), filing_id=filing.pk, reviewer_id=agency.pk)
    return agency


@pytest.mark.django_db
def test_the_filer_sees_the_referral_in_the_history_without_its_reason(world):
    declaration = _referred(world)
    referrals_assignee(declaration, world)

    filer_rows = signed_in(world.filer).get(url(declaration.pk, "history")).json()
    ebat_rows = signed_in(world.reviewer).get(url(declaration.pk, "history")).json()

    assert [(row["transition"], row["comment"]) for row in filer_rows][-2:] == [("refer", ""), ("assign_reviewer", "")]
    assert [row["transition"] for row in ebat_rows] == [row["transition"] for row in filer_rows]
    assert [row["comment"] for row in ebat_rows][-2:] == [REASON, ebat_rows[-1]["comment"]]
    assert ebat_rows[-1]["comment"] != ""


@pytest.mark.django_db
def test_a_violation_found_keeps_the_filing_unpublished(world):
    # given a referred declaration the agency found a violation in
    declaration = _referred(world)
    agency = referrals_assignee(declaration, world)
    signed_in(agency).post(url(declaration.pk, "conclude"), {**CONCLUSION, "finding": "violation_found"})
    before = footprint(declaration)

    # when the ЭБАТ tries to publish it
    response = signed_in(world.reviewer).post(url(declaration.pk, "publish"))

    # then it is refused with the reason, and nothing changed
    assert response.status_code == 409
    assert response.json() == {
        "detail": str(rules.VIOLATION_NOT_PUBLISHED),
        "code": "invalid_state",
        "state": "concluded",
        "allowed_transitions": [],
    }
    assert footprint(declaration) == before
    assert PublicSnapshot.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({**CONCLUSION, "finding": "no_obstacle"}, {"finding": ["Choose a finding that applies to this filing."]}),
        ({**CONCLUSION, "finding": "maybe"}, {"finding": ["Choose a finding that applies to this filing."]}),
        ({**CONCLUSION, "legal_article": " "}, {"legal_article": ["Name the legal article the conclusion rests on."]}),
        ({**CONCLUSION, "reasoning": ""}, {"reasoning": ["The reasoning is required."]}),
        (
            {"finding": "no_violation"},
            {
                "legal_article": ["Name the legal article the conclusion rests on."],
                "reasoning": ["The reasoning is required."],
            },
        ),
        ({**CONCLUSION, "reasoning": "ж" * 4001}, {"reasoning": ["Ensure this value has at most 4000 characters."]}),
    ],
)
def test_a_bad_conclusion_is_refused_by_field_and_changes_nothing(world, body, expected):
    declaration = _referred(world)
    agency = referrals_assignee(declaration, world)
    before = footprint(declaration)

    response = signed_in(agency).post(url(declaration.pk, "conclude"), body)

    assert response.status_code == 400
    assert response.json() == _invalid(expected)
    assert footprint(declaration) == before
    assert Conclusion.objects.count() == 0


@pytest.mark.django_db
def test_a_referral_needs_a_reason(world):
    declaration = make_declaration("under_review", position=world.filer_position, reviewer=world.reviewer)
    before = footprint(declaration)

    response = signed_in(world.reviewer).post(url(declaration.pk, "refer"), {"reason": "  "})

    assert response.status_code == 400
    assert response.json() == _invalid({"reason": ["A reason is required."]})
    assert footprint(declaration) == before


@pytest.mark.django_db
def test_reassignment_moves_the_filing_from_one_agency_reviewer_to_the_other(world, django_capture_on_commit_callbacks):
    # given a referred declaration assigned to one agency reviewer
    declaration = _referred(world)
    first = referrals_assignee(declaration, world)
    second = make_agency_reviewer()

    # when the supervisor reassigns it
    response = _assign(signed_in(world.supervisor), declaration, second)

    # then the first no longer sees it at all, the second has it in their queue
    assert response.status_code == 200
    assert get_perms(first, declaration) == []
    assert get_perms(second, declaration) == ["review_declaration"]
    assert signed_in(first).get(url(declaration.pk)).status_code == 404
    assert signed_in(first).get("/api/v1/review-queue/").json()["results"] == []
    assert [row["id"] for row in signed_in(second).get("/api/v1/review-queue/").json()["results"]] == [declaration.pk]
    assert signed_in(first).post(url(declaration.pk, "conclude"), CONCLUSION).status_code == 404
    assert Declaration.objects.get(pk=declaration.pk).state == "referred"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "reviewer", "status", "expected"),
    [
        ("reviewer", "agency", 403, {"detail": str(referrals.ONLY_SUPERVISORS_ASSIGN), "code": "forbidden"}),
        ("agency", "agency", 404, {"detail": str(errors.NOT_FOUND), "code": "not_found"}),
        ("supervisor", "colleague", 400, _invalid({"reviewer": [str(referrals.NOT_AN_AGENCY_REVIEWER)]})),
        ("supervisor", "filer", 400, _invalid({"reviewer": [str(referrals.NOT_AN_AGENCY_REVIEWER)]})),
        ("supervisor", "nobody", 400, _invalid({"reviewer": [str(referrals.NOT_AN_AGENCY_REVIEWER)]})),
    ],
)
def test_only_a_supervisor_assigns_and_only_to_an_agency_reviewer(world, who, reviewer, status, expected):
    declaration = _referred(world)
    agency = make_agency_reviewer()
    users = {"reviewer": world.reviewer, "agency": agency, "supervisor": world.supervisor}
    targets = {"agency": agency, "colleague": world.colleague, "filer": world.filer}
    before = footprint(declaration)

    reviewer_id = targets[reviewer].pk if reviewer in targets else 999999
    response = signed_in(users[who]).post(url(declaration.pk, "assign"), {"reviewer": reviewer_id})

    assert response.status_code == status
    assert response.json() == expected
    assert footprint(declaration) == before
    assert get_perms(agency, declaration) == []


@pytest.mark.django_db
def test_a_filing_the_agency_does_not_handle_is_not_assigned(world):
    declaration = make_declaration("under_review", position=world.filer_position, reviewer=world.reviewer)
    agency = make_agency_reviewer()
    before = footprint(declaration)

    response = _assign(signed_in(world.supervisor), declaration, agency)

    assert response.status_code == 409
    assert response.json() == {
        "detail": str(referrals.NOT_ASSIGNABLE),
        "code": "invalid_state",
        "state": "under_review",
        "allowed_transitions": [],
    }
    assert footprint(declaration) == before


@pytest.mark.django_db
def test_a_notice_is_referred_and_concluded_like_a_declaration(world):
    # given a notice under review, referred by the ЭБАТ and assigned to an agency reviewer
    notice = make_notice("under_review", position=world.filer_position, reviewer=world.reviewer)
    signed_in(world.reviewer).post(f"/api/v1/notices/{notice.pk}/refer/", {"reason": REASON})
    agency = make_agency_reviewer()
    assigned = _assign(signed_in(world.supervisor), notice, agency, kind="notices")
    queue = signed_in(agency).get("/api/v1/notice-review-queue/").json()["results"]

    # when the agency finds a violation
    concluded = signed_in(agency).post(
        f"/api/v1/notices/{notice.pk}/conclude/", {**CONCLUSION, "finding": "violation_found"}
    )

    # then the notice stays unpublished and the filer reads the finding, not the internal notes
    assert assigned.status_code == 200
    assert [row["id"] for row in queue] == [notice.pk]
    assert (concluded.status_code, concluded.json()["state"]) == (200, "concluded")
    filer_view = signed_in(world.filer).get(f"/api/v1/notices/{notice.pk}/").json()
    assert filer_view["conclusion"]["finding"] == "violation_found"
    assert "internal_notes" not in filer_view["conclusion"]
    refused = signed_in(world.reviewer).post(f"/api/v1/notices/{notice.pk}/publish/")
    assert refused.status_code == 409
    assert Notice.objects.get(pk=notice.pk).state == "concluded"
    assert PublicSnapshot.objects.filter(notice=notice).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("as_sent", [float, lambda pk: True, lambda pk: f"{pk}.0", lambda pk: [pk]])
def test_a_reviewer_id_that_is_not_a_whole_number_names_nobody(world, as_sent):
    declaration = _referred(world)
    agency = make_agency_reviewer()
    before = footprint(declaration)

    with pytest.raises(errors.InvalidInput) as refused:
        referrals.assign_reviewer(
            actor=world.supervisor, model=Declaration, filing_id=declaration.pk, reviewer_id=as_sent(agency.pk)
        )

    assert refused.value.errors == {"reviewer": [referrals.NOT_AN_AGENCY_REVIEWER]}
    assert footprint(declaration) == before
    assert get_perms(agency, declaration) == []
