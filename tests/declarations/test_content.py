"""The declared content schema: validation, redaction and extraction (no database needed)."""

from __future__ import annotations

import copy
import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from declarations.content import (
    CHOICE_LABELS,
    CURRENCIES,
    CURRENT_FORM_VERSION,
    FORM_2023,
    FORMS,
    MAX_ROWS,
    MSG_AMOUNT,
    MSG_AMOUNT_TOO_LARGE,
    MSG_BOOLEAN,
    MSG_CHOICE,
    MSG_COMPANY_REGISTER_NUMBER,
    MSG_CONTROL_CHARACTERS,
    MSG_CURRENCY,
    MSG_DATE,
    MSG_DATE_IN_FUTURE,
    MSG_DATE_TOO_EARLY,
    MSG_EMAIL,
    MSG_END_BEFORE_START,
    MSG_EXPECTED_LIST,
    MSG_EXPECTED_OBJECT,
    MSG_INTEGER,
    MSG_INTEGER_TOO_LARGE,
    MSG_MAX_LENGTH,
    MSG_MNT_AMOUNT_MISMATCH,
    MSG_MNT_AMOUNT_REQUIRED,
    MSG_PERCENT,
    MSG_PERSON_REGISTER_NUMBER,
    MSG_PHONE,
    MSG_REQUIRED,
    MSG_SECTION_REQUIRED,
    MSG_TEXT,
    MSG_TOO_MANY_ROWS,
    MSG_UNKNOWN_FIELD,
    MSG_YEAR,
    CompanyRef,
    ContentError,
    DateOrderRule,
    FieldKind,
    FieldSpec,
    ForeignCurrencyAmountRule,
    FormSchema,
    SectionSpec,
    UnknownFormVersion,
    ValidationResult,
    clean_value,
    empty_content,
    extract_companies,
    family_register_numbers,
    field_policy,
    format_message,
    get_form,
    normalise_company_name,
    public_field_paths,
    redact,
    sample_content,
    validate_content,
    validate_with_schema,
)

TODAY = datetime.date(2025, 6, 1)
V = CURRENT_FORM_VERSION


def msg(message: Any, **params: Any) -> str:
    return str(message) % params if params else str(message)


def errors_of(content: object, *, complete: bool = True) -> list[tuple[str, str]]:
    result = validate_content(content, form_version=V, complete=complete, today=TODAY)
    return [(error.path, str(error.message)) for error in result.errors]


# --- A schema with one optional field of every kind, to test each value rule in isolation ----------------

K = FieldKind
KIND_FIELDS = (
    FieldSpec(name="text", kind=K.TEXT, label="text", required=False, max_length=10),
    FieldSpec(name="long_text", kind=K.LONG_TEXT, label="long text", required=False, max_length=20),
    FieldSpec(name="decimal_mnt", kind=K.DECIMAL_MNT, label="mnt", required=False),
    FieldSpec(name="decimal", kind=K.DECIMAL, label="decimal", required=False),
    FieldSpec(name="percent", kind=K.PERCENT, label="percent", required=False),
    FieldSpec(name="integer", kind=K.INTEGER, label="integer", required=False),
    FieldSpec(name="date", kind=K.DATE, label="date", required=False),
    FieldSpec(name="date_past", kind=K.DATE_PAST, label="past date", required=False),
    FieldSpec(name="year", kind=K.YEAR, label="year", required=False),
    FieldSpec(name="currency", kind=K.CURRENCY, label="currency", required=False),
    FieldSpec(name="person", kind=K.PERSON_REGISTER_NUMBER, label="person", required=False),
    FieldSpec(name="company", kind=K.COMPANY_REGISTER_NUMBER, label="company", required=False),
    FieldSpec(name="choice", kind=K.CHOICE, label="choice", required=False, choices=("spouse", "child")),
    FieldSpec(name="boolean", kind=K.BOOLEAN, label="boolean", required=False),
    FieldSpec(name="email", kind=K.EMAIL, label="email", required=False),
    FieldSpec(name="phone", kind=K.PHONE, label="phone", required=False),
)
KIND_SCHEMA = FormSchema(version="kinds", sections=(SectionSpec(name="s", label="s", many=False, fields=KIND_FIELDS),))


def case_id(value: object) -> str | None:
    """Pytest cannot print a huge integer as a test id."""
    if isinstance(value, int) and value.bit_length() > 64:
        return f"int-{value.bit_length()}-bits"
    if isinstance(value, str) and len(value) > 40:
        return f"str-{len(value)}-chars"
    return None


def validate_kind(name: str, value: object) -> ValidationResult:
    return validate_with_schema({"s": {name: value}}, schema=KIND_SCHEMA, complete=True, today=TODAY)


def test_kind_schema_covers_every_field_kind() -> None:
    assert {spec.kind for spec in KIND_FIELDS} == set(FieldKind)


