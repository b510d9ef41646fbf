"""API views: parse input, fetch through the policy module, call one service, render."""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable, Mapping
from typing import IO, Any, ClassVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import exceptions, generics, status
from rest_framework.parsers import BaseParser, DataAndFiles
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Serializer
from rest_framework.views import APIView

from api import serializers as s
from api.errors import EXPECTED_OBJECT
from api.filters import DeclarationFilter, NoticeFilter, TenderFilter
from api.pagination import CategoryCursorPagination, IdCursorPagination, QueueCursorPagination
from api.parsers import MultiPartParser
from declarations.models import (
    CommitteeMember,
    Declaration,
    DeclarationRevision,
    Notice,
    NoticeCategory,
    Official,
    Organisation,
    Position,
    Tender,
)
from workflow import errors, notice_import, notices, policies, referrals, services, tenders

NOT_SIGNED_IN = OpenApiResponse(s.ErrorSerializer, description="Not signed in, or the token is not valid.")
ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Invalid input: field paths and messages."),
    401: NOT_SIGNED_IN,
    403: OpenApiResponse(s.ErrorSerializer, description="Visible, but the action is not allowed."),
    404: OpenApiResponse(s.ErrorSerializer, description="Not found, or not visible to you."),
    409: OpenApiResponse(s.StateErrorSerializer, description="Not possible in the current state."),
    413: OpenApiResponse(s.ErrorSerializer, description="The request body is too large."),
    415: OpenApiResponse(s.ErrorSerializer, description="The request body is not of a media type the API reads."),
}
READ_ERRORS = {401: NOT_SIGNED_IN, 404: ERRORS[404]}


def _list_schema(serializer: type[BaseSerializer[Any]]) -> Any:
    """A list's 200 (paginated by the view), its 400 for an unknown filter value or a foreign cursor, its 401."""
    return extend_schema_view(
        get=extend_schema(responses={200: serializer(many=True), 400: ERRORS[400], 401: NOT_SIGNED_IN})
    )


# The publish transition's condition asks ``declaration.revisions.exists()``; with the ids prefetched
# a list page answers it from memory instead of one query per accepted row.
REVISION_IDS = Prefetch("revisions", queryset=DeclarationRevision.objects.only("id", "declaration_id"))


def _json_object(request: Request) -> Mapping[str, Any]:
    """The request body as an object: malformed JSON is a 400 (``ParseError``), so is a list or a string. A form
    body gives each field's (last) value, as JSON would, not the list of its values."""
    data = request.data
    if isinstance(data, QueryDict):
        return data.dict()
    if not isinstance(data, Mapping):
        raise exceptions.ValidationError({"non_field_errors": [EXPECTED_OBJECT]})
    return data


