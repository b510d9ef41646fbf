"""Input and output serializers: shapes only, no business rules (those live in ``workflow``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from declarations import rules
from declarations.models import (
    Bidder,
    CommitteeMember,
    ConclusionFinding,
    ConflictHandling,
    Declaration,
    DeclarationKind,
    DeclarationState,
    MemberKind,
    Notice,
    NoticeCategory,
    NoticeOutcome,
    NoticeState,
    Official,
    Organisation,
    Position,
    RedFlag,
    Tender,
)
from declarations.rules import latest_conclusion
from workflow import audit, notices, policies, services, tenders


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


class ConclusionSerializer(serializers.Serializer[Any]):
    """The agency's conclusion; ``internal_notes`` is present only for the agency's own reviewers."""

    finding = serializers.ChoiceField(choices=ConclusionFinding.choices)
    finding_display = serializers.CharField(source="get_finding_display")
    legal_article = serializers.CharField()
    reasoning = serializers.CharField()
    concluded_at = serializers.DateTimeField()
    internal_notes = serializers.CharField(required=False)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("sees_internal_notes"):
            data.pop("internal_notes", None)
        return data


def _conclusion(serializer: serializers.Serializer[Any], filing: Declaration | Notice) -> dict[str, Any] | None:
    """The agency's latest conclusion on the filing; its internal notes only for the agency's reviewers."""
    conclusion = latest_conclusion(filing)
    if conclusion is None:
        return None
    user = serializer.context["request"].user
    context = {"sees_internal_notes": policies.sees_internal_notes(user, filing)}
    return ConclusionSerializer(conclusion, context=context).data


class DeclarationSerializer(serializers.ModelSerializer[Declaration]):
    official = OfficialSerializer(read_only=True)
    organisation = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    available_transitions = serializers.SerializerMethodField()
    return_note = serializers.SerializerMethodField()
    conclusion = serializers.SerializerMethodField()

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
            "concluded_at",
            "published_at",
            "nomination",
            "conclusion",
            "available_transitions",
            "return_note",
        ]

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_organisation(self, obj: Declaration) -> dict[str, Any]:
        return {"id": obj.organisation_id, "name": obj.organisation.name}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer", "nullable": True}, "title": {"type": "string"}},
        }
    )
    def get_position(self, obj: Declaration) -> dict[str, Any]:
        """The position held; a nominee's preliminary declaration has none yet, only the post's title."""
        return {"id": obj.position_id, "title": obj.position_title}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, obj: Declaration) -> list[str]:
        return services.available_transitions(obj, self.context["request"].user)

    @extend_schema_field(ConclusionSerializer(allow_null=True))
    def get_conclusion(self, obj: Declaration) -> dict[str, Any] | None:
        return _conclusion(self, obj)

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
# one that validates it, after the permission and the state (see ``views.TransitionView``).


class CommentSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class ReturnSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=4000)
    remarks = RemarkSerializer(many=True, required=False, default=list, max_length=100)  # type: ignore[call-arg]


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=4000)


class EmptySerializer(serializers.Serializer[Any]):
    """No body is needed."""


class ConclusionInputSerializer(serializers.Serializer[Any]):
    finding = serializers.ChoiceField(
        choices=ConclusionFinding.choices,
        help_text=_(
            "no_obstacle or conflict_found for a preliminary declaration; no_violation or violation_found "
            "for a referred filing."
        ),
    )
    legal_article = serializers.CharField(max_length=255)
    reasoning = serializers.CharField(max_length=4000)
    internal_notes = serializers.CharField(
        required=False, max_length=4000, help_text=_("The reviewer's own notes: never shown to the filer.")
    )


class AssignSerializer(serializers.Serializer[Any]):
    reviewer = serializers.IntegerField(min_value=1, help_text=_("The user id of one of the agency's reviewers."))


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


# --- Notices ------------------------------------------------------------------------------------------


def _return_note(obj: Any) -> dict[str, Any] | None:
    entry = audit.latest_return(obj)
    if entry is None:
        return None
    return {"comment": entry.comment, "remarks": entry.remarks, "at": entry.at}


def _account_name(user: Any) -> str:
    official = getattr(user, "official", None)
    return official.full_name if official else user.get_username()


ORGANISATION_REF = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}


class NoticeCategorySerializer(serializers.ModelSerializer[NoticeCategory]):
    """A category with its name in the request's language (``display_name``) and in both languages."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = NoticeCategory
        fields = ["code", "display_name", "name", "name_en"]