VALID_VALUES = [
    ("text", "  Говь  ", "Говь"),
    ("text", "Е\u0308лка", "Ёлка"),  # NFC-normalised
    ("text", "😀 ok", "😀 ok"),
    ("text", "a" * 10, "a" * 10),
    ("long_text", "a\nb\tc", "a\nb\tc"),
    ("long_text", "a\r\nb\rc", "a\nb\nc"),
    ("decimal_mnt", 1250000, "1250000.00"),
    ("decimal_mnt", "1250000.5", "1250000.50"),
    ("decimal_mnt", " 12.30 ", "12.30"),
    ("decimal_mnt", "1.500", "1.50"),
    ("decimal_mnt", 0.1, "0.10"),
    ("decimal_mnt", 1e3, "1000.00"),
    ("decimal_mnt", 0, "0.00"),
    ("decimal_mnt", -0.0, "0.00"),
    ("decimal_mnt", "999999999999999.99", "999999999999999.99"),
    ("decimal", "3200", "3200.00"),
    ("percent", "100", "100.00"),
    ("percent", 12.5, "12.50"),
    ("percent", 0, "0.00"),
    ("integer", 0, 0),
    ("integer", 1500, 1500),
    ("integer", 10**15 - 1, 10**15 - 1),
    ("date", "2040-01-01", "2040-01-01"),
    ("date", "1900-01-01", "1900-01-01"),
    ("date_past", "2025-06-01", "2025-06-01"),
    ("date_past", " 2020-02-29 ", "2020-02-29"),
    ("year", 1900, 1900),
    ("year", 2025, 2025),
    ("currency", "USD", "USD"),
    ("currency", " kzt ", "KZT"),
    ("person", "УБ90051234", "УБ90051234"),
    ("person", " уб90051234 ", "УБ90051234"),
    ("person", "өү12345678", "ӨҮ12345678"),
    ("person", "ЁЖ12345678", "ЁЖ12345678"),
    ("company", "2345678", "2345678"),
    ("company", " 0345678 ", "0345678"),
    ("choice", "spouse", "spouse"),
    ("boolean", True, True),
    ("boolean", False, False),
    ("email", " a.b@example.mn ", "a.b@example.mn"),
    ("phone", "99112233", "99112233"),
    ("phone", "+97699112233", "99112233"),
    ("phone", "+976 9911-2233", "99112233"),
]


@pytest.mark.parametrize(("name", "value", "normalised"), VALID_VALUES, ids=case_id)
def test_valid_value_is_normalised(name: str, value: object, normalised: object) -> None:
    result = validate_kind(name, value)

    assert result.errors == []
    assert result.content == {"s": {name: normalised}}


