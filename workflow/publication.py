"""What a published filing shows the public: the parts of a notice and of a conclusion that are public.

A declaration's content goes through the form's allowlist (``declarations.content.redact``). A notice's
fields and a conclusion's fields are listed here the same way: a field not named is private. Registration
numbers, the free-text nature of an interest (it names relatives), the conditions set and the reviewer's
resolution text, and the agency reviewer's internal notes never reach the register.
"""

from __future__ import annotations

from typing import Any

from declarations.models import Conclusion, Notice
from declarations.rules import latest_conclusion

# (field, public) for every field a notice's public record could draw from, in the order shown.
NOTICE_FIELD_POLICY: tuple[tuple[str, bool], ...] = (
    ("category", True),
    ("title", True),
    ("reference_number", True),
    ("action_date", True),
    ("counterparty_name", True),
    ("counterparty_register_number", False),
    ("outcome", True),
    ("interest_nature", False),
    ("proposed_handling", True),
    ("handling_conditions", False),
    ("resolution", False),
    ("is_late", True),
    ("is_supplementary", True),
)
CONCLUSION_FIELD_POLICY: tuple[tuple[str, bool], ...] = (
    ("finding", True),
    ("legal_article", True),
    ("reasoning", True),
    ("concluded_at", True),
    ("internal_notes", False),
)


def notice_public_content(notice: Notice) -> dict[str, Any]:
    """The public fields of a notice, as JSON values."""
    values: dict[str, Any] = {
        "category": notice.category.code,
        "title": notice.title,
        "reference_number": notice.reference_number,
        "action_date": notice.action_date.isoformat() if notice.action_date else None,
        "counterparty_name": notice.counterparty_name,
        "outcome": notice.outcome,
        "proposed_handling": notice.proposed_handling,
        "is_late": notice.is_late,
        "is_supplementary": notice.is_supplementary,
    }
    public = {name for name, is_public in NOTICE_FIELD_POLICY if is_public}
    return {name: value for name, value in values.items() if name in public}


def public_conclusion(filing: Any) -> dict[str, Any]:
    """The public part of the agency's latest conclusion on the filing, or ``{}`` when it has none."""
    conclusion: Conclusion | None = latest_conclusion(filing)
    if conclusion is None:
        return {}
    values = {
        "finding": conclusion.finding,
        "legal_article": conclusion.legal_article,
        "reasoning": conclusion.reasoning,
        "concluded_at": conclusion.concluded_at.isoformat(),
    }
    public = {name for name, is_public in CONCLUSION_FIELD_POLICY if is_public}
    return {name: value for name, value in values.items() if name in public}
