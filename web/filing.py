"""The filer's pages: their declarations (ХАСХОМ), a new one, the form with autosave, the summary and submission.

The form is generated from the declaration's form schema (``declarations.content``): every input is named
by its content path (``real_estate[0].value_mnt``), so a validation error or a reviewer's remark with a
path lands beside its field. Saving goes through ``workflow.services``; a refused save re-renders what the
filer typed with the errors, so nothing typed is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from declarations.content import (
    CURRENCIES,
    FieldKind,
    FieldSpec,
    FormSchema,
    SectionSpec,
    get_form,
)
from declarations.models import Declaration, DeclarationKind, DeclarationState
from web.content import NO, YES, declaration_sections
from workflow import errors, filing_support, policies, services

S = DeclarationState
NOT_FOUND = errors.NOT_FOUND

SAVED = _("The draft was saved at %(time)s.")
SAVED_AT = _("Saved at %(time)s")
NOT_SAVED = _("The draft was not saved: correct the fields marked below. What you typed is kept on this page.")
COULD_NOT_SAVE = _("Could not save: %(reason)s")
INVALID_NOT_SAVED = _("Could not save: correct the fields marked on the page.")
ROW_REMOVED = _("The row was removed and the draft saved.")
CREATED = _("The declaration was opened as a draft.")
CREATED_PREFILLED = _(
    "The declaration was opened as a draft, pre-filled from your last accepted declaration: check every section."
)
CORRECTION_CREATED = _("A correction was opened as a draft, starting from the declaration it corrects.")
SUBMITTED = _("Your declaration was submitted. The authorised official will review it.")
DISCARDED = _("The draft was discarded.")
CONFIRMATION_REQUIRED = _("Tick the confirmation to submit the declaration.")
NOT_COMPLETE = _("The declaration is not complete: fill in the fields listed below, then submit it.")
CHOOSE_POSITION = _("Choose one of your positions.")

#: What each step of the history did, in the filer's words.
TRANSITION_LABELS: dict[str, Any] = {
    "submit": _("Submitted"),
    "resubmit": _("Submitted again after correction"),
    "start_review": _("Review started"),
    "return_for_correction": _("Returned for correction"),
    "accept": _("Accepted"),
    "refer": _("Referred to the agency"),
    "conclude": _("Concluded by the agency"),
    "publish": _("Published"),
    "withdraw_publication": _("Publication withdrawn"),
    "discard": _("Discarded"),
    "assign_reviewer": _("Assigned to an agency reviewer"),
}

# A path segment: a name, optionally indexed (``real_estate[3]``).
_SEGMENT = re.compile(r"([a-z][a-z0-9_]*)(?:\[([0-9]{1,6})\])?")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
NUMBER_KINDS = (FieldKind.DECIMAL_MNT, FieldKind.DECIMAL, FieldKind.PERCENT, FieldKind.INTEGER, FieldKind.YEAR)
DATE_KINDS = (FieldKind.DATE, FieldKind.DATE_PAST)


def html_id(content_path: str) -> str:
    """The element id of a content path: ``real_estate[0].value_mnt`` → ``f-real_estate-0-value_mnt``."""
    return "f-" + re.sub(r"\[([^\]]*)\]", r"-\1", content_path).replace(".", "-")


def _segments(content_path: str) -> list[tuple[str, int | None]] | None:
    parts = []
    for part in content_path.split("."):
        match = _SEGMENT.fullmatch(part)
        if match is None:
            return None
        parts.append((match[1], int(match[2]) if match[2] is not None else None))
    return parts


# --- From the posted form to content ------------------------------------------------------------------------


@dataclass
class PostedContent:
    """The content a posted form spells, and where each of its rows came from in the form.

    Rows are renumbered from 0 in the order of their posted indexes (a script may leave gaps), and rows
    with nothing typed are dropped; ``origins`` maps each row's content path to its posted path, so errors
    can be answered under the names the browser knows.
    """

    content: dict[str, Any]
    origins: dict[str, str] = field(default_factory=dict)

    def posted_path(self, content_path: str) -> str:
        """The form field name of a content path (the longest renumbered row prefix swapped back)."""
        best = ""
        for prefix in self.origins:
            if len(prefix) > len(best) and (
                content_path == prefix or content_path.startswith((prefix + ".", prefix + "["))
            ):
                best = prefix
        return self.origins[best] + content_path[len(best) :] if best else content_path

    def content_path(self, posted_path: str) -> str | None:
        """The content path of a posted list or row path, or ``None`` when its row was dropped."""
        reverse_origins = {posted: content for content, posted in self.origins.items()}
        best = ""
        for prefix in reverse_origins:
            if len(prefix) > len(best) and (
                posted_path == prefix or posted_path.startswith((prefix + ".", prefix + "["))
            ):
                best = prefix
        if not best:
            return posted_path if "[" not in posted_path else None
        return reverse_origins[best] + posted_path[len(best) :]


def _tree(data: QueryDict) -> dict[Any, Any]:
    """The posted fields as nested dicts: names index dicts, list positions index dicts by ``int``."""
    tree: dict[Any, Any] = {}
    for key in data:
        segments = _segments(key)
        if not segments:
            continue
        node: Any = tree
        for position, (name, index) in enumerate(segments):
            last = position == len(segments) - 1
            if last and index is None:
                if isinstance(node, dict):
                    node[name] = data.get(key, "")
                break
            child = node.setdefault(name, {}) if isinstance(node, dict) else None
            if index is not None and isinstance(child, dict):
                child = child.setdefault(index, {})
            if not isinstance(child, dict) or last:
                break
            node = child
    return tree


def _remove(tree: dict[Any, Any], posted_path: str) -> None:
    """Drop the row at ``posted_path`` (``family_members[2].companies[1]``) from the posted tree."""
    segments = _segments(posted_path)
    if not segments or segments[-1][1] is None:
        return
    node: Any = tree
    for name, index in segments[:-1]:
        node = node.get(name) if isinstance(node, dict) else None
        if index is not None:
            node = node.get(index) if isinstance(node, dict) else None
    name, index = segments[-1]
    rows = node.get(name) if isinstance(node, dict) else None
    if isinstance(rows, dict):
        rows.pop(index, None)


def _typed(spec: FieldSpec, raw: str) -> Any:
    """What the content holds for a typed value: whole numbers as numbers, the rest as typed."""
    text = raw.strip()
    if spec.kind in (FieldKind.INTEGER, FieldKind.YEAR) and _WHOLE_NUMBER.fullmatch(text):
        return int(text)
    if spec.kind == FieldKind.BOOLEAN and text in ("true", "false"):
        return text == "true"
    return raw


def _is_blank_row(row: dict[str, Any]) -> bool:
    return all(value == [] if isinstance(value, list) else str(value).strip() == "" for value in row.values())


def _object(node: Any, spec: SectionSpec, content_path: str, posted: str, origins: dict[str, str]) -> dict[str, Any]:
    node = node if isinstance(node, dict) else {}
    obj: dict[str, Any] = {}
    for field_spec in spec.fields:
        raw = node.get(field_spec.name)
        if isinstance(raw, str):
            obj[field_spec.name] = _typed(field_spec, raw)
    for sub in spec.subsections:
        obj[sub.name] = _rows(node.get(sub.name), sub, f"{content_path}.{sub.name}", f"{posted}.{sub.name}", origins)
    return obj


def _rows(node: Any, spec: SectionSpec, content_path: str, posted: str, origins: dict[str, str]) -> list[Any]:
    if not isinstance(node, dict):
        return []
    rows: list[Any] = []
    for index in sorted(key for key in node if isinstance(key, int)):
        row_path, row_posted = f"{content_path}[{len(rows)}]", f"{posted}[{index}]"
        row_origins: dict[str, str] = {}
        obj = _object(node[index], spec, row_path, row_posted, row_origins)
        if _is_blank_row(obj):
            continue
        origins[row_path] = row_posted
        origins.update(row_origins)
        rows.append(obj)
    return rows


def parse_posted(data: QueryDict, form: FormSchema, *, remove: str = "") -> PostedContent:
    """The content of a posted declaration form, every section of the form present."""
    tree = _tree(data)
    if remove:
        _remove(tree, remove)
    origins: dict[str, str] = {}
    content: dict[str, Any] = {}
    for spec in form.sections:
        if spec.many:
            content[spec.name] = _rows(tree.get(spec.name), spec, spec.name, spec.name, origins)
        else:
            content[spec.name] = _object(tree.get(spec.name), spec, spec.name, spec.name, origins)
    return PostedContent(content=content, origins=origins)


def content_errors(found: Mapping[str, Iterable[Any]]) -> dict[str, list[Any]]:
    """A service's ``InvalidInput`` errors under content paths (``content.x`` → ``x``; the whole → ``""``)."""
    result: dict[str, list[Any]] = {}
    for key, items in found.items():
        content_path = "" if key == "content" else key.removeprefix("content.")
        result.setdefault(content_path, []).extend(items)
    return result


