"""The year-over-year comparison (workflow.comparison): a pure function of two contents, then the query that
finds the previous declaration's revision."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from declarations.content import sample_content
from declarations.models import DeclarationState
from tests.factories import PositionFactory, make_declaration, make_reviewer
from workflow import services
from workflow.comparison import (
    ADDED,
    ASSETS_OUTGROW_INCOME,
    CHANGED,
    DECREASED,
    INCREASED,
    LOAN_ABOVE_INCOME,
    REMOVED,
    UNCHANGED,
    Check,
    FieldChange,
    KindTotal,
    RowChange,
    Total,
    compare_contents,
    declaration_comparison,
    latest_revision,
    previous_final_revision,
)

S = DeclarationState
D = Decimal
SAMPLE_ASSETS = D("385530000.00")  # 325 000 000 real estate + 32 000 000 car + 26 280 000 bank + 2 250 000 shares
SAMPLE_INCOME = D("45600000.00")
SAMPLE_LOANS = D("41250000.00")


def content(**changes):
    """The sample content with some sections replaced."""
    result = copy.deepcopy(sample_content())
    result.update(copy.deepcopy(changes))
    return result


def statuses(comparison, section):
    return [row.status for row in comparison.section(section).rows]


# --- no previous declaration ------------------------------------------------------------------------------


def test_without_a_previous_declaration_only_the_current_totals_are_given():
    result = compare_contents(None, sample_content())

    assert result.has_previous is False
    assert [section.rows for section in result.sections] == [()] * 8
    assert result.assets == Total(previous=None, current=SAMPLE_ASSETS)
    assert result.income == Total(previous=None, current=SAMPLE_INCOME)
    assert result.loans == Total(previous=None, current=SAMPLE_LOANS)
    assert result.assets.difference is None
    assert result.assets.status is None
    assert result.section("real_estate").total == Total(previous=None, current=D("325000000.00"))
    assert result.section("business_interests").total is None
    assert result.income_by_kind == (
        KindTotal(kind="salary", total=Total(previous=None, current=D("38400000.00"))),
        KindTotal(kind="rental", total=Total(previous=None, current=D("7200000.00"))),
    )
    # The sample's 60 million loan is above 80% of its 45.6 million income; growth needs a previous one.
    assert result.checks == (
        Check(
            code=LOAN_ABOVE_INCOME,
            message=result.checks[0].message,
            params={"number": 1, "loan": D("60000000.00"), "income": SAMPLE_INCOME},
            path="loans[0]",
        ),
    )


# --- rows added, removed, changed -------------------------------------------------------------------------


def test_the_same_content_is_unchanged_everywhere():
    result = compare_contents(sample_content(), sample_content())

    assert result.has_previous is True
    for section in result.sections:
        assert {row.status for row in section.rows} == {UNCHANGED}, section.name
        assert all(row.changes == () for row in section.rows)
    assert result.assets == Total(previous=SAMPLE_ASSETS, current=SAMPLE_ASSETS)
    assert result.assets.difference == 0
    assert result.assets.status == UNCHANGED


def test_a_changed_value_names_the_field_with_both_values_and_the_difference():
    current = content()
    current["real_estate"][0]["value_mnt"] = "300000000.00"

    result = compare_contents(sample_content(), current)

    previous_row = sample_content()["real_estate"][0]
    assert result.section("real_estate").rows[0] == RowChange(
        status=CHANGED,
        previous_path="real_estate[0]",
        current_path="real_estate[0]",
        previous=previous_row,
        current=current["real_estate"][0],
        previous_amount=D("280000000.00"),
        current_amount=D("300000000.00"),
        difference=D("20000000.00"),
        changes=(FieldChange(field="value_mnt", previous="280000000.00", current="300000000.00"),),
    )
    assert statuses(result, "real_estate") == [CHANGED, UNCHANGED]
    assert result.section("real_estate").total == Total(previous=D("325000000.00"), current=D("345000000.00"))
    assert result.assets == Total(previous=SAMPLE_ASSETS, current=D("405530000.00"))
    assert result.assets.status == INCREASED


def test_a_removed_row_and_an_added_row():
    current = content(vehicles=[])
    new_account = {
        "bank_name": "Төрийн банк",
        "account_number": "3400112233",
        "currency": "MNT",
        "balance": "5000000.00",
        "balance_mnt": "5000000.00",
    }
    current["bank_accounts"].append(new_account)

    result = compare_contents(sample_content(), current)

    assert result.section("vehicles").rows == (
        RowChange(
            status=REMOVED,
            previous_path="vehicles[0]",
            current_path=None,
            previous=sample_content()["vehicles"][0],
            current=None,
            previous_amount=D("32000000.00"),
            current_amount=None,
            difference=D("-32000000.00"),
        ),
    )
    assert result.section("vehicles").total == Total(previous=D("32000000.00"), current=D(0))
    assert result.section("vehicles").total.status == DECREASED
    assert statuses(result, "bank_accounts") == [UNCHANGED, UNCHANGED, ADDED]
    added = result.section("bank_accounts").rows[2]
    assert (added.previous_path, added.current_path, added.previous_amount, added.current_amount, added.difference) == (
        None,
        "bank_accounts[2]",
        None,
        D("5000000.00"),
        D("5000000.00"),
    )
    assert result.assets == Total(previous=SAMPLE_ASSETS, current=D("358530000.00"))
    assert result.section("bank_accounts").count(ADDED) == 1
    assert result.section("vehicles").count(REMOVED) == 1


def test_removed_rows_come_after_the_current_rows_in_their_previous_order():
    previous = content(
        income=[
            {"source": "А", "kind": "salary", "amount_mnt": "1.00"},
            {"source": "Б", "kind": "rental", "amount_mnt": "2.00"},
            {"source": "В", "kind": "pension", "amount_mnt": "3.00"},
        ]
    )
    current = content(
        income=[
            {"source": "Г", "kind": "business", "amount_mnt": "4.00"},
            {"source": "В", "kind": "pension", "amount_mnt": "3.00"},
        ]
    )

    rows = compare_contents(previous, current).section("income").rows

    assert [(row.status, row.previous_path, row.current_path) for row in rows] == [
        (ADDED, None, "income[0]"),
        (UNCHANGED, "income[2]", "income[1]"),
        (REMOVED, "income[0]", None),
        (REMOVED, "income[1]", None),
    ]
    assert [row.difference for row in rows] == [D("4.00"), D("0.00"), D("-1.00"), D("-2.00")]


def test_rows_are_matched_whatever_their_order():
    current = content()
    current["real_estate"].reverse()

    rows = compare_contents(sample_content(), current).section("real_estate").rows

    assert [(row.status, row.previous_path, row.current_path) for row in rows] == [
        (UNCHANGED, "real_estate[1]", "real_estate[0]"),
        (UNCHANGED, "real_estate[0]", "real_estate[1]"),
    ]


def test_a_row_is_matched_on_the_next_key_when_the_first_is_missing():
    """The land lost its parcel number: kind and address still say it is the same parcel."""
    current = content()
    del current["real_estate"][1]["parcel_number"]

    rows = compare_contents(sample_content(), current).section("real_estate").rows

    assert rows[1].status == CHANGED
    assert rows[1].changes == (FieldChange(field="parcel_number", previous="1860004417", current=None),)


def test_keys_fold_case_spacing_and_quotes_but_the_changed_spelling_is_shown():
    previous = content(business_interests=[{"company_name": "«Говь-Алт» ХХК", "role": "shareholder"}])
    current = content(business_interests=[{"company_name": '  "говь-алт"   ххк ', "role": "director"}])

    rows = compare_contents(previous, current).section("business_interests").rows

    assert [row.status for row in rows] == [CHANGED]
    assert rows[0].changes == (
        FieldChange(field="company_name", previous="«Говь-Алт» ХХК", current='  "говь-алт"   ххк '),
        FieldChange(field="role", previous="shareholder", current="director"),
    )
    assert rows[0].difference is None


def test_amounts_are_compared_as_numbers():
    current = content()
    current["real_estate"][0]["value_mnt"] = "280000000"
    current["real_estate"][0]["area_m2"] = "64.5"

    assert statuses(compare_contents(sample_content(), current), "real_estate") == [UNCHANGED, UNCHANGED]


def test_identical_rows_pair_up_one_for_one():
    car = sample_content()["vehicles"][0]
    previous = content(vehicles=[car, car])
    current = content(vehicles=[car])

    rows = compare_contents(previous, current).section("vehicles").rows

    assert [(row.status, row.previous_path, row.current_path) for row in rows] == [
        (UNCHANGED, "vehicles[0]", "vehicles[0]"),
        (REMOVED, "vehicles[1]", None),
    ]


def test_the_companies_of_family_members_are_matched_by_member_and_company():
    current = content()
    spouse = current["family_members"][0]
    spouse["full_name"] = "Должинсүрэнгийн Сарангэрэл-Өөрчилсөн"  # the same registration number
    spouse["companies"][0]["share_percent"] = "50.00"
    current["family_members"][1]["companies"] = [{"company_name": "Анужин Тоглоом ХХК"}]

    rows = compare_contents(sample_content(), current).section("family_members.companies").rows

    assert [(row.status, row.previous_path, row.current_path) for row in rows] == [
        (CHANGED, "family_members[0].companies[0]", "family_members[0].companies[0]"),
        (ADDED, None, "family_members[1].companies[0]"),
    ]
    assert rows[0].changes == (FieldChange(field="share_percent", previous="100.00", current="50.00"),)
    assert rows[1].current["member_relationship"] == "child"
    assert rows[1].current["member_name"] == "Тэмүүжингийн Анужин"


def test_income_by_kind_follows_the_forms_order_of_kinds():
    previous = content(
        income=[
            {"source": "А", "kind": "rental", "amount_mnt": "100.00"},
            {"source": "Б", "kind": "pension", "amount_mnt": "50.00"},
        ]
    )
    current = content(
        income=[
            {"source": "В", "kind": "salary", "amount_mnt": "300.00"},
            {"source": "А", "kind": "rental", "amount_mnt": "80.00"},
            {"source": "Г", "kind": "salary", "amount_mnt": "20.00"},
        ]
    )

    result = compare_contents(previous, current)

    assert result.income_by_kind == (
        KindTotal(kind="salary", total=Total(previous=D(0), current=D("320.00"))),
        KindTotal(kind="rental", total=Total(previous=D("100.00"), current=D("80.00"))),
        KindTotal(kind="pension", total=Total(previous=D("50.00"), current=D(0))),
    )
    assert [item.total.status for item in result.income_by_kind] == [INCREASED, DECREASED, DECREASED]
    assert result.income == Total(previous=D("150.00"), current=D("400.00"))


def test_blank_or_unreadable_amounts_count_as_nothing():
    previous = content(securities=[{"issuer": "А", "kind": "shares", "value_mnt": ""}])
    current = content(securities=[{"issuer": "А", "kind": "shares", "value_mnt": "abc"}])

    section = compare_contents(previous, current).section("securities")

    assert section.total == Total(previous=D(0), current=D(0))
    assert section.rows[0].status == CHANGED
    assert (section.rows[0].previous_amount, section.rows[0].current_amount) == (None, None)


# --- machine checks ---------------------------------------------------------------------------------------


def test_net_assets_that_grow_more_than_the_income_are_flagged():
    previous = content(loans=[])
    current = content(loans=[])
    current["real_estate"][1]["value_mnt"] = "95000000.00"  # +50 million, against 45.6 million of income

    result = compare_contents(previous, current)

    assert [(check.code, dict(check.params)) for check in result.checks] == [
        (ASSETS_OUTGROW_INCOME, {"growth": D("50000000.00"), "income": SAMPLE_INCOME})
    ]
    assert str(result.checks[0].message) % {"growth": "50", "income": "45.6"} == (
        "Net assets (assets less outstanding loans) grew by 50 MNT since the previous declaration, "
        "more than the 45.6 MNT of income declared."
    )


def test_growth_financed_by_a_new_loan_is_not_flagged():
    previous = content(loans=[])
    current = content(loans=[])
    current["real_estate"][1]["value_mnt"] = "95000000.00"
    current["loans"] = [
        {
            "lender": "Хаан банк",
            "currency": "MNT",
            "amount": "30000000.00",
            "amount_mnt": "30000000.00",
            "outstanding_mnt": "30000000.00",
            "taken_on": "2024-01-10",
        }
    ]

    # Net assets grew by 20 million only; the 30 million loan is 65.8% of the income.
    assert compare_contents(previous, current).checks == ()


def test_a_loan_of_exactly_eighty_percent_of_the_income_is_not_flagged():
    loan = copy.deepcopy(sample_content()["loans"][0])
    loan["amount"] = loan["amount_mnt"] = "36480000.00"  # 80% of 45 600 000
    just_above = copy.deepcopy(loan)
    just_above["amount"] = just_above["amount_mnt"] = "36480000.01"
    just_above["lender"] = "Голомт банк"

    checks = compare_contents(None, content(loans=[loan, just_above])).checks

    assert [(check.code, check.path, check.params["number"], check.params["loan"]) for check in checks] == [
        (LOAN_ABOVE_INCOME, "loans[1]", 2, D("36480000.01"))
    ]
    assert str(checks[0].message) % {"number": 2, "loan": "36 480 000.01", "income": "45 600 000.00"} == (
        "Loan 2, of 36 480 000.01 MNT, is more than 80% of the 45 600 000.00 MNT of income declared."
    )


# --- the previous declaration -----------------------------------------------------------------------------


@pytest.fixture
def official():
    position = PositionFactory()
    return {"position": position, "reviewer": make_reviewer(position.organisation)}


def _declare(official, state, year, **kwargs):
    return make_declaration(state, position=official["position"], reviewer=official["reviewer"], year=year, **kwargs)


@pytest.mark.django_db
def test_the_previous_revision_is_the_last_one_of_the_latest_accepted_declaration(official):
    old = _declare(official, S.PUBLISHED, 2021)
    last = _declare(official, S.ACCEPTED, 2022)
    _declare(official, S.RETURNED, 2023)  # never accepted
    current = _declare(official, S.SUBMITTED, 2024)
    _declare({"position": PositionFactory(), "reviewer": None}, S.ACCEPTED, 2023)  # someone else's

    assert previous_final_revision(current) == latest_revision(last)
    assert previous_final_revision(last) == latest_revision(old)
    assert previous_final_revision(old) is None


@pytest.mark.django_db
def test_a_declaration_decided_after_the_submission_is_not_the_previous_one(official):
    current = _declare(official, S.SUBMITTED, 2024)
    later = _declare(official, S.ACCEPTED, 2023)
    assert later.accepted_at > current.submitted_at

    assert previous_final_revision(current) is None


@pytest.mark.django_db
def test_a_correction_is_compared_with_the_declaration_it_corrects(official):
    original = _declare(official, S.ACCEPTED, 2024)
    filer = official["position"].official.user
    correction = services.declaration_create_correction(actor=filer, corrects_id=original.pk)
    changed = copy.deepcopy(correction.content)
    changed["vehicles"] = []
    services.declaration_update_content(actor=filer, declaration_id=correction.pk, content=changed)
    correction = services.declaration_submit(actor=filer, declaration_id=correction.pk)

    compared = declaration_comparison(correction)

    assert compared.revision == latest_revision(correction)
    assert compared.previous == latest_revision(original)
    assert compared.previous.declaration == original
    assert statuses(compared.comparison, "vehicles") == [REMOVED]


@pytest.mark.django_db
def test_a_declaration_the_agency_concluded_on_counts_from_its_conclusion(official):
    _declare(official, S.ACCEPTED, 2021)
    concluded = _declare(official, S.CONCLUDED, 2022)  # referred, then no violation found: never accepted
    services.declaration_publish(actor=official["reviewer"], declaration_id=concluded.pk)
    current = _declare(official, S.SUBMITTED, 2024)
    concluded.refresh_from_db()
    assert (concluded.state, concluded.accepted_at) == (S.PUBLISHED, None)

    assert previous_final_revision(current) == latest_revision(concluded)


@pytest.mark.django_db
def test_a_declaration_without_a_revision_has_nothing_to_compare(official):
    draft = _declare(official, S.DRAFT, 2024)

    assert declaration_comparison(draft).comparison is None