INVALID_VALUES = [
    ("text", 5, msg(MSG_TEXT)),
    ("text", ["a"], msg(MSG_TEXT)),
    ("text", True, msg(MSG_TEXT)),
    ("text", {"a": 1}, msg(MSG_TEXT)),
    ("text", "a" * 11, msg(MSG_MAX_LENGTH, max=10)),
    ("text", "x" * 1_000_000, msg(MSG_MAX_LENGTH, max=10)),
    ("text", "a\nb", msg(MSG_CONTROL_CHARACTERS)),
    ("text", "a\tb", msg(MSG_CONTROL_CHARACTERS)),
    ("text", "a\x00b", msg(MSG_CONTROL_CHARACTERS)),
    ("text", "a\ud800", msg(MSG_CONTROL_CHARACTERS)),
    ("long_text", "a\x07b", msg(MSG_CONTROL_CHARACTERS)),
    ("long_text", "x" * 21, msg(MSG_MAX_LENGTH, max=20)),
    ("decimal_mnt", -1, msg(MSG_AMOUNT)),
    ("decimal_mnt", "-1", msg(MSG_AMOUNT)),
    ("decimal_mnt", -0.01, msg(MSG_AMOUNT)),
    ("decimal_mnt", "1.005", msg(MSG_AMOUNT)),
    ("decimal_mnt", 1.005, msg(MSG_AMOUNT)),
    ("decimal_mnt", 0.1 + 0.2, msg(MSG_AMOUNT)),
    ("decimal_mnt", "1.0000000000000000000000000000001", msg(MSG_AMOUNT)),
    ("decimal_mnt", "1e3", msg(MSG_AMOUNT)),
    ("decimal_mnt", "NaN", msg(MSG_AMOUNT)),
    ("decimal_mnt", "Infinity", msg(MSG_AMOUNT)),
    ("decimal_mnt", float("nan"), msg(MSG_AMOUNT)),
    ("decimal_mnt", float("inf"), msg(MSG_AMOUNT)),
    ("decimal_mnt", True, msg(MSG_AMOUNT)),
    ("decimal_mnt", False, msg(MSG_AMOUNT)),
    ("decimal_mnt", "1,000", msg(MSG_AMOUNT)),
    ("decimal_mnt", "1 000", msg(MSG_AMOUNT)),
    ("decimal_mnt", "+5", msg(MSG_AMOUNT)),
    ("decimal_mnt", "12.", msg(MSG_AMOUNT)),
    ("decimal_mnt", ".5", msg(MSG_AMOUNT)),
    ("decimal_mnt", "١٢٣", msg(MSG_AMOUNT)),
    ("decimal_mnt", [1], msg(MSG_AMOUNT)),
    ("decimal_mnt", "9" * 100, msg(MSG_AMOUNT)),
    ("decimal_mnt", 10**15, msg(MSG_AMOUNT_TOO_LARGE, max=15)),
    ("decimal_mnt", "1000000000000000", msg(MSG_AMOUNT_TOO_LARGE, max=15)),
    ("decimal_mnt", 1e16, msg(MSG_AMOUNT_TOO_LARGE, max=15)),
    ("decimal_mnt", 10**5000, msg(MSG_AMOUNT_TOO_LARGE, max=15)),
    ("decimal", "-3200", msg(MSG_AMOUNT)),
    ("percent", "100.01", msg(MSG_PERCENT)),
    ("percent", 101, msg(MSG_PERCENT)),
    ("percent", -1, msg(MSG_PERCENT)),
    ("percent", "1.001", msg(MSG_PERCENT)),
    ("percent", "abc", msg(MSG_PERCENT)),
    ("percent", True, msg(MSG_PERCENT)),
    ("percent", 10**20, msg(MSG_PERCENT)),
    ("integer", -1, msg(MSG_INTEGER)),
    ("integer", 1.0, msg(MSG_INTEGER)),
    ("integer", "5", msg(MSG_INTEGER)),
    ("integer", True, msg(MSG_INTEGER)),
    ("integer", 10**15, msg(MSG_INTEGER_TOO_LARGE, max=15)),
    ("integer", 10**5000, msg(MSG_INTEGER_TOO_LARGE, max=15)),
    ("date", "2023-02-30", msg(MSG_DATE)),
    ("date", "2023/01/01", msg(MSG_DATE)),
    ("date", "20230101", msg(MSG_DATE)),
    ("date", "2023-1-1", msg(MSG_DATE)),
    ("date", "2023-01-01T00:00:00", msg(MSG_DATE)),
    ("date", 20230101, msg(MSG_DATE)),
    ("date", "1899-12-31", msg(MSG_DATE_TOO_EARLY, min="1900-01-01")),
    ("date_past", "2025-06-02", msg(MSG_DATE_IN_FUTURE)),
    ("date_past", "2023-13-01", msg(MSG_DATE)),
    ("year", 1899, msg(MSG_YEAR, min=1900, max=2025)),
    ("year", 2026, msg(MSG_YEAR, min=1900, max=2025)),
    ("year", "2020", msg(MSG_YEAR, min=1900, max=2025)),
    ("year", 2020.0, msg(MSG_YEAR, min=1900, max=2025)),
    ("year", True, msg(MSG_YEAR, min=1900, max=2025)),
    ("currency", "XYZ", msg(MSG_CURRENCY)),
    ("currency", "US", msg(MSG_CURRENCY)),
    ("currency", "ТӨГ", msg(MSG_CURRENCY)),
    ("currency", 840, msg(MSG_CURRENCY)),
    ("person", "AB12345678", msg(MSG_PERSON_REGISTER_NUMBER)),  # Latin letters
    ("person", "УB12345678", msg(MSG_PERSON_REGISTER_NUMBER)),  # one Latin letter
    ("person", "УБ1234567", msg(MSG_PERSON_REGISTER_NUMBER)),  # 7 digits
    ("person", "УБ123456789", msg(MSG_PERSON_REGISTER_NUMBER)),  # 9 digits
    ("person", "У12345678", msg(MSG_PERSON_REGISTER_NUMBER)),
    ("person", "УБ 12345678", msg(MSG_PERSON_REGISTER_NUMBER)),
    ("person", "УБ١٢٣٤٥٦٧٨", msg(MSG_PERSON_REGISTER_NUMBER)),
    ("person", "УБ😀2345678", msg(MSG_PERSON_REGISTER_NUMBER)),
    ("person", 1234567890, msg(MSG_PERSON_REGISTER_NUMBER)),
    ("company", "234567", msg(MSG_COMPANY_REGISTER_NUMBER)),  # 6 digits
    ("company", "23456789", msg(MSG_COMPANY_REGISTER_NUMBER)),  # 8 digits
    ("company", "234567a", msg(MSG_COMPANY_REGISTER_NUMBER)),
    ("company", "УБ12345", msg(MSG_COMPANY_REGISTER_NUMBER)),
    ("company", 2345678, msg(MSG_COMPANY_REGISTER_NUMBER)),
    ("choice", "wife", msg(MSG_CHOICE)),
    ("choice", "Spouse", msg(MSG_CHOICE)),
    ("choice", 1, msg(MSG_CHOICE)),
    ("boolean", "true", msg(MSG_BOOLEAN)),
    ("boolean", 1, msg(MSG_BOOLEAN)),
    ("boolean", 0, msg(MSG_BOOLEAN)),
    ("email", "not-an-email", msg(MSG_EMAIL)),
    ("email", "a@b", msg(MSG_EMAIL)),
    ("email", 5, msg(MSG_EMAIL)),
    ("email", "a" * 300 + "@example.mn", msg(MSG_EMAIL)),
    ("phone", "9911223", msg(MSG_PHONE)),
    ("phone", "991122334", msg(MSG_PHONE)),
    ("phone", "+97799112233", msg(MSG_PHONE)),
    ("phone", "９９１１２２３３", msg(MSG_PHONE)),
    ("phone", 99112233, msg(MSG_PHONE)),
]