# --- The form as the templates print it ---------------------------------------------------------------------


@dataclass
class FormField:
    path: str
    id: str
    label: Any
    widget: str  # "input", "textarea" or "select"
    input_type: str
    attrs: dict[str, str]
    value: str
    choices: list[tuple[str, Any]]
    data_choices: bool  # choice labels that are codes, not words (currencies)
    required: bool
    errors: list[Any] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)

    @property
    def unknown_value(self) -> bool:
        """A typed value a select does not offer (kept as an extra option, so nothing typed is lost)."""
        return bool(self.value) and self.value not in {value for value, _label in self.choices}

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}-errors"] if self.errors else []
        return " ".join([*ids, *([f"{self.id}-remarks"] if self.remarks else [])])


@dataclass
class FormRow:
    path: str
    id: str
    number: Any
    fields: list[FormField]
    subsections: list[FormSection]
    errors: list[Any] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


@dataclass
class FormSection:
    name: str
    path: str
    id: str
    label: Any
    many: bool
    nested: bool
    fields: list[FormField] = field(default_factory=list)
    rows: list[FormRow] = field(default_factory=list)
    template: FormRow | None = None
    token: str = ""
    next_index: int = 0
    errors: list[Any] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


def _widget(spec: FieldSpec, *, invalid: bool) -> tuple[str, str, dict[str, str]]:
    """The HTML control of a field kind: (widget, input type, attributes). An invalid value is shown in a
    text box, so what was typed stays visible even where a number or date box could not hold it."""
    kind = spec.kind
    attrs: dict[str, str] = {}
    if spec.max_length and kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        attrs["maxlength"] = str(spec.max_length)
    if kind == FieldKind.LONG_TEXT:
        return "textarea", "", {**attrs, "rows": "3"}
    if kind in (FieldKind.CHOICE, FieldKind.CURRENCY, FieldKind.BOOLEAN):
        return "select", "", attrs
    if kind in NUMBER_KINDS:
        whole = kind in (FieldKind.INTEGER, FieldKind.YEAR)
        attrs["inputmode"] = "numeric" if whole else "decimal"
        if invalid:
            return "input", "text", attrs
        attrs.update({"step": "1" if whole else "0.01", "min": "0"})
        if kind == FieldKind.PERCENT:
            attrs["max"] = "100"
        return "input", "number", attrs
    if kind in DATE_KINDS:
        return "input", "text" if invalid else "date", attrs
    if kind == FieldKind.EMAIL:
        return "input", "email", {"autocomplete": "email"}
    if kind == FieldKind.PHONE:
        return "input", "tel", {"autocomplete": "tel"}
    if kind == FieldKind.COMPANY_REGISTER_NUMBER:
        return "input", "text", {"inputmode": "numeric", "maxlength": "7"}
    if kind == FieldKind.PERSON_REGISTER_NUMBER:
        return "input", "text", {"maxlength": "10", "autocapitalize": "characters"}
    return "input", "text", attrs


