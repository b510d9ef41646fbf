"""The filer's pages: the list of their declarations, a new one, the form, the summary and submission, the
declaration itself with its history and remarks, discarding a draft and opening a correction."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from declarations.content import MSG_AMOUNT, MSG_DATE_IN_FUTURE, MSG_PHONE, MSG_REQUIRED, sample_content
from declarations.models import Declaration, DeclarationKind, DeclarationRevision, DeclarationState, Obligation
from tests.factories import PositionFactory, UserFactory, make_declaration, make_reviewer
from tests.web.pages_filing import form_values, signed_in, snapshot
from web import filing
from workflow import errors, services

S = DeclarationState


def text(response) -> str:
    """The page's text, filed data included, in one line."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()).replace(" :", ":")


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def flashed(client: Client) -> list[str]:
    """The messages waiting for the next page (after a redirect)."""
    return page_messages(client.get("/declarations/"))


@pytest.fixture
def filer():
    """A filer with a position in an organisation that has an authorised official (ЭБАТ)."""
    position = PositionFactory(title="Хэлтсийн дарга")
    reviewer = make_reviewer(position.organisation)
    return {"position": position, "user": position.official.user, "reviewer": reviewer}


@pytest.fixture
def draft(filer):
    return make_declaration(S.DRAFT, position=filer["position"], year=2025)


@pytest.fixture
def returned(filer):
    return make_declaration(S.RETURNED, position=filer["position"], reviewer=filer["reviewer"], year=2024)


# --- the list -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_the_filers_own_declarations_and_what_they_owe(filer, draft, returned):
    colleague = make_declaration(S.DRAFT, position=PositionFactory(organisation=filer["position"].organisation))
    obligation = Obligation.objects.create(
        official=filer["position"].official,
        organisation=filer["position"].organisation,
        position=filer["position"],
        kind="annual",
        period=2026,
        due_date="2027-02-15",
    )

    response = signed_in(filer["user"]).get("/declarations/")

    assert response.status_code == 200
    assert [d.pk for d in response.context["declarations"]] == [draft.pk, returned.pk]
    assert [o.pk for o in response.context["obligations"]] == [obligation.pk]
    page = response.content.decode()
    assert f'href="/declarations/{draft.pk}/edit/">Continue filling in</a>' in page
    assert f'href="/declarations/{returned.pk}/edit/">Continue filling in</a>' in page
    assert f"/declarations/{colleague.pk}/" not in page
    assert "Annual, 2025" in text(response)
    assert "Returned for correction" in text(response)
    assert "due by 2027-02-15 (Open)" in text(response)
    assert (
        f'href="/declarations/new/?position={filer["position"].pk}&amp;kind=annual&amp;year=2026">'
        "Start this declaration</a>" in page
    )


@pytest.mark.django_db
def test_the_list_offers_no_edit_link_for_a_submitted_declaration(filer):
    submitted = make_declaration(S.SUBMITTED, position=filer["position"])

    page = signed_in(filer["user"]).get("/declarations/").content.decode()

    assert f'href="/declarations/{submitted.pk}/"' in page
    assert f'href="/declarations/{submitted.pk}/edit/"' not in page


@pytest.mark.django_db
def test_the_list_leaves_out_discarded_drafts(filer):
    discarded = make_declaration(S.DISCARDED, position=filer["position"])

    response = signed_in(filer["user"]).get("/declarations/")

    assert discarded not in response.context["declarations"]
    assert "You have no declarations yet." in text(response)


@pytest.mark.django_db
def test_the_list_page_costs_the_same_queries_for_more_declarations(filer, django_assert_num_queries):
    client = signed_in(filer["user"])
    make_declaration(S.DRAFT, position=filer["position"], year=2025)
    client.get("/declarations/")  # fills the content type cache
    with CaptureQueriesContext(connection) as one:
        assert client.get("/declarations/").status_code == 200

    reviewer = filer["reviewer"]
    for year, state in [(2021, S.ACCEPTED), (2022, S.RETURNED), (2023, S.SUBMITTED)]:
        make_declaration(state, position=filer["position"], reviewer=reviewer, year=year)
    services.declaration_create_correction(
        actor=filer["user"], corrects_id=Declaration.objects.get(year=2021, corrects=None).pk
    )
    other = PositionFactory(official=filer["position"].official)
    make_declaration(S.DRAFT, position=other, year=2025)
    for year in (2026, 2027):
        Obligation.objects.create(
            official=other.official,
            organisation=other.organisation,
            position=other,
            kind="annual",
            period=year,
            due_date=f"{year + 1}-02-15",
        )

    # The session, the user, their permissions and review scope, the declarations, the obligations, and for the
    # menu whether the user is an official and holds filings granted one by one.
    assert len(one) == 9
    with django_assert_num_queries(len(one)):
        response = client.get("/declarations/")
    assert len(response.context["declarations"]) == 6
    assert len(response.context["obligations"]) == 2


