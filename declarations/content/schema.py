"""The declared content schema of a declaration (ХАСХОМ), one immutable ``FormSchema`` per form version.

The schema is data: validation, redaction, extraction and the README's publication table all read it, so
a field's type, requiredness and publication flag are stated exactly once, here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeAlias

from django.utils.translation import gettext_lazy as _

from .messages import MSG_END_BEFORE_START, MSG_MNT_AMOUNT_MISMATCH, MSG_MNT_AMOUNT_REQUIRED, Text

#: The currency every amount is ultimately declared in.
MNT = "MNT"

#: ISO 4217 codes a declarant may hold assets or debts in.
CURRENCIES: tuple[str, ...] = (
    "MNT",
    "USD",
    "EUR",
    "CNY",
    "RUB",
    "JPY",
    "KRW",
    "GBP",
    "CHF",
    "AUD",
    "CAD",
    "HKD",
    "SGD",
    "KZT",
)

#: Default and ceiling for the number of rows in a list section (a guard against hostile input).
MAX_ROWS = 500


class FieldKind(enum.StrEnum):
    """The value types a content field can hold; each has one validation rule."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    DECIMAL_MNT = "decimal_mnt"  # non-negative amount in MNT
    DECIMAL = "decimal"  # non-negative amount in the row's declared currency (or another measure)
    PERCENT = "percent"
    INTEGER = "integer"
    DATE = "date"  # any ISO date (e.g. a loan's due date, which may lie in the future)
    DATE_PAST = "date_past"  # an ISO date not after today
    YEAR = "year"
    CURRENCY = "currency"
    PERSON_REGISTER_NUMBER = "person_register_number"
    COMPANY_REGISTER_NUMBER = "company_register_number"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    EMAIL = "email"
    PHONE = "phone"


DEFAULT_MAX_LENGTH: dict[FieldKind, int] = {FieldKind.TEXT: 255, FieldKind.LONG_TEXT: 4000}

#: Display labels of every choice value used by a form (values are shared between fields).
CHOICE_LABELS: dict[str, Text] = {
    # business_interests.role
    "shareholder": _("Shareholder"),
    "director": _("Director"),
    "founder": _("Founder"),
    "partner": _("Partner"),
    # real_estate.kind
    "apartment": _("Apartment"),
    "house": _("House"),
    "land": _("Land"),
    "commercial": _("Commercial property"),
    # securities.kind
    "shares": _("Shares"),
    "bonds": _("Bonds"),
    "fund_units": _("Investment fund units"),
    # income.kind
    "salary": _("Salary"),
    "business": _("Business income"),
    "rental": _("Rental income"),
    "investment": _("Investment income"),
    "pension": _("Pension or benefit"),
    # family_members.relationship
    "spouse": _("Spouse"),
    "child": _("Child"),
    "parent": _("Parent"),
    "sibling": _("Sibling"),
    "other": _("Other"),
}


@dataclass(frozen=True, kw_only=True)
class FieldSpec:
    """One field of a section: its value type, whether a submission needs it, and whether it is published.

    ``public`` is the publication allowlist (DESIGN §5): a field is private unless it says otherwise.
    """

    name: str
    kind: FieldKind
    label: Text
    required: bool = True
    public: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.max_length is None and self.kind in DEFAULT_MAX_LENGTH:
            object.__setattr__(self, "max_length", DEFAULT_MAX_LENGTH[self.kind])
        if (self.kind == FieldKind.CHOICE) != bool(self.choices):
            raise ValueError(f"{self.name}: choices are required for, and only for, a choice field")
        unlabelled = [value for value in self.choices if value not in CHOICE_LABELS]
        if unlabelled:
            raise ValueError(f"{self.name}: choices without a label: {unlabelled}")

    def choice_items(self) -> tuple[tuple[str, Text], ...]:
        """The ``(value, label)`` pairs of a choice field, as Django form fields expect them."""
        return tuple((value, CHOICE_LABELS[value]) for value in self.choices)


#: A rule's finding: the name of the field it concerns, and the message.
RuleViolation: TypeAlias = tuple[str, Text]


