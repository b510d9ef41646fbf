"""The public register over HTTP: search, one record, and the open-data export, for anyone, read-only.

Every answer comes from ``workflow.register``, which reads only the public snapshots. No authentication is
needed or even looked at (a stale session or token does not turn a public page into a 401), and every method
but GET and HEAD answers 405.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpResponseBase, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.filters import IntegerFilter, OrganisationSubtreeFilter
from api.pagination import ValidatedCursorPagination
from api.serializers import ErrorSerializer
from declarations.models import Organisation, PublicSnapshot, RecordKind
from workflow import errors, register

# Shared caches may keep a public answer this many seconds; the export is revalidated with its ETag instead.
MAX_AGE = 60
CSV_MEDIA_TYPE = "text/csv"
JSONL_MEDIA_TYPE = "application/x-ndjson"
TEXT_MAX_LENGTH = 255
# The CSV columns that hold an object, written as compact JSON.
JSON_COLUMNS = ("content", "conclusion")

BAD_FILTER = OpenApiResponse(ErrorSerializer, description="A filter value or the cursor is invalid.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No published record has this id.")
NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag or the date the request names.")


class PublicRegisterView(APIView):
    """Open to everyone: no authentication runs, every visitor is allowed, and only GET and HEAD exist."""

    authentication_classes: Sequence[type[BaseAuthentication]] = ()
    permission_classes: Sequence[type[BasePermission]] = (AllowAny,)
    http_method_names = ["get", "head"]


# --- serializers ------------------------------------------------------------------------------------------


class RecordKindField(serializers.ChoiceField):
    """The record's kind: a declaration's kind, or ``notice``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=RecordKind.choices, **kwargs)


class RecordKindFieldExtension(OpenApiSerializerFieldExtension):
    """Document the kind as one named enum component.

    Declarations and tenders already have fields named ``kind`` with other choices; a component of its own
    keeps the schema's enum names unambiguous.
    """

    target_class = RecordKindField

    def get_name(self) -> str:
        return "RecordKindEnum"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "enum": list(RecordKind.values),
            "description": "\n".join(f"* `{value}` - {label}" for value, label in RecordKind.choices),
        }


def _record_url(pk: int, request: Request | None) -> str:
    return reverse("api:register-detail", kwargs={"pk": pk}, request=request)


class RecordLinkSerializer(serializers.Serializer[Any]):
    """Another record of the register: its id and address."""

    id = serializers.IntegerField()
    url = serializers.URLField()


class RegisterRecordSummarySerializer(serializers.Serializer[PublicSnapshot]):
    """A record as a search result lists it: who, what, when; no content."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    kind = RecordKindField()
    kind_display = serializers.CharField(source="get_kind_display", help_text=_("The kind, in your language."))
    year = serializers.IntegerField()
    official_name = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id", help_text=_("The organisation's id."))
    organisation_name = serializers.CharField()
    position_title = serializers.CharField()
    published_at = serializers.DateTimeField()
    corrects = serializers.SerializerMethodField(help_text=_("The record this one corrects, if any."))
    withdrawn_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the publication was withdrawn; null while it stands.")
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, record: PublicSnapshot) -> str:
        return _record_url(record.pk, self.context.get("request"))

    @extend_schema_field(RecordLinkSerializer(allow_null=True))
    def get_corrects(self, record: PublicSnapshot) -> dict[str, Any] | None:
        if record.corrects_id is None:
            return None
        return {"id": record.corrects_id, "url": _record_url(record.corrects_id, self.context.get("request"))}


class TombstoneSerializer(serializers.Serializer[Any]):
    withdrawn_at = serializers.DateTimeField()
    reason = serializers.CharField()


class RegisterRecordSerializer(RegisterRecordSummarySerializer):
    """One record: its public content and conclusion, its corrections, or the tombstone of a withdrawal."""

    content = serializers.SerializerMethodField(
        help_text=_("The public part of the filing; null once the publication is withdrawn.")
    )
    conclusion = serializers.SerializerMethodField(
        help_text=_("The public part of the agency's conclusion; null when there is none or it is withdrawn.")
    )
    corrected_by = serializers.SerializerMethodField(help_text=_("The published corrections of this record."))
    tombstone = serializers.SerializerMethodField(help_text=_("The withdrawal's date and reason; null if none."))

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_content(self, record: PublicSnapshot) -> dict[str, Any] | None:
        return register.public_content(record)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_conclusion(self, record: PublicSnapshot) -> dict[str, Any] | None:
        return register.public_conclusion(record)

    @extend_schema_field(RecordLinkSerializer(many=True))
    def get_corrected_by(self, record: PublicSnapshot) -> list[dict[str, Any]]:
        request = self.context.get("request")
        return [{"id": pk, "url": _record_url(pk, request)} for pk in register.corrected_by_ids(record)]

    @extend_schema_field(TombstoneSerializer(allow_null=True))
    def get_tombstone(self, record: PublicSnapshot) -> dict[str, Any] | None:
        if not register.is_withdrawn(record):
            return None
        return TombstoneSerializer({"withdrawn_at": record.withdrawn_at, "reason": record.withdrawal_reason}).data


# --- search -----------------------------------------------------------------------------------------------


# An empty parameter means "any" here (the register's search form sends every field, filled or not).
class RegisterFilter(filters.FilterSet):
    """The register's search criteria; ``workflow.register.search_records`` applies them."""

    q = filters.CharFilter(max_length=TEXT_MAX_LENGTH, label=_("A fragment of the official's name"))
    organisation = OrganisationSubtreeFilter(
        queryset=Organisation.objects.all(), label=_("Organisation and everything under it")
    )
    position = filters.CharFilter(max_length=TEXT_MAX_LENGTH, label=_("A fragment of the position title"))
    year = IntegerFilter(min_value=1, max_value=9999)
    kind = filters.ChoiceFilter(choices=RecordKind.choices)

    class Meta:
        model = PublicSnapshot
        fields = ["q", "organisation", "position", "year", "kind"]

    def filter_queryset(self, queryset: QuerySet[PublicSnapshot]) -> QuerySet[PublicSnapshot]:
        criteria = self.form.cleaned_data
        return register.search_records(
            name=criteria.get("q") or "",
            organisation=criteria.get("organisation"),
            position=criteria.get("position") or "",
            year=criteria.get("year"),
            kind=criteria.get("kind") or "",
        )


