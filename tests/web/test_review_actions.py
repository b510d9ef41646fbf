"""The review actions: each a POST that runs one transition service; a refusal changes nothing and says why."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

from declarations.content import sample_content
from declarations.models import Conclusion, Declaration, DeclarationState, PublicSnapshot
from tests.factories import (
    OrganisationFactory,
    PositionFactory,
    assign_to_agency,
    make_declaration,
    make_reviewer,
)
from workflow.models import TransitionLog

S = DeclarationState
COMMENT = "Үл хөдлөх хөрөнгийн үнэлгээг шалгана уу."


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snapshot(declaration: Declaration) -> dict[str, Any]:
    """Everything an action may change: the declaration's row, its log, its conclusions and its publication."""
    row = Declaration.objects.filter(pk=declaration.pk).values().get()
    return {
        "declaration": row,
        "log": list(TransitionLog.objects.filter(object_id=declaration.pk).values_list("pk", flat=True)),
        "conclusions": Conclusion.objects.filter(declaration=declaration).count(),
        "snapshots": PublicSnapshot.objects.filter(declaration=declaration).count(),
    }


def last_step(declaration: Declaration) -> TransitionLog:
    return TransitionLog.objects.filter(object_id=declaration.pk).order_by("-id").first()


def messages_of(response) -> list[str]:
    page = response.content.decode()
    match = re.search(r'<ul class="messages"[^>]*>(.*?)</ul>', page, re.S)
    return [html.unescape(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", match.group(1), re.S)] if match else []


def action_error(response) -> list[str]:
    match = re.search(
        r'<div class="action-error" role="alert" id="action-error">(.*?)</div>', response.content.decode(), re.S
    )
    return [html.unescape(line) for line in re.findall(r"<p>(.*?)</p>", match.group(1), re.S)] if match else []


def field_errors(response, field_id: str) -> list[str]:
    """The errors Django renders right after a field (``<ul class="errorlist" id="<field id>_error">``)."""
    page = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="{re.escape(field_id)}_error">(.*?)</ul>', page, re.S)
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)] if match else []


def remarks(*rows: tuple[str, str], total: int = 3) -> dict[str, str]:
    data = {"remarks-TOTAL_FORMS": str(total), "remarks-INITIAL_FORMS": "0"}
    for index in range(total):
        path, message = rows[index] if index < len(rows) else ("", "")
        data[f"remarks-{index}-path"] = path
        data[f"remarks-{index}-message"] = message
    return data


@pytest.fixture
def office():
    aimag = OrganisationFactory(kind="governor_office", name="Дорноговь аймгийн ЗДТГ")
    department = OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс")
    reviewer = make_reviewer(aimag)
    position = PositionFactory(organisation=department, official__full_name="Батбаярын Тэмүүжин")

    def declaration(state, year=2024, **kwargs):
        return make_declaration(state, position=position, reviewer=reviewer, year=year, **kwargs)

    return {
        "reviewer": reviewer,
        "client": signed_in(reviewer),
        "filer": position.official.user,
        "declaration": declaration,
        "department": department,
    }


def url(declaration: Declaration, action: str = "") -> str:
    return f"/review/declarations/{declaration.pk}/{action + '/' if action else ''}"


# --- start review -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_start_review_takes_the_declaration_into_review(office):
    declaration = office["declaration"](S.SUBMITTED)

    response = office["client"].post(url(declaration, "start-review"))

    assert response.status_code == 302
    assert response["Location"] == url(declaration)
    declaration.refresh_from_db()
    assert declaration.state == S.UNDER_REVIEW
    step = last_step(declaration)
    assert (step.transition, step.actor, step.from_state, step.to_state) == (
        "start_review",
        office["reviewer"],
        S.SUBMITTED,
        S.UNDER_REVIEW,
    )
    page = office["client"].get(response["Location"])
    assert messages_of(page) == ["The review has started."]
    assert '<dd id="declaration-state">Under review</dd>' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        (S.UNDER_REVIEW, "start-review", "This action is not possible in the state “Under review”."),
        (S.SUBMITTED, "accept", "This action is not possible in the state “Submitted”."),
        (S.ACCEPTED, "refer", "This action is not possible in the state “Accepted”."),
        (S.UNDER_REVIEW, "publish", "This action is not possible in the state “Under review”."),
        (S.PUBLISHED, "publish", "This action is not possible in the state “Published”."),
    ],
)
def test_an_action_from_the_wrong_state_is_refused_and_changes_nothing(office, state, action, message):
    declaration = office["declaration"](state)
    before = snapshot(declaration)

    response = office["client"].post(url(declaration, action), {"refer-reason": "Шалгах", "accept-comment": ""})

    assert response.status_code == 409
    assert action_error(response) == [message, "Nothing was changed."]
    assert snapshot(declaration) == before


