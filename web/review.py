"""Pages: the reviewer's queue of declarations and the review of one declaration, with its actions.

An authorised official (ЭБАТ) and an agency (АТГ) reviewer work the queue (``policies.review_queue_for``,
narrowed by ``workflow.review_queue``), open a declaration (``review_queue.get_reviewable_declaration``: out
of scope is a 404), read its frozen content, history, machine checks and the year-over-year comparison
(``workflow.comparison``), and take the actions ``services.available_transitions`` offers. Every action is a
POST to its own address that calls one transition service; a refusal changes nothing and is shown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from declarations.content import (
    CHOICE_LABELS,
    CURRENT_FORM_VERSION,
    FieldKind,
    FieldSpec,
    FormSchema,
    SectionSpec,
    UnknownFormVersion,
    get_form,
)
from declarations.models import (
    ConclusionFinding,
    Declaration,
    DeclarationKind,
    DeclarationState,
    Organisation,
)
from web.content import declaration_sections
from workflow import comparison, errors, policies, review_queue, services, transitions
from workflow.comparison import Comparison, RowChange, SectionComparison, Total
from workflow.referrals import FINDING_NOT_FOR_FILING, LEGAL_ARTICLE_REQUIRED, REASONING_REQUIRED

PAGE_SIZE = 50
MAX_PAGE = 10**6
TEXT_MAX_LENGTH = 255
BLANK_REMARKS = 3
#: The transitions this page offers, in the order its forms are shown.
REVIEW_ACTIONS = ("start_review", "return_for_correction", "accept", "refer", "conclude", "publish")

DONE_MESSAGES = {
    "start_review": _("The review has started."),
    "return_for_correction": _("The declaration was returned to its filer for correction."),
    "accept": _("The declaration was accepted."),
    "refer": _("The declaration was referred to the agency."),
    "conclude": _("The conclusion was recorded."),
    "publish": _("The declaration was published in the public register."),
}
STEP_LABELS = {
    "submit": _("Submitted"),
    "resubmit": _("Submitted again after correction"),
    "start_review": _("Review started"),
    "return_for_correction": _("Returned for correction"),
    "accept": _("Accepted"),
    "refer": _("Referred to the agency"),
    "assign_reviewer": _("Assigned to an agency reviewer"),
    "conclude": _("Concluded by the agency"),
    "publish": _("Published"),
    "withdraw_publication": _("Publication withdrawn"),
    "discard": _("Discarded"),
}
MARKERS = {
    comparison.ADDED: _("New"),
    comparison.REMOVED: _("Removed"),
    comparison.CHANGED: _("Changed"),
    comparison.UNCHANGED: _("Unchanged"),
    comparison.INCREASED: _("Increased"),
    comparison.DECREASED: _("Decreased"),
}
SECTION_LABELS = {comparison.FAMILY_COMPANIES: _("Companies of family members")}
WHOLE_SECTION = _("the whole section")
REMARK_NEEDS_FIELD = _("Choose the field the remark is about.")
REMARK_NEEDS_MESSAGE = _("Write what to correct.")
SYSTEM_ACTOR = _("The system")
NOTHING_CHANGED = _("Nothing was changed.")
NOTHING = "—"

# The data that tells a compared row apart, and the field whose value is a label of the form's (a kind).
ROW_SUMMARY: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "business_interests": ("role", ("company_name", "company_register_number")),
    "real_estate": ("kind", ("address", "parcel_number")),
    "vehicles": (None, ("make", "model", "year", "plate_number")),
    "bank_accounts": (None, ("bank_name", "account_number", "currency")),
    "securities": ("kind", ("issuer", "issuer_register_number")),
    "income": ("kind", ("source",)),
    "loans": (None, ("lender", "currency", "taken_on")),
    comparison.FAMILY_COMPANIES: ("member_relationship", ("member_name", "company_name", "company_register_number")),
}
_SEGMENT = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[(\d{1,4})\])?$")


# --- display helpers ------------------------------------------------------------------------------------


def money(value: Decimal | None, *, signed: bool = False) -> str:
    """An MNT amount with its thousands grouped by spaces, the same in both languages."""
    if value is None:
        return NOTHING
    text = f"{value:,.2f}".replace(",", "\u00a0")
    return f"+{text}" if signed and value > 0 else text


def _form_of(version: str) -> FormSchema:
    try:
        return get_form(version)
    except UnknownFormVersion:
        return get_form(CURRENT_FORM_VERSION)


def path_label(form: FormSchema, target: str) -> str:
    """A content path (``family_members[0].companies[1].company_name``) in the form's own words:
    ``Family members 1 › Companies 2 › Company name``; the path itself when the form does not know it."""
    parts: list[str] = []
    sections: Iterable[SectionSpec] = form.sections
    fields: Iterable[FieldSpec] = ()
    done = False
    for segment in target.split("."):
        match = _SEGMENT.match(segment)
        if match is None or done:
            return target
        name, index = match.group(1), match.group(2)
        section = next((spec for spec in sections if spec.name == name), None)
        if section is not None:
            parts.append(f"{section.label} {int(index) + 1}" if index is not None else str(section.label))
            sections, fields = section.subsections, section.fields
            continue
        spec = next((spec for spec in fields if spec.name == name), None)
        if spec is None or index is not None:
            return target
        parts.append(str(spec.label))
        done = True
    return " › ".join(parts)


def remark_targets(form: FormSchema, content: dict[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The content's sections, rows and fields a remark may point at, grouped by section for a select."""

    def rows_of(container: Any, name: str) -> list[dict[str, Any]]:
        rows = container.get(name) if isinstance(container, dict) else None
        return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []

    def add_rows(options: list[tuple[str, str]], spec: SectionSpec, container: Any, prefix: str) -> None:
        for index, row in enumerate(rows_of(container, spec.name)):
            row_path = f"{prefix}{spec.name}[{index}]"
            options.append((row_path, path_label(form, row_path)))
            options.extend(
                (f"{row_path}.{field_spec.name}", path_label(form, f"{row_path}.{field_spec.name}"))
                for field_spec in spec.fields
            )
            for sub in spec.subsections:
                add_rows(options, sub, row, f"{row_path}.")

    groups = []
    for section in form.sections:
        options = [(section.name, f"{section.label}: {WHOLE_SECTION}")]
        if section.many:
            add_rows(options, section, content, "")
        else:
            options.extend(
                (f"{section.name}.{spec.name}", path_label(form, f"{section.name}.{spec.name}"))
                for spec in section.fields
            )
        groups.append((str(section.label), options))
    return groups