class RowRule(Protocol):
    """A declared cross-field rule of a section, run on a row whose own fields are already valid."""

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the rule reads; it is skipped when any of them failed validation."""
        ...

    def apply(self, row: dict[str, Any], *, complete: bool) -> list[RuleViolation]:
        """Check a normalised row, completing derived values in place; return what is wrong."""
        ...


@dataclass(frozen=True)
class ForeignCurrencyAmountRule:
    """An amount held in a foreign currency must also be declared in MNT; in MNT the two must agree.

    When the currency is MNT and the MNT amount is omitted, it is filled in from the amount, so every
    row carries an MNT figure that totals and cross-checks can add up.
    """

    currency_field: str
    amount_field: str
    mnt_field: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.currency_field, self.amount_field, self.mnt_field)

    def apply(self, row: dict[str, Any], *, complete: bool) -> list[RuleViolation]:
        currency = row.get(self.currency_field)
        amount = row.get(self.amount_field)
        amount_mnt = row.get(self.mnt_field)
        if currency is None or amount is None:
            return []
        if currency != MNT:
            if amount_mnt is None and complete:
                return [(self.mnt_field, MSG_MNT_AMOUNT_REQUIRED)]
            return []
        if amount_mnt is None:
            row[self.mnt_field] = amount
        elif Decimal(amount_mnt) != Decimal(amount):
            return [(self.mnt_field, MSG_MNT_AMOUNT_MISMATCH)]
        return []


@dataclass(frozen=True)
class DateOrderRule:
    """A period cannot end before it starts."""

    start_field: str
    end_field: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.start_field, self.end_field)

    def apply(self, row: dict[str, Any], *, complete: bool) -> list[RuleViolation]:
        start = row.get(self.start_field)
        end = row.get(self.end_field)
        # Normalised dates are ISO strings, which order like the dates they spell.
        if start is not None and end is not None and end < start:
            return [(self.end_field, MSG_END_BEFORE_START)]
        return []


@dataclass(frozen=True, kw_only=True)
class SectionSpec:
    """A section of the form: a single object (``many=False``) or a list of rows (``many=True``).

    ``required`` applies to a single-object section: a submission must fill it in. A list section may be
    empty (the declarant has nothing of that kind); ``max_rows`` bounds it.
    """

    name: str
    label: Text
    many: bool
    fields: tuple[FieldSpec, ...]
    subsections: tuple[SectionSpec, ...] = ()
    rules: tuple[RowRule, ...] = ()
    required: bool = False
    max_rows: int = MAX_ROWS

    def __post_init__(self) -> None:
        names = [spec.name for spec in self.fields] + [spec.name for spec in self.subsections]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.name}: duplicate field names")
        field_names = {spec.name for spec in self.fields}
        for rule in self.rules:
            if not set(rule.fields) <= field_names:
                raise ValueError(f"{self.name}: rule {rule!r} names unknown fields")
        if self.required and self.many:
            raise ValueError(f"{self.name}: only a single-object section can be required")

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``; ``KeyError`` when there is none."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


@dataclass(frozen=True, kw_only=True)
class FormSchema:
    """One version of the declaration form."""

    version: str
    sections: tuple[SectionSpec, ...]

    def __post_init__(self) -> None:
        names = [section.name for section in self.sections]
        if len(names) != len(set(names)):
            raise ValueError(f"form {self.version}: duplicate section names")

    def section(self, name: str) -> SectionSpec:
        """The section called ``name``; ``KeyError`` when there is none."""
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)


class UnknownFormVersion(KeyError):
    """No form schema is declared for this version."""


K = FieldKind

_COMPANY_FIELDS = (
    FieldSpec(name="company_name", kind=K.TEXT, label=_("Company name"), public=True),
    FieldSpec(name="company_register_number", kind=K.COMPANY_REGISTER_NUMBER, label=_("Company registration number")),
)

FORM_2023 = FormSchema(
    version="2023",
    sections=(
        SectionSpec(
            name="personal",
            label=_("Personal data"),
            many=False,
            required=True,
            fields=(
                FieldSpec(name="full_name", kind=K.TEXT, label=_("Full name"), public=True),
                FieldSpec(name="register_number", kind=K.PERSON_REGISTER_NUMBER, label=_("Registration number")),
                FieldSpec(name="birth_date", kind=K.DATE_PAST, label=_("Date of birth")),
                FieldSpec(name="address", kind=K.TEXT, label=_("Home address")),
                FieldSpec(name="phone", kind=K.PHONE, label=_("Phone number")),
                FieldSpec(name="email", kind=K.EMAIL, label=_("Email address"), required=False),
            ),
        ),
        SectionSpec(
            name="positions",
            label=_("Positions and jobs"),
            many=True,
            fields=(
                FieldSpec(name="organisation", kind=K.TEXT, label=_("Organisation"), public=True),
                FieldSpec(name="title", kind=K.TEXT, label=_("Position title"), public=True),
                FieldSpec(name="start_date", kind=K.DATE_PAST, label=_("Start date"), public=True),
                # A fixed-term appointment may end in the future.
                FieldSpec(name="end_date", kind=K.DATE, label=_("End date"), required=False, public=True),
            ),
            rules=(DateOrderRule("start_date", "end_date"),),
        ),
        SectionSpec(
            name="business_interests",
            label=_("Business interests and shareholdings"),
            many=True,
            fields=(
                *_COMPANY_FIELDS,
                FieldSpec(
                    name="role",
                    kind=K.CHOICE,
                    label=_("Role"),
                    public=True,
                    choices=("shareholder", "director", "founder", "partner", "other"),
                ),
                FieldSpec(name="share_percent", kind=K.PERCENT, label=_("Share (%)"), required=False, public=True),
                FieldSpec(name="acquired_on", kind=K.DATE_PAST, label=_("Acquired on"), required=False, public=True),
            ),
        ),
        SectionSpec(
            name="real_estate",
            label=_("Real estate"),
            many=True,
            fields=(
                FieldSpec(
                    name="kind",
                    kind=K.CHOICE,
                    label=_("Kind of property"),
                    public=True,
                    choices=("apartment", "house", "land", "commercial", "other"),
                ),
                FieldSpec(name="address", kind=K.TEXT, label=_("Address")),
                FieldSpec(
                    name="parcel_number", kind=K.TEXT, label=_("Land parcel number"), required=False, max_length=64
                ),
                FieldSpec(name="area_m2", kind=K.DECIMAL, label=_("Area (m²)"), public=True),
                FieldSpec(name="value_mnt", kind=K.DECIMAL_MNT, label=_("Value (MNT)"), public=True),
                FieldSpec(name="acquired_on", kind=K.DATE_PAST, label=_("Acquired on"), public=True),
            ),
        ),
        SectionSpec(
            name="vehicles",
            label=_("Vehicles"),
            many=True,
            fields=(
                FieldSpec(name="make", kind=K.TEXT, label=_("Make"), public=True),
                FieldSpec(name="model", kind=K.TEXT, label=_("Model"), public=True),
                FieldSpec(name="year", kind=K.YEAR, label=_("Year of manufacture"), public=True),
                FieldSpec(name="plate_number", kind=K.TEXT, label=_("Plate number"), max_length=16),
                FieldSpec(name="value_mnt", kind=K.DECIMAL_MNT, label=_("Value (MNT)"), public=True),
            ),
        ),
        SectionSpec(
            name="bank_accounts",
            label=_("Bank accounts"),
            many=True,
            fields=(
                FieldSpec(name="bank_name", kind=K.TEXT, label=_("Bank"), public=True),
                FieldSpec(name="account_number", kind=K.TEXT, label=_("Account number"), max_length=34),
                FieldSpec(name="currency", kind=K.CURRENCY, label=_("Currency"), public=True),
                FieldSpec(name="balance", kind=K.DECIMAL, label=_("Balance"), public=True),
                FieldSpec(
                    name="balance_mnt", kind=K.DECIMAL_MNT, label=_("Balance (MNT)"), required=False, public=True
                ),
            ),
            rules=(ForeignCurrencyAmountRule("currency", "balance", "balance_mnt"),),
        ),
        SectionSpec(
            name="securities",
            label=_("Securities"),
            many=True,
            fields=(
                FieldSpec(name="issuer", kind=K.TEXT, label=_("Issuer"), public=True),
                FieldSpec(
                    name="issuer_register_number",
                    kind=K.COMPANY_REGISTER_NUMBER,
                    label=_("Issuer registration number"),
                    required=False,
                ),
                FieldSpec(
                    name="kind",
                    kind=K.CHOICE,
                    label=_("Kind of security"),
                    public=True,
                    choices=("shares", "bonds", "fund_units", "other"),
                ),
                FieldSpec(name="quantity", kind=K.INTEGER, label=_("Quantity"), public=True),
                FieldSpec(name="value_mnt", kind=K.DECIMAL_MNT, label=_("Value (MNT)"), public=True),
            ),
        ),
        SectionSpec(
            name="income",
            label=_("Income"),
            many=True,
            fields=(
                FieldSpec(name="source", kind=K.TEXT, label=_("Source"), public=True),
                FieldSpec(
                    name="kind",
                    kind=K.CHOICE,
                    label=_("Kind of income"),
                    public=True,
                    choices=("salary", "business", "rental", "investment", "pension", "other"),
                ),
                FieldSpec(name="amount_mnt", kind=K.DECIMAL_MNT, label=_("Amount (MNT)"), public=True),
            ),
        ),
        SectionSpec(
            name="loans",
            label=_("Loans and debts"),
            many=True,
            fields=(
                FieldSpec(name="lender", kind=K.TEXT, label=_("Lender"), public=True),
                FieldSpec(name="currency", kind=K.CURRENCY, label=_("Currency"), public=True),
                FieldSpec(name="amount", kind=K.DECIMAL, label=_("Amount"), public=True),
                FieldSpec(name="amount_mnt", kind=K.DECIMAL_MNT, label=_("Amount (MNT)"), required=False, public=True),
                FieldSpec(name="outstanding_mnt", kind=K.DECIMAL_MNT, label=_("Outstanding (MNT)"), public=True),
                FieldSpec(name="taken_on", kind=K.DATE_PAST, label=_("Taken on"), public=True),
                FieldSpec(name="due_on", kind=K.DATE, label=_("Due on"), required=False, public=True),
            ),
            rules=(
                ForeignCurrencyAmountRule("currency", "amount", "amount_mnt"),
                DateOrderRule("taken_on", "due_on"),
            ),
        ),
        SectionSpec(
            name="gifts",
            label=_("Gifts"),
            many=True,
            fields=(
                FieldSpec(name="giver", kind=K.TEXT, label=_("Giver"), public=True),
                FieldSpec(name="description", kind=K.LONG_TEXT, label=_("Description"), public=True),
                FieldSpec(name="value_mnt", kind=K.DECIMAL_MNT, label=_("Value (MNT)"), public=True),
                FieldSpec(name="received_on", kind=K.DATE_PAST, label=_("Received on"), public=True),
            ),
        ),
        SectionSpec(
            name="family_members",
            label=_("Family members"),
            many=True,
            fields=(
                FieldSpec(name="full_name", kind=K.TEXT, label=_("Full name")),
                FieldSpec(
                    name="register_number",
                    kind=K.PERSON_REGISTER_NUMBER,
                    label=_("Registration number"),
                    required=False,
                ),
                FieldSpec(
                    name="relationship",
                    kind=K.CHOICE,
                    label=_("Relationship"),
                    public=True,
                    choices=("spouse", "child", "parent", "sibling", "other"),
                ),
                FieldSpec(name="birth_date", kind=K.DATE_PAST, label=_("Date of birth"), required=False),
                FieldSpec(name="occupation", kind=K.TEXT, label=_("Occupation"), required=False, public=True),
                FieldSpec(name="income_mnt", kind=K.DECIMAL_MNT, label=_("Income (MNT)"), required=False, public=True),
                FieldSpec(
                    name="assets_total_mnt",
                    kind=K.DECIMAL_MNT,
                    label=_("Total assets (MNT)"),
                    required=False,
                    public=True,
                ),
            ),
            subsections=(
                SectionSpec(
                    name="companies",
                    label=_("Companies"),
                    many=True,
                    fields=(
                        *_COMPANY_FIELDS,
                        FieldSpec(
                            name="share_percent",
                            kind=K.PERCENT,
                            label=_("Share (%)"),
                            required=False,
                            public=True,
                        ),
                    ),
                ),
            ),
        ),
    ),
)

del K

FORMS: dict[str, FormSchema] = {FORM_2023.version: FORM_2023}
CURRENT_FORM_VERSION = "2023"


def get_form(version: str) -> FormSchema:
    """The form schema of ``version``; ``UnknownFormVersion`` when none is declared."""
    try:
        return FORMS[version]
    except (KeyError, TypeError):
        raise UnknownFormVersion(version) from None