def _choices(spec: FieldSpec) -> list[tuple[str, Any]]:
    if spec.kind == FieldKind.CHOICE:
        return list(spec.choice_items())
    if spec.kind == FieldKind.CURRENCY:
        return [(code, code) for code in CURRENCIES]
    if spec.kind == FieldKind.BOOLEAN:
        return [("true", YES), ("false", NO)]
    return []


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _FormBuilder:
    """Builds the printed form from content, placing errors and remarks on the fields, rows and sections
    whose paths they name, and remembering which paths it printed."""

    def __init__(
        self,
        *,
        errors: Mapping[str, list[Any]] | None = None,
        remarks: Mapping[str, list[str]] | None = None,
        extra: str = "",
    ) -> None:
        self.errors = errors or {}
        self.remarks = remarks or {}
        self.extra = extra
        self.printed: set[str] = set()

    def _notes(self, content_path: str, template: bool) -> tuple[list[Any], list[str]]:
        if template:
            return [], []
        self.printed.add(content_path)
        return list(self.errors.get(content_path, [])), list(self.remarks.get(content_path, []))

    def section(self, spec: SectionSpec, value: Any, content_path: str, *, depth: int, template: bool) -> FormSection:
        section_errors, section_remarks = self._notes(content_path, template)
        section = FormSection(
            name=spec.name,
            path=content_path,
            id=html_id(content_path),
            label=spec.label,
            many=spec.many,
            nested=depth > 0,
            errors=section_errors,
            remarks=section_remarks,
        )
        if not spec.many:
            section.fields = self.fields(spec, value if isinstance(value, dict) else {}, content_path, template)
            return section
        rows = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
        if content_path == self.extra and not template:
            rows.append({})
        section.rows = [
            self.row(spec, row, f"{content_path}[{index}]", index + 1, depth=depth, template=template)
            for index, row in enumerate(rows)
        ]
        section.token = f"__n{depth}__"
        section.next_index = len(rows)
        section.template = self.row(spec, {}, f"{content_path}[{section.token}]", "", depth=depth, template=True)
        return section

    def row(
        self, spec: SectionSpec, value: dict[str, Any], content_path: str, number: Any, *, depth: int, template: bool
    ) -> FormRow:
        row_errors, row_remarks = self._notes(content_path, template)
        return FormRow(
            path=content_path,
            id=html_id(content_path),
            number=number,
            fields=self.fields(spec, value, content_path, template),
            subsections=[
                self.section(sub, value.get(sub.name), f"{content_path}.{sub.name}", depth=depth + 1, template=template)
                for sub in spec.subsections
            ],
            errors=row_errors,
            remarks=row_remarks,
        )

    def fields(self, spec: SectionSpec, value: dict[str, Any], content_path: str, template: bool) -> list[FormField]:
        printed = []
        for field_spec in spec.fields:
            field_path = f"{content_path}.{field_spec.name}"
            field_errors, field_remarks = self._notes(field_path, template)
            widget, input_type, attrs = _widget(field_spec, invalid=bool(field_errors))
            printed.append(
                FormField(
                    path=field_path,
                    id=html_id(field_path),
                    label=field_spec.label,
                    widget=widget,
                    input_type=input_type,
                    attrs=attrs,
                    value=_shown(value.get(field_spec.name)),
                    choices=_choices(field_spec),
                    data_choices=field_spec.kind == FieldKind.CURRENCY,
                    required=field_spec.required,
                    errors=field_errors,
                    remarks=field_remarks,
                )
            )
        return printed