@pytest.mark.django_db
def test_the_pages_ask_a_visitor_to_sign_in(draft):
    for url in ["/declarations/", "/declarations/new/", f"/declarations/{draft.pk}/edit/"]:
        response = Client().get(url)
        assert (response.status_code, response["Location"]) == (302, f"/login/?next={url}")


# --- a new declaration --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_new_page_says_the_declaration_starts_from_the_last_accepted_one(filer):
    accepted = make_declaration(S.ACCEPTED, position=filer["position"], reviewer=filer["reviewer"], year=2023)

    response = signed_in(filer["user"]).get("/declarations/new/")

    assert response.status_code == 200
    assert response.context["prefill"] == accepted
    assert (
        "The new declaration will be pre-filled from your last accepted declaration (for 2023). "
        "Check and update every section before you submit it." in text(response)
    )
    # The accepted declaration can be corrected from here too.
    assert f'action="/declarations/{accepted.pk}/correct/"' in response.content.decode()


@pytest.mark.django_db
def test_the_new_page_of_a_first_filer_says_it_starts_empty(filer):
    response = signed_in(filer["user"]).get("/declarations/new/", HTTP_ACCEPT_LANGUAGE="mn")

    assert response.context["prefill"] is None
    assert "Танд хүлээн авсан мэдүүлэг хараахан байхгүй тул шинэ мэдүүлэг хоосон эхэлнэ." in text(response)


@pytest.mark.django_db
def test_the_new_page_offers_only_the_users_positions_that_require_a_declaration(filer):
    official = filer["position"].official
    unrequired = PositionFactory(official=official, declaration_required=False)
    someone_elses = PositionFactory()

    response = signed_in(filer["user"]).get("/declarations/new/")

    choices = list(response.context["form"].fields["position"].queryset)
    assert choices == [filer["position"]]
    assert unrequired not in choices
    assert someone_elses not in choices
    kinds = [value for value, _label in response.context["form"].fields["kind"].choices]
    assert kinds == ["appointment", "annual", "significant_change"]


@pytest.mark.django_db
def test_the_new_page_is_filled_from_an_obligations_link(filer):
    url = f"/declarations/new/?position={filer['position'].pk}&kind=appointment&year=2024"

    form = signed_in(filer["user"]).get(url).context["form"]

    assert form.initial == {"position": str(filer["position"].pk), "kind": "appointment", "year": "2024"}


@pytest.mark.django_db
def test_opening_a_declaration_prefills_it_from_the_last_accepted_one(filer):
    accepted = make_declaration(S.ACCEPTED, position=filer["position"], reviewer=filer["reviewer"], year=2023)
    client = signed_in(filer["user"])

    response = client.post("/declarations/new/", {"position": filer["position"].pk, "kind": "annual", "year": 2024})

    created = Declaration.objects.get(year=2024)
    assert (response.status_code, response["Location"]) == (302, f"/declarations/{created.pk}/edit/")
    assert (created.state, created.kind, created.position, created.corrects) == (
        S.DRAFT,
        "annual",
        filer["position"],
        None,
    )
    assert created.content == accepted.revisions.get().content
    assert flashed(client) == [str(filing.CREATED_PREFILLED)]


