"""The reports over HTTP: notice statistics, campaign compliance and preliminary declarations, as JSON, CSV or
XLSX (``format``). Parse the query, find the organisation through the policy module, run the selector, render.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import MAX_ID
from api.serializers import ErrorSerializer
from workflow import report_files, reports

JSON_FORMAT = "json"
FORMATS = (JSON_FORMAT, *report_files.FILE_FORMATS)


class ReportQuerySerializer(serializers.Serializer[Any]):
    """The query of every report; which period parameters a report takes is checked by ``workflow.reports``."""

    organisation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    format = serializers.ChoiceField(choices=FORMATS, default=JSON_FORMAT)


# --- the JSON answer, for the schema ----------------------------------------------------------------------


# ``label`` is a serializer field's own attribute, so the column's fields are declared inline.
REPORT_COLUMN_FIELDS: dict[str, serializers.Field[Any, Any, Any, Any]] = {
    "key": serializers.CharField(help_text=_("The key of the column in each row and in the totals.")),
    "label": serializers.CharField(help_text=_("The column's header, in your language.")),
    "is_number": serializers.BooleanField(help_text=_("Whether the column holds a number (and has a total).")),
}


class ReportTableSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    title = serializers.CharField()
    columns = inline_serializer(name="ReportColumn", fields=REPORT_COLUMN_FIELDS, many=True)
    rows = serializers.ListField(
        child=serializers.DictField(), help_text=_("One object per row, keyed by the columns' keys.")
    )
    totals = serializers.DictField(help_text=_("The total of every number column over the whole scope."))


class ReportOrganisationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ReportSerializer(serializers.Serializer[Any]):
    report = serializers.CharField()
    title = serializers.CharField()
    organisation = ReportOrganisationSerializer(
        allow_null=True, help_text=_("The organisation whose subtree the report covers; null for the whole country.")
    )
    year = serializers.IntegerField(allow_null=True, help_text=_("The campaign year (compliance report)."))
    date_from = serializers.DateField(allow_null=True, help_text=_("The first day of the period."))
    date_to = serializers.DateField(allow_null=True, help_text=_("The last day of the period (included)."))
    tables = ReportTableSerializer(many=True)


# --- the views ----------------------------------------------------------------------------------------------

ORGANISATION = OpenApiParameter(
    "organisation",
    OpenApiTypes.INT,
    description="The organisation (id) whose subtree to report on. Leave it out for the whole country (the agency).",
)
YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="A calendar year.")
DATE_FROM = OpenApiParameter("date_from", OpenApiTypes.DATE, description="The first day of the period.")
DATE_TO = OpenApiParameter("date_to", OpenApiTypes.DATE, description="The last day of the period (included).")
FORMAT = OpenApiParameter("format", OpenApiTypes.STR, enum=FORMATS, default=JSON_FORMAT)

RESPONSES = {
    (200, "application/json"): ReportSerializer,
    (200, report_files.CSV_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The report as CSV."),
    (200, report_files.XLSX_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The report as XLSX."),
    400: OpenApiResponse(ErrorSerializer, description="A parameter is invalid: its name and the reason."),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in, or the token is not valid."),
    403: OpenApiResponse(ErrorSerializer, description="Only the agency reports on the whole country."),
    404: OpenApiResponse(ErrorSerializer, description="The organisation does not exist or is out of your scope."),
}

_FILES = (
    " `format=csv` or `format=xlsx` downloads the same numbers as a file, with the headers in your language."
    " An authorised official (ЭБАТ) reports on an organisation within their review scope; the agency on any,"
    " or on the whole country."
)


class ReportView(APIView):
    """Base of the report endpoints: the query, the scope, the selector, and the answer in its format."""

    report_name: ClassVar[str]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``format`` names the report's file format, not a DRF renderer; errors are JSON whatever it says.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request: Request) -> HttpResponseBase:
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        organisation = reports.report_organisation(request.user, params.get("organisation"))
        report = reports.build_report(
            self.report_name,
            organisation=organisation,
            year=params.get("year"),
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
        )
        file_format = params["format"]
        response: HttpResponseBase
        if file_format == JSON_FORMAT:
            response = Response(report.as_dict())
        else:
            response = HttpResponse(
                report_files.render(report, file_format), content_type=report_files.MEDIA_TYPES[file_format]
            )
            response["Content-Disposition"] = f'attachment; filename="{report_files.file_name(report, file_format)}"'
        patch_cache_control(response, private=True, no_cache=True)
        return response


class NoticeReportView(ReportView):
    report_name = "notices"

    @extend_schema(
        operation_id="reports_notices",
        summary="Notice statistics for an organisation subtree and a period.",
        description=(
            "Notices submitted in the period (`year`, or `date_from` and `date_to`; drafts never count): one row"
            " per category with the declared outcomes (no conflict, conflict, not stated) and the late ones, and"
            " the totals." + _FILES
        ),
        parameters=[ORGANISATION, YEAR, DATE_FROM, DATE_TO, FORMAT],
        responses=RESPONSES,
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)


class ComplianceReportView(ReportView):
    report_name = "compliance"

    @extend_schema(
        operation_id="reports_compliance",
        summary="Campaign compliance per organisation for a year.",
        description=(
            "One row per organisation of the subtree, and the totals: the year's annual obligations (required,"
            " filed on time, late, not yet due, overdue, missing, waived, completion percentage), and the"
            " appointments and significant changes of the year filed within 30 days or late. Takes `year` only."
            + _FILES
        ),
        parameters=[ORGANISATION, YEAR, FORMAT],
        responses=RESPONSES,
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)


class PreliminaryReportView(ReportView):
    report_name = "preliminary"

    @extend_schema(
        operation_id="reports_preliminary",
        summary="Preliminary declarations (ХАСУМ) by the agency's conclusion.",
        description=(
            "Preliminary declarations submitted in the period, per organisation: still under review, concluded"
            " with no obstacle, or with a conflict of interest found." + _FILES
        ),
        parameters=[ORGANISATION, YEAR, DATE_FROM, DATE_TO, FORMAT],
        responses=RESPONSES,
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)