@pytest.mark.django_db
def test_a_refusal_is_shown_in_mongolian(office):
    declaration = office["declaration"](S.UNDER_REVIEW)

    response = office["client"].post(url(declaration, "start-review"), HTTP_ACCEPT_LANGUAGE="mn")

    assert response.status_code == 409
    assert action_error(response)[1] == "Юу ч өөрчлөгдөөгүй."
    assert "Хянаж байгаа" in action_error(response)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["start-review", "return", "accept", "refer", "conclude", "publish"])
def test_the_actions_are_posts_only(office, action):
    declaration = office["declaration"](S.SUBMITTED)
    before = snapshot(declaration)

    response = office["client"].get(url(declaration, action))

    assert response.status_code == 405
    assert snapshot(declaration) == before


@pytest.mark.django_db
def test_an_action_needs_the_csrf_token(office):
    declaration = office["declaration"](S.SUBMITTED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(office["reviewer"])
    before = snapshot(declaration)

    response = client.post(url(declaration, "start-review"))

    assert response.status_code == 403
    assert snapshot(declaration) == before


# --- return for correction --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_return_for_correction_saves_the_comment_and_the_remarks_with_their_exact_paths(office):
    declaration = office["declaration"](S.UNDER_REVIEW)
    data = {
        "return-comment": f"  {COMMENT}  ",
        # The second row is left blank; a fourth row was added by the page's script.
        **remarks(
            ("real_estate[0].value_mnt", "Үнэлгээ буруу."),
            ("", ""),
            ("family_members[0].companies[0].share_percent", " Хувийг шалгана уу. "),
            ("personal.phone", "Утасны дугаар дутуу."),
            total=4,
        ),
    }

    response = office["client"].post(url(declaration, "return"), data)

    assert response.status_code == 302
    assert response["Location"] == url(declaration)
    declaration.refresh_from_db()
    assert declaration.state == S.RETURNED
    step = last_step(declaration)
    assert step.transition == "return_for_correction"
    assert step.comment == COMMENT
    assert step.remarks == [
        {"path": "real_estate[0].value_mnt", "message": "Үнэлгээ буруу."},
        {"path": "family_members[0].companies[0].share_percent", "message": "Хувийг шалгана уу."},
        {"path": "personal.phone", "message": "Утасны дугаар дутуу."},
    ]
    assert messages_of(office["client"].get(url(declaration))) == [
        "The declaration was returned to its filer for correction."
    ]


@pytest.mark.django_db
def test_return_without_remarks(office):
    declaration = office["declaration"](S.UNDER_REVIEW)

    response = office["client"].post(url(declaration, "return"), {"return-comment": COMMENT, **remarks()})

    assert response.status_code == 302
    assert last_step(declaration).remarks == []
    assert Declaration.objects.get(pk=declaration.pk).state == S.RETURNED


@pytest.mark.django_db
@pytest.mark.parametrize("comment", ["", "   "])
def test_return_needs_a_comment_shown_next_to_the_field_and_keeps_what_was_typed(office, comment):
    declaration = office["declaration"](S.UNDER_REVIEW)
    before = snapshot(declaration)

    response = office["client"].post(
        url(declaration, "return"),
        {"return-comment": comment, **remarks(("real_estate[1].value_mnt", "Газрын үнэлгээг шалгана уу."))},
    )

    assert response.status_code == 200
    assert field_errors(response, "id_return-comment") == ["A comment is required."]
    page = response.content.decode()
    # The error follows the comment field, inside the return form; the remark typed is still there.
    comment_then_error = (
        r'<textarea name="return-comment"[^>]*>.*?</textarea><ul class="errorlist" id="id_return-comment_'
    )
    assert re.search(comment_then_error, page, re.S)
    assert '<option value="real_estate[1].value_mnt" selected>Real estate 2 › Value (MNT)</option>' in page
    assert "Газрын үнэлгээг шалгана уу.</textarea>" in page
    assert snapshot(declaration) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (("real_estate[0].value_mnt", ""), "id_remarks-0-message", "Write what to correct."),
        (("", "Үнэлгээ буруу."), "id_remarks-0-path", "Choose the field the remark is about."),
        (
            ("real_estate[9].value_mnt", "Үнэлгээ буруу."),
            "id_remarks-0-path",
            "Select a valid choice. real_estate[9].value_mnt is not one of the available choices.",
        ),
    ],
)
def test_an_incomplete_remark_is_refused_next_to_its_field(office, row, field, message):
    declaration = office["declaration"](S.UNDER_REVIEW)
    before = snapshot(declaration)

    response = office["client"].post(url(declaration, "return"), {"return-comment": COMMENT, **remarks(row)})

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert f"{COMMENT}</textarea>" in response.content.decode()
    assert snapshot(declaration) == before


