"""The filing obligations API: who must file what by when, as far as you may see it, and the waiver.

Views are adapters, as in ``api.views``: parse, fetch through the policy module (404 when invisible), call
one service (403, 409, then 400 for the input), render.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.filters import IntegerFilter, OrganisationSubtreeFilter, StrictFilterSet
from api.pagination import ValidatedCursorPagination
from api.views import ERRORS, READ_ERRORS, _json_object, _list_schema
from declarations.models import Obligation, ObligationKind, ObligationState, Organisation
from workflow import obligations, policies

POSITION_REF = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
}


class ObligationSerializer(serializers.ModelSerializer[Obligation]):
    official = s.OfficialSerializer(read_only=True)
    organisation = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=ObligationKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state = serializers.ChoiceField(choices=ObligationState.choices, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    deadline = serializers.SerializerMethodField(
        help_text=_("When the time runs out: 24:00 Asia/Ulaanbaatar at the end of the due date.")
    )
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = [
            "id",
            "official",
            "organisation",
            "position",
            "nomination",
            "kind",
            "kind_display",
            "period",
            "event_date",
            "due_date",
            "deadline",
            "state",
            "state_display",
            "declaration",
            "fulfilled_at",
            "waiver_reason",
            "created_at",
            "available_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(s.ORGANISATION_REF)
    def get_organisation(self, obj: Obligation) -> dict[str, Any]:
        return {"id": obj.organisation_id, "name": obj.organisation.name}

    @extend_schema_field(POSITION_REF)
    def get_position(self, obj: Obligation) -> dict[str, Any] | None:
        return {"id": obj.position_id, "title": obj.position.title} if obj.position is not None else None

    @extend_schema_field(serializers.DateTimeField())
    def get_deadline(self, obj: Obligation) -> str:
        return str(serializers.DateTimeField().to_representation(obligations.deadline(obj.due_date)))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, obj: Obligation) -> list[str]:
        return obligations.available_obligation_transitions(obj, self.context["request"].user)


class ObligationFilter(StrictFilterSet):
    state = filters.MultipleChoiceFilter(choices=ObligationState.choices)
    kind = filters.ChoiceFilter(choices=ObligationKind.choices)
    period = IntegerFilter(min_value=1, max_value=9999, label=_("The declared year (annual), or the event's year"))
    organisation = OrganisationSubtreeFilter(
        queryset=Organisation.objects.all(),
        method="filter_subtree",
        label=_("Organisation and everything under it"),
    )
    due_after = filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("Due on or after"))
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lt", label=_("Due before"))

    class Meta:
        model = Obligation
        fields = ["state", "kind", "period", "organisation"]

    def filter_subtree(self, queryset: QuerySet[Obligation], name: str, value: Organisation) -> QuerySet[Obligation]:
        return queryset.filter(organisation__path__startswith=value.path)


class DueCursorPagination(ValidatedCursorPagination):
    """Soonest due first: what runs out next leads the list."""

    ordering = ("due_date", "id")


def _render(request: Request, obligation: Obligation) -> Response:
    # Read again through the policy module: the obligation as it is now, with its organisation and position.
    fresh = policies.visible_obligations(request.user).filter(pk=obligation.pk).first() or obligation
    return Response(ObligationSerializer(fresh, context={"request": request}).data, status=status.HTTP_200_OK)


@_list_schema(ObligationSerializer)
class ObligationListView(generics.ListAPIView[Obligation]):
    """Filing obligations you may see (your own, your review scope, everything for the agency), soonest due
    first."""

    serializer_class = ObligationSerializer
    filterset_class = ObligationFilter
    pagination_class = DueCursorPagination

    def get_queryset(self) -> QuerySet[Obligation]:
        return policies.visible_obligations(self.request.user)


class ObligationDetailView(APIView):
    """One filing obligation."""

    @extend_schema(responses={200: ObligationSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return _render(request, policies.get_visible_obligation(request.user, pk))


class ObligationWaiveView(APIView):
    """Waive an open or overdue obligation with a reason (an authorised official of the organisation)."""

    @extend_schema(
        operation_id="obligations_waive",
        request=s.ReasonSerializer,
        responses={200: ObligationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        policies.get_visible_obligation(request.user, pk)
        body = _json_object(request)
        obligation = obligations.waive(actor=request.user, obligation_id=pk, reason=body.get("reason"))
        return _render(request, obligation)