@pytest.mark.django_db
def test_opening_a_first_declaration_starts_empty(filer):
    client = signed_in(filer["user"])

    client.post("/declarations/new/", {"position": filer["position"].pk, "kind": "annual", "year": 2024})

    assert Declaration.objects.get().content["real_estate"] == []
    assert flashed(client) == [str(filing.CREATED)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "annual", "year": 2024}, "position", "Choose one of your positions."),
        ({"position": True, "kind": "preliminary", "year": 2024}, "kind", None),
        (
            {"position": True, "kind": "annual", "year": 1999},
            "year",
            "Ensure this value is greater than or equal to 2000.",
        ),
        ({"position": True, "kind": "annual", "year": 2999}, "year", None),
    ],
)
def test_a_new_declaration_with_a_wrong_choice_is_refused(filer, data, field, message):
    if data.get("position"):
        data = {**data, "position": filer["position"].pk}

    response = signed_in(filer["user"]).post("/declarations/new/", data)

    assert response.status_code == 200
    found = response.context["form"].errors
    if field == "kind":
        assert found == {"kind": ["Select a valid choice. preliminary is not one of the available choices."]}
    elif message is None:
        max_year = services.local_today().year
        assert found == {"year": [str(errors.YEAR_OUT_OF_RANGE % {"min": 2000, "max": max_year})]}
    else:
        assert found == {field: [message]}
    assert Declaration.objects.count() == 0


@pytest.mark.django_db
def test_a_new_declaration_for_someone_elses_position_is_refused(filer):
    someone_elses = PositionFactory()

    response = signed_in(filer["user"]).post(
        "/declarations/new/", {"position": someone_elses.pk, "kind": "annual", "year": 2024}
    )

    assert response.context["form"].errors == {"position": ["Choose one of your positions."]}
    assert Declaration.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "A declaration of this kind for this position and year already exists."),
        ("mn", None),
    ],
)
def test_a_duplicate_declaration_is_refused_in_the_users_language(filer, draft, language, message):
    before = Declaration.objects.count()

    response = signed_in(filer["user"]).post(
        "/declarations/new/",
        {"position": filer["position"].pk, "kind": "annual", "year": draft.year},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    with translation.override(language):
        expected = message or str(errors.DUPLICATE_DECLARATION)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [expected]
    assert expected in text(response)
    assert Declaration.objects.count() == before


# --- the declaration ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_declaration_shows_its_state_content_history_and_remarks(filer, returned):
    response = signed_in(filer["user"]).get(f"/declarations/{returned.pk}/")

    assert response.status_code == 200
    shown = text(response)
    assert "State Returned for correction" in shown
    assert "Үл хөдлөх хөрөнгийн үнэлгээг шалгана уу." in shown
    assert "Remarks on particular fields: Real estate › Row 1 › Value (MNT): Үнэлгээ буруу." in shown
    steps = [step["label"] for step in response.context["history"]]
    assert steps == ["Submitted", "Review started", "Returned for correction"]
    assert "Улаанбаатар хот, Баянзүрх дүүрэг, 26-р хороо, 45-р байр 31 тоот" in shown
    page = response.content.decode()
    assert f'href="/declarations/{returned.pk}/edit/" id="edit-declaration">Fill in the form</a>' in page
    assert f'href="/declarations/{returned.pk}/summary/" id="review-and-submit">Review and submit</a>' in page
    assert '<a href="pdf/">Download as a PDF file</a>' in page
    assert f'href="/declarations/{returned.pk}/edit/#f-real_estate-0-value_mnt"' in page
    assert "/discard/" not in page
    assert "/correct/" not in page


@pytest.mark.django_db
def test_the_declaration_of_a_draft_offers_to_fill_in_submit_and_discard(filer, draft):
    response = signed_in(filer["user"]).get(f"/declarations/{draft.pk}/")

    page = response.content.decode()
    assert f'href="/declarations/{draft.pk}/discard/">Discard this draft</a>' in page
    assert f'href="/declarations/{draft.pk}/summary/"' in page
    assert "The declaration has not been submitted yet." in text(response)


@pytest.mark.django_db
def test_an_accepted_declaration_offers_a_correction_and_no_edit(filer):
    accepted = make_declaration(S.ACCEPTED, position=filer["position"], reviewer=filer["reviewer"])

    response = signed_in(filer["user"]).get(f"/declarations/{accepted.pk}/")

    page = response.content.decode()
    assert f'action="/declarations/{accepted.pk}/correct/"' in page
    assert "/edit/" not in page
    assert "/summary/" not in page
    assert [step["label"] for step in response.context["history"]] == ["Submitted", "Review started", "Accepted"]


@pytest.mark.django_db
def test_the_filer_does_not_see_the_reason_of_a_referral(filer):
    referred = make_declaration(S.REFERRED, position=filer["position"], reviewer=filer["reviewer"])

    response = signed_in(filer["user"]).get(f"/declarations/{referred.pk}/")

    assert "Хөрөнгийн өсөлтийг орлогоор тайлбарлах боломжгүй." not in text(response)
    assert [step["label"] for step in response.context["history"]][-1] == "Referred to the agency"


# --- the form -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_shows_every_section_of_the_schema_with_the_saved_values(filer, draft):
    response = signed_in(filer["user"]).get(f"/declarations/{draft.pk}/edit/")

    assert response.status_code == 200
    page = response.content.decode()
    labels = [str(section.label) for section in response.context["sections"]]
    assert labels == [
        "Personal data",
        "Positions and jobs",
        "Business interests and shareholdings",
        "Real estate",
        "Vehicles",
        "Bank accounts",
        "Securities",
        "Income",
        "Loans and debts",
        "Gifts",
        "Family members",
    ]
    assert '<label for="f-real_estate-0-value_mnt">Value (MNT)' in page
    assert (
        '<input type="number" id="f-real_estate-0-value_mnt" name="real_estate[0].value_mnt" value="280000000.00" '
        'inputmode="decimal" step="0.01" min="0">' in page
    )
    assert '<input type="date" id="f-personal-birth_date" name="personal.birth_date" value="1990-05-12">' in page
    assert '<option value="apartment" selected>Apartment</option>' in page
    assert '<select id="f-bank_accounts-1-currency" name="bank_accounts[1].currency" translate="no">' in page
    assert '<option value="USD" selected>USD</option>' in page
    assert 'name="gifts[0].description" translate="no" maxlength="4000" rows="3">' in page
    # Nested rows: a family member's companies, with their own add and remove buttons.
    assert 'name="family_members[0].companies[0].company_name" value="Сарнай Эм Хангамж ХХК"' in page
    assert '<button type="submit" name="add_row" value="family_members[0].companies" data-add-row>' in page
    assert '<button type="submit" name="remove_row" value="family_members[1]" data-remove-row>' in page
    # The row templates the script copies.
    assert 'name="family_members[__n0__].companies[__n1__].company_name"' in page


@pytest.mark.django_db
def test_the_form_posts_back_exactly_what_it_shows(filer, draft):
    """Every field of the generated form reads and writes the content: saving it unchanged changes nothing."""
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())
    assert len(values) > 80

    response = client.post(f"/declarations/{draft.pk}/edit/", {**values, "action": "save"})

    assert (response.status_code, response["Location"]) == (302, f"/declarations/{draft.pk}/edit/")
    draft.refresh_from_db()
    assert draft.content == sample_content(full_name=filer["position"].official.full_name)