@pytest.mark.django_db
def test_more_remarks_than_the_service_takes_are_refused(office):
    declaration = office["declaration"](S.UNDER_REVIEW)
    before = snapshot(declaration)
    rows = [("personal.phone", f"Тэмдэглэл {number}") for number in range(101)]

    response = office["client"].post(
        url(declaration, "return"), {"return-comment": COMMENT, **remarks(*rows, total=101)}
    )

    assert response.status_code == 200
    assert "Please submit at most 100 forms." in html.unescape(response.content.decode())
    assert snapshot(declaration) == before


@pytest.mark.django_db
def test_return_from_the_wrong_state_keeps_the_comment(office):
    declaration = office["declaration"](S.SUBMITTED)
    before = snapshot(declaration)

    response = office["client"].post(url(declaration, "return"), {"return-comment": COMMENT, **remarks()})

    assert response.status_code == 409
    assert action_error(response) == ["This action is not possible in the state “Submitted”.", "Nothing was changed."]
    assert snapshot(declaration) == before


# --- accept, refer, publish -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_accept_then_publish(office):
    declaration = office["declaration"](S.UNDER_REVIEW)
    client = office["client"]

    accepted = client.post(url(declaration, "accept"), {"accept-comment": "Зөв бөглөсөн."})
    declaration.refresh_from_db()
    assert (accepted.status_code, accepted["Location"]) == (302, url(declaration))
    assert declaration.state == S.ACCEPTED
    assert declaration.accepted_at is not None
    assert (last_step(declaration).transition, last_step(declaration).comment) == ("accept", "Зөв бөглөсөн.")
    assert messages_of(client.get(url(declaration))) == ["The declaration was accepted."]

    published = client.post(url(declaration, "publish"))
    declaration.refresh_from_db()
    assert (published.status_code, published["Location"]) == (302, url(declaration))
    assert declaration.state == S.PUBLISHED
    assert PublicSnapshot.objects.filter(declaration=declaration).count() == 1
    assert messages_of(client.get(url(declaration))) == ["The declaration was published in the public register."]


@pytest.mark.django_db
def test_accept_without_a_comment(office):
    declaration = office["declaration"](S.UNDER_REVIEW)

    response = office["client"].post(url(declaration, "accept"), {"accept-comment": ""})

    assert response.status_code == 302
    assert (Declaration.objects.get(pk=declaration.pk).state, last_step(declaration).comment) == (S.ACCEPTED, "")


