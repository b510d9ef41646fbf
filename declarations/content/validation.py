"""Validate and normalise a declaration's content against its form schema.

Drafts (``complete=False``) are checked for types and formats only, so an autosave never fails for a field
the declarant has not reached yet; a submission (``complete=True``) must also fill every required field.
The validator never raises on content: whatever JSON arrives, the answer is a list of errors.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from .messages import (
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
    MSG_EXPECTED_LIST,
    MSG_EXPECTED_OBJECT,
    MSG_INTEGER,
    MSG_INTEGER_TOO_LARGE,
    MSG_MAX_LENGTH,
    MSG_PERCENT,
    MSG_PERSON_REGISTER_NUMBER,
    MSG_PHONE,
    MSG_REQUIRED,
    MSG_SECTION_REQUIRED,
    MSG_TEXT,
    MSG_TOO_MANY_ROWS,
    MSG_UNKNOWN_FIELD,
    MSG_YEAR,
    Text,
    format_message,
)
from .schema import CURRENCIES, FieldKind, FieldSpec, FormSchema, SectionSpec, get_form

#: Digits allowed before the decimal point of an amount (a quadrillion MNT is already absurd).
MAX_AMOUNT_DIGITS = 15
#: Digits allowed in a whole number.
MAX_INTEGER_DIGITS = 15
MIN_DATE = datetime.date(1900, 1, 1)
MIN_YEAR = MIN_DATE.year
MAX_EMAIL_LENGTH = 254

# The Mongolian Cyrillic alphabet: the Russian one plus Ө and Ү. ``[0-9]``, not ``\d``, which would
# also accept other scripts' digits.
PERSON_REGISTER_NUMBER_RE = re.compile(r"[А-ЯЁӨҮ]{2}[0-9]{8}")
COMPANY_REGISTER_NUMBER_RE = re.compile(r"[0-9]{7}")
PHONE_RE = re.compile(r"(?:\+976)?([0-9]{8})")
ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
AMOUNT_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")

_CENT = Decimal("0.01")
_MAX_AMOUNT_INT = 10**MAX_AMOUNT_DIGITS
_MAX_AMOUNT = Decimal(_MAX_AMOUNT_INT)
_MAX_INTEGER = 10**MAX_INTEGER_DIGITS
# Control characters (Unicode category Cc: NUL breaks PostgreSQL) and lone surrogates (category Cs, which
# cannot be encoded); long text keeps its tabs and newlines.
_FORBIDDEN_IN_TEXT_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_IN_LONG_TEXT_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_email_validator = EmailValidator()


@dataclass(frozen=True)
class ContentError:
    """One problem in the content: where it is (``"real_estate[2].value_mnt"``) and what is wrong."""

    path: str
    message: Text


@dataclass
class ValidationResult:
    """The normalised content and the errors found; the content is only fit to store when there are none.

    Values that failed validation and unknown keys are left out of ``content``; every section of the
    form is present (``{}`` or ``[]`` when the input lacked it).
    """

    content: dict[str, Any]
    errors: list[ContentError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


class _InvalidValueError(Exception):
    def __init__(self, message: Text) -> None:
        super().__init__()
        self.message = message


def validate_content(content: object, *, form_version: str, complete: bool, today: datetime.date) -> ValidationResult:
    """Check a declaration's content against its form version and normalise it.

    ``complete=False`` is a draft autosave: types and formats only. ``complete=True`` is a submission:
    required fields and required sections must also be filled. Raises ``UnknownFormVersion`` for an
    undeclared version (a programming error), never anything for the content itself.
    """
    return validate_with_schema(content, schema=get_form(form_version), complete=complete, today=today)


def validate_with_schema(
    content: object, *, schema: FormSchema, complete: bool, today: datetime.date
) -> ValidationResult:
    """``validate_content`` against an explicit schema (for forms under construction and for tests)."""
    validator = _Validator(complete=complete, today=today)
    return ValidationResult(content=validator.content(content, schema), errors=validator.errors)


def empty_content(form_version: str) -> dict[str, Any]:
    """A blank content of the form: single sections as ``{}``, list sections as ``[]``."""
    return {section.name: [] if section.many else {} for section in get_form(form_version).sections}


def clean_value(spec: FieldSpec, value: object, *, today: datetime.date) -> object:
    """Normalise one non-blank field value; raise ``django.core.exceptions.ValidationError`` if invalid.

    For form fields in ``web/`` that want exactly the content rules.
    """
    try:
        return _CLEANERS[spec.kind](spec, value, today)
    except _InvalidValueError as invalid:
        raise ValidationError(invalid.message) from None


def is_blank(value: object) -> bool:
    """A value that counts as not given: ``None`` or a string of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def _join(path: str, name: object) -> str:
    return f"{path}.{name}" if path else str(name)


