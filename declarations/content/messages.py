"""The user-facing messages of content validation, one constant per reason.

English source strings; the Mongolian translations live in the project's .po catalogue. Tests compare
``str(error.message)`` with these constants, so a reworded message changes in one place only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

# A user-facing text: a plain string or a lazy translation.
if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    Text: TypeAlias = StrOrPromise
else:
    Text = str | Promise

# Structure
MSG_EXPECTED_OBJECT = _("Expected an object.")
MSG_EXPECTED_LIST = _("Expected a list.")
MSG_UNKNOWN_FIELD = _("Unknown field.")
MSG_TOO_MANY_ROWS = _("Ensure this list has at most %(max)d rows.")
MSG_REQUIRED = _("This field is required.")
MSG_SECTION_REQUIRED = _("This section is required.")

# Field values
MSG_TEXT = _("Enter a text value.")
MSG_MAX_LENGTH = _("Ensure this value has at most %(max)d characters.")
MSG_CONTROL_CHARACTERS = _("Remove the control characters from this value.")
MSG_AMOUNT = _("Enter a non-negative amount with at most 2 decimal places.")
MSG_AMOUNT_TOO_LARGE = _("Enter an amount with at most %(max)d digits before the decimal point.")
MSG_PERCENT = _("Enter a percentage between 0 and 100 with at most 2 decimal places.")
MSG_INTEGER = _("Enter a non-negative whole number.")
MSG_INTEGER_TOO_LARGE = _("Enter a number with at most %(max)d digits.")
MSG_DATE = _("Enter a valid date in the format YYYY-MM-DD.")
MSG_DATE_IN_FUTURE = _("Date cannot be in the future.")
MSG_DATE_TOO_EARLY = _("Date cannot be before %(min)s.")
MSG_YEAR = _("Enter a year between %(min)d and %(max)d.")
MSG_CURRENCY = _("Enter one of the accepted ISO 4217 currency codes.")
MSG_PERSON_REGISTER_NUMBER = _("Enter a registration number of two Cyrillic letters followed by 8 digits.")
MSG_COMPANY_REGISTER_NUMBER = _("Enter a company registration number of 7 digits.")
MSG_CHOICE = _("Select a valid choice.")
MSG_BOOLEAN = _("Enter true or false.")
MSG_EMAIL = _("Enter a valid email address.")
MSG_PHONE = _("Enter a phone number of 8 digits, optionally preceded by +976.")

# Cross-field rules
MSG_MNT_AMOUNT_REQUIRED = _("Amount in MNT is required for a foreign currency.")
MSG_MNT_AMOUNT_MISMATCH = _("Amount in MNT must equal the amount when the currency is MNT.")
MSG_END_BEFORE_START = _("End date cannot be before the start date.")


def _interpolate(message: Text, params: dict[str, object]) -> str:
    return str(message) % params


_lazy_interpolate = lazy(_interpolate, str)


def format_message(message: Text, **params: object) -> Text:
    """Fill a message's ``%(name)s`` placeholders, keeping it lazy so it renders in the reader's language."""
    return _lazy_interpolate(message, params)