@pytest.mark.django_db
def test_refer_sends_the_declaration_to_the_agency_with_the_reason(office):
    declaration = office["declaration"](S.UNDER_REVIEW)

    response = office["client"].post(url(declaration, "refer"), {"refer-reason": " Хөрөнгийн өсөлт тайлбаргүй. "})

    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.state == S.REFERRED
    assert (last_step(declaration).transition, last_step(declaration).comment) == (
        "refer",
        "Хөрөнгийн өсөлт тайлбаргүй.",
    )
    assert messages_of(office["client"].get(url(declaration))) == ["The declaration was referred to the agency."]


@pytest.mark.django_db
def test_refer_needs_a_reason(office):
    declaration = office["declaration"](S.UNDER_REVIEW)
    before = snapshot(declaration)

    response = office["client"].post(url(declaration, "refer"), {"refer-reason": ""})

    assert response.status_code == 200
    assert field_errors(response, "id_refer-reason") == ["A reason is required."]
    assert snapshot(declaration) == before


@pytest.mark.django_db
def test_the_ebat_may_not_conclude_which_is_the_agencys(office):
    """The ЭБАТ may not conclude: that is the agency's."""
    declaration = office["declaration"](S.REFERRED)
    before = snapshot(declaration)

    response = office["client"].post(
        url(declaration, "conclude"),
        {
            "conclude-finding": "no_violation",
            "conclude-legal_article": "8.1",
            "conclude-reasoning": "Зөрчилгүй.",
        },
    )

    assert response.status_code == 403
    assert action_error(response) == ["You are not allowed to take this action on this filing.", "Nothing was changed."]
    assert snapshot(declaration) == before


# --- the agency's conclusion ------------------------------------------------------------------------------


@pytest.fixture
def referral(office):
    declaration = office["declaration"](S.REFERRED)
    agency = assign_to_agency(declaration)
    return {"declaration": declaration, "agency": agency, "client": signed_in(agency)}


CONCLUSION = {
    "conclude-finding": "no_violation",
    "conclude-legal_article": "Нийтийн албанд нийтийн болон хувийн ашиг сонирхлыг зохицуулах тухай хууль, 8.1",
    "conclude-reasoning": "Хөрөнгийн өсөлт өв залгамжлалаар тайлбарлагдсан.",
    "conclude-internal_notes": "Гэрчилгээг шалгасан.",
}


@pytest.mark.django_db
def test_the_agency_reviewer_concludes_a_referred_declaration(referral):
    declaration = referral["declaration"]

    response = referral["client"].post(url(declaration, "conclude"), CONCLUSION)

    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.state == S.CONCLUDED
    conclusion = Conclusion.objects.get(declaration=declaration)
    assert (conclusion.finding, conclusion.legal_article, conclusion.reasoning, conclusion.internal_notes) == (
        "no_violation",
        CONCLUSION["conclude-legal_article"],
        CONCLUSION["conclude-reasoning"],
        CONCLUSION["conclude-internal_notes"],
    )
    assert conclusion.author == referral["agency"]
    assert messages_of(referral["client"].get(url(declaration))) == ["The conclusion was recorded."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"conclude-legal_article": " "},
            "id_conclude-legal_article",
            "Name the legal article the conclusion rests on.",
        ),
        ({"conclude-reasoning": ""}, "id_conclude-reasoning", "The reasoning is required."),
        ({"conclude-finding": "no_obstacle"}, "id_conclude-finding", "Choose a finding that applies to this filing."),
        ({"conclude-finding": ""}, "id_conclude-finding", "Choose a finding that applies to this filing."),
    ],
)
def test_a_conclusion_needs_its_parts(referral, change, field, message):
    declaration = referral["declaration"]
    before = snapshot(declaration)

    response = referral["client"].post(url(declaration, "conclude"), {**CONCLUSION, **change})

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert snapshot(declaration) == before


# --- scope ------------------------------------------------------------------------------------------------


