"""The campaign dashboard: how an organisation subtree (an ЭБАТ's) or the whole country (the agency) stands in
a year's annual declaration campaign.

The figures are the compliance report's (``workflow.reports.campaign_compliance``), ranked worst first and
drawn as a bar chart in inline SVG built here on the server (no script, no outside asset), with the same
figures in a table beside it for those who cannot see the chart. Below: the overdue declarations, a page at
a time, and the report to download from the API (the session signs the download in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from declarations.models import Organisation
from workflow import dashboard, policies, reports
from workflow.errors import ObjectNotFound

OVERDUE_PAGE_SIZE = 25
FILE_FORMATS = ("csv", "xlsx")
# The compliance table's columns on the page (the downloads carry them all, and the events table).
TABLE_COLUMNS = ("required", "on_time", "late", "open", "overdue", "waived", "completion_percent")

YEAR_LABEL = _("Campaign year")
YEAR_NOT_OPENED = _("Choose the year of a campaign that has been opened.")

# --- the chart ----------------------------------------------------------------------------------------------

CHART_WIDTH = 640
TRACK_WIDTH = 520  # the bar's full length: 100 %
VALUE_X = TRACK_WIDTH + 8
ROW_HEIGHT = 44
LEGEND_HEIGHT = 28
LABEL_MAX_LENGTH = 80


@dataclass(frozen=True)
class Bar:
    """One organisation's bar: filed on time, then filed late, over what was due (required minus waived)."""

    label: str
    percent: float | None
    y: int
    on_time_width: str
    late_x: str
    late_width: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    track_width: int
    value_x: int
    legend_y: int


def _length(part: int, whole: int) -> float:
    return TRACK_WIDTH * part / whole if whole else 0.0


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX_LENGTH else f"{label[: LABEL_MAX_LENGTH - 1]}…"


def compliance_chart(rows: list[dict[str, Any]]) -> Chart:
    """A horizontal bar per row, in the rows' order: its label above, its percentage after it."""
    bars = []
    for index, row in enumerate(rows):
        due = row["required"] - row["waived"]
        on_time = _length(row["on_time"], due)
        late = _length(row["late"], due)
        bars.append(
            Bar(
                label=_short(row["organisation"]),
                percent=row["completion_percent"],
                y=LEGEND_HEIGHT + index * ROW_HEIGHT,
                on_time_width=f"{on_time:.1f}",
                late_x=f"{on_time:.1f}",
                late_width=f"{late:.1f}",
            )
        )
    return Chart(
        bars=bars,
        width=CHART_WIDTH,
        height=LEGEND_HEIGHT + len(bars) * ROW_HEIGHT,
        track_width=TRACK_WIDTH,
        value_x=VALUE_X,
        legend_y=0,
    )


# --- the page -----------------------------------------------------------------------------------------------


class CampaignYearForm(forms.Form):
    year = forms.TypedChoiceField(label=YEAR_LABEL, coerce=int, error_messages={"invalid_choice": YEAR_NOT_OPENED})

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(value, str(value)) for value in years]


@dataclass(frozen=True)
class OrganisationOption:
    pk: int
    label: str
    selected: bool


def _organisation_options(organisations: list[Organisation], chosen: Organisation | None) -> list[OrganisationOption]:
    """The organisations in scope, each indented under its parent so that the tree shows in the list."""
    return [
        OrganisationOption(
            pk=organisation.pk,
            label=f"{'— ' * max(organisation.path.count('/') - 2, 0)}{dashboard.localised_name(organisation)}",
            selected=chosen is not None and organisation.pk == chosen.pk,
        )
        for organisation in organisations
    ]


def _chosen_organisation(request: HttpRequest, default: Organisation | None) -> Organisation | None:
    """The organisation asked for in the address, within the user's scope (404 otherwise), or the default."""
    asked = request.GET.get("organisation") or None
    if asked is None:
        return default
    try:
        return policies.get_report_organisation(request.user, asked)
    except ObjectNotFound:
        raise Http404 from None


def _query(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for name, value in changes.items():
        query[name] = str(value)
    return f"?{query.urlencode()}"


def _downloads(organisation: Organisation | None, year: int) -> dict[str, str]:
    base = reverse("api:report-compliance")
    params: dict[str, Any] = {"year": year}
    if organisation is not None:
        params["organisation"] = organisation.pk
    return {name: f"{base}?{urlencode({**params, 'format': name})}" for name in FILE_FORMATS}


@login_required
@require_safe
def campaign_dashboard(request: HttpRequest) -> HttpResponse:
    """A year's campaign in the user's scope: the chart, the table, the overdue list and the downloads.

    The agency follows the whole country by default, an ЭБАТ the first of their subtrees; anyone else, and an
    organisation out of scope, is answered 404."""
    user = request.user
    national = policies.runs_national_reports(user)
    roots = [] if national else dashboard.scope_roots(user)
    if not national and not roots:
        raise Http404
    organisation = _chosen_organisation(request, default=None if national else roots[0])
    years = dashboard.campaign_years()
    data = request.GET.copy()
    if not data.get("year") and years:
        data["year"] = str(years[0])  # the latest campaign unless another is chosen
    form = CampaignYearForm(data, years=years)
    organisations = list(dashboard.scope_organisations(user))
    context: dict[str, Any] = {
        "form": form,
        "national": national,
        "organisation": organisation,
        "organisation_name": dashboard.localised_name(organisation) if organisation is not None else None,
        "organisation_options": _organisation_options(organisations, organisation),
        "has_campaigns": bool(years),
        "report": None,
    }
    if not years or not form.is_valid():
        return render(request, "web/dashboard/dashboard.html", context)
    year = form.cleaned_data["year"]
    report = reports.campaign_compliance(organisation=organisation, year=year)
    annual = report.table("annual")
    codes = {candidate.code: candidate.pk for candidate in organisations}
    rows = [
        {**row, "pk": codes.get(row["organisation_code"]), "cells": [row[key] for key in TABLE_COLUMNS]}
        for row in dashboard.rank_worst_first(annual.rows)
    ]
    columns = {column.key: column for column in annual.columns}
    page = Paginator(
        dashboard.campaign_overdue(user, organisation=organisation, year=year), OVERDUE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context.update(
        year=year,
        report=report,
        rows=rows,
        totals=[annual.totals[key] for key in TABLE_COLUMNS],
        total_label=reports.TOTAL,
        organisation_label=columns["organisation"].label,
        on_time_label=columns["on_time"].label,
        late_label=columns["late"].label,
        columns=[columns[key] for key in TABLE_COLUMNS],
        chart=compliance_chart(rows),
        overdue_page=page,
        overdue_rows=dashboard.overdue_rows(page.object_list),
        previous_url=_query(request, page=page.previous_page_number()) if page.has_previous() else None,
        next_url=_query(request, page=page.next_page_number()) if page.has_next() else None,
        downloads=_downloads(organisation, year),
    )
    return render(request, "web/dashboard/dashboard.html", context)


urlpatterns: list[URLPattern] = [
    path("dashboard/", campaign_dashboard, name="dashboard"),
]