@pytest.mark.parametrize(("name", "value", "message"), INVALID_VALUES, ids=case_id)
def test_invalid_value_is_reported_and_left_out(name: str, value: object, message: str) -> None:
    result = validate_kind(name, value)

    assert [(error.path, str(error.message)) for error in result.errors] == [(f"s.{name}", message)]
    assert result.content == {"s": {}}


@pytest.mark.parametrize("value", [None, "", "   \n "])
@pytest.mark.parametrize("spec", KIND_FIELDS, ids=lambda spec: spec.name)
def test_blank_value_counts_as_not_given(spec: FieldSpec, value: object) -> None:
    result = validate_kind(spec.name, value)

    assert result.errors == []
    assert result.content == {"s": {}}


def test_default_max_lengths_of_text_kinds() -> None:
    text = FieldSpec(name="t", kind=K.TEXT, label="t")
    long_text = FieldSpec(name="t", kind=K.LONG_TEXT, label="t")

    assert (text.max_length, long_text.max_length) == (255, 4000)
    assert (
        validate_content({"gifts": [{"description": "ж" * 4000}]}, form_version=V, complete=False, today=TODAY).errors
        == []
    )
    assert errors_of({"gifts": [{"description": "ж" * 4001}]}, complete=False) == [
        ("gifts[0].description", msg(MSG_MAX_LENGTH, max=4000))
    ]
    assert errors_of({"positions": [{"title": "ж" * 256}]}, complete=False) == [
        ("positions[0].title", msg(MSG_MAX_LENGTH, max=255))
    ]


def test_year_upper_bound_follows_today() -> None:
    result = validate_content(
        {"vehicles": [{"year": 2026}]}, form_version=V, complete=False, today=datetime.date(2026, 1, 1)
    )

    assert result.errors == []


def test_currency_accepts_every_listed_code() -> None:
    for code in CURRENCIES:
        assert validate_kind("currency", code).errors == []
    assert {"MNT", "USD", "EUR", "CNY", "RUB", "JPY", "KRW", "GBP", "CHF", "AUD", "CAD", "HKD", "SGD", "KZT"} <= set(
        CURRENCIES
    )


def test_clean_value_raises_validation_error_with_the_message() -> None:
    spec = FORM_2023.section("personal").field("register_number")

    assert clean_value(spec, "уб90051234", today=TODAY) == "УБ90051234"
    with pytest.raises(ValidationError) as caught:
        clean_value(spec, "AB12345678", today=TODAY)
    assert caught.value.messages == [msg(MSG_PERSON_REGISTER_NUMBER)]


def test_format_message_fills_placeholders() -> None:
    assert str(format_message(MSG_MAX_LENGTH, max=7)) == "Ensure this value has at most 7 characters."


# --- Required fields: draft autosave versus submission ---------------------------------------------------

PERSONAL_REQUIRED = [
    ("personal.full_name", msg(MSG_REQUIRED)),
    ("personal.register_number", msg(MSG_REQUIRED)),
    ("personal.birth_date", msg(MSG_REQUIRED)),
    ("personal.address", msg(MSG_REQUIRED)),
    ("personal.phone", msg(MSG_REQUIRED)),
]


@pytest.mark.parametrize("content", [{}, {"personal": {}}, {"personal": None}])
def test_submission_requires_the_personal_section(content: dict[str, Any]) -> None:
    assert errors_of(content, complete=True) == PERSONAL_REQUIRED


@pytest.mark.parametrize("content", [{}, {"personal": {}}, {"personal": None}])
def test_draft_accepts_missing_required_fields(content: dict[str, Any]) -> None:
    result = validate_content(content, form_version=V, complete=False, today=TODAY)

    assert result.errors == []
    assert result.content == empty_content(V)


def test_submission_counts_blank_strings_as_missing() -> None:
    personal = dict(sample_content()["personal"], full_name="   ", phone="")

    assert errors_of({"personal": personal}) == [
        ("personal.full_name", msg(MSG_REQUIRED)),
        ("personal.phone", msg(MSG_REQUIRED)),
    ]


def test_submission_accepts_missing_optional_fields() -> None:
    personal = {key: value for key, value in sample_content()["personal"].items() if key != "email"}

    assert errors_of({"personal": personal}) == []


def test_submission_requires_the_required_fields_of_each_row() -> None:
    content = dict(sample_content(), positions=[{}], family_members=[{"relationship": "child", "companies": [{}]}])

    assert errors_of(content) == [
        ("positions[0].organisation", msg(MSG_REQUIRED)),
        ("positions[0].title", msg(MSG_REQUIRED)),
        ("positions[0].start_date", msg(MSG_REQUIRED)),
        ("family_members[0].full_name", msg(MSG_REQUIRED)),
        ("family_members[0].companies[0].company_name", msg(MSG_REQUIRED)),
        ("family_members[0].companies[0].company_register_number", msg(MSG_REQUIRED)),
    ]
    assert errors_of(content, complete=False) == []