class _Validator:
    def __init__(self, *, complete: bool, today: datetime.date) -> None:
        self.complete = complete
        self.today = today
        self.errors: list[ContentError] = []

    def error(self, path: str, message: Text) -> None:
        self.errors.append(ContentError(path, message))

    def content(self, value: object, schema: FormSchema) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error("", MSG_EXPECTED_OBJECT)
            value = {}
        known = {section.name for section in schema.sections}
        for key in value:
            if key not in known:
                self.error(_join("", key), MSG_UNKNOWN_FIELD)
        return {
            section.name: self.section(value.get(section.name), section, section.name) for section in schema.sections
        }

    def section(self, value: object, spec: SectionSpec, path: str) -> Any:
        if spec.many:
            return self.rows(value, spec, path)
        errors_before = len(self.errors)
        obj = self.object({} if value is None else value, spec, path)
        if spec.required and self.complete and not obj and len(self.errors) == errors_before:
            self.error(path, MSG_SECTION_REQUIRED)
        return obj

    def rows(self, value: object, spec: SectionSpec, path: str) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, MSG_EXPECTED_LIST)
            return []
        if len(value) > spec.max_rows:
            self.error(path, format_message(MSG_TOO_MANY_ROWS, max=spec.max_rows))
            return []
        return [self.object(row, spec, f"{path}[{index}]") for index, row in enumerate(value)]

    def object(self, value: object, spec: SectionSpec, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(path, MSG_EXPECTED_OBJECT)
            return {}
        known = {field_spec.name for field_spec in spec.fields} | {sub.name for sub in spec.subsections}
        for key in value:
            if key not in known:
                self.error(_join(path, key), MSG_UNKNOWN_FIELD)

        cleaned: dict[str, Any] = {}
        failed: set[str] = set()
        for field_spec in spec.fields:
            raw = value.get(field_spec.name)
            if is_blank(raw):
                if self.complete and field_spec.required:
                    self.error(_join(path, field_spec.name), MSG_REQUIRED)
                    failed.add(field_spec.name)
                continue
            try:
                cleaned[field_spec.name] = _CLEANERS[field_spec.kind](field_spec, raw, self.today)
            except _InvalidValueError as invalid:
                self.error(_join(path, field_spec.name), invalid.message)
                failed.add(field_spec.name)

        for rule in spec.rules:
            if failed.intersection(rule.fields):
                continue
            for field_name, message in rule.apply(cleaned, complete=self.complete):
                self.error(_join(path, field_name), message)

        # Rules may fill in derived values: keep the schema's field order regardless.
        normalised = {f.name: cleaned[f.name] for f in spec.fields if f.name in cleaned}
        for sub in spec.subsections:
            normalised[sub.name] = self.section(value.get(sub.name), sub, _join(path, sub.name))
        return normalised


# Cleaners: each takes a non-blank value and returns it normalised, or raises _InvalidValueError.

Cleaner = Callable[[FieldSpec, object, datetime.date], object]


def _clean_text(spec: FieldSpec, value: object, today: datetime.date) -> str:
    if not isinstance(value, str):
        raise _InvalidValueError(MSG_TEXT)
    max_length = spec.max_length or 0
    text = value.strip()
    # Bound the work on a hostile value before normalising it; NFC never more than triples a string.
    if len(text) > 3 * max_length:
        raise _InvalidValueError(format_message(MSG_MAX_LENGTH, max=max_length))
    multiline = spec.kind == FieldKind.LONG_TEXT
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if len(text) > max_length:
        raise _InvalidValueError(format_message(MSG_MAX_LENGTH, max=max_length))
    if (_FORBIDDEN_IN_LONG_TEXT_RE if multiline else _FORBIDDEN_IN_TEXT_RE).search(text):
        raise _InvalidValueError(MSG_CONTROL_CHARACTERS)
    return text


def _to_decimal(value: object, message: Text) -> Decimal:
    """A finite, non-negative Decimal from a JSON number or a plain numeric string (no sign, no exponent)."""
    if isinstance(value, bool):
        raise _InvalidValueError(message)
    if isinstance(value, int):
        if value < 0:
            raise _InvalidValueError(message)
        if value >= _MAX_AMOUNT_INT:
            raise _InvalidValueError(format_message(MSG_AMOUNT_TOO_LARGE, max=MAX_AMOUNT_DIGITS))
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value) or value < 0:
            raise _InvalidValueError(message)
        # repr is the shortest string that round-trips, so 0.1 stays 0.1 rather than its binary expansion.
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 64 or not AMOUNT_RE.fullmatch(text):
            raise _InvalidValueError(message)
        number = Decimal(text)
    else:
        raise _InvalidValueError(message)
    if number >= _MAX_AMOUNT:
        raise _InvalidValueError(format_message(MSG_AMOUNT_TOO_LARGE, max=MAX_AMOUNT_DIGITS))
    # No arithmetic here: it would round to the context's precision and hide excess decimal places.
    return Decimal(0) if number.is_zero() else number


def _quantize_cents(number: Decimal, message: Text) -> str:
    try:
        cents = number.quantize(_CENT)
    except InvalidOperation:
        raise _InvalidValueError(message) from None
    if cents != number:
        raise _InvalidValueError(message)
    return f"{cents:f}"


def _clean_amount(spec: FieldSpec, value: object, today: datetime.date) -> str:
    return _quantize_cents(_to_decimal(value, MSG_AMOUNT), MSG_AMOUNT)


