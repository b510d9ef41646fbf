"""The audit log in the admin (read-only, append-only), the filing obligations (read-only) and the annual
campaigns, opened through the workflow service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from declarations.models import Campaign, Obligation
from workflow import errors, obligations
from workflow.models import TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "transition", "from_state", "to_state", "actor"]
    list_filter = ["transition", "content_type"]
    readonly_fields = [field.name for field in TransitionLog._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Filing obligations and the annual campaign --------------------------------------------------------
# Here rather than in ``declarations.admin``: opening a campaign calls the workflow service, and the domain
# app may not import ``workflow`` (the import-linter layers).

CAMPAIGN_OPENED = _("Campaign %(year)d (due %(due)s): %(created)d obligation(s) created, %(fulfilled)d already filed.")


def _messages_of(error: errors.WorkflowError) -> list[str]:
    if isinstance(error, errors.InvalidInput):
        return [str(message) for messages_ in error.errors.values() for message in messages_]
    return [str(getattr(error, "message", error))]


class CampaignOpenForm(forms.ModelForm):
    """The declared year only; the service is the validator, and its refusals become the form's errors."""

    class Meta:
        model = Campaign
        fields = ["year"]

    actor: Any = None  # the signed-in administrator, set by ``CampaignAdmin.get_form``
    result: obligations.CampaignResult | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "year" in cleaned and not self.errors:
            try:
                self.result = obligations.open_campaign(actor=self.actor, year=cleaned["year"])
            except errors.WorkflowError as error:
                raise forms.ValidationError(_messages_of(error)) from None
        return cleaned

    def validate_unique(self) -> None:
        """An open year is not an error: opening it again creates only the missing obligations."""


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """“Add” opens the campaign of a declared year; the action re-runs it for the selected years, creating only
    the missing obligations. Both call ``obligations.open_campaign``, as the ``open_campaign`` command does."""

    list_display = ["year", "due_date", "opened_at", "opened_by"]
    actions = ["create_missing_obligations"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            return type("CampaignOpenForm", (CampaignOpenForm,), {"actor": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["year"] if obj is None else ["year", "due_date", "opened_at", "opened_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else ["year", "due_date", "opened_at", "opened_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The service already opened it while validating the form: show that campaign and what it did."""
        result = form.result
        campaign = result.campaign
        obj.pk, obj.due_date, obj.opened_at, obj.opened_by_id = (
            campaign.pk,
            campaign.due_date,
            campaign.opened_at,
            campaign.opened_by_id,
        )
        self.message_user(request, self._summary(result), messages.SUCCESS)

    def _summary(self, result: obligations.CampaignResult) -> str:
        return str(
            CAMPAIGN_OPENED
            % {
                "year": result.campaign.year,
                "due": result.campaign.due_date.isoformat(),
                "created": result.created,
                "fulfilled": result.fulfilled,
            }
        )

    @admin.action(description=_("Create the missing obligations of the selected campaigns"), permissions=["add"])
    def create_missing_obligations(self, request: HttpRequest, queryset: Any) -> None:
        for campaign in queryset.order_by("year"):
            try:
                result = obligations.open_campaign(actor=request.user, year=campaign.year)
            except errors.WorkflowError as error:
                self.message_user(request, " ".join(_messages_of(error)), messages.ERROR)
                return
            self.message_user(request, self._summary(result), messages.SUCCESS)


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin):
    """Read-only: obligations change only through ``workflow.obligations`` (submissions, the job, waivers)."""

    list_display = ["official", "kind", "period", "organisation", "due_date", "state", "fulfilled_at"]
    list_filter = ["state", "kind", "period"]
    search_fields = ["official__full_name_search"]
    list_select_related = ["official", "organisation"]
    date_hierarchy = "due_date"
    readonly_fields = [field.name for field in Obligation._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
