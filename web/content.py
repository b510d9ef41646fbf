"""A declaration's content as the form's labelled sections, for every page that shows one.

The form schema (``declarations.content``) gives each section and field its label; this module turns content
(all of it for the filer and the reviewer, the public part for the register) into ``Section`` → ``Row`` →
``Entry`` values that the templates ``web/content/_section.html`` and ``_row.html`` print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from declarations.content import (
    CHOICE_LABELS,
    CURRENT_FORM_VERSION,
    FORMS,
    FieldKind,
    FieldSpec,
    FormSchema,
    SectionSpec,
)

YES = _("Yes")
NO = _("No")


@dataclass(frozen=True)
class Entry:
    """One labelled value of a record."""

    label: Any
    value: Any


@dataclass(frozen=True)
class Row:
    """One row of a section (a single-object section has one): its values and its nested sections."""

    entries: list[Entry]
    subsections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    label: Any
    many: bool
    rows: list[Row]


def form_of(content: dict[str, Any]) -> FormSchema:
    """The form whose sections the content has (a snapshot does not name its form version)."""
    for form in FORMS.values():
        if {section.name for section in form.sections} == set(content):
            return form
    return FORMS[CURRENT_FORM_VERSION]


def _value(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == FieldKind.CHOICE:
        return CHOICE_LABELS.get(value, value)
    if spec.kind == FieldKind.BOOLEAN:
        return YES if value else NO
    return value


def _row(spec: SectionSpec, obj: dict[str, Any]) -> Row:
    entries = [
        Entry(label=field_spec.label, value=_value(field_spec, obj[field_spec.name]))
        for field_spec in spec.fields
        if obj.get(field_spec.name) not in (None, "")
    ]
    return Row(entries=entries, subsections=[_section(sub, obj.get(sub.name)) for sub in spec.subsections])


def _section(spec: SectionSpec, value: Any) -> Section:
    if spec.many:
        objects = [obj for obj in value if isinstance(obj, dict)] if isinstance(value, list) else []
    else:
        objects = [value] if isinstance(value, dict) and value else []
    return Section(label=spec.label, many=spec.many, rows=[_row(spec, obj) for obj in objects])


def declaration_sections(content: dict[str, Any], form: FormSchema | None = None) -> list[Section]:
    """A declaration's content (or its public part) as the form's sections, with the form's labels."""
    return [_section(spec, content.get(spec.name)) for spec in (form or form_of(content)).sections]