def test_required_section_without_required_fields_must_not_be_empty() -> None:
    schema = FormSchema(
        version="t",
        sections=(
            SectionSpec(
                name="extra",
                label="extra",
                many=False,
                required=True,
                fields=(FieldSpec(name="note", kind=K.TEXT, label="note", required=False),),
            ),
        ),
    )

    def run(content: object, complete: bool) -> list[tuple[str, str]]:
        result = validate_with_schema(content, schema=schema, complete=complete, today=TODAY)
        return [(error.path, str(error.message)) for error in result.errors]

    assert run({}, True) == [("extra", msg(MSG_SECTION_REQUIRED))]
    assert run({"extra": {"note": " "}}, True) == [("extra", msg(MSG_SECTION_REQUIRED))]
    assert run({"extra": {"note": "x"}}, True) == []
    assert run({}, False) == []


def test_list_sections_may_be_missing_or_empty_on_submission() -> None:
    content = {"personal": sample_content()["personal"], "gifts": [], "loans": None}

    result = validate_content(content, form_version=V, complete=True, today=TODAY)

    assert result.errors == []
    assert result.content == dict(empty_content(V), personal=sample_content()["personal"])


# --- Structure ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [None, [], "x", 5, 1.5, True, [{"personal": {}}]])
def test_content_must_be_an_object(content: object) -> None:
    result = validate_content(content, form_version=V, complete=False, today=TODAY)

    assert [(error.path, str(error.message)) for error in result.errors] == [("", msg(MSG_EXPECTED_OBJECT))]
    assert result.content == empty_content(V)


@pytest.mark.parametrize(
    ("content", "path"),
    [
        ({"nickname": "x"}, "nickname"),
        ({"personal": {"nickname": "x"}}, "personal.nickname"),
        ({"positions": [{"salary": 1}]}, "positions[0].salary"),
        ({"family_members": [{"companies": [{}, {"owner": "x"}]}]}, "family_members[0].companies[1].owner"),
        ({"positions": [{"companies": []}]}, "positions[0].companies"),
    ],
)
def test_unknown_sections_and_fields_are_errors(content: dict[str, Any], path: str) -> None:
    assert errors_of(content, complete=False) == [(path, msg(MSG_UNKNOWN_FIELD))]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ({"personal": []}, ("personal", msg(MSG_EXPECTED_OBJECT))),
        ({"personal": "Бат"}, ("personal", msg(MSG_EXPECTED_OBJECT))),
        ({"positions": {}}, ("positions", msg(MSG_EXPECTED_LIST))),
        ({"positions": "x"}, ("positions", msg(MSG_EXPECTED_LIST))),
        ({"positions": ["x"]}, ("positions[0]", msg(MSG_EXPECTED_OBJECT))),
        ({"positions": [None]}, ("positions[0]", msg(MSG_EXPECTED_OBJECT))),
        ({"positions": [[]]}, ("positions[0]", msg(MSG_EXPECTED_OBJECT))),
        ({"family_members": [{"companies": {}}]}, ("family_members[0].companies", msg(MSG_EXPECTED_LIST))),
        ({"family_members": [{"companies": [5]}]}, ("family_members[0].companies[0]", msg(MSG_EXPECTED_OBJECT))),
    ],
)
def test_wrong_container_types_are_errors(content: dict[str, Any], error: tuple[str, str]) -> None:
    assert errors_of(content, complete=False) == [error]


def test_error_paths_locate_nested_rows() -> None:
    content = sample_content()
    content["real_estate"][1]["value_mnt"] = "-5"
    content["family_members"][0]["companies"].append({"company_name": "Нар ХХК", "company_register_number": "12"})

    assert errors_of(content) == [
        ("real_estate[1].value_mnt", msg(MSG_AMOUNT)),
        ("family_members[0].companies[1].company_register_number", msg(MSG_COMPANY_REGISTER_NUMBER)),
    ]


def test_list_section_of_max_rows_is_accepted() -> None:
    result = validate_content({"gifts": [{}] * MAX_ROWS}, form_version=V, complete=False, today=TODAY)

    assert result.errors == []
    assert len(result.content["gifts"]) == 500


@pytest.mark.parametrize(
    ("content", "path"),
    [
        ({"gifts": [{}] * (MAX_ROWS + 1)}, "gifts"),
        ({"family_members": [{"companies": [{}] * (MAX_ROWS + 1)}]}, "family_members[0].companies"),
    ],
)
def test_list_longer_than_max_rows_is_rejected_whole(content: dict[str, Any], path: str) -> None:
    result = validate_content(content, form_version=V, complete=False, today=TODAY)

    assert [(error.path, str(error.message)) for error in result.errors] == [(path, msg(MSG_TOO_MANY_ROWS, max=500))]


def test_validation_does_not_change_its_input() -> None:
    content = sample_content()
    content["bank_accounts"][0].pop("balance_mnt")
    content["personal"]["register_number"] = "уб90051234"
    before = copy.deepcopy(content)

    validate_content(content, form_version=V, complete=True, today=TODAY)

    assert content == before


# --- Cross-field rules ------------------------------------------------------------------------------------