@dataclass
class Problem:
    """An error or remark shown in a list, with the place in the form it concerns."""

    place: list[Any]
    messages: list[Any]
    anchor: str


def describe_path(form: FormSchema, content_path: str) -> list[Any]:
    """The labels leading to a content path: ``real_estate[0].value_mnt`` → Real estate, Row 1, Value (MNT)."""
    segments = _segments(content_path) if content_path else []
    if not segments:
        return [_("The whole declaration")] if not content_path else [content_path]
    labels: list[Any] = []
    sections: tuple[SectionSpec, ...] = form.sections
    spec: SectionSpec | None = None
    for name, index in segments:
        found_section = next((candidate for candidate in sections if candidate.name == name), None)
        if found_section is not None:
            spec = found_section
            labels.append(found_section.label)
            sections = found_section.subsections
        elif spec is not None and any(f.name == name for f in spec.fields):
            labels.append(spec.field(name).label)
        else:
            labels.append(name)
        if index is not None:
            labels.append(_("Row %(number)s") % {"number": index + 1})
    return labels


def _problems(form: FormSchema, notes: Mapping[str, list[Any]], paths: Iterable[str] | None = None) -> list[Problem]:
    chosen = notes.keys() if paths is None else paths
    return [
        Problem(
            place=describe_path(form, content_path), messages=list(notes[content_path]), anchor=html_id(content_path)
        )
        for content_path in chosen
    ]


# --- Reading a declaration for its filer --------------------------------------------------------------------


def _own_or_404(request: HttpRequest, pk: int) -> Declaration:
    try:
        return filing_support.get_own_declaration(request.user, pk)
    except errors.ObjectNotFound:
        raise Http404 from None


@dataclass
class ReturnNote:
    comment: str
    at: Any
    remarks: dict[str, list[str]]


def _history(request: HttpRequest, declaration: Declaration) -> list[Any]:
    return policies.history_for_user(request.user, declaration)


