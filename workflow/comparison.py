"""Year-over-year comparison of a declaration with the filer's previous accepted one, and the machine checks.

``compare_contents`` is a pure function of two contents (the frozen revisions' ``content``): it matches the
rows of each compared section (assets, income, loans, business interests, family members' companies),
says which rows were added, removed or changed and which fields changed, and totals the MNT amounts. The
machine checks rank what deserves a reviewer's look (DESIGN §2, §10): net assets that grew more than the
declared income explains, and a loan above 80% of the declared annual income. A check never blocks.

``declaration_comparison`` reads the two revisions. The previous declaration is the filer's own, whichever
organisation it was filed in: reviewing a filing covers the declared history needed to verify it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from declarations.content import (
    CHOICE_LABELS,
    CURRENT_FORM_VERSION,
    FieldKind,
    FieldSpec,
    FormSchema,
    UnknownFormVersion,
    get_form,
    normalise_company_name,
)
from declarations.content.messages import Text
from declarations.models import Declaration, DeclarationRevision, DeclarationState

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
UNCHANGED = "unchanged"
INCREASED = "increased"
DECREASED = "decreased"

ASSET_SECTIONS = ("real_estate", "vehicles", "bank_accounts", "securities")
FAMILY_COMPANIES = "family_members.companies"
#: The compared sections, in the order a reviewer reads them.
COMPARED_SECTIONS = (
    "business_interests",
    "real_estate",
    "vehicles",
    "bank_accounts",
    "securities",
    "income",
    "loans",
    FAMILY_COMPANIES,
)
#: The declarations a new one is compared with: decided by a reviewer and not withdrawn.
FINAL_STATES = (DeclarationState.ACCEPTED, DeclarationState.PUBLISHED)

LOAN_INCOME_RATIO = Decimal("0.8")
ASSETS_OUTGROW_INCOME = "assets_outgrow_income"
LOAN_ABOVE_INCOME = "loan_above_income"
ASSETS_OUTGROW_INCOME_MESSAGE = _(
    "Net assets (assets less outstanding loans) grew by %(growth)s MNT since the previous declaration, "
    "more than the %(income)s MNT of income declared."
)
LOAN_ABOVE_INCOME_MESSAGE = _(
    "Loan %(number)s, of %(loan)s MNT, is more than 80%% of the %(income)s MNT of income declared."
)
ZERO = Decimal(0)


@dataclass(frozen=True)
class _Rule:
    """How a section's rows are matched from one year to the next, and which field holds the MNT amount.

    ``keys`` are tried in turn: rows whose fields of a key are all filled in and equal (case, spacing and
    quotes folded) are the same row; rows left over are matched on the next key.
    """

    keys: tuple[tuple[str, ...], ...]
    amount: str | None = None


RULES: dict[str, _Rule] = {
    "business_interests": _Rule(keys=(("company_register_number",), ("company_name",))),
    "real_estate": _Rule(keys=(("parcel_number",), ("kind", "address")), amount="value_mnt"),
    "vehicles": _Rule(keys=(("plate_number",), ("make", "model", "year")), amount="value_mnt"),
    "bank_accounts": _Rule(keys=(("account_number",), ("bank_name", "currency")), amount="balance_mnt"),
    "securities": _Rule(keys=(("issuer_register_number", "kind"), ("issuer", "kind")), amount="value_mnt"),
    "income": _Rule(keys=(("source", "kind"), ("source",)), amount="amount_mnt"),
    "loans": _Rule(keys=(("lender", "taken_on"), ("lender", "currency")), amount="outstanding_mnt"),
    FAMILY_COMPANIES: _Rule(
        keys=(
            ("member_register_number", "company_register_number"),
            ("member_name", "company_register_number"),
            ("member_register_number", "company_name"),
            ("member_name", "company_name"),
        )
    ),
}


@dataclass(frozen=True)
class Total:
    """An MNT total of the previous and the current declaration (``previous`` is None without one)."""

    previous: Decimal | None
    current: Decimal

    @property
    def difference(self) -> Decimal | None:
        return None if self.previous is None else self.current - self.previous

    @property
    def status(self) -> str | None:
        difference = self.difference
        if difference is None:
            return None
        if difference > 0:
            return INCREASED
        return DECREASED if difference < 0 else UNCHANGED


@dataclass(frozen=True)
class FieldChange:
    """A field of a matched row whose value changed."""

    field: str
    previous: Any
    current: Any


@dataclass(frozen=True)
class RowChange:
    """One row of a compared section: added, removed, changed or unchanged since the previous declaration.

    The paths address the row in each content (``real_estate[0]``), as the reviewer's remarks do.
    """

    status: str
    previous_path: str | None
    current_path: str | None
    previous: Mapping[str, Any] | None
    current: Mapping[str, Any] | None
    previous_amount: Decimal | None = None
    current_amount: Decimal | None = None
    difference: Decimal | None = None
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class SectionComparison:
    name: str
    rows: tuple[RowChange, ...]
    total: Total | None  # None for a section without amounts

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


@dataclass(frozen=True)
class KindTotal:
    kind: str
    total: Total


@dataclass(frozen=True)
class Check:
    """A machine finding: its code, its message and the values the message names (amounts in MNT)."""

    code: str
    message: Text
    params: Mapping[str, Decimal | int]
    path: str = ""


@dataclass(frozen=True)
class Comparison:
    has_previous: bool
    sections: tuple[SectionComparison, ...]
    assets: Total
    income: Total
    loans: Total
    income_by_kind: tuple[KindTotal, ...]
    checks: tuple[Check, ...] = field(default=())

    def section(self, name: str) -> SectionComparison:
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)


# --- reading content ----------------------------------------------------------------------------------


def amount(value: Any) -> Decimal | None:
    """A declared amount as a Decimal; None when blank or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _list(container: Any, key: str) -> list[dict[str, Any]]:
    rows = container.get(key) if isinstance(container, Mapping) else None
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def section_rows(content: Mapping[str, Any] | None, name: str) -> list[tuple[str, dict[str, Any]]]:
    """The rows of a compared section with their paths; a family member's companies carry the member."""
    if content is None:
        return []
    if name != FAMILY_COMPANIES:
        return [(f"{name}[{index}]", row) for index, row in enumerate(_list(content, name))]
    rows = []
    for member_index, member in enumerate(_list(content, "family_members")):
        for index, company in enumerate(_list(member, "companies")):
            row = {
                **company,
                "member_name": member.get("full_name"),
                "member_register_number": member.get("register_number"),
                "member_relationship": member.get("relationship"),
            }
            rows.append((f"family_members[{member_index}].companies[{index}]", row))
    return rows