def account(**fields: Any) -> dict[str, Any]:
    return {"bank_name": "Хаан банк", "account_number": "5012987654", **fields}


def test_currency_rule_is_declared_on_the_sections() -> None:
    assert FORM_2023.section("bank_accounts").rules == (
        ForeignCurrencyAmountRule("currency", "balance", "balance_mnt"),
    )
    assert FORM_2023.section("loans").rules == (
        ForeignCurrencyAmountRule("currency", "amount", "amount_mnt"),
        DateOrderRule("taken_on", "due_on"),
    )
    assert FORM_2023.section("positions").rules == (DateOrderRule("start_date", "end_date"),)


def test_foreign_currency_needs_the_mnt_amount_on_submission() -> None:
    content = dict(sample_content(), bank_accounts=[account(currency="USD", balance="3200")])

    assert errors_of(content) == [("bank_accounts[0].balance_mnt", msg(MSG_MNT_AMOUNT_REQUIRED))]
    assert errors_of(content, complete=False) == []


def test_foreign_currency_with_the_mnt_amount_passes() -> None:
    content = dict(sample_content(), bank_accounts=[account(currency="usd", balance=3200, balance_mnt="10880000")])

    result = validate_content(content, form_version=V, complete=True, today=TODAY)

    assert result.errors == []
    assert result.content["bank_accounts"] == [account(currency="USD", balance="3200.00", balance_mnt="10880000.00")]


def test_mnt_amount_is_filled_in_for_mnt_holdings() -> None:
    content = dict(sample_content(), bank_accounts=[account(currency="MNT", balance="15400000")])

    result = validate_content(content, form_version=V, complete=True, today=TODAY)

    assert result.errors == []
    assert result.content["bank_accounts"] == [
        account(currency="MNT", balance="15400000.00", balance_mnt="15400000.00")
    ]


@pytest.mark.parametrize("complete", [True, False])
def test_mnt_amount_must_equal_the_amount_for_mnt_holdings(complete: bool) -> None:
    content = dict(sample_content(), bank_accounts=[account(currency="MNT", balance="100", balance_mnt="101")])

    assert errors_of(content, complete=complete) == [("bank_accounts[0].balance_mnt", msg(MSG_MNT_AMOUNT_MISMATCH))]


def test_mnt_amounts_compare_by_value() -> None:
    content = dict(sample_content(), bank_accounts=[account(currency="MNT", balance="100", balance_mnt=100.0)])

    assert errors_of(content) == []


def test_loans_follow_the_currency_rule() -> None:
    loan = {**sample_content()["loans"][0], "currency": "CNY", "amount": "50000"}
    del loan["amount_mnt"]

    assert errors_of(dict(sample_content(), loans=[loan])) == [("loans[0].amount_mnt", msg(MSG_MNT_AMOUNT_REQUIRED))]


def test_currency_rule_is_skipped_when_its_fields_are_invalid() -> None:
    content = dict(
        sample_content(),
        bank_accounts=[
            account(currency="XXX", balance="3200"),
            account(currency="USD", balance="3200", balance_mnt="-1"),
        ],
    )

    assert errors_of(content) == [
        ("bank_accounts[0].currency", msg(MSG_CURRENCY)),
        ("bank_accounts[1].balance_mnt", msg(MSG_AMOUNT)),
    ]


def test_a_period_cannot_end_before_it_starts() -> None:
    position = {"organisation": "Сангийн яам", "title": "Мэргэжилтэн", "start_date": "2020-01-02"}
    loan = dict(sample_content()["loans"][0], due_on="2017-07-31")

    assert errors_of({"positions": [dict(position, end_date="2020-01-01")], "loans": [loan]}, complete=False) == [
        ("positions[0].end_date", msg(MSG_END_BEFORE_START)),
        ("loans[0].due_on", msg(MSG_END_BEFORE_START)),
    ]
    assert errors_of({"positions": [dict(position, end_date="2020-01-02")]}, complete=False) == []


# --- Never raises -----------------------------------------------------------------------------------------


def nested_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def nested_dict(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"personal": value}
    return value


HOSTILE_VALUES = [
    None,
    [],
    {},
    "x",
    "",
    0,
    -1,
    1.5,
    True,
    float("nan"),
    float("-inf"),
    10**5000,
    nested_list(200),
    nested_dict(200),
    "x" * 1_000_000,
    "😀" * 10_000,
    "\ud800\udfff\x00",
    [None] * 600,
    {"": None, "1": [1, {"a": []}]},
]


def everywhere(value: object) -> list[object]:
    """The value as the whole content, as every section, and in every field of every row."""

    def row(section: SectionSpec) -> dict[str, Any]:
        fields: dict[str, Any] = {spec.name: value for spec in section.fields}
        for sub in section.subsections:
            fields[sub.name] = [row(sub)]
        return fields

    return [
        value,
        {section.name: value for section in FORM_2023.sections},
        {section.name: [row(section)] if section.many else row(section) for section in FORM_2023.sections},
    ]