@dataclass(frozen=True)
class Shown:
    """A value to show: filed data (marked as such for the page-language checks) or the form's own label."""

    text: str
    is_data: bool = True


def _shown(spec: FieldSpec | None, value: Any) -> Shown:
    if value is None or value == "":
        return Shown(NOTHING, is_data=False)
    if spec is not None and spec.kind == FieldKind.CHOICE:
        return Shown(str(CHOICE_LABELS.get(value, value)), is_data=value not in CHOICE_LABELS)
    if spec is not None and spec.kind == FieldKind.DECIMAL_MNT:
        return Shown(money(comparison.amount(value)))
    if isinstance(value, bool):
        return Shown(str(_("Yes") if value else _("No")), is_data=False)
    return Shown(str(value))


@dataclass(frozen=True)
class TotalView:
    label: Any
    previous: str
    current: str
    difference: str
    status: str
    marker: Any


def _total(label: Any, total: Total) -> TotalView:
    status = total.status or ""
    return TotalView(
        label=label,
        previous=money(total.previous),
        current=money(total.current),
        difference=money(total.difference, signed=True),
        status=status,
        marker=MARKERS.get(status, ""),
    )


@dataclass(frozen=True)
class ChangeView:
    label: Any
    previous: Shown
    current: Shown


@dataclass(frozen=True)
class RowView:
    status: str
    marker: Any
    kind: str
    summary: str
    previous: str
    current: str
    difference: str
    changes: list[ChangeView]


@dataclass(frozen=True)
class SectionView:
    name: str
    label: Any
    has_amounts: bool
    total: TotalView | None
    rows: list[RowView]
    counts: dict[str, int] = field(default_factory=dict)


def _row_view(row: RowChange, fields: dict[str, FieldSpec], section: str) -> RowView:
    kind_field, summary_fields = ROW_SUMMARY[section]
    values = row.current if row.current is not None else row.previous or {}
    kind_value = values.get(kind_field) if kind_field else None
    summary = ", ".join(str(values[name]) for name in summary_fields if values.get(name) not in (None, ""))
    return RowView(
        status=row.status,
        marker=MARKERS[row.status],
        kind=str(CHOICE_LABELS.get(kind_value, kind_value)) if kind_value else "",
        summary=summary,
        previous=money(row.previous_amount) if row.previous is not None else NOTHING,
        current=money(row.current_amount) if row.current is not None else NOTHING,
        difference=money(row.difference, signed=True),
        changes=[
            ChangeView(
                label=fields[change.field].label,
                previous=_shown(fields[change.field], change.previous),
                current=_shown(fields[change.field], change.current),
            )
            for change in row.changes
        ],
    )