class NoticeCategoryRefSerializer(serializers.ModelSerializer[NoticeCategory]):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = NoticeCategory
        fields = ["code", "display_name"]


class RedFlagSerializer(serializers.ModelSerializer[RedFlag]):
    class Meta:
        model = RedFlag
        fields = ["id", "kind", "matched_on", "evidence", "resolved_at", "resolution_reason"]


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    category = NoticeCategoryRefSerializer(read_only=True)
    official = OfficialSerializer(read_only=True, allow_null=True)
    filer_name = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    red_flags = RedFlagSerializer(many=True, read_only=True)
    available_transitions = serializers.SerializerMethodField()
    return_note = serializers.SerializerMethodField()
    conclusion = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "category",
            "state",
            "state_display",
            "official",
            "filer_name",
            "organisation",
            "tender",
            "is_supplementary",
            "title",
            "reference_number",
            "action_date",
            "counterparty_name",
            "counterparty_register_number",
            "outcome",
            "interest_nature",
            "proposed_handling",
            "handling_conditions",
            "resolution",
            "is_late",
            "created_at",
            "updated_at",
            "submitted_at",
            "acknowledged_at",
            "concluded_at",
            "published_at",
            "conclusion",
            "red_flags",
            "available_transitions",
            "return_note",
        ]

    def get_filer_name(self, obj: Notice) -> str:
        """The official's name; an external committee member's is the one on their committee seat."""
        if obj.official is not None:
            return obj.official.full_name
        seat_name = getattr(obj, "seat_name", None)
        if seat_name is None and obj.tender_id is not None:
            seat_name = (
                CommitteeMember.objects.filter(tender_id=obj.tender_id, user_id=obj.filer_id)
                .values_list("full_name", flat=True)
                .first()
            )
        return seat_name or obj.filer.get_username()

    @extend_schema_field(ORGANISATION_REF)
    def get_organisation(self, obj: Notice) -> dict[str, Any]:
        return {"id": obj.organisation_id, "name": obj.organisation.name}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, obj: Notice) -> list[str]:
        return notices.available_notice_transitions(obj, self.context["request"].user)

    @extend_schema_field(ConclusionSerializer(allow_null=True))
    def get_conclusion(self, obj: Notice) -> dict[str, Any] | None:
        return _conclusion(self, obj)

    @extend_schema_field(ReturnNoteSerializer(allow_null=True))
    def get_return_note(self, obj: Notice) -> dict[str, Any] | None:
        """The reviewer's comment, while the notice is returned."""
        return _return_note(obj) if obj.state == NoticeState.RETURNED else None


class NoticeListSerializer(NoticeSerializer):
    """List rows leave out the return note; the detail has it."""

    return_note = None  # type: ignore[assignment]

    class Meta(NoticeSerializer.Meta):
        fields = [f for f in NoticeSerializer.Meta.fields if f != "return_note"]


class OrganisationRefSerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(min_value=1)


# The notice fields a filer sends. They document the body; ``workflow.notices`` validates it (types, formats,
# unknown fields), after the permission, so its messages and field paths are the ones the client sees.


class NoticeFieldsSerializer(serializers.Serializer[Any]):
    category = serializers.CharField(help_text=_("A notice category's code."))
    title = serializers.CharField(required=False, max_length=255)
    reference_number = serializers.CharField(required=False, max_length=64)
    action_date = serializers.DateField(required=False, allow_null=True)
    counterparty_name = serializers.CharField(required=False, max_length=255)
    counterparty_register_number = serializers.CharField(required=False, max_length=10)
    outcome = serializers.ChoiceField(choices=NoticeOutcome.choices, required=False, allow_blank=True)
    interest_nature = serializers.CharField(required=False, max_length=4000)
    proposed_handling = serializers.ChoiceField(choices=ConflictHandling.choices, required=False, allow_blank=True)
    handling_conditions = serializers.CharField(required=False, max_length=4000)