def section_fields(form: FormSchema, name: str) -> tuple[FieldSpec, ...]:
    """The fields a compared section's rows are compared on."""
    if name == FAMILY_COMPANIES:
        members = form.section("family_members")
        return next(sub for sub in members.subsections if sub.name == "companies").fields
    return form.section(name).fields


def _key_part(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = normalise_company_name(str(value))
    return text or None


def _key(row: Mapping[str, Any], fields: Sequence[str]) -> tuple[str, ...] | None:
    parts = tuple(_key_part(row.get(name)) for name in fields)
    return None if any(part is None for part in parts) else parts  # type: ignore[return-value]


def _comparable(spec: FieldSpec, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if spec.kind in (FieldKind.DECIMAL, FieldKind.DECIMAL_MNT, FieldKind.PERCENT):
        number = amount(value)
        return number if number is not None else value
    return value.strip() if isinstance(value, str) else value


def _match(
    previous: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]], keys: Sequence[Sequence[str]]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs (previous index, current index) of the same rows; the unmatched previous and current indices.

    Rows with equal keys pair up in their order, so two identical rows match two identical rows.
    """
    pairs: list[tuple[int, int]] = []
    previous_left = list(range(len(previous)))
    current_left = list(range(len(current)))
    for key_fields in keys:
        waiting: dict[tuple[str, ...], list[int]] = {}
        for index in previous_left:
            key = _key(previous[index], key_fields)
            if key is not None:
                waiting.setdefault(key, []).append(index)
        matched: set[int] = set()
        unmatched_current = []
        for index in current_left:
            key = _key(current[index], key_fields)
            bucket = waiting.get(key) if key is not None else None
            if bucket:
                previous_index = bucket.pop(0)
                pairs.append((previous_index, index))
                matched.add(previous_index)
            else:
                unmatched_current.append(index)
        previous_left = [index for index in previous_left if index not in matched]
        current_left = unmatched_current
    return pairs, previous_left, current_left


def _difference(previous: Decimal | None, current: Decimal | None) -> Decimal:
    return (current or ZERO) - (previous or ZERO)


def _rows_total(rows: Sequence[tuple[str, Mapping[str, Any]]], field_name: str | None) -> Decimal:
    if field_name is None:
        return ZERO
    return sum((amount(row.get(field_name)) or ZERO for _path, row in rows), ZERO)


def compare_section(
    form: FormSchema, name: str, previous: Mapping[str, Any] | None, current: Mapping[str, Any]
) -> SectionComparison:
    """One section's rows, in the current declaration's order, then the removed rows in the previous order."""
    rule = RULES[name]
    fields = section_fields(form, name)
    current_rows = section_rows(current, name)
    current_total = _rows_total(current_rows, rule.amount)
    if previous is None:
        total = Total(previous=None, current=current_total) if rule.amount else None
        return SectionComparison(name=name, rows=(), total=total)
    previous_rows = section_rows(previous, name)
    pairs, removed, _added = _match([row for _p, row in previous_rows], [row for _p, row in current_rows], rule.keys)

    def row_amount(row: Mapping[str, Any] | None) -> Decimal | None:
        return amount(row.get(rule.amount)) if rule.amount and row is not None else None

    def change(status: str, previous_index: int | None, current_index: int | None) -> RowChange:
        old_path, old = previous_rows[previous_index] if previous_index is not None else (None, None)
        new_path, new = current_rows[current_index] if current_index is not None else (None, None)
        changes: tuple[FieldChange, ...] = ()
        if old is not None and new is not None:
            changes = tuple(
                FieldChange(field=spec.name, previous=old.get(spec.name), current=new.get(spec.name))
                for spec in fields
                if _comparable(spec, old.get(spec.name)) != _comparable(spec, new.get(spec.name))
            )
            status = CHANGED if changes else UNCHANGED
        old_amount, new_amount = row_amount(old), row_amount(new)
        return RowChange(
            status=status,
            previous_path=old_path,
            current_path=new_path,
            previous=old,
            current=new,
            previous_amount=old_amount,
            current_amount=new_amount,
            difference=_difference(old_amount, new_amount) if rule.amount else None,
            changes=changes,
        )

    by_current = {current_index: previous_index for previous_index, current_index in pairs}
    rows = [
        change(UNCHANGED, by_current[index], index) if index in by_current else change(ADDED, None, index)
        for index in range(len(current_rows))
    ]
    rows += [change(REMOVED, index, None) for index in removed]
    previous_total = _rows_total(previous_rows, rule.amount)
    total = Total(previous=previous_total, current=current_total) if rule.amount else None
    return SectionComparison(name=name, rows=tuple(rows), total=total)


def _sum_totals(sections: Sequence[SectionComparison], names: Sequence[str], *, has_previous: bool) -> Total:
    chosen = [section.total for section in sections if section.name in names and section.total is not None]
    current = sum((total.current for total in chosen), ZERO)
    previous = sum((total.previous or ZERO for total in chosen), ZERO) if has_previous else None
    return Total(previous=previous, current=current)


def _income_by_kind(
    previous: Mapping[str, Any] | None, current: Mapping[str, Any], choices: Sequence[str]
) -> tuple[KindTotal, ...]:
    """The income of each kind declared in either year, in the form's order of kinds."""
    sums: dict[str, list[Decimal]] = {}
    for side, content in enumerate((previous, current)):
        for _path, row in section_rows(content, "income"):
            kind = str(row.get("kind") or "")
            sums.setdefault(kind, [ZERO, ZERO])[side] += amount(row.get("amount_mnt")) or ZERO
    order = {kind: position for position, kind in enumerate(choices)}
    kinds = sorted(sums, key=lambda kind: (order.get(kind, len(order)), kind))
    return tuple(
        KindTotal(
            kind=kind, total=Total(previous=sums[kind][0] if previous is not None else None, current=sums[kind][1])
        )
        for kind in kinds
    )


def machine_checks(comparison: Comparison, current: Mapping[str, Any]) -> tuple[Check, ...]:
    """The machine findings on the current declaration (DESIGN §2): never a verdict, a reason to look."""
    checks = []
    income = comparison.income.current
    if comparison.has_previous:
        assert comparison.assets.previous is not None
        assert comparison.loans.previous is not None
        growth = (comparison.assets.current - comparison.loans.current) - (
            comparison.assets.previous - comparison.loans.previous
        )
        if growth > 0 and growth > income:
            checks.append(
                Check(
                    code=ASSETS_OUTGROW_INCOME,
                    message=ASSETS_OUTGROW_INCOME_MESSAGE,
                    params={"growth": growth, "income": income},
                )
            )
    threshold = income * LOAN_INCOME_RATIO
    for index, (path, row) in enumerate(section_rows(current, "loans")):
        loan = amount(row.get("amount_mnt"))
        if loan is not None and loan > threshold:
            checks.append(
                Check(
                    code=LOAN_ABOVE_INCOME,
                    message=LOAN_ABOVE_INCOME_MESSAGE,
                    params={"number": index + 1, "loan": loan, "income": income},
                    path=path,
                )
            )
    return tuple(checks)


def compare_contents(
    previous: Mapping[str, Any] | None, current: Mapping[str, Any], *, form: FormSchema | None = None
) -> Comparison:
    """Compare a declaration's content with the previous declaration's (None when there is none)."""
    form = form or get_form(CURRENT_FORM_VERSION)
    sections = tuple(compare_section(form, name, previous, current) for name in COMPARED_SECTIONS)
    has_previous = previous is not None
    income_choices = form.section("income").field("kind").choices
    comparison = Comparison(
        has_previous=has_previous,
        sections=sections,
        assets=_sum_totals(sections, ASSET_SECTIONS, has_previous=has_previous),
        income=_sum_totals(sections, ("income",), has_previous=has_previous),
        loans=_sum_totals(sections, ("loans",), has_previous=has_previous),
        income_by_kind=_income_by_kind(previous, current, income_choices),
    )
    return replace(comparison, checks=machine_checks(comparison, current))


def income_kind_label(kind: str) -> Any:
    """The display label of an income kind (the value itself when the form does not know it)."""
    return CHOICE_LABELS.get(kind, kind)


# --- reading the revisions ------------------------------------------------------------------------------


def latest_revision(declaration: Declaration) -> DeclarationRevision | None:
    """The declaration's last frozen revision: what its filer last submitted."""
    return declaration.revisions.order_by("-number").first()


def previous_final_revision(declaration: Declaration) -> DeclarationRevision | None:
    """The last revision of the filer's previous accepted or published declaration.

    Previous means decided (accepted, or concluded on) before this declaration was submitted; the latest
    such decision wins. A correction is compared with the declaration it corrects.
    """
    decided_at = Coalesce("declaration__accepted_at", "declaration__concluded_at", "declaration__submitted_at")
    revisions = (
        DeclarationRevision.objects.filter(
            declaration__official_id=declaration.official_id, declaration__state__in=FINAL_STATES
        )
        .exclude(declaration_id=declaration.pk)
        .annotate(decided_at=decided_at)
        .select_related("declaration")
    )
    if declaration.submitted_at is not None:
        revisions = revisions.filter(decided_at__lt=declaration.submitted_at)
    return revisions.order_by(
        F("decided_at").desc(nulls_last=True), "-declaration__year", "-declaration_id", "-number"
    ).first()


@dataclass(frozen=True)
class DeclarationComparison:
    """The revision on review, the previous declaration's revision (or None) and their comparison."""

    revision: DeclarationRevision | None
    previous: DeclarationRevision | None
    comparison: Comparison | None


def declaration_comparison(declaration: Declaration) -> DeclarationComparison:
    """Compare the declaration's last frozen revision with the filer's previous accepted declaration."""
    revision = latest_revision(declaration)
    if revision is None:
        return DeclarationComparison(revision=None, previous=None, comparison=None)
    previous = previous_final_revision(declaration)
    try:
        form = get_form(revision.form_version)
    except UnknownFormVersion:
        form = get_form(CURRENT_FORM_VERSION)
    comparison = compare_contents(previous.content if previous else None, revision.content, form=form)
    return DeclarationComparison(revision=revision, previous=previous, comparison=comparison)