def _section_view(form: FormSchema, section: SectionComparison) -> SectionView:
    fields = {spec.name: spec for spec in comparison.section_fields(form, section.name)}
    label = SECTION_LABELS.get(section.name) or form.section(section.name).label
    return SectionView(
        name=section.name,
        label=label,
        has_amounts=section.total is not None,
        total=_total(label, section.total) if section.total is not None else None,
        rows=[_row_view(row, fields, section.name) for row in section.rows],
        counts={status: section.count(status) for status in (comparison.ADDED, comparison.REMOVED, comparison.CHANGED)},
    )


def _check_text(check: comparison.Check) -> str:
    params = {key: money(value) if isinstance(value, Decimal) else value for key, value in check.params.items()}
    return str(check.message) % params


@dataclass(frozen=True)
class ComparisonView:
    has_previous: bool
    previous: Declaration | None
    totals: list[TotalView]
    income_by_kind: list[TotalView]
    sections: list[SectionView]
    checks: list[str]


def _comparison_view(form: FormSchema, compared: comparison.DeclarationComparison) -> ComparisonView | None:
    result: Comparison | None = compared.comparison
    if result is None:
        return None
    return ComparisonView(
        has_previous=result.has_previous,
        previous=compared.previous.declaration if compared.previous else None,
        totals=[
            _total(_("Total assets (real estate, vehicles, bank accounts, securities)"), result.assets),
            _total(_("Total income"), result.income),
            _total(_("Outstanding loans"), result.loans),
        ],
        income_by_kind=[_total(comparison.income_kind_label(item.kind), item.total) for item in result.income_by_kind],
        sections=[_section_view(form, section) for section in result.sections],
        checks=[_check_text(check) for check in result.checks],
    )


@dataclass(frozen=True)
class HistoryItem:
    at: Any
    step: Any
    from_state: Any
    to_state: Any
    actor: str
    comment: Shown | None
    remarks: list[tuple[str, str]]


def _state_label(value: str) -> Any:
    return DeclarationState(value).label if value in DeclarationState.values else value


def _actor_name(actor: Any) -> str:
    if actor is None:
        return str(SYSTEM_ACTOR)
    official = getattr(actor, "official", None)
    return official.full_name if official is not None else actor.get_username()


def _comment(transition: str, comment: str) -> Shown | None:
    """A step's comment; a conclusion's is its finding, shown by its label."""
    if not comment:
        return None
    if transition == "conclude" and comment in ConclusionFinding.values:
        return Shown(str(ConclusionFinding(comment).label), is_data=False)
    return Shown(comment)


def _history(user: Any, declaration: Declaration, form: FormSchema) -> list[HistoryItem]:
    return [
        HistoryItem(
            at=entry.at,
            step=STEP_LABELS.get(entry.transition, entry.transition),
            from_state=_state_label(entry.from_state),
            to_state=_state_label(entry.to_state),
            actor=_actor_name(entry.actor),
            comment=_comment(entry.transition, entry.comment),
            remarks=[
                (path_label(form, str(remark.get("path", ""))), str(remark.get("message", "")))
                for remark in entry.remarks or []
                if isinstance(remark, dict)
            ],
        )
        for entry in policies.history_for_user(user, declaration)
    ]


