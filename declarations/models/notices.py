"""Per-transaction notices (мэдэгдэл тайлбар), their categories and the red flags machines attach.

Before a contract, an administrative decision, a management act, an inspection, a liability decision
or an evaluation-committee seat, an official states whether they have a conflict of interest
(Conflict of Interest Law, art. 12). The methods below only set fields; ``workflow.services`` runs them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from declarations import rules
from declarations.models.filings import DeclaredCompany, Official, Organisation


class NoticeCategory(models.Model):
    """What the notice is about; a table so the agency can add a category without a code change."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255)
    is_active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=100)

    class Meta:
        verbose_name = _("notice category")
        verbose_name_plural = _("notice categories")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "mn").startswith("en") and self.name_en else self.name


PROCUREMENT_COMMITTEE = "procurement_committee"


class NoticeOutcome(models.TextChoices):
    NO_CONFLICT = "no_conflict", _("No conflict of interest")
    CONFLICT = "conflict", _("Conflict of interest")


class ConflictHandling(models.TextChoices):
    RECUSAL = "recusal", _("Recusal from the matter")
    CONTINUE_WITH_CONDITIONS = "continue_with_conditions", _("Continuing under conditions")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned for correction")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REFERRED = "referred", _("Referred to the agency")
    CONCLUDED = "concluded", _("Concluded by the agency")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Publication withdrawn")


N = NoticeState


class Notice(FSMModelMixin, models.Model):
    """A notice of (no) conflict of interest before one matter."""

    filer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filer"), on_delete=models.PROTECT, related_name="notices"
    )
    # Empty for an external committee member, who has an account but holds no public position.
    official = models.ForeignKey(
        Official, verbose_name=_("official"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="notices"
    )
    category = models.ForeignKey(
        NoticeCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="notices"
    )
    tender = models.ForeignKey(
        "declarations.Tender",
        verbose_name=_("tender"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    is_supplementary = models.BooleanField(_("supplementary"), default=False)
    title = models.CharField(_("matter"), max_length=255, blank=True)
    reference_number = models.CharField(_("reference number"), max_length=64, blank=True)
    action_date = models.DateField(_("action date"), null=True, blank=True)
    counterparty_name = models.CharField(_("counterparty name"), max_length=255, blank=True)
    counterparty_name_normalised = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    counterparty_register_number = models.CharField(_("counterparty registration number"), max_length=10, blank=True)
    outcome = models.CharField(_("declared outcome"), max_length=32, choices=NoticeOutcome.choices, blank=True)
    interest_nature = models.TextField(_("nature of the interest"), blank=True)
    proposed_handling = models.CharField(
        _("proposed handling"), max_length=32, choices=ConflictHandling.choices, blank=True
    )
    handling_conditions = models.TextField(_("conditions"), blank=True)
    resolution = models.TextField(_("reviewer's resolution"), blank=True)
    is_late = models.BooleanField(_("filed late"), default=False)
    state = FSMField(_("state"), max_length=32, choices=NoticeState.choices, default=N.DRAFT, protected=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        permissions = [("review_notice", _("Review this notice"))]
        indexes = [
            models.Index(fields=["organisation", "state", "submitted_at"], name="notice_org_state_submitted"),
            models.Index(fields=["category", "action_date"], name="notice_category_action_date"),
            models.Index(fields=["tender", "filer"], name="notice_tender_filer"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}: {self.title or self.reference_number}"

    # --- The state graph (DESIGN §3). ----------------------------------------------------------------

    @transition(field=state, source=N.DRAFT, target=N.SUBMITTED, permission=rules.is_filer)
    def submit(self, *, at: Any, late: bool) -> None:
        """The filer submits the notice; one submitted after its action date is marked late."""
        self.submitted_at = at
        self.is_late = late

    @transition(field=state, source=N.RETURNED, target=N.SUBMITTED, permission=rules.is_filer)
    def resubmit(self, *, at: Any, late: bool) -> None:
        """The filer submits the corrected notice again."""
        self.submitted_at = at
        self.is_late = self.is_late or late

    @transition(field=state, source=N.SUBMITTED, target=N.UNDER_REVIEW, permission=rules.is_reviewer)
    def start_review(self) -> None:
        """The authorised official takes the notice into review."""

    @transition(field=state, source=N.UNDER_REVIEW, target=N.RETURNED, permission=rules.is_reviewer)
    def return_for_correction(self) -> None:
        """The authorised official returns the notice to the filer with a comment."""

    @transition(
        field=state,
        source=N.UNDER_REVIEW,
        target=N.ACKNOWLEDGED,
        permission=rules.is_reviewer,
        conditions=[rules.conflict_has_resolution, rules.flags_are_resolved],
    )
    def acknowledge(self, *, at: Any, resolution: str) -> None:
        """The authorised official acknowledges the notice; a conflict needs a recorded resolution."""
        self.acknowledged_at = at
        self.resolution = resolution

    @transition(field=state, source=N.UNDER_REVIEW, target=N.REFERRED, permission=rules.is_reviewer)
    def refer(self) -> None:
        """The authorised official refers the notice to the agency for verification, with a reason."""

    @transition(
        field=state,
        source=N.REFERRED,
        target=N.CONCLUDED,
        permission=rules.is_agency_reviewer,
        conditions=[rules.agency_may_conclude],
    )
    def conclude(self, *, at: Any) -> None:
        """The agency concludes the referred notice: no violation, or a violation found."""
        self.concluded_at = at

    @transition(
        field=state,
        source=[N.ACKNOWLEDGED, N.CONCLUDED],
        target=N.PUBLISHED,
        permission=rules.is_reviewer,
        conditions=[rules.conclusion_allows_publication],
    )
    def publish(self, *, at: Any) -> None:
        """The acknowledged notice, or a referred one the agency found no violation in, is published."""
        self.published_at = at

    @transition(field=state, source=N.PUBLISHED, target=N.WITHDRAWN, permission=rules.can_withdraw_publication)
    def withdraw_publication(self) -> None:
        """The agency withdraws the publication; a tombstone with the reason stays public."""


class RedFlagKind(models.TextChoices):
    BIDDER_IS_DECLARED_COMPANY = "bidder_declared_company", _("A bidder is a company in the declaration")
    COUNTERPARTY_IS_DECLARED_COMPANY = (
        "counterparty_declared_company",
        _("The counterparty is a company in the declaration"),
    )


class RedFlag(models.Model):
    """A machine finding on a notice; it never blocks by itself, but a reviewer must resolve it in writing."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="red_flags")
    kind = models.CharField(_("kind"), max_length=64, choices=RedFlagKind.choices)
    company = models.ForeignKey(DeclaredCompany, on_delete=models.PROTECT, related_name="+")
    bidder = models.ForeignKey(
        "declarations.Bidder", null=True, blank=True, on_delete=models.CASCADE, related_name="red_flags"
    )
    matched_on = models.CharField(_("matched on"), max_length=32)  # "register_number" or "name"
    evidence = models.JSONField(_("evidence"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_reason = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "kind", "company", "bidder"],
                condition=models.Q(bidder__isnull=False),
                name="red_flag_once_per_bidder_match",
            ),
            models.UniqueConstraint(
                fields=["notice", "kind", "company"],
                condition=models.Q(bidder__isnull=True),
                name="red_flag_once_per_counterparty_match",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.evidence.get('company_name', '')}"


class NoticeUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Notice, on_delete=models.CASCADE)


class NoticeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Notice, on_delete=models.CASCADE)