@pytest.mark.django_db
def test_saving_the_draft_stores_the_typed_values_and_restores_them(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())
    values.update({"real_estate[0].value_mnt": "300000000", "vehicles[0].year": "2018", "action": "save"})

    response = client.post(f"/declarations/{draft.pk}/edit/", values)

    draft.refresh_from_db()
    assert draft.content["real_estate"][0]["value_mnt"] == "300000000.00"
    assert draft.content["vehicles"][0]["year"] == 2018
    saved_at = timezone.localtime(draft.updated_at).strftime("%H:%M")
    again = client.get(response["Location"])
    assert page_messages(again) == [f"The draft was saved at {saved_at}."]
    page = again.content.decode()
    assert 'name="real_estate[0].value_mnt" value="300000000.00"' in page
    assert 'name="vehicles[0].year" value="2018"' in page


@pytest.mark.django_db
def test_an_invalid_save_keeps_everything_typed_and_shows_each_error_beside_its_field(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())
    values.update(
        {
            "personal.full_name": "Батын Болд",
            "personal.phone": "123",
            "personal.birth_date": "2999-01-01",
            "real_estate[1].value_mnt": "12,5",
            "gifts[0].giver": "Шинэ бэлэг өгөгч",
            "action": "save",
        }
    )
    before = snapshot(draft)

    response = client.post(f"/declarations/{draft.pk}/edit/", values)

    assert response.status_code == 200
    assert snapshot(draft) == before
    page = response.content.decode()
    assert 'name="personal.full_name" value="Батын Болд"' in page
    assert 'name="gifts[0].giver" value="Шинэ бэлэг өгөгч"' in page
    # An unreadable number is shown in a text box, as typed.
    assert (
        '<input type="text" id="f-real_estate-1-value_mnt" name="real_estate[1].value_mnt" value="12,5" '
        'inputmode="decimal" aria-describedby="f-real_estate-1-value_mnt-errors" aria-invalid="true">' in page
    )
    assert (
        f'<ul class="errorlist" id="f-real_estate-1-value_mnt-errors" data-field-errors><li>{MSG_AMOUNT}</li></ul>'
        in page
    )
    assert f'id="f-personal-phone-errors" data-field-errors><li>{MSG_PHONE}</li>' in page
    assert f'id="f-personal-birth_date-errors" data-field-errors><li>{MSG_DATE_IN_FUTURE}</li>' in page
    shown = text(response)
    assert "The draft was not saved" in shown
    assert str(filing.NOT_SAVED) in shown
    assert f"Real estate › Row 2 › Value (MNT): {MSG_AMOUNT}" in shown
    assert 'href="#f-real_estate-1-value_mnt"' in page