def _clean_percent(spec: FieldSpec, value: object, today: datetime.date) -> str:
    try:
        number = _to_decimal(value, MSG_PERCENT)
    except _InvalidValueError:
        raise _InvalidValueError(MSG_PERCENT) from None
    if number > 100:
        raise _InvalidValueError(MSG_PERCENT)
    return _quantize_cents(number, MSG_PERCENT)


def _clean_integer(spec: FieldSpec, value: object, today: datetime.date) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _InvalidValueError(MSG_INTEGER)
    if value >= _MAX_INTEGER:
        raise _InvalidValueError(format_message(MSG_INTEGER_TOO_LARGE, max=MAX_INTEGER_DIGITS))
    return value


def _parse_date(value: object) -> datetime.date:
    if not isinstance(value, str) or not ISO_DATE_RE.fullmatch(value.strip()):
        raise _InvalidValueError(MSG_DATE)
    try:
        parsed = datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise _InvalidValueError(MSG_DATE) from None
    if parsed < MIN_DATE:
        raise _InvalidValueError(format_message(MSG_DATE_TOO_EARLY, min=MIN_DATE.isoformat()))
    return parsed


def _clean_date(spec: FieldSpec, value: object, today: datetime.date) -> str:
    return _parse_date(value).isoformat()


def _clean_date_past(spec: FieldSpec, value: object, today: datetime.date) -> str:
    parsed = _parse_date(value)
    if parsed > today:
        raise _InvalidValueError(MSG_DATE_IN_FUTURE)
    return parsed.isoformat()


def _clean_year(spec: FieldSpec, value: object, today: datetime.date) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= today.year:
        raise _InvalidValueError(format_message(MSG_YEAR, min=MIN_YEAR, max=today.year))
    return value


def _clean_currency(spec: FieldSpec, value: object, today: datetime.date) -> str:
    if not isinstance(value, str) or value.strip().upper() not in CURRENCIES:
        raise _InvalidValueError(MSG_CURRENCY)
    return value.strip().upper()


def _clean_person_register_number(spec: FieldSpec, value: object, today: datetime.date) -> str:
    if not isinstance(value, str) or len(value) > 64:
        raise _InvalidValueError(MSG_PERSON_REGISTER_NUMBER)
    number = value.strip().upper()
    if not PERSON_REGISTER_NUMBER_RE.fullmatch(number):
        raise _InvalidValueError(MSG_PERSON_REGISTER_NUMBER)
    return number


def _clean_company_register_number(spec: FieldSpec, value: object, today: datetime.date) -> str:
    if not isinstance(value, str) or not COMPANY_REGISTER_NUMBER_RE.fullmatch(value.strip()):
        raise _InvalidValueError(MSG_COMPANY_REGISTER_NUMBER)
    return value.strip()


def _clean_choice(spec: FieldSpec, value: object, today: datetime.date) -> str:
    if not isinstance(value, str) or value.strip() not in spec.choices:
        raise _InvalidValueError(MSG_CHOICE)
    return value.strip()


def _clean_boolean(spec: FieldSpec, value: object, today: datetime.date) -> bool:
    if not isinstance(value, bool):
        raise _InvalidValueError(MSG_BOOLEAN)
    return value


def _clean_email(spec: FieldSpec, value: object, today: datetime.date) -> str:
    if not isinstance(value, str) or len(value.strip()) > MAX_EMAIL_LENGTH:
        raise _InvalidValueError(MSG_EMAIL)
    email = value.strip()
    try:
        _email_validator(email)
    except ValidationError:
        raise _InvalidValueError(MSG_EMAIL) from None
    return email


def _clean_phone(spec: FieldSpec, value: object, today: datetime.date) -> str:
    """Accept ``99112233``, ``+976 9911-2233`` and the like; store the 8-digit national number."""
    if not isinstance(value, str) or len(value) > 64:
        raise _InvalidValueError(MSG_PHONE)
    match = PHONE_RE.fullmatch(re.sub(r"[\s-]", "", value))
    if not match:
        raise _InvalidValueError(MSG_PHONE)
    return match.group(1)


_CLEANERS: dict[FieldKind, Cleaner] = {
    FieldKind.TEXT: _clean_text,
    FieldKind.LONG_TEXT: _clean_text,
    FieldKind.DECIMAL_MNT: _clean_amount,
    FieldKind.DECIMAL: _clean_amount,
    FieldKind.PERCENT: _clean_percent,
    FieldKind.INTEGER: _clean_integer,
    FieldKind.DATE: _clean_date,
    FieldKind.DATE_PAST: _clean_date_past,
    FieldKind.YEAR: _clean_year,
    FieldKind.CURRENCY: _clean_currency,
    FieldKind.PERSON_REGISTER_NUMBER: _clean_person_register_number,
    FieldKind.COMPANY_REGISTER_NUMBER: _clean_company_register_number,
    FieldKind.CHOICE: _clean_choice,
    FieldKind.BOOLEAN: _clean_boolean,
    FieldKind.EMAIL: _clean_email,
    FieldKind.PHONE: _clean_phone,
}
