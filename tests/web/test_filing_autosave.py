"""Autosave of the declaration form, and how a posted form becomes content: the JSON answers (saved, invalid
with each error under the field's own name, someone else's, not editable, GET, CSRF), rows renumbered and
empty rows dropped, and the labels that say where an error or remark is."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone, translation

from declarations.content import FORM_2023, MSG_AMOUNT, MSG_INTEGER, MSG_PERCENT, MSG_TOO_MANY_ROWS, sample_content
from declarations.models import DeclarationState
from tests.factories import PositionFactory, make_declaration, make_reviewer
from tests.web.pages_filing import form_values, signed_in, snapshot
from web import filing
from workflow import errors

S = DeclarationState


@pytest.fixture
def filer():
    position = PositionFactory()
    return {"position": position, "user": position.official.user}


@pytest.fixture
def draft(filer):
    return make_declaration(S.DRAFT, position=filer["position"], content=sample_content(complete=False))


def autosave(client: Client, declaration, data, **headers):
    return client.post(f"/declarations/{declaration.pk}/autosave/", data, **headers)


# --- the JSON answers --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_autosave_saves_the_form_and_says_when(filer, draft):
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())
    values.update({"personal.phone": "+976 9911-2233", "real_estate[0].kind": "house", "real_estate[0].area_m2": "120"})

    response = autosave(client, draft, values)

    assert response.status_code == 200
    draft.refresh_from_db()
    saved_at = timezone.localtime(draft.updated_at)
    assert response.json() == {
        "saved": True,
        "saved_at": saved_at.isoformat(),
        "message": f"Saved at {saved_at:%H:%M}",
    }
    assert draft.content["personal"]["phone"] == "99112233"
    assert draft.content["real_estate"] == [{"kind": "house", "area_m2": "120.00"}]


@pytest.mark.django_db
def test_a_draft_saved_in_the_background_is_there_when_the_filer_comes_back(filer, draft):
    """The browser flow: fill in, the autosave answers, leave, come back, the values are in the form."""
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{draft.pk}/edit/").content.decode())
    values.update(
        {"personal.address": "Дархан хот, 5-р баг", "income[0].source": "Сангийн яам", "income[0].kind": "salary"}
    )

    assert autosave(client, draft, values).json()["saved"] is True

    page = client.get(f"/declarations/{draft.pk}/edit/").content.decode()
    assert 'name="personal.address" value="Дархан хот, 5-р баг"' in page
    assert 'name="income[0].source" value="Сангийн яам"' in page
    assert '<option value="salary" selected>Salary</option>' in page


@pytest.mark.django_db
def test_autosave_answers_each_error_under_the_name_the_browser_posted(filer, draft):
    """A script may leave gaps in the row numbers (a removed row): errors come back under the posted names."""
    client = signed_in(filer["user"])
    before = snapshot(draft)
    data = {
        "personal.full_name": "Батын Болд",
        "real_estate[0].kind": "land",
        "real_estate[3].kind": "house",
        "real_estate[3].value_mnt": "abc",
        "family_members[4].full_name": "Болдын Сараа",
        "family_members[4].companies[7].share_percent": "150",
        "securities[2].quantity": "1.5",
    }

    response = autosave(client, draft, data)

    assert response.status_code == 400
    assert response.json() == {
        "saved": False,
        "errors": {
            "real_estate[3].value_mnt": [str(MSG_AMOUNT)],
            "securities[2].quantity": [str(MSG_INTEGER)],
            "family_members[4].companies[7].share_percent": [str(MSG_PERCENT)],
        },
        "message": "Could not save: correct the fields marked on the page.",
    }
    assert snapshot(draft) == before


@pytest.mark.django_db
def test_autosave_errors_come_in_the_users_language(filer, draft):
    response = autosave(signed_in(filer["user"]), draft, {"real_estate[0].value_mnt": "-1"}, HTTP_ACCEPT_LANGUAGE="mn")

    assert response.status_code == 400
    assert response.json() == {
        "saved": False,
        "errors": {
            "real_estate[0].value_mnt": ["Аравтын бутархайн хэсэг нь 2-оос ихгүй оронтой, сөрөг биш дүн оруулна уу."]
        },
        "message": "Хадгалж чадсангүй: хуудсанд тэмдэглэсэн талбаруудыг засна уу.",
    }


@pytest.mark.django_db
def test_autosave_reports_too_many_rows_on_the_section(filer, draft):
    data = {f"gifts[{index}].giver": "Бэлэг өгөгч" for index in range(501)}

    response = autosave(signed_in(filer["user"]), draft, data)

    assert response.status_code == 400
    assert response.json()["errors"] == {"gifts": [str(MSG_TOO_MANY_ROWS % {"max": 500})]}


@pytest.mark.django_db
def test_autosave_of_someone_elses_declaration_is_not_found(filer, draft):
    reviewer = make_reviewer(filer["position"].organisation)
    before = snapshot(draft)

    for user in (reviewer, PositionFactory().official.user):
        response = autosave(signed_in(user), draft, {"personal.full_name": "Өөр нэр"})
        assert response.status_code == 404
        assert response.json() == {
            "saved": False,
            "errors": {"": ["Not found."]},
            "message": "Could not save: Not found.",
        }
    assert snapshot(draft) == before


@pytest.mark.django_db
@pytest.mark.parametrize("state", [S.SUBMITTED, S.ACCEPTED, S.DISCARDED])
def test_autosave_of_a_declaration_that_cannot_change_is_a_conflict(filer, state):
    declaration = make_declaration(state, position=filer["position"])
    before = snapshot(declaration)

    response = autosave(signed_in(filer["user"]), declaration, {"personal.full_name": "Өөр нэр"})

    assert response.status_code == 409
    message = str(errors.NOT_EDITABLE)
    assert response.json() == {"saved": False, "errors": {"": [message]}, "message": f"Could not save: {message}"}
    assert snapshot(declaration) == before


@pytest.mark.django_db
def test_autosave_of_a_returned_declaration_is_allowed(filer):
    returned = make_declaration(S.RETURNED, position=filer["position"])
    client = signed_in(filer["user"])
    values = form_values(client.get(f"/declarations/{returned.pk}/edit/").content.decode())
    values["real_estate[0].value_mnt"] = "300000000"

    response = autosave(client, returned, values)

    assert response.status_code == 200
    returned.refresh_from_db()
    assert returned.content["real_estate"][0]["value_mnt"] == "300000000.00"


@pytest.mark.django_db
def test_autosave_accepts_only_a_post(filer, draft):
    response = signed_in(filer["user"]).get(f"/declarations/{draft.pk}/autosave/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.django_db
def test_autosave_needs_the_csrf_token(filer, draft):
    client = signed_in(filer["user"], enforce_csrf_checks=True)
    before = snapshot(draft)

    refused = autosave(client, draft, {"personal.full_name": "Өөр нэр"})
    assert refused.status_code == 403
    assert snapshot(draft) == before

    client.get(f"/declarations/{draft.pk}/edit/")
    token = client.cookies["csrftoken"].value
    accepted = autosave(client, draft, {"personal.full_name": "Өөр нэр"}, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
    draft.refresh_from_db()
    assert draft.content["personal"] == {"full_name": "Өөр нэр"}


@pytest.mark.django_db
def test_autosave_asks_a_visitor_to_sign_in(draft):
    response = Client().post(f"/declarations/{draft.pk}/autosave/", {"personal.full_name": "Өөр нэр"})

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/declarations/{draft.pk}/autosave/"


# --- from the posted form to content ----------------------------------------------------------------------


def query(pairs: dict[str, str]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in pairs.items():
        data[key] = value
    return data


def test_rows_are_renumbered_in_order_and_empty_ones_dropped():
    result = filing.parse_posted(
        query(
            {
                "real_estate[7].address": "Хоёр дахь",
                "real_estate[2].address": "Эхний",
                "real_estate[4].address": "  ",
                "real_estate[4].kind": "",
                "vehicles[0].year": "2016",
                "securities[0].quantity": "15x",
                "family_members[3].full_name": "Болдын Сараа",
                "family_members[3].companies[9].company_name": "Сарнай ХХК",
                "family_members[3].companies[2].company_name": "",
                "family_members[5].companies[0].company_name": "Өөр ХХК",
                "csrfmiddlewaretoken": "x",
                "action": "save",
                "real_estate[1].unknown": "дурын",
                "personal.full_name": "Батын Болд",
            }
        ),
        FORM_2023,
    )

    assert result.content["personal"] == {"full_name": "Батын Болд"}
    assert result.content["real_estate"] == [{"address": "Эхний"}, {"address": "Хоёр дахь"}]
    assert result.content["vehicles"] == [{"year": 2016}]
    assert result.content["securities"] == [{"quantity": "15x"}]
    assert result.content["family_members"] == [
        {"full_name": "Болдын Сараа", "companies": [{"company_name": "Сарнай ХХК"}]},
        {"companies": [{"company_name": "Өөр ХХК"}]},
    ]
    assert result.content["gifts"] == []
    assert result.origins == {
        "real_estate[0]": "real_estate[2]",
        "real_estate[1]": "real_estate[7]",
        "vehicles[0]": "vehicles[0]",
        "securities[0]": "securities[0]",
        "family_members[0]": "family_members[3]",
        "family_members[0].companies[0]": "family_members[3].companies[9]",
        "family_members[1]": "family_members[5]",
        "family_members[1].companies[0]": "family_members[5].companies[0]",
    }
    assert result.posted_path("family_members[0].companies[0].share_percent") == (
        "family_members[3].companies[9].share_percent"
    )
    assert result.posted_path("family_members[1].full_name") == "family_members[5].full_name"
    assert result.posted_path("personal.phone") == "personal.phone"
    assert result.content_path("family_members[5].companies") == "family_members[1].companies"
    assert result.content_path("real_estate") == "real_estate"
    assert result.content_path("real_estate[4]") is None


def test_a_removed_row_is_left_out():
    data = query({"real_estate[0].address": "Эхний", "real_estate[1].address": "Хоёр дахь"})

    result = filing.parse_posted(data, FORM_2023, remove="real_estate[0]")

    assert result.content["real_estate"] == [{"address": "Хоёр дахь"}]


@pytest.mark.parametrize(
    "key",
    [
        "real_estate",
        "real_estate[0]",
        "real_estate[a].address",
        "real_estate[1234567].address",
        "Real_estate[0].address",
        "real_estate[0].address.deeper",
        "personal[0].full_name",
        "family_members[0].companies.company_name",
        "....",
        "",
    ],
)
def test_names_that_are_no_field_of_the_form_are_ignored(key):
    result = filing.parse_posted(query({key: "утга"}), FORM_2023)

    assert result.content == {
        "personal": {},
        **{section.name: [] for section in FORM_2023.sections if section.many},
    }


def test_html_ids_and_places_of_content_paths():
    assert (
        filing.html_id("family_members[0].companies[2].company_name") == "f-family_members-0-companies-2-company_name"
    )
    with translation.override("en"):
        place = filing.describe_path(FORM_2023, "family_members[0].companies[2].company_name")
        assert [str(label) for label in place] == ["Family members", "Row 1", "Companies", "Row 3", "Company name"]
        assert [str(label) for label in filing.describe_path(FORM_2023, "")] == ["The whole declaration"]
        assert [str(label) for label in filing.describe_path(FORM_2023, "personal")] == ["Personal data"]
    with translation.override("mn"):
        assert [str(label) for label in filing.describe_path(FORM_2023, "real_estate[1].value_mnt")][:2] == [
            "Үл хөдлөх хөрөнгө",
            "2-р мөр",
        ]


def test_a_value_a_select_does_not_offer_is_kept_as_an_option():
    field = filing._FormBuilder().fields(FORM_2023.section("real_estate"), {"kind": "castle"}, "real_estate[0]", False)[
        0
    ]

    assert field.widget == "select"
    assert field.unknown_value is True


def test_the_whole_day_is_the_local_one():
    """Saved times are shown in Ulaanbaatar time, whatever the server's clock zone."""
    moment = datetime.datetime(2025, 3, 1, 23, 30, tzinfo=datetime.UTC)

    assert filing._local_time(moment) == "07:30"