@pytest.mark.django_db
def test_an_invalid_save_is_explained_in_mongolian(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())
    values["real_estate[0].value_mnt"] = "-5"

    response = client.post(f"/declarations/{draft.pk}/edit/", values, HTTP_ACCEPT_LANGUAGE="mn")

    shown = text(response)
    assert "Үл хөдлөх хөрөнгө › 1-р мөр › Үнэ цэнэ (MNT): " in shown or "Үл хөдлөх хөрөнгө › 1-р мөр" in shown
    assert "Аравтын бутархайн хэсэг нь 2-оос ихгүй оронтой, сөрөг биш дүн оруулна уу." in shown
    assert "Ноорог хадгалагдсангүй" in shown


@pytest.mark.django_db
def test_adding_a_row_without_a_script_saves_and_shows_one_more_empty_row(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())
    values["income[0].amount_mnt"] = "40000000"

    response = client.post(f"/declarations/{draft.pk}/edit/", {**values, "add_row": "real_estate"})

    assert (response.status_code, response["Location"]) == (
        302,
        f"/declarations/{draft.pk}/edit/?add=real_estate#f-real_estate-2",
    )
    draft.refresh_from_db()
    assert draft.content["income"][0]["amount_mnt"] == "40000000.00"
    page = client.get(response["Location"]).content.decode()
    assert '<fieldset class="row" id="f-real_estate-2" data-row>' in page
    assert 'name="real_estate[2].address" value=""' in page
    assert "f-real_estate-3" not in page


@pytest.mark.django_db
def test_adding_a_row_to_an_invalid_form_keeps_what_was_typed_and_adds_the_row(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())
    values["vehicles[0].value_mnt"] = "много"
    before = snapshot(draft)

    response = client.post(f"/declarations/{draft.pk}/edit/", {**values, "add_row": "vehicles"})

    assert response.status_code == 200
    assert snapshot(draft) == before
    page = response.content.decode()
    assert 'name="vehicles[0].value_mnt" value="много"' in page
    assert '<fieldset class="row" id="f-vehicles-1" data-row>' in page


@pytest.mark.django_db
def test_adding_a_nested_row_without_a_script(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())

    response = client.post(f"/declarations/{draft.pk}/edit/", {**values, "add_row": "family_members[1].companies"})

    assert response["Location"] == (
        f"/declarations/{draft.pk}/edit/?add=family_members%5B1%5D.companies#f-family_members-1-companies-0"
    )
    page = client.get(response["Location"]).content.decode()
    assert 'name="family_members[1].companies[0].company_name" value=""' in page


