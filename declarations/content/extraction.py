"""Extract the entities cross-checks need from validated content: companies and family members.

These feed the indexed rows written when a revision is frozen (DESIGN §2) and the red-flag rules that
match declared companies against bidders and counterparties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

HOLDER_SELF: Final = "self"
HOLDER_FAMILY: Final = "family"

# Straight, typographic, guillemet and low quotes, and the backtick: declarants type all of them.
_QUOTES_RE = re.compile("[\"'`«»“”„‟‘’‚‛‹›＂＇]")
_WHITESPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class CompanyRef:
    """A company the declarant or a family member has an interest in.

    ``holder`` is ``"self"`` or ``"family"``; ``relationship`` is ``""`` for the declarant, else the
    family member's relationship; ``register_number`` is ``""`` when not declared; ``source`` names the
    section it came from (``"business_interests"``, ``"securities"``, ``"family_members.companies"``).
    """

    holder: str
    relationship: str
    name: str
    name_normalised: str
    register_number: str
    source: str = ""


def normalise_company_name(name: str) -> str:
    """A company name reduced for matching: case-folded, without quotes, whitespace collapsed.

    ``«Говь» ХХК``, ``"ГОВЬ"  ххк`` and ``говь ххк`` all become ``говь ххк``.
    """
    without_quotes = _QUOTES_RE.sub("", name.casefold())
    return _WHITESPACE_RE.sub(" ", without_quotes).strip()


def extract_companies(content: dict[str, Any]) -> list[CompanyRef]:
    """Every company named in the content, the declarant's first, then each family member's."""
    companies: list[CompanyRef] = []
    for row in _rows(content, "business_interests"):
        _add(companies, row, "company_name", "company_register_number", HOLDER_SELF, "", "business_interests")
    for row in _rows(content, "securities"):
        _add(companies, row, "issuer", "issuer_register_number", HOLDER_SELF, "", "securities")
    for member in _rows(content, "family_members"):
        relationship = _text(member.get("relationship"))
        for row in _rows(member, "companies"):
            _add(
                companies,
                row,
                "company_name",
                "company_register_number",
                HOLDER_FAMILY,
                relationship,
                "family_members.companies",
            )
    return companies


def family_register_numbers(content: dict[str, Any]) -> set[str]:
    """The upper-cased registration numbers of the family members listed in the content."""
    numbers = {_text(member.get("register_number")).upper() for member in _rows(content, "family_members")}
    numbers.discard("")
    return numbers


def _rows(container: object, key: str) -> list[dict[str, Any]]:
    rows = container.get(key) if isinstance(container, dict) else None
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _add(
    companies: list[CompanyRef],
    row: dict[str, Any],
    name_field: str,
    number_field: str,
    holder: str,
    relationship: str,
    source: str,
) -> None:
    name = _text(row.get(name_field))
    register_number = _text(row.get(number_field))
    if not name and not register_number:
        return
    companies.append(
        CompanyRef(
            holder=holder,
            relationship=relationship,
            name=name,
            name_normalised=normalise_company_name(name),
            register_number=register_number,
            source=source,
        )
    )
