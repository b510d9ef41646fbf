"""API views: parse input, fetch through the policy module, call one service, render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Serializer
from rest_framework.views import APIView

from api import serializers as s
from api.errors import EXPECTED_OBJECT
from api.filters import DeclarationFilter
from api.pagination import IdCursorPagination, QueueCursorPagination
from declarations.models import Declaration, DeclarationRevision, Official, Organisation, Position
from workflow import audit, errors, policies, services

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Invalid input: field paths and messages."),
    403: OpenApiResponse(s.ErrorSerializer, description="Visible, but the action is not allowed."),
    404: OpenApiResponse(s.ErrorSerializer, description="Not found, or not visible to you."),
    409: OpenApiResponse(s.StateErrorSerializer, description="Not possible in the current state."),
}
READ_ERRORS = {404: ERRORS[404]}


def _list_schema(serializer: type[BaseSerializer[Any]]) -> Any:
    """A list's 200 (paginated by the view) and its 400 for an unknown filter value or a foreign cursor."""
    return extend_schema_view(get=extend_schema(responses={200: serializer(many=True), 400: ERRORS[400]}))


# The publish transition's condition asks ``declaration.revisions.exists()``; with the ids prefetched
# a list page answers it from memory instead of one query per accepted row.
REVISION_IDS = Prefetch("revisions", queryset=DeclarationRevision.objects.only("id", "declaration_id"))


def _valid(serializer_class: type[BaseSerializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _json_object(request: Request) -> Mapping[str, Any]:
    """The request body as an object: malformed JSON is a 400 (``ParseError``), so is a list or a string."""
    data = request.data
    if not isinstance(data, Mapping):
        raise exceptions.ValidationError({"non_field_errors": [EXPECTED_OBJECT]})
    return data


def _render(request: Request, declaration: Declaration, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(s.DeclarationSerializer(declaration, context={"request": request}).data, status=status_code)


@_list_schema(s.DeclarationListSerializer)
class DeclarationListCreateView(generics.ListAPIView[Declaration]):
    """Declarations you may see (your own, your review scope), newest first; create a draft."""

    serializer_class = s.DeclarationListSerializer
    filterset_class = DeclarationFilter

    def get_queryset(self) -> QuerySet[Declaration]:
        return policies.visible_declarations(self.request.user).prefetch_related(REVISION_IDS)

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


class DeclarationTransitionView(APIView):
    """Base of the one-endpoint-per-transition views.

    The service is the one validator of a transition's input: it checks the permission (403) and the
    state (409) first, then the comment or reason (400), so a user who may not act learns nothing from
    a 400, and the messages are the service's own. The input serializer documents the body.
    """

    transition: ClassVar[str]
    body_fields: ClassVar[tuple[str, ...]] = ()

    def take(self, request: Request, pk: int) -> Response:
        policies.get_visible_declaration(request.user, pk)
        body = _json_object(request)
        service = services.TRANSITION_SERVICES[self.transition]
        arguments = {name: body.get(name) for name in self.body_fields}
        return _render(request, service(actor=request.user, declaration_id=pk, **arguments))


def _transition_view(name: str, serializer: type[Serializer[Any]], summary: str) -> type[APIView]:
    # A new ``post`` per view: extend_schema annotates the function object it is given, so sharing the
    # base class's function would give every transition the last one's schema and operation id.
    @extend_schema(
        operation_id=f"declarations_{name}",
        summary=summary,
        request=None if serializer is s.EmptySerializer else serializer,
        responses={200: s.DeclarationSerializer, **ERRORS},
    )
    def post(self: DeclarationTransitionView, request: Request, pk: int) -> Response:
        return self.take(request, pk)

    return type(
        f"Declaration{name.title().replace('_', '')}View",
        (DeclarationTransitionView,),
        {"transition": name, "body_fields": tuple(serializer().fields), "post": post, "__doc__": summary},
    )


TRANSITION_VIEWS: dict[str, type[APIView]] = {
    "submit": _transition_view("submit", s.EmptySerializer, "Submit a draft for review."),
    "resubmit": _transition_view("resubmit", s.EmptySerializer, "Submit a returned declaration again."),
    "start_review": _transition_view("start_review", s.EmptySerializer, "Take a submitted declaration into review."),
    "return_for_correction": _transition_view(
        "return_for_correction", s.ReturnSerializer, "Return to the filer with a comment and per-field remarks."
    ),
    "accept": _transition_view("accept", s.CommentSerializer, "Accept a declaration under review."),
    "publish": _transition_view("publish", s.EmptySerializer, "Publish an accepted declaration, redacted."),
    "withdraw_publication": _transition_view(
        "withdraw_publication", s.ReasonSerializer, "Withdraw a publication, leaving a tombstone."
    ),
    "discard": _transition_view("discard", s.EmptySerializer, "Discard a draft that was never submitted."),
}


class DeclarationHistoryView(APIView):
    """The declaration's transitions, oldest first."""

    @extend_schema(responses={200: s.TransitionLogSerializer(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        declaration = policies.get_visible_declaration(request.user, pk)
        entries = audit.history_for(declaration).select_related("actor__official")
        return Response(s.TransitionLogSerializer(entries, many=True).data)


@_list_schema(s.DeclarationListSerializer)
class ReviewQueueView(generics.ListAPIView[Declaration]):
    """Declarations waiting for you: submitted or under review in your scope, oldest submission first."""

    serializer_class = s.DeclarationListSerializer
    filterset_class = DeclarationFilter
    pagination_class = QueueCursorPagination

    def get_queryset(self) -> QuerySet[Declaration]:
        return policies.review_queue_for(self.request.user).prefetch_related(REVISION_IDS)


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

    @extend_schema(responses={200: s.MeSerializer})
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