@pytest.mark.django_db
def test_an_empty_added_row_is_not_saved(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/?add=vehicles").content.decode())
    assert values["vehicles[1].make"] == ""

    client.post(f"/declarations/{draft.pk}/edit/", {**values, "action": "save"})

    draft.refresh_from_db()
    assert len(draft.content["vehicles"]) == 1


@pytest.mark.django_db
def test_removing_a_row_without_a_script_saves_the_rest(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())

    response = client.post(f"/declarations/{draft.pk}/edit/", {**values, "remove_row": "real_estate[0]"})

    assert (response.status_code, response["Location"]) == (302, f"/declarations/{draft.pk}/edit/")
    draft.refresh_from_db()
    assert [row["kind"] for row in draft.content["real_estate"]] == ["land"]
    assert flashed(client) == [str(filing.ROW_REMOVED)]


@pytest.mark.django_db
def test_save_and_continue_goes_to_the_summary(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())

    response = client.post(f"/declarations/{draft.pk}/edit/", {**values, "action": "summary"})

    assert (response.status_code, response["Location"]) == (302, f"/declarations/{draft.pk}/summary/")


@pytest.mark.django_db
def test_a_declaration_under_review_cannot_be_edited(filer):
    submitted = make_declaration(S.SUBMITTED, position=filer["position"])
    client = signed_in(filer["user"])
    before = snapshot(submitted)

    shown = client.get(f"/declarations/{submitted.pk}/edit/")
    posted = client.post(f"/declarations/{submitted.pk}/edit/", {"personal.full_name": "Өөр нэр", "action": "save"})

    for response in (shown, posted):
        assert (response.status_code, response["Location"]) == (302, f"/declarations/{submitted.pk}/")
    assert snapshot(submitted) == before
    page = client.get(f"/declarations/{submitted.pk}/")
    assert page_messages(page) == [str(errors.NOT_EDITABLE), str(errors.NOT_EDITABLE)]


@pytest.mark.django_db
def test_the_reviewers_remarks_are_shown_beside_the_fields_rows_and_sections_they_concern(filer):
    declaration = make_declaration(S.UNDER_REVIEW, position=filer["position"], reviewer=filer["reviewer"])
    services.declaration_return_for_correction(
        actor=filer["reviewer"],
        declaration_id=declaration.pk,
        comment="Хэд хэдэн зүйлийг засна уу.",
        remarks=[
            {"path": "real_estate[1].value_mnt", "message": "Газрын үнэлгээ хэт бага."},
            {"path": "vehicles[0]", "message": "Энэ машин хэний нэр дээр вэ?"},
            {"path": "family_members[0].companies[0].company_name", "message": "Компанийн нэрийг бүтнээр нь."},
            {"path": "gifts", "message": "Бүх бэлгийг бичнэ үү."},
            {"path": "loans[5].lender", "message": "Байхгүй мөр."},
        ],
    )

    response = signed_in(filer["user"]).get(f"/declarations/{declaration.pk}/edit/")

    page = response.content.decode()
    assert "Хэд хэдэн зүйлийг засна уу." in text(response)
    assert (
        'aria-describedby="f-real_estate-1-value_mnt-remarks">\n  \n  <div class="remark" '
        'id="f-real_estate-1-value_mnt-remarks"><strong>Reviewer’s remark:</strong> '
        '<span translate="no">Газрын үнэлгээ хэт бага.</span></div>' in page
    )
    assert re.search(
        r'<fieldset class="row" id="f-vehicles-0" data-row>\s*<legend>Row 1</legend>\s*'
        r'<div class="remark" id="f-vehicles-0-remarks">.*?Энэ машин хэний нэр дээр вэ\?',
        page,
    )
    assert 'id="f-family_members-0-companies-0-company_name-remarks"' in page
    assert re.search(r'<h2 id="f-gifts-title">Gifts</h2>\s*<div class="remark" id="f-gifts-remarks">', page)
    # A remark on a row that is no longer there is listed at the top.
    assert "Remarks on particular fields: Loans and debts › Row 6 › Lender: Байхгүй мөр." in text(response)
    assert "The remarks of the authorised official are shown beside the fields they concern." in text(response)


@pytest.mark.django_db
def test_a_draft_shows_no_remarks(filer, draft):
    response = signed_in(filer["user"]).get(f"/declarations/{draft.pk}/edit/")

    assert response.context["note"] is None
    assert 'class="remark"' not in response.content.decode()


# --- the summary and submission -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_summary_lists_what_is_missing_with_links_to_the_fields(filer):
    incomplete = make_declaration(S.DRAFT, position=filer["position"], content=sample_content(complete=False))

    response = signed_in(filer["user"]).get(f"/declarations/{incomplete.pk}/summary/")

    assert response.status_code == 200
    problems = [(" › ".join(map(str, p.place)), [str(m) for m in p.messages]) for p in response.context["problems"]]
    assert problems == [
        ("Personal data › Date of birth", [str(MSG_REQUIRED)]),
        ("Personal data › Home address", [str(MSG_REQUIRED)]),
        ("Personal data › Phone number", [str(MSG_REQUIRED)]),
    ]
    page = response.content.decode()
    assert f'<a href="/declarations/{incomplete.pk}/edit/#f-personal-birth_date">' in page
    assert 'name="confirm"' not in page
    assert "Full name Батбаярын Тэмүүжин Registration number УБ90051234 Positions and jobs" in text(response)


@pytest.mark.django_db
def test_the_summary_of_a_complete_declaration_asks_for_the_confirmation(filer, draft):
    response = signed_in(filer["user"]).get(f"/declarations/{draft.pk}/summary/")

    assert response.context["problems"] == []
    shown = text(response)
    assert "Every required field is filled in. Read the summary, confirm and submit." in shown
    assert "I confirm that the information in this declaration is true and complete." in shown
    assert "Submit the declaration" in shown
    assert "Улаанбаатар хот, Баянзүрх дүүрэг, 26-р хороо, 45-р байр 31 тоот" in shown


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "mn"])
def test_submitting_without_the_confirmation_changes_nothing(filer, draft, language):
    before = snapshot(draft)

    response = signed_in(filer["user"]).post(f"/declarations/{draft.pk}/summary/", {}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    with translation.override(language):
        expected = str(filing.CONFIRMATION_REQUIRED)
    assert response.context["confirm"].errors == {"confirm": [expected]}
    assert expected in text(response)
    assert snapshot(draft) == before


@pytest.mark.django_db
def test_submitting_with_the_confirmation_submits_and_freezes_the_declaration(filer, draft):
    client = signed_in(filer["user"])

    response = client.post(f"/declarations/{draft.pk}/summary/", {"confirm": "on"})

    assert (response.status_code, response["Location"]) == (302, f"/declarations/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
    assert DeclarationRevision.objects.filter(declaration=draft).count() == 1
    assert page_messages(client.get(response["Location"])) == [str(filing.SUBMITTED)]


@pytest.mark.django_db
def test_an_incomplete_declaration_is_not_submitted(filer):
    incomplete = make_declaration(S.DRAFT, position=filer["position"], content=sample_content(complete=False))
    before = snapshot(incomplete)

    response = signed_in(filer["user"]).post(f"/declarations/{incomplete.pk}/summary/", {"confirm": "on"})

    assert response.status_code == 200
    assert str(filing.NOT_COMPLETE) in text(response)
    assert len(response.context["problems"]) == 3
    assert snapshot(incomplete) == before


@pytest.mark.django_db
def test_a_submitted_declaration_is_not_submitted_again(filer):
    submitted = make_declaration(S.SUBMITTED, position=filer["position"])
    before = snapshot(submitted)

    response = signed_in(filer["user"]).post(f"/declarations/{submitted.pk}/summary/", {"confirm": "on"})

    assert response.status_code == 200
    assert "This action is not possible in the state “Submitted”." in text(response)
    assert snapshot(submitted) == before


@pytest.mark.django_db
def test_the_returned_declaration_is_corrected_and_resubmitted(filer, returned):
    """The filer's correction round: the remark beside the field, the fix, the resubmission."""
    client = signed_in(filer["user"])
    form = client.get(f"/declarations/{returned.pk}/edit/").content.decode()
    assert 'id="f-real_estate-0-value_mnt-remarks"' in form
    values = form_values(form)
    values.update({"real_estate[0].value_mnt": "310000000", "action": "summary"})

    assert client.post(f"/declarations/{returned.pk}/edit/", values)["Location"] == (
        f"/declarations/{returned.pk}/summary/"
    )
    response = client.post(f"/declarations/{returned.pk}/summary/", {"confirm": "on"})

    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.state == S.SUBMITTED
    revisions = list(returned.revisions.order_by("number"))
    assert [revision.number for revision in revisions] == [1, 2]
    assert revisions[1].content["real_estate"][0]["value_mnt"] == "310000000.00"
    history = client.get(f"/declarations/{returned.pk}/").context["history"]
    assert history[-1]["label"] == "Submitted again after correction"


# --- discarding and correcting ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_discarding_a_draft_asks_first(filer, draft):
    client = signed_in(filer["user"])

    shown = client.get(f"/declarations/{draft.pk}/discard/")
    assert "A discarded draft cannot be restored. Discard it?" in text(shown)
    response = client.post(f"/declarations/{draft.pk}/discard/")

    assert (response.status_code, response["Location"]) == (302, "/declarations/")
    draft.refresh_from_db()
    assert draft.state == S.DISCARDED
    assert flashed(client) == [str(filing.DISCARDED)]


@pytest.mark.django_db
def test_a_returned_declaration_cannot_be_discarded(filer, returned):
    client = signed_in(filer["user"])
    before = snapshot(returned)

    response = client.post(f"/declarations/{returned.pk}/discard/")

    assert (response.status_code, response["Location"]) == (302, f"/declarations/{returned.pk}/")
    assert snapshot(returned) == before
    assert page_messages(client.get(response["Location"])) == [
        "This action is not possible in the state “Returned for correction”."
    ]


@pytest.mark.django_db
def test_a_correction_of_an_accepted_declaration_opens_as_a_draft(filer):
    accepted = make_declaration(S.ACCEPTED, position=filer["position"], reviewer=filer["reviewer"])
    client = signed_in(filer["user"])

    response = client.post(f"/declarations/{accepted.pk}/correct/")

    correction = Declaration.objects.get(corrects=accepted)
    assert (response.status_code, response["Location"]) == (302, f"/declarations/{correction.pk}/edit/")
    assert (correction.state, correction.content) == (S.DRAFT, accepted.revisions.get().content)
    assert page_messages(client.get(response["Location"])) == [str(filing.CORRECTION_CREATED)]
    detail = client.get(f"/declarations/{correction.pk}/")
    assert f'href="/declarations/{accepted.pk}/">Open the declaration it corrects</a>' in detail.content.decode()


@pytest.mark.django_db
def test_a_draft_cannot_be_corrected(filer, draft):
    client = signed_in(filer["user"])
    before = snapshot(draft)

    response = client.post(f"/declarations/{draft.pk}/correct/")

    assert (response.status_code, response["Location"]) == (302, f"/declarations/{draft.pk}/")
    assert snapshot(draft) == before
    assert page_messages(client.get(response["Location"])) == [str(errors.CORRECTS_NOT_FINAL)]


# --- someone else's declaration -----------------------------------------------------------------------------

URLS = ["", "edit/", "summary/", "discard/", "autosave/", "correct/"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague", "reviewer"])
@pytest.mark.parametrize("suffix", URLS)
def test_someone_elses_declaration_is_not_found_on_every_page(filer, draft, who, suffix):
    """A colleague, and even the ЭБАТ who reviews the declaration, gets 404 on the filer's pages."""
    colleague = PositionFactory(organisation=filer["position"].organisation).official.user
    user = filer["reviewer"] if who == "reviewer" else colleague
    client = signed_in(user)
    url = f"/declarations/{draft.pk}/{suffix}"
    before = snapshot(draft)

    if suffix not in ("autosave/", "correct/"):
        assert client.get(url).status_code == 404
    posted = client.post(url, {"personal.full_name": "Өөр нэр", "confirm": "on", "action": "save"})

    assert posted.status_code in (404, 405)
    assert snapshot(draft) == before


@pytest.mark.django_db
def test_a_missing_declaration_is_not_found(filer):
    client = signed_in(filer["user"])

    assert client.get("/declarations/999999/").status_code == 404
    assert client.get("/declarations/999999/edit/").status_code == 404


@pytest.mark.django_db
def test_a_new_user_without_an_official_sees_an_empty_list():
    response = signed_in(UserFactory()).get("/declarations/")

    assert response.status_code == 200
    assert list(response.context["declarations"]) == []


@pytest.mark.django_db
def test_the_kinds_offered_exclude_the_preliminary_declaration():
    assert DeclarationKind.PRELIMINARY not in dict(filing.NewDeclarationForm.base_fields["kind"].choices)
