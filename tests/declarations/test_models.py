"""The domain models' own invariants: organisation paths, official search columns, position dates."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from declarations.models import Official, Organisation, Position
from tests.factories import OfficialFactory, OrganisationFactory, PositionFactory, UserFactory


def _paths():
    return dict(Organisation.objects.values_list("code", "path"))


@pytest.mark.django_db
def test_a_root_organisation_gets_its_own_path():
    organisation = OrganisationFactory(code="aimag")

    assert _paths() == {"aimag": f"/{organisation.pk}/"}
    assert organisation.path == f"/{organisation.pk}/"


@pytest.mark.django_db
def test_nested_organisations_extend_their_parents_path():
    aimag = OrganisationFactory(code="aimag")
    department = OrganisationFactory(code="department", parent=aimag)
    soum = OrganisationFactory(code="soum", parent=department)

    assert _paths() == {
        "aimag": f"/{aimag.pk}/",
        "department": f"/{aimag.pk}/{department.pk}/",
        "soum": f"/{aimag.pk}/{department.pk}/{soum.pk}/",
    }
    assert Organisation.objects.get(pk=soum.pk).ancestors_and_self_ids() == [aimag.pk, department.pk, soum.pk]


@pytest.mark.django_db
def test_moving_an_organisation_re_roots_its_whole_subtree():
    # given aimag → department → soum → bag, and another root
    aimag = OrganisationFactory(code="aimag")
    department = OrganisationFactory(code="department", parent=aimag)
    soum = OrganisationFactory(code="soum", parent=department)
    bag = OrganisationFactory(code="bag", parent=soum)
    sibling = OrganisationFactory(code="sibling", parent=aimag)
    other = OrganisationFactory(code="other")

    # when the department moves under the other root (from a fresh instance)
    moving = Organisation.objects.get(pk=department.pk)
    moving.parent = other
    moving.save()

    # then
    assert _paths() == {
        "aimag": f"/{aimag.pk}/",
        "sibling": f"/{aimag.pk}/{sibling.pk}/",
        "other": f"/{other.pk}/",
        "department": f"/{other.pk}/{department.pk}/",
        "soum": f"/{other.pk}/{department.pk}/{soum.pk}/",
        "bag": f"/{other.pk}/{department.pk}/{soum.pk}/{bag.pk}/",
    }


@pytest.mark.django_db
def test_moving_a_subtree_to_the_top_and_saving_with_update_fields_keeps_the_path():
    aimag = OrganisationFactory(code="aimag")
    department = OrganisationFactory(code="department", parent=aimag)
    soum = OrganisationFactory(code="soum", parent=department)

    moving = Organisation.objects.get(pk=department.pk)
    moving.parent = None
    moving.save(update_fields=["parent"])

    assert _paths() == {
        "aimag": f"/{aimag.pk}/",
        "department": f"/{department.pk}/",
        "soum": f"/{department.pk}/{soum.pk}/",
    }


@pytest.mark.django_db
def test_renaming_an_organisation_leaves_the_paths_alone():
    aimag = OrganisationFactory(code="aimag")
    department = OrganisationFactory(code="department", parent=aimag)
    before = _paths()

    renamed = Organisation.objects.get(pk=aimag.pk)
    renamed.name = "Шинэ нэр"
    renamed.save(update_fields=["name"])

    assert _paths() == before
    assert Organisation.objects.get(pk=department.pk).path == f"/{aimag.pk}/{department.pk}/"


@pytest.mark.django_db
def test_an_official_gets_a_casefolded_search_name_and_an_upper_case_register_number():
    official = OfficialFactory(full_name="ДОРЖИЙН Батболд", register_number=" уб99021144 ")

    stored = Official.objects.values("full_name_search", "register_number").get(pk=official.pk)
    assert stored == {"full_name_search": "доржийн батболд", "register_number": "УБ99021144"}
    assert Official.objects.filter(full_name_search__contains="дорж").get().pk == official.pk


@pytest.mark.django_db
def test_renaming_an_official_with_update_fields_refreshes_the_search_name():
    official = OfficialFactory(full_name="Бат Дорж")

    official.full_name = "ӨЛЗИЙ Сарнай"
    official.save(update_fields=["full_name"])

    assert Official.objects.get(pk=official.pk).full_name_search == "өлзий сарнай"


@pytest.mark.django_db
def test_two_officials_cannot_share_a_register_number_whatever_its_case():
    OfficialFactory(register_number="УБ99021144")

    with pytest.raises(IntegrityError), transaction.atomic():
        OfficialFactory(user=UserFactory(), register_number="уб99021144")

    assert Official.objects.count() == 1


@pytest.mark.django_db
def test_a_position_cannot_end_before_it_starts():
    official = OfficialFactory()
    organisation = OrganisationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            official=official,
            organisation=organisation,
            title="Дарга",
            start_date=datetime.date(2024, 3, 1),
            end_date=datetime.date(2024, 2, 29),
        )

    assert Position.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("end_date", [None, datetime.date(2024, 3, 1), datetime.date(2025, 1, 1)], ids=str)
def test_a_position_may_be_open_end_on_its_first_day_or_later(end_date):
    PositionFactory(start_date=datetime.date(2024, 3, 1), end_date=end_date)

    assert Position.objects.count() == 1