# --- forms ----------------------------------------------------------------------------------------------


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation, indented under its parent so that the tree shows in the list."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * max(obj.path.count('/') - 2, 0)}{obj.name}"


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    organisation = OrganisationChoiceField(
        label=_("Organisation, with everything under it"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations"),
        # The organisations' names are data, in the language they were registered in.
        widget=forms.Select({"class": "fit", "translate": "no"}),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1, max_value=9999)
    kind = forms.ChoiceField(
        label=_("Kind of declaration"),
        required=False,
        choices=[("", _("All kinds")), *DeclarationKind.choices],
        widget=forms.Select({"class": "fit"}),
    )
    q = forms.CharField(
        label=_("Name of the filer"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.TextInput({"class": "fit", "type": "search"}),
    )

    def __init__(self, *args: Any, user: Any, states: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = [("", _("All states")), *((value, DeclarationState(value).label) for value in states)]
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = review_queue.queue_organisations(user)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the filer"),
        max_length=transitions.MAX_TEXT_LENGTH,
        widget=forms.Textarea({"rows": 4, "class": "fit", "translate": "no"}),
        error_messages={"required": errors.COMMENT_REQUIRED},
    )


class RemarkForm(forms.Form):
    path = forms.ChoiceField(label=_("Field"), required=False, widget=forms.Select({"class": "fit"}))
    message = forms.CharField(
        label=_("What to correct"),
        required=False,
        max_length=transitions.MAX_TEXT_LENGTH,
        widget=forms.Textarea({"rows": 2, "class": "fit", "translate": "no"}),
    )

    def __init__(self, *args: Any, targets: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["path"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [("", _("Choose a field")), *targets]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("path") and not cleaned.get("message", "").strip():
            self.add_error("message", REMARK_NEEDS_MESSAGE)
        if cleaned.get("message", "").strip() and not cleaned.get("path") and "path" not in self.errors:
            self.add_error("path", REMARK_NEEDS_FIELD)
        return cleaned


RemarkFormSet = formset_factory(
    RemarkForm, extra=BLANK_REMARKS, max_num=services.MAX_REMARKS, absolute_max=services.MAX_REMARKS, validate_max=True
)


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=transitions.MAX_TEXT_LENGTH,
        widget=forms.Textarea({"rows": 2, "class": "fit", "translate": "no"}),
    )


class ReferForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the referral"),
        max_length=transitions.MAX_TEXT_LENGTH,
        widget=forms.Textarea({"rows": 3, "class": "fit", "translate": "no"}),
        error_messages={"required": errors.REASON_REQUIRED},
    )


class ConcludeForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), widget=forms.Select({"class": "fit"}))
    legal_article = forms.CharField(
        label=_("Legal article"), max_length=TEXT_MAX_LENGTH, widget=forms.TextInput({"class": "fit"})
    )
    reasoning = forms.CharField(
        label=_("Reasoning"),
        max_length=transitions.MAX_TEXT_LENGTH,
        widget=forms.Textarea({"rows": 4, "class": "fit", "translate": "no"}),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes for the agency (optional)"),
        required=False,
        max_length=transitions.MAX_TEXT_LENGTH,
        widget=forms.Textarea({"rows": 2, "class": "fit", "translate": "no"}),
    )

    def __init__(self, *args: Any, findings: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        finding = self.fields["finding"]
        assert isinstance(finding, forms.ChoiceField)
        finding.choices = [
            ("", _("Choose a finding")),
            *((value, ConclusionFinding(value).label) for value in findings),
        ]
        # The services' own messages, so the page and the API say the same.
        finding.error_messages.update(required=FINDING_NOT_FOR_FILING, invalid_choice=FINDING_NOT_FOR_FILING)
        self.fields["legal_article"].error_messages["required"] = LEGAL_ARTICLE_REQUIRED
        self.fields["reasoning"].error_messages["required"] = REASONING_REQUIRED


# --- the queue ------------------------------------------------------------------------------------------


def _page_number(value: str | None) -> int:
    try:
        number = int(value or "1")
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def _query(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = str(value)
    return f"?{query.urlencode()}"


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """The declarations waiting for the reviewer, oldest submission first, filtered and counted per state."""
    user = request.user
    states = review_queue.queue_states_for(user)
    form = QueueFilterForm(request.GET or None, user=user, states=states)
    context: dict[str, Any] = {"form": form, "rows": [], "counts": [], "page": None}
    if not form.is_bound or form.is_valid():
        criteria = form.cleaned_data if form.is_bound else {}
        narrowed = review_queue.filter_queue(
            policies.review_queue_for(user),
            organisation=criteria.get("organisation"),
            year=criteria.get("year"),
            kind=criteria.get("kind") or "",
            name=criteria.get("q") or "",
        )
        counts = review_queue.state_counts(narrowed, states)
        state = criteria.get("state") or ""
        total = counts[state] if state else sum(counts.values())
        pages = max(math.ceil(total / PAGE_SIZE), 1)
        number = min(_page_number(request.GET.get("page")), pages)
        rows = narrowed.filter(state=state) if state else narrowed
        start = (number - 1) * PAGE_SIZE
        context.update(
            rows=list(rows[start : start + PAGE_SIZE]) if total else [],
            total=total,
            counts=[
                {
                    "label": _("All states"),
                    "count": sum(counts.values()),
                    "url": _query(request, state=None, page=None),
                    "current": not state,
                },
                *(
                    {
                        "label": DeclarationState(value).label,
                        "count": count,
                        "url": _query(request, state=value, page=None),
                        "current": value == state,
                    }
                    for value, count in counts.items()
                ),
            ],
            page={
                "number": number,
                "count": pages,
                "previous_url": _query(request, page=number - 1) if number > 1 else None,
                "next_url": _query(request, page=number + 1) if number < pages else None,
            },
        )
    return render(request, "web/review/queue.html", context)


# --- one declaration ------------------------------------------------------------------------------------


def _reviewable(request: HttpRequest, pk: int) -> Declaration:
    try:
        return review_queue.get_reviewable_declaration(request.user, pk)
    except errors.ObjectNotFound:
        raise Http404 from None


def _blank_forms(declaration: Declaration, targets: list[tuple[str, Any]]) -> dict[str, Any]:
    return {
        "return_form": ReturnForm(prefix="return"),
        "remark_formset": RemarkFormSet(prefix="remarks", form_kwargs={"targets": targets}),
        "accept_form": AcceptForm(prefix="accept"),
        "refer_form": ReferForm(prefix="refer"),
        "conclude_form": ConcludeForm(prefix="conclude", findings=review_queue.conclusion_findings(declaration)),
    }


def _render_page(
    request: HttpRequest,
    declaration: Declaration,
    *,
    bound: dict[str, Any] | None = None,
    error: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    compared = comparison.declaration_comparison(declaration)
    revision = compared.revision
    form = _form_of(revision.form_version if revision else declaration.form_version)
    content = revision.content if revision else declaration.content
    available = set(services.available_transitions(declaration, user))
    targets = remark_targets(form, content)
    conclusions = list(declaration.conclusions.select_related("author__official").order_by("concluded_at", "pk"))
    context = {
        "declaration": declaration,
        "revision": revision,
        "actions": [name for name in REVIEW_ACTIONS if name in available],
        "sections": declaration_sections(content, form),
        "history": _history(user, declaration, form),
        "comparison": _comparison_view(form, compared),
        "conclusions": conclusions,
        "sees_internal_notes": policies.sees_internal_notes(user, declaration),
        "error": error,
        **_blank_forms(declaration, targets),
        **(bound or {}),
    }
    return render(request, "web/review/declaration.html", context, status=status)


@login_required
@require_safe
def review_declaration(request: HttpRequest, pk: int) -> HttpResponse:
    """One declaration as its reviewer sees it, with the actions open to them."""
    return _render_page(request, _reviewable(request, pk))


def _targets_for(declaration: Declaration) -> list[tuple[str, Any]]:
    revision = comparison.latest_revision(declaration)
    form = _form_of(revision.form_version if revision else declaration.form_version)
    return remark_targets(form, revision.content if revision else declaration.content)


def _apply_invalid(form: forms.Form, invalid: errors.InvalidInput) -> None:
    for key, problems in invalid.errors.items():
        form.add_error(key if key in form.fields else None, [str(problem) for problem in problems])


def _act(
    request: HttpRequest,
    pk: int,
    name: str,
    call: Callable[[], Any],
    *,
    bound: dict[str, Any] | None = None,
    on_invalid: Callable[[errors.InvalidInput], None] | None = None,
) -> HttpResponse:
    """Run one transition service; redirect with a confirmation, or show why nothing changed."""
    try:
        call()
    except errors.ObjectNotFound:
        raise Http404 from None
    except errors.InvalidInput as invalid:
        if on_invalid is None:
            problems = [problem for listed in invalid.errors.values() for problem in listed]
            return _render_page(request, _reviewable(request, pk), bound=bound, error=[*problems, NOTHING_CHANGED])
        on_invalid(invalid)
        return _render_page(request, _reviewable(request, pk), bound=bound)
    except errors.ActionForbidden as refused:
        return _render_page(
            request, _reviewable(request, pk), bound=bound, error=[refused.message, NOTHING_CHANGED], status=403
        )
    except (errors.TransitionNotAllowed, errors.StateConflict) as refused:
        return _render_page(
            request, _reviewable(request, pk), bound=bound, error=[refused.message, NOTHING_CHANGED], status=409
        )
    messages.success(request, DONE_MESSAGES[name])
    return redirect("web:review_declaration", pk=pk)


@login_required
@require_POST
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    _reviewable(request, pk)
    return _act(
        request, pk, "start_review", lambda: services.declaration_start_review(actor=request.user, declaration_id=pk)
    )


@login_required
@require_POST
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _reviewable(request, pk)
    form = ReturnForm(request.POST, prefix="return")
    formset = RemarkFormSet(request.POST, prefix="remarks", form_kwargs={"targets": _targets_for(declaration)})
    bound = {"return_form": form, "remark_formset": formset}
    form_valid = form.is_valid()
    if not (formset.is_valid() and form_valid):
        return _render_page(request, declaration, bound=bound)
    filled = [
        (index, item.cleaned_data)
        for index, item in enumerate(formset.forms)
        if item.cleaned_data.get("path") and item.cleaned_data.get("message")
    ]
    remarks = [{"path": data["path"], "message": data["message"]} for _index, data in filled]

    def show(invalid: errors.InvalidInput) -> None:
        for key, problems in invalid.errors.items():
            match = re.match(r"^remarks\[(\d+)\](?:\.(\w+))?$", key)
            texts = [str(problem) for problem in problems]
            if match and int(match.group(1)) < len(filled):
                item = formset.forms[filled[int(match.group(1))][0]]
                item.add_error(match.group(2) if match.group(2) in item.fields else None, texts)
            elif key == "comment":
                form.add_error("comment", texts)
            else:
                form.add_error(None, texts)

    return _act(
        request,
        pk,
        "return_for_correction",
        lambda: services.declaration_return_for_correction(
            actor=request.user, declaration_id=pk, comment=form.cleaned_data["comment"], remarks=remarks
        ),
        bound=bound,
        on_invalid=show,
    )


@login_required
@require_POST
def review_accept(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _reviewable(request, pk)
    form = AcceptForm(request.POST, prefix="accept")
    bound = {"accept_form": form}
    if not form.is_valid():
        return _render_page(request, declaration, bound=bound)
    return _act(
        request,
        pk,
        "accept",
        lambda: services.declaration_accept(
            actor=request.user, declaration_id=pk, comment=form.cleaned_data["comment"]
        ),
        bound=bound,
        on_invalid=lambda invalid: _apply_invalid(form, invalid),
    )


@login_required
@require_POST
def review_refer(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _reviewable(request, pk)
    form = ReferForm(request.POST, prefix="refer")
    bound = {"refer_form": form}
    if not form.is_valid():
        return _render_page(request, declaration, bound=bound)
    return _act(
        request,
        pk,
        "refer",
        lambda: services.declaration_refer(actor=request.user, declaration_id=pk, reason=form.cleaned_data["reason"]),
        bound=bound,
        on_invalid=lambda invalid: _apply_invalid(form, invalid),
    )


@login_required
@require_POST
def review_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _reviewable(request, pk)
    form = ConcludeForm(request.POST, prefix="conclude", findings=review_queue.conclusion_findings(declaration))
    bound = {"conclude_form": form}
    if not form.is_valid():
        return _render_page(request, declaration, bound=bound)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        "conclude",
        lambda: services.declaration_conclude(
            actor=request.user,
            declaration_id=pk,
            finding=data["finding"],
            legal_article=data["legal_article"],
            reasoning=data["reasoning"],
            internal_notes=data["internal_notes"],
        ),
        bound=bound,
        on_invalid=lambda invalid: _apply_invalid(form, invalid),
    )


@login_required
@require_POST
def review_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _reviewable(request, pk)
    return _act(request, pk, "publish", lambda: services.declaration_publish(actor=request.user, declaration_id=pk))


urlpatterns: list[URLPattern] = [
    path("review/", queue, name="review_queue"),
    path("review/declarations/<int:pk>/", review_declaration, name="review_declaration"),
    path("review/declarations/<int:pk>/start-review/", review_start, name="review_start"),
    path("review/declarations/<int:pk>/return/", review_return, name="review_return"),
    path("review/declarations/<int:pk>/accept/", review_accept, name="review_accept"),
    path("review/declarations/<int:pk>/refer/", review_refer, name="review_refer"),
    path("review/declarations/<int:pk>/conclude/", review_conclude, name="review_conclude"),
    path("review/declarations/<int:pk>/publish/", review_publish, name="review_publish"),
]
