"""Input and output serializers: shapes only, no business rules (those live in ``workflow``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from declarations.models import Declaration, DeclarationKind, DeclarationState, Official, Organisation, Position
from workflow import audit, services


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "name_en", "kind", "parent"]


class OfficialSerializer(serializers.ModelSerializer[Official]):
    """An official as colleagues and reviewers see them: the registration number is never included."""

    class Meta:
        model = Official
        fields = ["id", "full_name"]


class PositionSerializer(serializers.ModelSerializer[Position]):
    official = OfficialSerializer(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "official",
            "organisation",
            "organisation_name",
            "title",
            "start_date",
            "end_date",
            "declaration_required",
        ]


class RemarkSerializer(serializers.Serializer[Any]):
    path = serializers.CharField(max_length=255, help_text=_("Field path, e.g. real_estate[0].value_mnt"))
    message = serializers.CharField(max_length=4000)


class ReturnNoteSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField()
    remarks = RemarkSerializer(many=True)
    at = serializers.DateTimeField()


class DeclarationSerializer(serializers.ModelSerializer[Declaration]):
    official = OfficialSerializer(read_only=True)
    organisation = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    available_transitions = serializers.SerializerMethodField()
    return_note = serializers.SerializerMethodField()

    class Meta:
        model = Declaration
        fields = [
            "id",
            "kind",
            "kind_display",
            "year",
            "state",
            "state_display",
            "form_version",
            "official",
            "organisation",
            "position",
            "corrects",
            "content",
            "created_at",
            "updated_at",
            "submitted_at",
            "accepted_at",
            "published_at",
            "available_transitions",
            "return_note",
        ]

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_organisation(self, obj: Declaration) -> dict[str, Any]:
        return {"id": obj.organisation_id, "name": obj.organisation.name}

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}})
    def get_position(self, obj: Declaration) -> dict[str, Any]:
        return {"id": obj.position_id, "title": obj.position.title}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, obj: Declaration) -> list[str]:
        return services.available_transitions(obj, self.context["request"].user)

    @extend_schema_field(ReturnNoteSerializer(allow_null=True))
    def get_return_note(self, obj: Declaration) -> dict[str, Any] | None:
        """The reviewer's comment and per-field remarks, while the declaration is returned."""
        if obj.state != DeclarationState.RETURNED:
            return None
        entry = audit.latest_return(obj)
        if entry is None:
            return None
        return {"comment": entry.comment, "remarks": entry.remarks, "at": entry.at}


class DeclarationListSerializer(DeclarationSerializer):
    """List rows leave out the content document and the return note; the detail has them."""

    return_note = None  # type: ignore[assignment]

    class Meta(DeclarationSerializer.Meta):
        fields = [f for f in DeclarationSerializer.Meta.fields if f not in ("content", "return_note")]


class DeclarationCreateSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField(min_value=1, required=False)
    kind = serializers.ChoiceField(choices=DeclarationKind.choices, required=False)
    year = serializers.IntegerField(required=False)
    content = serializers.JSONField(required=False, help_text=_("Content document (see the form schema)."))
    corrects = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Accepted or published declaration this one corrects.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "corrects" in attrs:
            return attrs
        missing = {f: [_("This field is required.")] for f in ("position", "kind", "year") if f not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class DeclarationUpdateSerializer(serializers.Serializer[Any]):
    content = serializers.JSONField()


# The bodies of the transitions. They document what each transition reads; the transition service is the
# one that validates it, after the permission and the state (see ``views.DeclarationTransitionView``).


class CommentSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class ReturnSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=4000)
    remarks = RemarkSerializer(many=True, required=False, default=list, max_length=100)  # type: ignore[call-arg]


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=4000)


class EmptySerializer(serializers.Serializer[Any]):
    """No body is needed."""


class TransitionLogSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    transition = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.SerializerMethodField()
    at = serializers.DateTimeField()
    comment = serializers.CharField()
    remarks = RemarkSerializer(many=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, obj: Any) -> str | None:
        if obj.actor is None:
            return None
        official = getattr(obj.actor, "official", None)
        return official.full_name if official else obj.actor.get_username()


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    full_name = serializers.CharField(allow_null=True)
    register_number = serializers.CharField(allow_null=True)
    reviews_organisations = serializers.ListField(child=serializers.IntegerField())
    positions = PositionSerializer(many=True)


ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text=_("Field path → messages, for invalid input."),
        ),
    },
)

StateErrorSerializer = inline_serializer(
    name="StateError",
    fields={
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "state": serializers.CharField(),
        "allowed_transitions": serializers.ListField(child=serializers.CharField()),
    },
)
