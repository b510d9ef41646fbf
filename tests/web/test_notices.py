"""The filer's notice pages: the list, the quick form, the notice's page, changing and submitting it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from declarations.models import Notice, NoticeCategory, NoticeState
from tests.factories import PositionFactory, UserFactory
from tests.notice_factories import in_days, make_notice, notice_fields
from tests.web import pages_notices
from tests.web.pages_notices import (
    BIDDER,
    BIDDER_NUMBER,
    COMPANY,
    COMPANY_NUMBER,
    database_state,
    messages_of,
    signed_in,
    text,
)

N = NoticeState
REQUIRED = {"en": "This field is required.", "mn": "Энэ талбарыг заавал бөглөнө."}
NUMBER_INVALID = {
    "en": "Enter a company registration number of 7 digits or a person's of two Cyrillic letters and 8 digits.",
    "mn": "Компанийн 7 оронтой регистрийн дугаар, эсвэл хувь хүний Кирилл үсгийн 2 тэмдэгт болон 8 оронтой тооноос "
    "бүрдсэн регистрийн дугаар оруулна уу.",
}


world = pages_notices.world


# --- signing in ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/notices/", "/notices/new/", "/notices/1/", "/notices/1/edit/", "/review/notices/", "/review/notices/1/"]
)
def test_the_notice_pages_ask_a_visitor_to_sign_in(path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/notices/1/submit/", "/notices/1/resubmit/"])
def test_the_filers_actions_are_posts_only(world, path):
    path = path.replace("/1/", f"/{world.draft.pk}/")
    before = database_state()

    response = signed_in(world.filer).get(path)

    assert response.status_code == 405
    assert database_state() == before


# --- the list ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_the_committee_notices_waiting_first_then_every_own_notice(world):
    response = signed_in(world.filer).get("/notices/")

    assert response.status_code == 200
    page = text(response)
    waiting = page.index("Committee notices waiting for you")
    assert "You must declare before the tender is evaluated." in page
    assert waiting < page.index("All my notices")
    assert [notice.pk for notice in response.context["waiting"]] == list(
        Notice.objects.filter(filer=world.filer, tender=world.declaring).order_by("pk").values_list("pk", flat=True)
    )
    assert f'href="/notices/{world.committee.pk}/">Declare</a>' in page
    assert world.declaring.reference_number in page
    listed = {notice.pk for notice in response.context["page"]}
    assert listed == set(Notice.objects.filter(filer=world.filer).values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_list_shows_only_the_users_own_notices(world):
    colleague = PositionFactory(organisation=world.position.organisation)
    make_notice(N.DRAFT, position=colleague, title="Хөршийн гэрээ")

    response = signed_in(world.filer).get("/notices/")

    assert "Хөршийн гэрээ" not in text(response)
    assert all(notice.filer_id == world.filer.pk for notice in response.context["page"])


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_however_many_notices(world):
    client = signed_in(world.filer)
    client.get("/notices/")
    with CaptureQueriesContext(connection) as few:
        client.get("/notices/")
    for title in ("Нэмэлт гэрээ 1", "Нэмэлт гэрээ 2", "Нэмэлт гэрээ 3"):
        make_notice(N.DRAFT, position=world.position, title=title, category_code="management")

    with CaptureQueriesContext(connection) as many:
        response = client.get("/notices/")

    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.django_db
def test_a_user_without_notices_is_told_so():
    response = signed_in(PositionFactory().official.user).get("/notices/")

    assert "You have not filed any notices yet." in text(response)
    assert "Committee notices waiting for you" not in text(response)


# --- the quick form ------------------------------------------------------------------------------------------


def quick_form(chosen, **overrides) -> dict[str, str]:
    """The quick form filled in for the position ``chosen``."""
    return {
        "position": str(chosen.pk),
        "category": "contract",
        "title": "Цэвэр усны гэрээ",
        "reference_number": "ГЭ-2026/001",
        "action_date": in_days(10),
        "counterparty_name": "Ус Сувгийн ХХК",
        "counterparty_register_number": "2034567",
        "outcome": "no_conflict",
        "action": "save",
        **overrides,
    }


@pytest.mark.django_db
def test_the_quick_form_offers_the_active_categories_and_the_users_positions(world):
    NoticeCategory.objects.filter(code="inspection").update(is_active=False)
    elsewhere = PositionFactory()

    response = signed_in(world.filer).get("/notices/new/")

    form = response.context["form"]
    codes = [code for code, _label in form.fields["category"].choices]
    assert codes[0] == ""
    assert "contract" in codes
    assert "inspection" not in codes
    assert [choice for choice, _label in form.fields["position"].choices] == ["", str(world.position.pk)]
    assert str(elsewhere.pk) not in [choice for choice, _label in form.fields["position"].choices]
    page = text(response)
    for label in ('<label for="id_title">Matter:</label>', '<label for="id_action_date">Action date:</label>'):
        assert label in page
    assert "<legend>Declared outcome</legend>" in page
    assert '<label for="id_outcome_0"><input type="radio" name="outcome" value="no_conflict"' in page
    assert '<div id="conflict-fields" data-show-when="outcome=conflict">' in page


@pytest.mark.django_db
def test_saving_the_quick_form_opens_a_draft(world):
    client = signed_in(world.filer)

    response = client.post("/notices/new/", quick_form(world.position))

    notice = Notice.objects.filter(filer=world.filer).latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/notices/{notice.pk}/"
    assert (notice.state, notice.title, notice.category.code, notice.organisation_id) == (
        N.DRAFT,
        "Цэвэр усны гэрээ",
        "contract",
        world.position.organisation_id,
    )
    assert (notice.counterparty_register_number, notice.outcome) == ("2034567", "no_conflict")
    assert messages_of(client.get(response["Location"])) == ["The draft notice was saved."]


@pytest.mark.django_db
def test_submitting_the_quick_form_files_the_notice_in_one_step(world):
    client = signed_in(world.filer)

    response = client.post("/notices/new/", quick_form(world.position, action="submit"))

    notice = Notice.objects.filter(filer=world.filer).latest("pk")
    assert response["Location"] == f"/notices/{notice.pk}/"
    assert notice.state == N.SUBMITTED
    assert notice.is_late is False
    assert messages_of(client.get(response["Location"])) == ["The notice was submitted."]


@pytest.mark.django_db
def test_a_quick_form_submitted_incomplete_keeps_its_draft_and_shows_what_is_missing(world):
    before = Notice.objects.count()

    response = signed_in(world.filer).post(
        "/notices/new/", quick_form(world.position, action="submit", title="", outcome="conflict")
    )

    assert response.status_code == 200
    notice = Notice.objects.filter(filer=world.filer).latest("pk")
    assert Notice.objects.count() == before + 1
    assert (notice.state, notice.outcome) == (N.DRAFT, "conflict")
    errors = response.context["form"].errors
    assert errors == {
        "title": [REQUIRED["en"]],
        "interest_nature": [REQUIRED["en"]],
        "proposed_handling": [REQUIRED["en"]],
    }
    assert messages_of(response) == [
        "The notice was saved but not submitted: complete the fields marked below and submit it again."
    ]
    page = text(response)
    # The form now changes the saved draft instead of opening a second one, with what was typed kept.
    assert f'action="/notices/{notice.pk}/edit/"' in page
    assert 'value="Ус Сувгийн ХХК"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "mn"])
def test_a_quick_form_with_errors_shows_them_next_to_their_fields_and_keeps_what_was_typed(world, language):
    before = database_state()

    response = signed_in(world.filer).post(
        "/notices/new/",
        quick_form(world.position, counterparty_register_number="12"),
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"counterparty_register_number": [NUMBER_INVALID[language]]}
    page = text(response)
    assert re.search(
        rf'<div class="field" id="id_counterparty_register_number_field">.*?{re.escape(NUMBER_INVALID[language])}',
        page,
        re.S,
    )
    assert 'value="Цэвэр усны гэрээ"' in page
    assert 'value="12"' in page
    assert database_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "mn"])
def test_the_quick_form_needs_a_category(world, language):
    before = database_state()

    response = signed_in(world.filer).post(
        "/notices/new/", quick_form(world.position, category=""), HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.context["form"].errors == {"category": [REQUIRED[language]]}
    assert 'value="Ус Сувгийн ХХК"' in text(response)
    assert database_state() == before


@pytest.mark.django_db
def test_the_quick_form_needs_one_of_the_users_own_positions(world):
    before = database_state()
    client = signed_in(world.filer)

    missing = client.post("/notices/new/", quick_form(world.position, position=""))
    foreign = client.post("/notices/new/", quick_form(world.position, position=str(PositionFactory().pk)))

    assert missing.context["form"].errors == {"position": [REQUIRED["en"]]}
    assert list(foreign.context["form"].errors) == ["position"]
    assert foreign.context["form"].errors["position"][0].startswith("Select a valid choice.")
    assert database_state() == before


@pytest.mark.django_db
def test_a_position_that_has_ended_is_refused_by_the_service(world):
    ended = PositionFactory(official=world.position.official, end_date=datetime.date(2021, 1, 1))
    before = database_state()

    response = signed_in(world.filer).post("/notices/new/", quick_form(ended))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "position": ["You can file notices only for an organisation where you hold a position."]
    }
    assert database_state() == before


@pytest.mark.django_db
def test_a_user_without_a_position_is_told_why_there_is_no_form(world):
    before = database_state()
    client = signed_in(world.external)

    page = client.get("/notices/new/")
    posted = client.post("/notices/new/", quick_form(world.position))

    for response in (page, posted):
        assert response.status_code == 200
        assert "You hold no position, so you can file a notice only when a tender committee asks you for one." in (
            text(response)
        )
        assert 'id="notice-form"' not in text(response)
    assert database_state() == before


# --- the notice's page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_notices_page_shows_its_state_content_and_actions(world):
    response = signed_in(world.filer).get(f"/notices/{world.draft.pk}/")

    assert response.status_code == 200
    page = text(response)
    assert '<strong id="notice-state">Draft</strong>' in page
    assert "Цэцэрлэгийн засварын гэрээ" in page
    assert f'<a href="/notices/{world.draft.pk}/edit/" id="edit-notice">Change the notice</a>' in page
    assert f'action="/notices/{world.draft.pk}/submit/"' in page
    assert '<a href="pdf/" id="notice-pdf">Download the printable version</a>' in page
    assert "Nothing has happened to this notice yet." in page


@pytest.mark.django_db
def test_another_persons_notice_is_not_found_even_for_its_reviewer(world):
    stranger = signed_in(PositionFactory().official.user)
    reviewer = signed_in(world.reviewer)

    for client in (stranger, reviewer):
        for path in (f"/notices/{world.late.pk}/", f"/notices/{world.draft.pk}/edit/", "/notices/999999/"):
            assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_a_returned_notice_shows_the_reviewers_comment_and_the_history(world):
    response = signed_in(world.filer).get(f"/notices/{world.returned.pk}/")

    page = text(response)
    assert "Returned for correction" in page
    assert "Гэрээний дугаарыг засна уу." in page
    assert f'action="/notices/{world.returned.pk}/resubmit/"' in page
    assert [(step.transition, str(step.label)) for step in response.context["steps"]] == [
        ("submit", "Submitted"),
        ("start_review", "Review started"),
        ("return_for_correction", "Returned for correction"),
    ]


@pytest.mark.django_db
def test_the_filer_sees_the_red_flags_on_their_notice(world):
    response = signed_in(world.filer).get(f"/notices/{world.late.pk}/")

    page = text(response)
    assert "(filed late)" in page
    assert "The counterparty is a company in the declaration" in page
    assert f'<dt>Declared company</dt><dd translate="no">{COMPANY}</dd>' in page
    assert f'<dt>Matched registration number</dt><dd translate="no">{COMPANY_NUMBER}</dd>' in page
    assert "Not resolved yet." in page
    assert "Resolve the red flag" not in page


@pytest.mark.django_db
def test_a_committee_notice_shows_the_tender_and_its_bidders_and_the_quick_declaration(world):
    response = signed_in(world.filer).get(f"/notices/{world.committee.pk}/")

    page = text(response)
    assert f'<dd translate="no" id="tender-reference">{world.declaring.reference_number}</dd>' in page
    assert f'<dd translate="no" id="tender-title">{world.declaring.title}</dd>' in page
    assert f'<td translate="no">{BIDDER}</td><td translate="no">{BIDDER_NUMBER}</td>' in page
    assert f'<td translate="no">{COMPANY}</td><td translate="no">{COMPANY_NUMBER}</td>' in page
    assert f'action="/notices/{world.committee.pk}/edit/"' in page
    assert "No conflict of interest" in page
    # The member declares the outcome; the category and the matter are the tender's.
    assert set(response.context["committee_form"].fields) == {
        "action_date",
        "outcome",
        "interest_nature",
        "proposed_handling",
        "handling_conditions",
    }
    assert response.context["committee_form"]["action_date"].value() == timezone.localdate().isoformat()


@pytest.mark.django_db
def test_a_committee_member_declares_no_conflict_and_submits_in_one_step(world):
    client = signed_in(world.filer)
    detail = client.get(f"/notices/{world.committee.pk}/")
    data = {**detail.context["committee_form"].initial, "outcome": "no_conflict", "action": "submit"}

    response = client.post(f"/notices/{world.committee.pk}/edit/", data)

    assert response["Location"] == f"/notices/{world.committee.pk}/"
    world.committee.refresh_from_db()
    assert (world.committee.state, world.committee.outcome) == (N.SUBMITTED, "no_conflict")
    assert world.committee.category.code == "procurement_committee"
    assert world.committee.action_date == timezone.localdate()
    assert messages_of(client.get(response["Location"])) == ["The notice was submitted."]


@pytest.mark.django_db
def test_a_committee_notice_keeps_its_category_whatever_is_posted(world):
    response = signed_in(world.filer).post(
        f"/notices/{world.committee.pk}/edit/", {"category": "contract", "outcome": "no_conflict", "action": "save"}
    )

    assert response.status_code == 302
    world.committee.refresh_from_db()
    assert (world.committee.category.code, world.committee.outcome) == ("procurement_committee", "no_conflict")


# --- changing and submitting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_edit_form_shows_the_notices_values_and_saves_the_changes(world):
    client = signed_in(world.filer)
    form = client.get(f"/notices/{world.draft.pk}/edit/").context["form"]
    assert form.initial["title"] == "Цэцэрлэгийн засварын гэрээ"
    assert "position" not in form.fields

    response = client.post(
        f"/notices/{world.draft.pk}/edit/",
        {**form.initial, "title": "Цэцэрлэгийн их засварын гэрээ", "category": "management", "action": "save"},
    )

    assert response["Location"] == f"/notices/{world.draft.pk}/"
    world.draft.refresh_from_db()
    assert (world.draft.title, world.draft.category.code, world.draft.state) == (
        "Цэцэрлэгийн их засварын гэрээ",
        "management",
        N.DRAFT,
    )


@pytest.mark.django_db
def test_a_submitted_notice_can_no_longer_be_changed(world):
    client = signed_in(world.filer)
    before = database_state()

    shown = client.get(f"/notices/{world.late.pk}/edit/")
    posted = client.post(f"/notices/{world.late.pk}/edit/", {"title": "Өөр", "action": "save"})

    for response in (shown, posted):
        assert response.status_code == 302
        assert response["Location"] == f"/notices/{world.late.pk}/"
    assert messages_of(client.get(f"/notices/{world.late.pk}/")) == [
        "The notice can be changed only while it is a draft or returned for correction.",
        "The notice can be changed only while it is a draft or returned for correction.",
    ]
    assert database_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "mn"])
def test_an_invalid_change_changes_nothing(world, language):
    before = database_state()

    response = signed_in(world.filer).post(
        f"/notices/{world.draft.pk}/edit/",
        {**notice_fields(), "category": "contract", "action_date": "31.12.2026", "action": "save"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    expected = {
        "en": "Enter a valid date in the format YYYY-MM-DD.",
        "mn": "Огноог ОООО-СС-ӨӨ (YYYY-MM-DD) хэлбэрээр зөв оруулна уу.",
    }
    assert response.context["form"].errors == {"action_date": [expected[language]]}
    assert 'value="31.12.2026"' in text(response)
    assert database_state() == before


@pytest.mark.django_db
def test_submitting_a_draft_from_its_page(world):
    client = signed_in(world.filer)

    response = client.post(f"/notices/{world.draft.pk}/submit/")

    assert response["Location"] == f"/notices/{world.draft.pk}/"
    world.draft.refresh_from_db()
    assert world.draft.state == N.SUBMITTED
    assert messages_of(client.get(response["Location"])) == ["The notice was submitted."]


@pytest.mark.django_db
def test_a_notice_submitted_after_its_action_date_is_marked_late(world):
    notice = make_notice(N.DRAFT, position=world.position, action_date=in_days(-1))
    client = signed_in(world.filer)

    response = client.post(f"/notices/{notice.pk}/submit/")

    notice.refresh_from_db()
    assert (notice.state, notice.is_late) == (N.SUBMITTED, True)
    assert messages_of(client.get(response["Location"])) == [
        "The notice was submitted after its action date and is marked late."
    ]


@pytest.mark.django_db
def test_resubmitting_a_returned_notice_from_its_page(world):
    response = signed_in(world.filer).post(f"/notices/{world.returned.pk}/resubmit/")

    assert response.status_code == 302
    world.returned.refresh_from_db()
    assert world.returned.state == N.SUBMITTED


@pytest.mark.django_db
def test_submitting_an_incomplete_notice_from_its_page_opens_its_form_with_the_errors(world):
    notice = make_notice(N.DRAFT, position=world.position, action_date="")
    before = database_state()

    response = signed_in(world.filer).post(f"/notices/{notice.pk}/submit/")

    assert response.status_code == 200
    assert response.context["form"].errors == {"action_date": [REQUIRED["en"]]}
    assert f'action="/notices/{notice.pk}/edit/"' in text(response)
    assert database_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This action is not possible in the state “Submitted”."),
        ("mn", "“Илгээсэн” төлөвт энэ үйлдлийг хийх боломжгүй."),
    ],
)
def test_submitting_twice_is_refused_in_the_users_language(world, language, message):
    client = signed_in(world.filer)
    before = database_state()

    response = client.post(f"/notices/{world.late.pk}/submit/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302
    assert messages_of(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language)) == [message]
    assert database_state() == before


@pytest.mark.django_db
def test_nobody_submits_another_persons_notice(world):
    before = database_state()

    for user in (world.reviewer, world.secretary, UserFactory()):
        assert signed_in(user).post(f"/notices/{world.draft.pk}/submit/").status_code == 404
        assert signed_in(user).post(f"/notices/{world.draft.pk}/edit/", {"title": "x"}).status_code == 404
    assert database_state() == before


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.filer)
    before = database_state()

    response = client.post(f"/notices/{world.draft.pk}/submit/")

    assert response.status_code == 403
    assert database_state() == before