@pytest.mark.parametrize("complete", [True, False])
@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_validation_never_raises(value: object, complete: bool) -> None:
    for content in everywhere(value):
        result = validate_content(content, form_version=V, complete=complete, today=TODAY)

        assert isinstance(result, ValidationResult)
        assert all(isinstance(error, ContentError) for error in result.errors)
        assert [section.name for section in FORM_2023.sections] == list(result.content)
        if value not in (None, "", {}):
            assert result.errors != []


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_redaction_and_extraction_never_raise_on_malformed_content(value: object) -> None:
    for content in everywhere(value):
        if isinstance(content, dict):
            redacted = redact(content, form_version=V)
            assert list(redacted) == [section.name for section in FORM_2023.sections]
            extract_companies(content)
            family_register_numbers(content)


# --- Schema ----------------------------------------------------------------------------------------------


def test_forms_registry() -> None:
    assert CURRENT_FORM_VERSION == "2023"
    assert get_form("2023") is FORM_2023
    assert FORMS == {"2023": FORM_2023}


@pytest.mark.parametrize("version", ["1999", "", "2023 "])
def test_unknown_form_version(version: str) -> None:
    with pytest.raises(UnknownFormVersion):
        get_form(version)
    with pytest.raises(KeyError):
        validate_content({}, form_version=version, complete=False, today=TODAY)


def test_empty_content() -> None:
    assert empty_content("2023") == {
        "personal": {},
        "positions": [],
        "business_interests": [],
        "real_estate": [],
        "vehicles": [],
        "bank_accounts": [],
        "securities": [],
        "income": [],
        "loans": [],
        "gifts": [],
        "family_members": [],
    }


def test_every_choice_has_a_label() -> None:
    spec = FORM_2023.section("family_members").field("relationship")

    assert [value for value, _label in spec.choice_items()] == ["spouse", "child", "parent", "sibling", "other"]
    assert all(value in CHOICE_LABELS for _path, value in iter_choices(FORM_2023.sections))