class RegisterCursorPagination(ValidatedCursorPagination):
    ordering = register.NEWEST_FIRST


@extend_schema_view(
    get=extend_schema(
        summary="Search the public register.",
        responses={200: RegisterRecordSummarySerializer(many=True), 400: BAD_FILTER},
    )
)
class RegisterListView(PublicRegisterView, generics.ListAPIView[PublicSnapshot]):
    """Published records, newest first: filter by name (`q`), organisation, position, year and kind."""

    serializer_class = RegisterRecordSummarySerializer
    filterset_class = RegisterFilter
    pagination_class = RegisterCursorPagination

    def get_queryset(self) -> QuerySet[PublicSnapshot]:
        return register.search_records()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response


class RegisterRecordView(PublicRegisterView):
    """One published record; a withdrawn one is a tombstone without its content."""

    @extend_schema(
        summary="One record of the public register.",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The record's id.")],
        responses={200: RegisterRecordSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: str) -> Response:
        # ASCII digits only: Python's int() also reads " 1\n" and "٣" (an Arabic 3), which would give one
        # record many addresses.
        if not (pk.isascii() and pk.isdigit()):
            raise errors.ObjectNotFound
        record = register.get_public_record(pk)
        response = Response(RegisterRecordSerializer(record, context={"request": request}).data)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response


# --- open-data export -------------------------------------------------------------------------------------


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Echo:
    """A file-like object whose ``write`` hands back what it is given, for ``csv.writer`` to stream through."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The export as CSV: a byte order mark, the header, one line per record; objects as compact JSON."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(register.EXPORT_FIELDS)
    for row in rows:
        yield writer.writerow([_csv_cell(name, row[name]) for name in register.EXPORT_FIELDS])


def _csv_cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    return _compact_json(value) if name in JSON_COLUMNS else value


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The export as JSON Lines: one compact JSON object per record and line."""
    for row in rows:
        yield _compact_json({name: row[name] for name in register.EXPORT_FIELDS}) + "\n"


class RegisterExportView(PublicRegisterView):
    """Base of the two exports: every record in id order, streamed, with ETag and Last-Modified.

    A request whose ``If-None-Match`` (or, without it, ``If-Modified-Since``) matches answers 304 without
    reading a single record.
    """

    media_type: ClassVar[str]
    filename: ClassVar[str]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The export has one representation; an error is JSON, whatever the client said it accepts.
        return super().perform_content_negotiation(request, force=True)

    def lines(self, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
        raise NotImplementedError

    def export(self, request: Request) -> HttpResponseBase:
        version = register.export_version()
        etag = version.etag(self.filename)
        timestamp = version.last_modified_timestamp
        response: HttpResponseBase | None = get_conditional_response(
            request._request, etag=etag, last_modified=timestamp
        )
        if response is None:
            response = StreamingHttpResponse(
                self.lines(register.export_rows()), content_type=f"{self.media_type}; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        response["ETag"] = etag
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
        patch_cache_control(response, public=True, no_cache=True)
        return response


_EXPORT_DESCRIPTION = (
    "Every record of the register in id order, withdrawn ones included as tombstones (no content, no "
    "conclusion). Fields: " + ", ".join(register.EXPORT_FIELDS) + ". The README documents each field."
)


class RegisterCsvExportView(RegisterExportView):
    """The whole register as CSV (UTF-8 with a byte order mark), one row per record."""

    media_type = CSV_MEDIA_TYPE
    filename = "public-register.csv"

    def lines(self, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
        return csv_lines(rows)

    @extend_schema(
        operation_id="register_export_csv",
        summary="Download the public register as CSV.",
        description=_EXPORT_DESCRIPTION
        + " `content` and `conclusion` are compact JSON; an empty `corrects_id`, `withdrawn_at`, `content` or"
        " `conclusion` cell is null.",
        responses={(200, CSV_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.STR), 304: NOT_MODIFIED},
    )
    def get(self, request: Request) -> HttpResponseBase:
        return self.export(request)


class RegisterJsonlExportView(RegisterExportView):
    """The whole register as JSON Lines (UTF-8), one object per record."""

    media_type = JSONL_MEDIA_TYPE
    filename = "public-register.jsonl"

    def lines(self, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
        return jsonl_lines(rows)

    @extend_schema(
        operation_id="register_export_jsonl",
        summary="Download the public register as JSON Lines.",
        description=_EXPORT_DESCRIPTION,
        responses={(200, JSONL_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.STR), 304: NOT_MODIFIED},
    )
    def get(self, request: Request) -> HttpResponseBase:
        return self.export(request)