class NoticeCreateSerializer(OrganisationRefSerializer, NoticeFieldsSerializer):
    pass


class NoticeUpdateSerializer(NoticeFieldsSerializer):
    category = serializers.CharField(required=False, help_text=_("A notice category's code."))


class NoticeReturnSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=4000)


class ResolutionSerializer(serializers.Serializer[Any]):
    resolution = serializers.CharField(max_length=4000)


class NoticeImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    organisation = serializers.IntegerField(min_value=1)


class NoticeImportResultSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    notice_ids = serializers.ListField(child=serializers.IntegerField())


# --- Tenders ------------------------------------------------------------------------------------------


class BidderSerializer(serializers.ModelSerializer[Bidder]):
    class Meta:
        model = Bidder
        fields = ["id", "name", "register_number", "added_at"]


class MemberNoticeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=NoticeState.choices)
    state_display = serializers.CharField(source="get_state_display")
    outcome = serializers.CharField()
    is_supplementary = serializers.BooleanField()


class CommitteeMemberSerializer(serializers.ModelSerializer[CommitteeMember]):
    notice = serializers.SerializerMethodField()

    class Meta:
        model = CommitteeMember
        fields = ["id", "full_name", "kind", "official", "is_recused", "replaced_by", "added_at", "notice"]

    @extend_schema_field(MemberNoticeSerializer(allow_null=True))
    def get_notice(self, obj: CommitteeMember) -> dict[str, Any] | None:
        """The member's latest notice for the tender, when the requesting user may see it."""
        notice = self.context["latest_notices"].get(obj.user_id)
        return MemberNoticeSerializer(notice).data if notice is not None else None


class TenderListSerializer(serializers.ModelSerializer[Tender]):
    organisation = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    secretary_name = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Tender
        fields = [
            "id",
            "reference_number",
            "title",
            "organisation",
            "state",
            "state_display",
            "secretary_name",
            "created_at",
            "updated_at",
            "available_transitions",
        ]

    @extend_schema_field(ORGANISATION_REF)
    def get_organisation(self, obj: Tender) -> dict[str, Any]:
        return {"id": obj.organisation_id, "name": obj.organisation.name}

    def get_secretary_name(self, obj: Tender) -> str:
        return _account_name(obj.secretary)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, obj: Tender) -> list[str]:
        return tenders.available_tender_transitions(obj, self.context["request"].user)


class TenderSerializer(TenderListSerializer):
    """The tender with its bidders, its committee and what still keeps the committee from being cleared.

    Each member's ``notice`` and the ``gate`` come from the notices the user may see
    (``policies.visible_notices``): the secretary, the ЭБАТ and supervisors see every member's; a member
    sees their own notice in their own row, and ``gate`` is null for a user who cannot see every notice
    it is computed from, because its sentences tell who declared a conflict.
    """

    bidders = BidderSerializer(many=True, read_only=True)
    members = serializers.SerializerMethodField()
    gate = serializers.SerializerMethodField()

    class Meta(TenderListSerializer.Meta):
        fields = [*TenderListSerializer.Meta.fields, "bidders", "members", "gate"]

    @extend_schema_field(CommitteeMemberSerializer(many=True))
    def get_members(self, obj: Tender) -> Any:
        return CommitteeMemberSerializer(obj.members.all(), many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_gate(self, obj: Tender) -> list[str] | None:
        """Why the committee cannot be cleared yet, one sentence each, in the user's language."""
        if not self.context["sees_every_notice"]:
            return None
        return rules.committee_gate_problems(obj)


class TenderCreateSerializer(OrganisationRefSerializer):
    reference_number = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=255)


class BidderCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=255)
    register_number = serializers.CharField(required=False, allow_blank=True, max_length=7)


class MemberCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=MemberKind.choices)
    official = serializers.IntegerField(
        required=False, help_text=_("A public official's id; an external member needs full_name and email instead.")
    )
    full_name = serializers.CharField(required=False, max_length=255)
    email = serializers.EmailField(required=False)


class RecuseSerializer(serializers.Serializer[Any]):
    replacement = MemberCreateSerializer()


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