def return_note(history: list[Any], declaration: Declaration) -> ReturnNote | None:
    """The reviewer's comment and per-field remarks of the last return, while the declaration is returned."""
    if declaration.state != S.RETURNED:
        return None
    entry = next((item for item in reversed(history) if item.transition == "return_for_correction"), None)
    if entry is None:
        return None
    return ReturnNote(comment=entry.comment, at=entry.at, remarks=_remarks_by_path(entry.remarks))


def _remarks_by_path(remarks: Any) -> dict[str, list[str]]:
    """A log entry's remarks (``[{"path": ..., "message": ...}]``) grouped by the path they concern."""
    grouped: dict[str, list[str]] = {}
    for remark in remarks if isinstance(remarks, list) else []:
        if isinstance(remark, dict) and isinstance(remark.get("path"), str):
            grouped.setdefault(remark["path"], []).append(str(remark.get("message", "")))
    return grouped


def _local_time(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "H:i")


# --- The pages --------------------------------------------------------------------------------------------


@login_required
@require_safe
def declaration_list(request: HttpRequest) -> HttpResponse:
    """The signed-in official's own declarations and the filings they still owe."""
    declarations = list(filing_support.own_declarations(request.user))
    obligations = list(filing_support.own_pending_obligations(request.user))
    context = {
        "declarations": declarations,
        "obligations": obligations,
        "editable_states": services.EDITABLE_STATES,
    }
    return render(request, "web/filing/list.html", context)


class PositionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — {obj.organisation.name}"


