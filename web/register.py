"""The public register's pages: search the published records and read one, for anyone, without signing in.

The pages read through ``workflow.register`` (the public snapshots only) and turn a record's public content
into labelled sections with the form schema's own labels.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from declarations.models import (
    Conclusion,
    ConclusionFinding,
    ConflictHandling,
    Notice,
    NoticeCategory,
    NoticeOutcome,
    Organisation,
    PublicSnapshot,
    RecordKind,
)
from web.content import NO, YES, Entry, declaration_sections
from workflow import register
from workflow.errors import ObjectNotFound
from workflow.publication import CONCLUSION_FIELD_POLICY, NOTICE_FIELD_POLICY

MAX_ID = 2**63 - 1
TEXT_MAX_LENGTH = 255
# Wide selects and long words must not push the page wider than a phone's screen.
FIT_WIDTH = {"class": "fit"}


# --- search ---------------------------------------------------------------------------------------------


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation, indented under its parent so that the tree shows in the list."""

    def label_from_instance(self, obj: Any) -> str:
        depth = max(obj.path.count("/") - 2, 0)
        return f"{'— ' * depth}{obj.name}"


class RegisterSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name of the official"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.TextInput(FIT_WIDTH)
    )
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations"),
        # The organisations' names are data, in the language they were registered in.
        widget=forms.Select({**FIT_WIDTH, "translate": "no"}),
    )
    position = forms.CharField(
        label=_("Position title"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.TextInput(FIT_WIDTH)
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1, max_value=9999)
    kind = forms.ChoiceField(
        label=_("Kind of record"),
        required=False,
        choices=[("", _("All kinds")), *RecordKind.choices],
        widget=forms.Select(FIT_WIDTH),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, OrganisationChoiceField)
        organisation.queryset = register.organisation_choices()


def _cursor(value: str | None) -> int | None:
    """A page position from the address; anything but a record id means the first page."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number <= MAX_ID else None


def _page_url(request: HttpRequest, name: str, pk: int | None) -> str | None:
    """The address of the current search with the page position ``name=pk``; ``None`` when there is no page."""
    if pk is None:
        return None
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("before", None)
    query[name] = str(pk)
    return f"?{query.urlencode()}"


@require_safe
def register_search(request: HttpRequest) -> HttpResponse:
    """The search form and one page of matching records, newest first."""
    form = RegisterSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        page = register.RecordsPage(records=[], newer_before=None, older_after=None)
    else:
        criteria = form.cleaned_data if form.is_bound else {}
        records = register.search_records(
            name=criteria.get("q") or "",
            organisation=criteria.get("organisation"),
            position=criteria.get("position") or "",
            year=criteria.get("year"),
            kind=criteria.get("kind") or "",
        )
        page = register.records_page(
            records, after=_cursor(request.GET.get("after")), before=_cursor(request.GET.get("before"))
        )
    context = {
        "form": form,
        "page": page,
        "newer_url": _page_url(request, "before", page.newer_before),
        "older_url": _page_url(request, "after", page.older_after),
    }
    return render(request, "web/register/search.html", context)


# --- one record -------------------------------------------------------------------------------------------


_NOTICE_CHOICES: dict[str, Any] = {"outcome": NoticeOutcome, "proposed_handling": ConflictHandling}


def _verbose_name(model: type[Model], name: str) -> Any:
    return getattr(model._meta.get_field(name), "verbose_name", name)


def _label(choices: Any, value: Any) -> Any:
    return choices(value).label if value in choices.values else value


def notice_entries(content: dict[str, Any]) -> list[Entry]:
    """A notice's public fields, in the policy's order, with the notice form's labels."""
    entries = []
    for name, public in NOTICE_FIELD_POLICY:
        value = content.get(name)
        if not public or value in (None, ""):
            continue
        if name == "category":
            category = NoticeCategory.objects.filter(code=value).first()
            value = category.display_name if category else value
        elif name in _NOTICE_CHOICES:
            value = _label(_NOTICE_CHOICES[name], value)
        elif isinstance(value, bool):
            value = YES if value else NO
        entries.append(Entry(label=_verbose_name(Notice, name), value=value))
    return entries


def conclusion_entries(conclusion: dict[str, Any]) -> list[Entry]:
    """The public part of the agency's conclusion, with the conclusion's labels."""
    entries = []
    for name, public in CONCLUSION_FIELD_POLICY:
        value = conclusion.get(name)
        if not public or value in (None, ""):
            continue
        if name == "finding":
            value = _label(ConclusionFinding, value)
        elif name == "concluded_at":
            value = parse_datetime(value) if isinstance(value, str) else value
            value = timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value
        entries.append(Entry(label=_verbose_name(Conclusion, name), value=value))
    return entries


@require_safe
def register_record(request: HttpRequest, pk: int) -> HttpResponse:
    """One published record: its public content and conclusion, its corrections, or its tombstone."""
    try:
        record: PublicSnapshot = register.get_public_record(pk)
    except ObjectNotFound:
        raise Http404 from None
    content = register.public_content(record)
    conclusion = register.public_conclusion(record)
    is_notice = record.kind == RecordKind.NOTICE
    context = {
        "record": record,
        "withdrawn": register.is_withdrawn(record),
        "sections": declaration_sections(content) if content is not None and not is_notice else [],
        "notice_entries": notice_entries(content) if content is not None and is_notice else [],
        "conclusion_entries": conclusion_entries(conclusion) if conclusion else [],
        "corrected_by": register.corrected_by_ids(record),
    }
    return render(request, "web/register/record.html", context)
