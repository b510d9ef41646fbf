"""The nominations API: the HR officer registers nominees and records appointments; the nominee opens the
preliminary declaration (ХАСУМ), which is then edited and moved through ``/api/v1/declarations/{id}/…``.

Views are adapters, as in ``api.views``: parse, fetch through the policy module (404 when invisible), call
one service (403, 409, then 400 for the input), render.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.views import ERRORS, READ_ERRORS, _json_object, _list_schema, _render, _valid, _visible_organisation
from declarations.models import Conclusion, Declaration, DeclarationState, Nomination
from declarations.rules import latest_conclusion
from workflow import nominations, policies, publication

# --- Serializers ------------------------------------------------------------------------------------------


class NominationCreateSerializer(s.OrganisationRefSerializer):
    """The body of a registration. It documents the fields; ``workflow.nominations`` validates them (after
    the permission), so its messages and field names are the ones the client sees."""

    full_name = serializers.CharField(max_length=255)
    register_number = serializers.CharField(
        max_length=10, help_text=_("The person's registration number: two Cyrillic letters and 8 digits.")
    )
    email = serializers.EmailField(
        help_text=_("Where a new nominee is invited to choose a password; an existing official's own address.")
    )
    position_title = serializers.CharField(max_length=255)
    declaration_required = serializers.BooleanField(required=False, default=True)


class AppointSerializer(serializers.Serializer[Any]):
    start_date = serializers.DateField(help_text=_("The first day in the post (YYYY-MM-DD)."))


class PreliminaryRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=DeclarationState.choices)
    state_display = serializers.CharField(source="get_state_display")


class PublicConclusionSerializer(serializers.Serializer[Any]):
    """The public part of the agency's conclusion (``publication.CONCLUSION_FIELD_POLICY``)."""

    finding = serializers.CharField()
    finding_display = serializers.CharField()
    legal_article = serializers.CharField()
    reasoning = serializers.CharField()
    concluded_at = serializers.DateTimeField()


class NominationSerializer(serializers.ModelSerializer[Nomination]):
    nominee = s.OfficialSerializer(read_only=True)
    organisation = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    preliminary_declaration = serializers.SerializerMethodField()
    conclusion = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Nomination
        fields = [
            "id",
            "nominee",
            "organisation",
            "position_title",
            "declaration_required",
            "state",
            "state_display",
            "position",
            "appointed_on",
            "created_at",
            "updated_at",
            "preliminary_declaration",
            "conclusion",
            "available_transitions",
        ]

    @extend_schema_field(s.ORGANISATION_REF)
    def get_organisation(self, obj: Nomination) -> dict[str, Any]:
        return {"id": obj.organisation_id, "name": obj.organisation.name}

    @extend_schema_field(PreliminaryRefSerializer(allow_null=True))
    def get_preliminary_declaration(self, obj: Nomination) -> dict[str, Any] | None:
        """The ХАСУМ's id and state; who may open it is decided at ``/api/v1/declarations/{id}/``."""
        declaration = nominations.preliminary_declaration(obj)
        return PreliminaryRefSerializer(declaration).data if declaration is not None else None

    @extend_schema_field(PublicConclusionSerializer(allow_null=True))
    def get_conclusion(self, obj: Nomination) -> dict[str, Any] | None:
        """Once the agency concluded: its public part only, never the reviewer's internal notes."""
        declaration = nominations.preliminary_declaration(obj)
        conclusion: Conclusion | None = latest_conclusion(declaration) if declaration is not None else None
        if conclusion is None:
            return None
        public = publication.public_conclusion(declaration)
        return PublicConclusionSerializer(
            {**public, "finding_display": conclusion.get_finding_display(), "concluded_at": conclusion.concluded_at}
        ).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, obj: Nomination) -> list[str]:
        return nominations.available_nomination_transitions(obj, self.context["request"].user)


# --- Views ---------------------------------------------------------------------------------------------

# A nomination's ХАСУМ with its conclusions: the serializer and the appointment's condition read them from
# memory, so a list page costs no query per row for them.
PRELIMINARY_WITH_CONCLUSIONS = Prefetch(
    "declarations", queryset=Declaration.objects.order_by("pk").prefetch_related("conclusions")
)


def _nominations(user: Any) -> QuerySet[Nomination]:
    return policies.visible_nominations(user).prefetch_related(PRELIMINARY_WITH_CONCLUSIONS)


def _render_nomination(request: Request, nomination: Nomination, *, status_code: int = status.HTTP_200_OK) -> Response:
    # Read again through the policy module, with the prefetch: the ХАСУМ and its conclusion as they are now.
    fresh = _nominations(request.user).filter(pk=nomination.pk).first() or nomination
    return Response(NominationSerializer(fresh, context={"request": request}).data, status=status_code)


@_list_schema(NominationSerializer)
class NominationListCreateView(generics.ListAPIView[Nomination]):
    """Nominations you may see (as HR officer, nominee or the agency), newest first; register a nominee."""

    serializer_class = NominationSerializer

    def get_queryset(self) -> QuerySet[Nomination]:
        return _nominations(self.request.user)

    @extend_schema(request=NominationCreateSerializer, responses={201: NominationSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        body = _json_object(request)
        organisation = _visible_organisation(request, _valid(s.OrganisationRefSerializer, request)["organisation"])
        nomination = nominations.nomination_create(
            actor=request.user,
            organisation=organisation,
            full_name=body.get("full_name"),
            register_number=body.get("register_number"),
            email=body.get("email"),
            position_title=body.get("position_title"),
            declaration_required=body.get("declaration_required", True),
        )
        return _render_nomination(request, nomination, status_code=status.HTTP_201_CREATED)


class NominationDetailView(APIView):
    """One nomination: its state, its ХАСУМ's id and state, and the agency's public conclusion."""

    @extend_schema(responses={200: NominationSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return _render_nomination(request, policies.get_visible_nomination(request.user, pk))


class PreliminaryDeclarationView(APIView):
    """The nominee opens their preliminary declaration (ХАСУМ) as a draft, pre-filled with their name."""

    @extend_schema(
        operation_id="nominations_preliminary_declaration",
        request=None,
        responses={201: s.DeclarationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        policies.get_visible_nomination(request.user, pk)
        declaration = nominations.preliminary_create(actor=request.user, nomination_id=pk)
        return _render(request, declaration, status_code=status.HTTP_201_CREATED)


class NominationAppointView(APIView):
    """Record the appointment (refused until the agency concluded); the position starts on ``start_date``."""

    @extend_schema(
        operation_id="nominations_appoint",
        request=AppointSerializer,
        responses={200: NominationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        policies.get_visible_nomination(request.user, pk)
        body = _json_object(request)
        nomination = nominations.nomination_appoint(
            actor=request.user, nomination_id=pk, start_date=body.get("start_date")
        )
        return _render_nomination(request, nomination)


class NominationWithdrawView(APIView):
    """Withdraw the nomination with a reason; the preliminary declaration stays as filed."""

    @extend_schema(
        operation_id="nominations_withdraw",
        request=s.ReasonSerializer,
        responses={200: NominationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        policies.get_visible_nomination(request.user, pk)
        body = _json_object(request)
        nomination = nominations.nomination_withdraw(actor=request.user, nomination_id=pk, reason=body.get("reason"))
        return _render_nomination(request, nomination)