@pytest.fixture
def outsiders(office):
    """Who may not open the review: an ЭБАТ elsewhere, the filer, a colleague, and a reviewer listed as the
    filer's spouse in the declaration."""
    elsewhere = make_reviewer(OrganisationFactory(name="Өмнөговь аймгийн ЗДТГ"))
    colleague = PositionFactory(organisation=office["department"]).official.user
    spouse = make_reviewer(office["department"])
    return {"elsewhere": elsewhere, "filer": office["filer"], "colleague": colleague, "spouse": spouse}


ACTIONS = ["start-review", "return", "accept", "refer", "conclude", "publish"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["elsewhere", "filer", "colleague", "spouse"])
@pytest.mark.parametrize("state", [S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED])
def test_outside_the_review_scope_every_address_is_not_found_and_nothing_changes(office, outsiders, who, state):
    spouse_number = outsiders["spouse"].official.register_number
    content = sample_content()
    content["family_members"][0]["register_number"] = spouse_number
    declaration = office["declaration"](state, content=content)
    client = signed_in(outsiders[who])
    before = snapshot(declaration)

    assert client.get(url(declaration)).status_code == 404
    for action in ACTIONS:
        response = client.post(
            url(declaration, action), {"return-comment": COMMENT, "refer-reason": "Шалгах", **remarks()}
        )
        assert response.status_code == 404, action
    assert snapshot(declaration) == before
    assert declaration.official.full_name not in client.get("/review/").content.decode()


@pytest.mark.django_db
def test_a_draft_is_not_for_review(office):
    draft = office["declaration"](S.DRAFT)

    assert office["client"].get(url(draft)).status_code == 404
    assert office["client"].get("/review/declarations/999999/").status_code == 404


@pytest.mark.django_db
def test_signing_in_is_required_for_every_address(office):
    declaration = office["declaration"](S.SUBMITTED)
    before = snapshot(declaration)

    page = Client().get(url(declaration))
    posts = [Client().post(url(declaration, action)) for action in ACTIONS]

    assert (page.status_code, page["Location"]) == (302, f"/login/?next={url(declaration)}")
    assert {response.status_code for response in posts} == {302}
    assert snapshot(declaration) == before


@pytest.mark.django_db
def test_the_agency_reviewer_sees_only_what_is_assigned_to_them(referral, office):
    other = office["declaration"](S.REFERRED, year=2023)
    assign_to_agency(other)  # to another agency reviewer
    before = snapshot(other)

    assert referral["client"].get(url(other)).status_code == 404
    assert referral["client"].post(url(other, "conclude"), CONCLUSION).status_code == 404
    assert snapshot(other) == before


# --- a nominee's preliminary declaration (ХАСУМ) -----------------------------------------------------------


@pytest.mark.django_db
def test_the_agency_reviews_and_concludes_a_preliminary_declaration_and_the_ebat_does_not_see_it():
    from tests.workflow.test_nominations import nominate, nominee_of, open_preliminary
    from workflow import services as workflow_services

    organisation = OrganisationFactory()
    ebat = make_reviewer(organisation)
    nomination = nominate(organisation)
    declaration = open_preliminary(nomination)
    declaration = workflow_services.declaration_submit(actor=nominee_of(nomination), declaration_id=declaration.pk)
    agency = assign_to_agency(declaration)
    client = signed_in(agency)

    assert signed_in(ebat).get(url(declaration)).status_code == 404
    assert client.post(url(declaration, "start-review")).status_code == 302
    page = html.unescape(client.get(url(declaration)).content.decode())
    assert re.findall(r'<button type="submit" id="([^"]+)"', page) == ["return-for-correction", "conclude"]
    assert re.findall(r'<option value="(\w+)">([^<]*)</option>', page.split('id="id_conclude-finding"')[1])[:2] == [
        ("no_obstacle", "No obstacle to the appointment"),
        ("conflict_found", "Conflict of interest found"),
    ]

    response = client.post(
        url(declaration, "conclude"),
        {**CONCLUSION, "conclude-finding": "no_obstacle", "conclude-internal_notes": ""},
    )

    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.state == S.CONCLUDED
    assert Conclusion.objects.get(declaration=declaration).finding == "no_obstacle"