def iter_choices(sections: tuple[SectionSpec, ...], prefix: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for section in sections:
        for spec in section.fields:
            found += [(f"{prefix}{section.name}.{spec.name}", value) for value in spec.choices]
        found += iter_choices(section.subsections, f"{prefix}{section.name}.")
    return found


def test_schema_rejects_inconsistent_declarations() -> None:
    with pytest.raises(ValueError, match="choices"):
        FieldSpec(name="role", kind=K.CHOICE, label="role")
    with pytest.raises(ValueError, match="choices"):
        FieldSpec(name="role", kind=K.TEXT, label="role", choices=("other",))
    with pytest.raises(ValueError, match="unknown fields"):
        SectionSpec(
            name="s",
            label="s",
            many=True,
            fields=(FieldSpec(name="a", kind=K.DECIMAL, label="a"),),
            rules=(ForeignCurrencyAmountRule("currency", "a", "a_mnt"),),
        )
    with pytest.raises(ValueError, match="duplicate"):
        SectionSpec(
            name="s",
            label="s",
            many=False,
            fields=(FieldSpec(name="a", kind=K.TEXT, label="a"), FieldSpec(name="a", kind=K.TEXT, label="a")),
        )


# --- Redaction ------------------------------------------------------------------------------------------

EXPECTED_PRIVATE_PATHS = [
    "personal.register_number",
    "personal.birth_date",
    "personal.address",
    "personal.phone",
    "personal.email",
    "business_interests[].company_register_number",
    "real_estate[].address",
    "real_estate[].parcel_number",
    "vehicles[].plate_number",
    "bank_accounts[].account_number",
    "securities[].issuer_register_number",
    "family_members[].full_name",
    "family_members[].register_number",
    "family_members[].birth_date",
    "family_members[].companies[].company_register_number",
]


def schema_paths(sections: tuple[SectionSpec, ...], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for section in sections:
        base = f"{prefix}{section.name}{'[]' if section.many else ''}"
        paths += [f"{base}.{spec.name}" for spec in section.fields]
        paths += schema_paths(section.subsections, f"{base}.")
    return paths


def test_field_policy_lists_every_field_once() -> None:
    policy = field_policy(V)

    assert [path for path, _public in policy] == schema_paths(FORM_2023.sections)
    assert len({path for path, _public in policy}) == len(policy) == 60


def test_field_policy_keeps_the_private_fields_of_design_section_5_private() -> None:
    private = [path for path, public in field_policy(V) if not public]

    assert private == EXPECTED_PRIVATE_PATHS
    assert set(public_field_paths(V)) == {path for path, _public in field_policy(V)} - set(EXPECTED_PRIVATE_PATHS)


def private_values(content: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(obj: dict[str, Any], section: SectionSpec) -> None:
        found.extend(str(obj[spec.name]) for spec in section.fields if not spec.public and spec.name in obj)
        for sub in section.subsections:
            for row in obj.get(sub.name, []):
                walk(row, sub)

    for section in FORM_2023.sections:
        value = content[section.name]
        for obj in value if section.many else [value]:
            walk(obj, section)
    return found


def test_no_private_value_of_the_sample_is_published() -> None:
    content = sample_content()
    secrets = private_values(content)

    published = json.dumps(redact(content, form_version=V), ensure_ascii=False)

    assert len(secrets) == 20
    assert "УБ90051234" in secrets
    assert "Должинсүрэнгийн Сарангэрэл" in secrets
    assert [secret for secret in secrets if secret in published] == []


def test_redaction_keeps_structure_and_public_fields() -> None:
    content = sample_content()

    redacted = redact(content, form_version=V)

    assert list(redacted) == list(content)
    assert redacted["personal"] == {"full_name": "Батбаярын Тэмүүжин"}
    assert redacted["vehicles"] == [{"make": "Toyota", "model": "Prius 41", "year": 2016, "value_mnt": "32000000.00"}]
    assert redacted["family_members"] == [
        {
            "relationship": "spouse",
            "occupation": "Эмч",
            "income_mnt": "21600000.00",
            "assets_total_mnt": "35000000.00",
            "companies": [{"company_name": "Сарнай Эм Хангамж ХХК", "share_percent": "100.00"}],
        },
        {"relationship": "child", "companies": []},
    ]
    assert {name: len(rows) for name, rows in redacted.items() if isinstance(rows, list)} == {
        name: len(rows) for name, rows in content.items() if isinstance(rows, list)
    }


def test_redaction_drops_unknown_keys_and_non_scalar_values() -> None:
    content = {
        "personal": {"full_name": {"register_number": "УБ90051234"}, "secret": "УБ90051234"},
        "extra": "УБ90051234",
        "positions": ["x", {"title": ["УБ90051234"], "organisation": "Сангийн яам"}],
    }

    assert redact(content, form_version=V) == dict(empty_content(V), positions=[{"organisation": "Сангийн яам"}])


# --- Extraction -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["«Говь» ХХК", '"ГОВЬ"  ххк', "говь ххк", "„Говь“ ХХК", "‘Говь’ ХХК", "`Говь` ХХК", " 'Говь'\tХХК\n"],
)
def test_company_names_normalise_identically(name: str) -> None:
    assert normalise_company_name(name) == "говь ххк"


def test_company_name_normalisation_keeps_distinct_names_distinct() -> None:
    assert normalise_company_name("Говь-Алт ХХК") == "говь-алт ххк"
    assert normalise_company_name("Говь ХК") != normalise_company_name("Говь ХХК")


def test_extract_companies_from_the_sample() -> None:
    assert extract_companies(sample_content()) == [
        CompanyRef("self", "", "Говь-Алт ХХК", "говь-алт ххк", "2345678", "business_interests"),
        CompanyRef("self", "", "АПУ ХК", "апу хк", "2081911", "securities"),
        CompanyRef(
            "family", "spouse", "Сарнай Эм Хангамж ХХК", "сарнай эм хангамж ххк", "5123456", "family_members.companies"
        ),
    ]


def test_extract_companies_uses_the_given_companies_and_blank_register_numbers() -> None:
    content = sample_content(companies=[("«Тэнгэр» ХХК", "1111111"), ("Нар ХХК", "2222222")])
    content["securities"][0].pop("issuer_register_number")

    companies = extract_companies(content)

    assert [(ref.holder, ref.name_normalised, ref.register_number) for ref in companies] == [
        ("self", "тэнгэр ххк", "1111111"),
        ("self", "нар ххк", "2222222"),
        ("self", "апу хк", ""),
        ("family", "сарнай эм хангамж ххк", "5123456"),
    ]


def test_family_register_numbers_are_upper_cased() -> None:
    content = {
        "family_members": [
            {"register_number": " уе92110456 "},
            {"register_number": "УБ16221415"},
            {"full_name": "Бат"},
            {"register_number": ""},
            "x",
        ]
    }

    assert family_register_numbers(sample_content()) == {"УЕ92110456", "УБ16221415"}
    assert family_register_numbers(content) == {"УЕ92110456", "УБ16221415"}
    assert family_register_numbers({}) == set()


# --- Sample content ---------------------------------------------------------------------------------------


def test_sample_content_is_valid_and_already_normalised() -> None:
    content = sample_content()

    result = validate_content(content, form_version=V, complete=True, today=TODAY)

    assert result.errors == []
    assert result.content == content


def test_draft_sample_passes_autosave_but_not_submission() -> None:
    draft = sample_content(complete=False)

    assert validate_content(draft, form_version=V, complete=False, today=TODAY).content == draft
    assert errors_of(draft, complete=False) == []
    assert errors_of(draft, complete=True) == [
        ("personal.birth_date", msg(MSG_REQUIRED)),
        ("personal.address", msg(MSG_REQUIRED)),
        ("personal.phone", msg(MSG_REQUIRED)),
    ]


def test_sample_content_is_deterministic_and_independent() -> None:
    first = sample_content()
    first["positions"].clear()

    assert sample_content() == sample_content()
    assert sample_content()["positions"] != []


def test_sample_content_takes_the_declarant() -> None:
    content = sample_content(full_name="Доржийн Болд", register_number="ЧД85010112", companies=[])

    assert content["personal"]["full_name"] == "Доржийн Болд"
    assert content["personal"]["register_number"] == "ЧД85010112"
    assert content["business_interests"] == []
    assert errors_of(content) == []