def _valid(serializer_class: type[BaseSerializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _render(request: Request, declaration: Declaration, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(s.DeclarationSerializer(declaration, context={"request": request}).data, status=status_code)


@_list_schema(s.DeclarationListSerializer)
class DeclarationListCreateView(generics.ListAPIView[Declaration]):
    """Declarations you may see (your own, your review scope), newest first; create a draft."""

    serializer_class = s.DeclarationListSerializer
    filterset_class = DeclarationFilter

    def get_queryset(self) -> QuerySet[Declaration]:
        return policies.visible_declarations(self.request.user).prefetch_related(REVISION_IDS, "conclusions")

    @extend_schema(request=s.DeclarationCreateSerializer, responses={201: s.DeclarationSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        data = _valid(s.DeclarationCreateSerializer, request)
        if "corrects" in data:
            declaration = services.declaration_create_correction(actor=request.user, corrects_id=data["corrects"])
        else:
            position = policies.get_visible_position(request.user, data["position"])
            declaration = services.declaration_create(
                actor=request.user,
                position=position,
                kind=data["kind"],
                year=data["year"],
                content=data.get("content"),
            )
        return _render(request, declaration, status_code=status.HTTP_201_CREATED)


class DeclarationDetailView(APIView):
    """One declaration; its content can be changed by the filer while it is a draft or returned."""

    @extend_schema(responses={200: s.DeclarationSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return _render(request, policies.get_visible_declaration(request.user, pk))

    @extend_schema(request=s.DeclarationUpdateSerializer, responses={200: s.DeclarationSerializer, **ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        # Visibility before input: an invisible declaration is a 404 whatever the body holds.
        policies.get_visible_declaration(request.user, pk)
        data = _valid(s.DeclarationUpdateSerializer, request)
        declaration = services.declaration_update_content(
            actor=request.user, declaration_id=pk, content=data["content"]
        )
        return _render(request, declaration)


class TransitionView(APIView):
    """Base of the one-endpoint-per-transition views of declarations, notices and tenders.

    The service is the one validator of a transition's input: it checks the permission (403) and the
    state (409) first, then the comment or reason (400), so a user who may not act learns nothing from
    a 400, and the messages are the service's own. The input serializer documents the body.
    """

    transition: ClassVar[str]
    body_fields: ClassVar[tuple[str, ...]] = ()
    fetch: ClassVar[Callable[[Any, int], Any]]
    services: ClassVar[Mapping[str, Callable[..., Any]]]
    id_argument: ClassVar[str]
    render: ClassVar[Callable[[Request, Any], Response]]

    def take(self, request: Request, pk: int) -> Response:
        cls = type(self)
        cls.fetch(request.user, pk)
        body = _json_object(request)
        arguments = {name: body.get(name) for name in cls.body_fields}
        filing = cls.services[cls.transition](actor=request.user, **{cls.id_argument: pk}, **arguments)
        return cls.render(request, filing)


def _transition_views(
    kind: str,
    *,
    fetch: Callable[[Any, int], Any],
    services: Mapping[str, Callable[..., Any]],
    render: Callable[[Request, Any], Response],
    response: type[Serializer[Any]],
    endpoints: dict[str, tuple[type[Serializer[Any]], str]],
) -> dict[str, type[APIView]]:
    """One view class per transition of ``kind`` (``declaration``, ``notice``, ``tender``), built from
    ``{name: (body serializer, summary)}``."""

    def view(name: str, serializer: type[Serializer[Any]], summary: str) -> type[APIView]:
        # A new ``post`` per view: extend_schema annotates the function object it is given, so sharing the
        # base class's function would give every transition the last one's schema and operation id.
        @extend_schema(
            operation_id=f"{kind}s_{name}",
            summary=summary,
            request=None if serializer is s.EmptySerializer else serializer,
            responses={200: response, **ERRORS},
        )
        def post(self: TransitionView, request: Request, pk: int) -> Response:
            return self.take(request, pk)

        attributes = {
            "transition": name,
            "body_fields": tuple(serializer().fields),
            "fetch": staticmethod(fetch),
            "services": services,
            "id_argument": f"{kind}_id",
            "render": staticmethod(render),
            "post": post,
            "__doc__": summary,
        }
        return type(f"{kind.title()}{name.title().replace('_', '')}View", (TransitionView,), attributes)

    return {name: view(name, serializer, summary) for name, (serializer, summary) in endpoints.items()}


TRANSITION_VIEWS = _transition_views(
    "declaration",
    fetch=policies.get_visible_declaration,
    services=services.TRANSITION_SERVICES,
    render=_render,
    response=s.DeclarationSerializer,
    endpoints={
        "submit": (s.EmptySerializer, "Submit a draft for review."),
        "resubmit": (s.EmptySerializer, "Submit a returned declaration again."),
        "start_review": (s.EmptySerializer, "Take a submitted declaration into review."),
        "return_for_correction": (s.ReturnSerializer, "Return to the filer with a comment and per-field remarks."),
        "accept": (s.CommentSerializer, "Accept a declaration under review."),
        "refer": (s.ReasonSerializer, "Refer a declaration under review to the agency for verification."),
        "conclude": (
            s.ConclusionInputSerializer,
            "The agency concludes a preliminary declaration under review, or a referred declaration.",
        ),
        "publish": (s.EmptySerializer, "Publish an accepted (or concluded) declaration, redacted."),
        "withdraw_publication": (s.ReasonSerializer, "Withdraw a publication, leaving a tombstone."),
        "discard": (s.EmptySerializer, "Discard a draft that was never submitted."),
    },
)


class DeclarationAssignView(APIView):
    """An agency supervisor assigns a preliminary or referred declaration to one of the agency's reviewers."""

    @extend_schema(
        operation_id="declarations_assign_reviewer",
        request=s.AssignSerializer,
        responses={200: s.DeclarationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        policies.get_visible_declaration(request.user, pk)
        body = _json_object(request)
        referrals.assign_reviewer(actor=request.user, model=Declaration, filing_id=pk, reviewer_id=body.get("reviewer"))
        return _render(request, policies.get_visible_declaration(request.user, pk))


class DeclarationHistoryView(APIView):
    """The declaration's transitions, oldest first."""

    @extend_schema(responses={200: s.TransitionLogSerializer(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        declaration = policies.get_visible_declaration(request.user, pk)
        entries = policies.history_for_user(request.user, declaration)
        return Response(s.TransitionLogSerializer(entries, many=True).data)


@_list_schema(s.DeclarationListSerializer)
class ReviewQueueView(generics.ListAPIView[Declaration]):
    """Declarations waiting for you: submitted or under review in your scope, oldest submission first."""

    serializer_class = s.DeclarationListSerializer
    filterset_class = DeclarationFilter
    pagination_class = QueueCursorPagination

    def get_queryset(self) -> QuerySet[Declaration]:
        return policies.review_queue_for(self.request.user).prefetch_related(REVISION_IDS, "conclusions")


# --- Notices ------------------------------------------------------------------------------------------

# An external committee member's name lives on their seat: annotated in the list's one query.
SEATS = CommitteeMember.objects.filter(tender_id=OuterRef("tender_id"), user_id=OuterRef("filer_id"))
SEAT_NAME = Subquery(SEATS.values("full_name")[:1])


def _notice_rows(queryset: QuerySet[Notice]) -> QuerySet[Notice]:
    return queryset.prefetch_related("red_flags", "conclusions").annotate(seat_name=SEAT_NAME)


def _render_notice(request: Request, notice: Notice, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(s.NoticeSerializer(notice, context={"request": request}).data, status=status_code)


def _visible_organisation(request: Request, organisation_id: int) -> Organisation:
    try:
        return policies.visible_organisations(request.user).get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise errors.ObjectNotFound from None


def _keyword_fields(body: Mapping[str, Any], *, taken: tuple[str, ...]) -> dict[str, Any]:
    """The body's fields as the service's keyword arguments.

    A field named like one of the service's own arguments (``actor``, the object's id) cannot be passed
    on: it is an unknown field, as the service calls every field it does not know.
    """
    clashing = [name for name in body if name in taken]
    if clashing:
        raise errors.InvalidInput({name: [notices.UNKNOWN_FIELD] for name in clashing})
    return dict(body)


@_list_schema(s.NoticeCategorySerializer)
class NoticeCategoryListView(generics.ListAPIView[NoticeCategory]):
    """The active notice categories, in the agency's order, named in your language (``display_name``)."""

    serializer_class = s.NoticeCategorySerializer
    pagination_class = CategoryCursorPagination

    def get_queryset(self) -> QuerySet[NoticeCategory]:
        # Reference data, open to everyone signed in (the permission class): no policy narrows it.
        return NoticeCategory.objects.filter(is_active=True)


@_list_schema(s.NoticeListSerializer)
class NoticeListCreateView(generics.ListAPIView[Notice]):
    """Notices you may see (your own, your review scope, your tenders'), newest first; open a draft."""

    serializer_class = s.NoticeListSerializer
    filterset_class = NoticeFilter

    def get_queryset(self) -> QuerySet[Notice]:
        return _notice_rows(policies.visible_notices(self.request.user))

    @extend_schema(request=s.NoticeCreateSerializer, responses={201: s.NoticeSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        body = _json_object(request)
        organisation = _visible_organisation(request, _valid(s.OrganisationRefSerializer, request)["organisation"])
        fields = _keyword_fields({k: v for k, v in body.items() if k != "organisation"}, taken=("actor",))
        notice = notices.notice_create(actor=request.user, organisation=organisation, **fields)
        return _render_notice(request, notice, status_code=status.HTTP_201_CREATED)


class NoticeDetailView(APIView):
    """One notice; the filer changes it while it is a draft or returned."""

    @extend_schema(responses={200: s.NoticeSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return _render_notice(request, policies.get_visible_notice(request.user, pk))

    @extend_schema(request=s.NoticeUpdateSerializer, responses={200: s.NoticeSerializer, **ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        policies.get_visible_notice(request.user, pk)
        fields = _keyword_fields(_json_object(request), taken=("actor", "notice_id"))
        return _render_notice(request, notices.notice_update(actor=request.user, notice_id=pk, **fields))


NOTICE_TRANSITION_VIEWS = _transition_views(
    "notice",
    fetch=policies.get_visible_notice,
    services=notices.NOTICE_TRANSITION_SERVICES,
    render=_render_notice,
    response=s.NoticeSerializer,
    endpoints={
        "submit": (s.EmptySerializer, "Submit a draft notice for review."),
        "resubmit": (s.EmptySerializer, "Submit a returned notice again."),
        "start_review": (s.EmptySerializer, "Take a submitted notice into review."),
        "return_for_correction": (s.NoticeReturnSerializer, "Return the notice to its filer with a comment."),
        "acknowledge": (
            s.CommentSerializer,
            "Acknowledge a notice under review: a conflict needs a recorded resolution, every red flag a reason.",
        ),
        "refer": (s.ReasonSerializer, "Refer a notice under review to the agency for verification."),
        "conclude": (s.ConclusionInputSerializer, "The agency concludes a referred notice."),
        "publish": (s.EmptySerializer, "Publish an acknowledged notice, or one the agency found no violation in."),
        "withdraw_publication": (s.ReasonSerializer, "Withdraw a published notice, leaving a tombstone."),
    },
)


class NoticeResolutionView(APIView):
    """Record how a declared conflict is handled (the reviewer, while the notice is under review)."""

    @extend_schema(
        operation_id="notices_record_resolution",
        request=s.ResolutionSerializer,
        responses={200: s.NoticeSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        policies.get_visible_notice(request.user, pk)
        body = _json_object(request)
        notice = notices.notice_record_resolution(actor=request.user, notice_id=pk, resolution=body.get("resolution"))
        return _render_notice(request, notice)


class NoticeAssignView(APIView):
    """An agency supervisor assigns a referred notice to one of the agency's reviewers."""

    @extend_schema(
        operation_id="notices_assign_reviewer",
        request=s.AssignSerializer,
        responses={200: s.NoticeSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        policies.get_visible_notice(request.user, pk)
        body = _json_object(request)
        referrals.assign_reviewer(actor=request.user, model=Notice, filing_id=pk, reviewer_id=body.get("reviewer"))
        return _render_notice(request, policies.get_visible_notice(request.user, pk))


class RedFlagResolveView(APIView):
    """Resolve a red flag on a notice under review with a written reason."""

    @extend_schema(
        operation_id="notices_resolve_flag", request=s.ReasonSerializer, responses={200: s.NoticeSerializer, **ERRORS}
    )
    def post(self, request: Request, pk: int, flag_id: int) -> Response:
        policies.get_visible_notice(request.user, pk)
        body = _json_object(request)
        notices.notice_resolve_flag(actor=request.user, notice_id=pk, flag_id=flag_id, reason=body.get("reason"))
        return _render_notice(request, policies.get_visible_notice(request.user, pk))


class NoticeHistoryView(APIView):
    """The notice's transitions, oldest first."""

    @extend_schema(responses={200: s.TransitionLogSerializer(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        notice = policies.get_visible_notice(request.user, pk)
        entries = policies.history_for_user(request.user, notice)
        return Response(s.TransitionLogSerializer(entries, many=True).data)


@_list_schema(s.NoticeListSerializer)
class NoticeReviewQueueView(generics.ListAPIView[Notice]):
    """Notices waiting for you: submitted or under review in your scope, oldest submission first."""

    serializer_class = s.NoticeListSerializer
    filterset_class = NoticeFilter
    pagination_class = QueueCursorPagination

    def get_queryset(self) -> QuerySet[Notice]:
        return _notice_rows(policies.notice_review_queue_for(self.request.user))


class CSVParser(BaseParser):
    """A ``text/csv`` body is the import's ``file``: spooled to disk when large, as a multipart upload is."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> DataAndFiles[Any, Any]:
        spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
        if stream is not None:
            shutil.copyfileobj(stream, spool)
        size = spool.tell()
        spool.seek(0)
        upload = UploadedFile(spool, name="notices.csv", content_type=self.media_type, size=size)
        return DataAndFiles({}, {"file": upload})


def _csv_text(upload: UploadedFile) -> IO[str]:
    # Decoded lazily, as the import reads it: a file that is not UTF-8 is the import's 400, after its 403.
    raw = upload.file
    assert raw is not None  # an uploaded file always has its file object
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


class NoticeImportView(APIView):
    """Record as submitted the notices an organisation's officials filed elsewhere: every CSV row, or none."""

    parser_classes = [MultiPartParser, CSVParser]

    @extend_schema(
        operation_id="notices_import",
        request={"multipart/form-data": s.NoticeImportSerializer, "text/csv": OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(
                "organisation",
                OpenApiTypes.INT,
                description="The organisation's id, with a text/csv body (a multipart body may send it as a field).",
            )
        ],
        responses={201: s.NoticeImportResultSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        fields = {name: request.data[name] for name in request.data}
        if "organisation" not in fields and "organisation" in request.query_params:
            fields["organisation"] = request.query_params["organisation"]
        serializer = s.NoticeImportSerializer(data=fields)
        serializer.is_valid(raise_exception=True)
        organisation = _visible_organisation(request, serializer.validated_data["organisation"])
        with _csv_text(serializer.validated_data["file"]) as stream:
            result = notice_import.import_notices(actor=request.user, organisation=organisation, stream=stream)
        return Response(
            s.NoticeImportResultSerializer({"created": result.created, "notice_ids": result.notice_ids}).data,
            status=status.HTTP_201_CREATED,
        )


# --- Tenders ------------------------------------------------------------------------------------------


def _render_tender(request: Request, tender: Tender, *, status_code: int = status.HTTP_200_OK) -> Response:
    """The tender with each member's latest notice and the gate, as far as the user follows the committee."""
    latest, whole = policies.committee_notices(request.user, tender)
    context = {"request": request, "latest_notices": latest, "sees_every_notice": whole}
    return Response(s.TenderSerializer(tender, context=context).data, status=status_code)


@_list_schema(s.TenderListSerializer)
class TenderListCreateView(generics.ListAPIView[Tender]):
    """Tenders you may see (managed by you, with you on the committee, in your review scope); open one."""

    serializer_class = s.TenderListSerializer
    filterset_class = TenderFilter

    def get_queryset(self) -> QuerySet[Tender]:
        # The clearing gate behind ``available_transitions`` reads members and notices from memory.
        return policies.visible_tenders(self.request.user).prefetch_related("members", "notices__red_flags")

    @extend_schema(request=s.TenderCreateSerializer, responses={201: s.TenderSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        body = _json_object(request)
        organisation = _visible_organisation(request, _valid(s.OrganisationRefSerializer, request)["organisation"])
        tender = tenders.tender_create(
            actor=request.user,
            organisation=organisation,
            reference_number=body.get("reference_number"),
            title=body.get("title"),
        )
        return _render_tender(request, tender, status_code=status.HTTP_201_CREATED)


class TenderDetailView(APIView):
    """One tender: its bidders, its committee and what keeps the committee from being cleared."""

    @extend_schema(responses={200: s.TenderSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return _render_tender(request, policies.get_visible_tender(request.user, pk))


class TenderBiddersView(APIView):
    """Register a bidder; once members are declaring, each is asked for a supplementary notice."""

    @extend_schema(
        operation_id="tenders_add_bidder",
        request=s.BidderCreateSerializer,
        responses={201: s.TenderSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        policies.get_visible_tender(request.user, pk)
        body = _json_object(request)
        tenders.tender_add_bidder(
            actor=request.user, tender_id=pk, name=body.get("name"), register_number=body.get("register_number")
        )
        return _render_tender(
            request, policies.get_visible_tender(request.user, pk), status_code=status.HTTP_201_CREATED
        )


def _member_arguments(body: Any) -> dict[str, Any]:
    body = body if isinstance(body, Mapping) else {}
    return {
        "kind": body.get("kind"),
        "official_id": body.get("official"),
        "full_name": body.get("full_name"),
        "email": body.get("email"),
    }


class TenderMembersView(APIView):
    """Seat a committee member: an official by id, or an external member by name and e-mail."""

    @extend_schema(
        operation_id="tenders_add_member",
        request=s.MemberCreateSerializer,
        responses={201: s.TenderSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        policies.get_visible_tender(request.user, pk)
        body = _json_object(request)
        tenders.tender_add_member(actor=request.user, tender_id=pk, **_member_arguments(body))
        return _render_tender(
            request, policies.get_visible_tender(request.user, pk), status_code=status.HTTP_201_CREATED
        )


class TenderMemberRecuseView(APIView):
    """Recuse a member and seat the replacement, who then files a notice."""

    @extend_schema(
        operation_id="tenders_recuse_member", request=s.RecuseSerializer, responses={200: s.TenderSerializer, **ERRORS}
    )
    def post(self, request: Request, pk: int, member_id: int) -> Response:
        policies.get_visible_tender(request.user, pk)
        body = _json_object(request)
        try:
            tenders.tender_recuse_member(
                actor=request.user, tender_id=pk, member_id=member_id, **_member_arguments(body.get("replacement"))
            )
        except errors.InvalidInput as invalid:
            # The service names the replacement's fields; in the body they sit under ``replacement``.
            raise errors.InvalidInput({f"replacement.{path}": m for path, m in invalid.errors.items()}) from None
        return _render_tender(request, policies.get_visible_tender(request.user, pk))


TENDER_TRANSITION_VIEWS = _transition_views(
    "tender",
    fetch=policies.get_visible_tender,
    services=tenders.TENDER_TRANSITION_SERVICES,
    render=_render_tender,
    response=s.TenderSerializer,
    endpoints={
        "open_declarations": (
            s.EmptySerializer,
            "Ask every committee member for a notice: a draft for each, and an e-mail.",
        ),
        "clear": (
            s.EmptySerializer,
            "Clear the committee; refused, naming each member, until every member is cleared.",
        ),
        "start_evaluation": (s.EmptySerializer, "Start evaluating the bids."),
        "close": (s.EmptySerializer, "Close the evaluation."),
    },
)


@_list_schema(s.OrganisationSerializer)
class OrganisationListView(generics.ListAPIView[Organisation]):
    serializer_class = s.OrganisationSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[Organisation]:
        return policies.visible_organisations(self.request.user)


class OrganisationDetailView(generics.RetrieveAPIView[Organisation]):
    serializer_class = s.OrganisationSerializer

    @extend_schema(responses={200: s.OrganisationSerializer, **READ_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Organisation]:
        return policies.visible_organisations(self.request.user)


@_list_schema(s.OfficialSerializer)
class OfficialListView(generics.ListAPIView[Official]):
    serializer_class = s.OfficialSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[Official]:
        return policies.visible_officials(self.request.user).order_by("id")


class OfficialDetailView(generics.RetrieveAPIView[Official]):
    serializer_class = s.OfficialSerializer

    @extend_schema(responses={200: s.OfficialSerializer, **READ_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Official]:
        return policies.visible_officials(self.request.user)


@_list_schema(s.PositionSerializer)
class PositionListView(generics.ListAPIView[Position]):
    serializer_class = s.PositionSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[Position]:
        return policies.visible_positions(self.request.user).order_by("id")


class PositionDetailView(generics.RetrieveAPIView[Position]):
    serializer_class = s.PositionSerializer

    @extend_schema(responses={200: s.PositionSerializer, **READ_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Position]:
        return policies.visible_positions(self.request.user)


class MeView(APIView):
    """Who you are: your official record (with your own registration number) and your review scope."""

    @extend_schema(responses={200: s.MeSerializer, 401: NOT_SIGNED_IN})
    def get(self, request: Request) -> Response:
        official = getattr(request.user, "official", None)
        positions = policies.own_positions(request.user)
        reviewed = policies.visible_organisations(request.user).filter(
            path__in=policies.reviewer_organisation_paths(request.user)
        )
        return Response(
            s.MeSerializer(
                {
                    "username": request.user.get_username(),
                    "full_name": official.full_name if official else None,
                    "register_number": official.register_number if official else None,
                    "reviews_organisations": list(reviewed.values_list("id", flat=True)),
                    "positions": positions,
                }
            ).data
        )


class NotFoundView(APIView):
    """Any other address under /api/v1/ (a non-numeric id, say): the same JSON 404 as a missing object."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise errors.ObjectNotFound

    post = put = patch = delete = get


class SwaggerView(SpectacularSwaggerView):
    """Swagger UI from the project's static files, without the online validator badge (which would send the
    schema's address to validator.swagger.io)."""

    def _dump(self, data: Any) -> Any:
        return super()._dump({**data, "validatorUrl": None} if isinstance(data, dict) else data)