class NewDeclarationForm(forms.Form):
    position = PositionChoiceField(
        label=_("Position"),
        queryset=None,
        empty_label=_("Choose a position"),
        error_messages={"required": CHOOSE_POSITION, "invalid_choice": CHOOSE_POSITION},
        # Position titles and organisation names are data, in the language they were entered in.
        widget=forms.Select({"translate": "no", "class": "fit"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of declaration"),
        choices=[(value, label) for value, label in DeclarationKind.choices if value != DeclarationKind.PRELIMINARY],
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=services.MIN_YEAR,
        max_value=9999,
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        position = self.fields["position"]
        assert isinstance(position, PositionChoiceField)
        position.queryset = policies.own_positions(user).filter(declaration_required=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def declaration_new(request: HttpRequest) -> HttpResponse:
    """Open a new declaration for one of the user's positions; it starts from the last accepted one."""
    prefill = filing_support.prefill_source(request.user)
    if request.method == "POST":
        form = NewDeclarationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                declaration = services.declaration_create(
                    actor=request.user,
                    position=form.cleaned_data["position"],
                    kind=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                )
            except errors.InvalidInput as error:
                for key, items in error.errors.items():
                    for item in items:
                        form.add_error(key if key in form.fields else None, str(item))
            except (errors.ActionForbidden, errors.StateConflict) as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, CREATED_PREFILLED if prefill is not None else CREATED)
                return redirect("web:declaration_edit", declaration.pk)
    else:
        initial = {"year": services.local_today().year, "kind": DeclarationKind.ANNUAL}
        for name in ("position", "kind", "year"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        form = NewDeclarationForm(initial=initial, user=request.user)
    correctable = filing_support.own_declarations(request.user).filter(state__in=filing_support.FINAL_STATES)
    context = {"form": form, "prefill": prefill, "correctable": list(correctable)}
    return render(request, "web/filing/new.html", context)


@login_required
@require_safe
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The declaration as its filer sees it: state, content, history, the reviewer's remarks, the actions."""
    declaration = _own_or_404(request, pk)
    form = get_form(declaration.form_version)
    history = _history(request, declaration)
    note = return_note(history, declaration)
    available = services.available_transitions(declaration, request.user)
    context = {
        "declaration": declaration,
        "sections": declaration_sections(declaration.content, form),
        "history": [
            {
                "entry": entry,
                "label": TRANSITION_LABELS.get(entry.transition, entry.transition),
                "remarks": _problems(form, _remarks_by_path(entry.remarks)),
            }
            for entry in history
        ],
        "note": note,
        "remarks": _problems(form, note.remarks) if note else [],
        "editable": declaration.state in services.EDITABLE_STATES,
        "can_submit": "submit" in available or "resubmit" in available,
        "can_discard": "discard" in available,
        "can_correct": declaration.state in filing_support.FINAL_STATES,
    }
    return render(request, "web/filing/detail.html", context)


def _render_edit(
    request: HttpRequest,
    declaration: Declaration,
    *,
    content: dict[str, Any],
    found: Mapping[str, list[Any]] | None = None,
    extra: str = "",
) -> HttpResponse:
    form = get_form(declaration.form_version)
    note = return_note(_history(request, declaration), declaration)
    remarks = note.remarks if note else {}
    builder = _FormBuilder(errors=found, remarks=remarks, extra=extra)
    sections = [
        builder.section(spec, content.get(spec.name), spec.name, depth=0, template=False) for spec in form.sections
    ]
    found = found or {}
    context = {
        "declaration": declaration,
        "sections": sections,
        "note": note,
        "errors": _problems(form, found),
        "unplaced_errors": _problems(form, found, [key for key in found if key not in builder.printed]),
        "unplaced_remarks": _problems(form, remarks, [key for key in remarks if key not in builder.printed]),
        "not_saved": NOT_SAVED,
        "saved_at": _local_time(declaration.updated_at),
        "can_discard": declaration.state == S.DRAFT,
    }
    return render(request, "web/filing/edit.html", context)


def _refused(request: HttpRequest, declaration: Declaration, error: Any) -> HttpResponse:
    messages.error(request, str(error.message))
    return redirect("web:declaration_detail", declaration.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def declaration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The declaration form: save the draft, add or remove rows (without a script too), go to the summary."""
    declaration = _own_or_404(request, pk)
    if request.method != "POST":
        if declaration.state not in services.EDITABLE_STATES:
            messages.error(request, str(errors.NOT_EDITABLE))
            return redirect("web:declaration_detail", declaration.pk)
        return _render_edit(request, declaration, content=declaration.content, extra=request.GET.get("add", ""))

    form = get_form(declaration.form_version)
    posted = parse_posted(request.POST, form, remove=request.POST.get("remove_row", ""))
    add = request.POST.get("add_row", "")
    extra = (posted.content_path(add) or "") if add else ""
    try:
        declaration = services.declaration_update_content(
            actor=request.user, declaration_id=declaration.pk, content=posted.content
        )
    except errors.InvalidInput as error:
        return _render_edit(
            request, declaration, content=posted.content, found=content_errors(error.errors), extra=extra
        )
    except (errors.TransitionNotAllowed, errors.ActionForbidden, errors.StateConflict) as error:
        return _refused(request, declaration, error)
    except errors.ObjectNotFound:
        raise Http404 from None
    edit_url = reverse("web:declaration_edit", args=[declaration.pk])
    if add:
        if not extra:
            return redirect(edit_url)
        new_row = html_id(f"{extra}[{_row_count(posted.content, extra)}]")
        return redirect(f"{edit_url}?{urlencode({'add': extra})}#{new_row}")
    if request.POST.get("remove_row"):
        messages.success(request, ROW_REMOVED)
        return redirect(edit_url)
    if request.POST.get("action") == "summary":
        return redirect("web:declaration_summary", declaration.pk)
    messages.success(request, SAVED % {"time": _local_time(declaration.updated_at)})
    return redirect(edit_url)


def _row_count(content: dict[str, Any], list_path: str) -> int:
    """How many rows the list at ``list_path`` holds (0 when there is no such list)."""
    node: Any = content
    for name, index in _segments(list_path) or []:
        node = node.get(name) if isinstance(node, dict) else None
        if index is not None:
            node = node[index] if isinstance(node, list) and index < len(node) else None
    return len(node) if isinstance(node, list) else 0


def _json_refusal(message: Any, status: int) -> JsonResponse:
    text = str(message)
    return JsonResponse(
        {"saved": False, "errors": {"": [text]}, "message": str(COULD_NOT_SAVE % {"reason": text})}, status=status
    )


@login_required
@require_POST
def declaration_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save the posted form in the background: ``{saved, saved_at, message}`` or the errors by field name."""
    try:
        declaration = filing_support.get_own_declaration(request.user, pk)
    except errors.ObjectNotFound:
        return _json_refusal(NOT_FOUND, 404)
    posted = parse_posted(request.POST, get_form(declaration.form_version))
    try:
        declaration = services.declaration_update_content(
            actor=request.user, declaration_id=declaration.pk, content=posted.content
        )
    except errors.InvalidInput as error:
        found = {
            posted.posted_path(content_path): [str(item) for item in items]
            for content_path, items in content_errors(error.errors).items()
        }
        return JsonResponse({"saved": False, "errors": found, "message": str(INVALID_NOT_SAVED)}, status=400)
    except errors.TransitionNotAllowed as error:
        return _json_refusal(error.message, 409)
    except errors.ActionForbidden as error:
        return _json_refusal(error.message, 403)
    except errors.StateConflict as error:
        return _json_refusal(error.message, 409)
    except errors.ObjectNotFound:
        return _json_refusal(NOT_FOUND, 404)
    saved_at = timezone.localtime(declaration.updated_at)
    return JsonResponse(
        {
            "saved": True,
            "saved_at": saved_at.isoformat(),
            "message": str(SAVED_AT % {"time": _local_time(saved_at)}),
        }
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that the information in this declaration is true and complete."),
        error_messages={"required": CONFIRMATION_REQUIRED},
    )


def _render_summary(
    request: HttpRequest, declaration: Declaration, *, confirm: ConfirmForm, refusal: Any = None
) -> HttpResponse:
    form = get_form(declaration.form_version)
    found: dict[str, list[Any]] = {}
    for problem in filing_support.submission_problems(declaration):
        found.setdefault(problem.path, []).append(problem.message)
    available = services.available_transitions(declaration, request.user)
    context = {
        "declaration": declaration,
        "sections": declaration_sections(declaration.content, form),
        "problems": _problems(form, found),
        "confirm": confirm,
        "refusal": refusal,
        "can_submit": "submit" in available or "resubmit" in available,
        "resubmission": declaration.state == S.RETURNED,
        "editable": declaration.state in services.EDITABLE_STATES,
    }
    return render(request, "web/filing/summary.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def declaration_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything entered, what a submission would refuse, and the confirmation that submits it."""
    declaration = _own_or_404(request, pk)
    if request.method != "POST":
        return _render_summary(request, declaration, confirm=ConfirmForm())
    confirm = ConfirmForm(request.POST)
    if not confirm.is_valid():
        return _render_summary(request, declaration, confirm=confirm)
    submit = services.declaration_resubmit if declaration.state == S.RETURNED else services.declaration_submit
    try:
        submit(actor=request.user, declaration_id=declaration.pk)
    except errors.InvalidInput:
        return _render_summary(request, declaration, confirm=confirm, refusal=NOT_COMPLETE)
    except (errors.TransitionNotAllowed, errors.ActionForbidden, errors.StateConflict) as error:
        declaration.refresh_from_db()
        return _render_summary(request, declaration, confirm=confirm, refusal=error.message)
    except errors.ObjectNotFound:
        raise Http404 from None
    messages.success(request, SUBMITTED)
    return redirect("web:declaration_detail", declaration.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def declaration_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then discard a draft that was never submitted."""
    declaration = _own_or_404(request, pk)
    if request.method != "POST":
        return render(request, "web/filing/discard.html", {"declaration": declaration})
    try:
        services.declaration_discard(actor=request.user, declaration_id=declaration.pk)
    except (errors.TransitionNotAllowed, errors.ActionForbidden, errors.StateConflict) as error:
        return _refused(request, declaration, error)
    except errors.ObjectNotFound:
        raise Http404 from None
    messages.success(request, DISCARDED)
    return redirect("web:declarations")


@login_required
@require_POST
def declaration_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a correction of an accepted or published declaration, starting from its content."""
    declaration = _own_or_404(request, pk)
    try:
        correction = services.declaration_create_correction(actor=request.user, corrects_id=declaration.pk)
    except (errors.TransitionNotAllowed, errors.ActionForbidden, errors.StateConflict) as error:
        return _refused(request, declaration, error)
    except errors.ObjectNotFound:
        raise Http404 from None
    messages.success(request, CORRECTION_CREATED)
    return redirect("web:declaration_edit", correction.pk)


urlpatterns: list[URLPattern] = [
    path("declarations/", declaration_list, name="declarations"),
    path("declarations/new/", declaration_new, name="declaration_new"),
    path("declarations/<int:pk>/", declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/edit/", declaration_edit, name="declaration_edit"),
    path("declarations/<int:pk>/autosave/", declaration_autosave, name="declaration_autosave"),
    path("declarations/<int:pk>/summary/", declaration_summary, name="declaration_summary"),
    path("declarations/<int:pk>/discard/", declaration_discard, name="declaration_discard"),
    path("declarations/<int:pk>/correct/", declaration_correct, name="declaration_correct"),
]
