"""Tenders, their bidders and evaluation committees (Худалдан авах ажиллагааны үнэлгээний хороо).

A tender cannot be evaluated until every committee member has declared no conflict of interest and
the authorised official has acknowledged it; a member who declared a conflict is recused and replaced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from declarations import rules
from declarations.models.filings import Official, Organisation


class TenderState(models.TextChoices):
    FORMING = "forming", _("Forming the committee")
    DECLARING = "declaring", _("Members declaring")
    CLEARED = "cleared", _("Committee cleared")
    EVALUATING = "evaluating", _("Evaluating")
    CLOSED = "closed", _("Closed")


T = TenderState


class Tender(FSMModelMixin, models.Model):
    """A procurement competition whose evaluation committee must be cleared before it evaluates."""

    reference_number = models.CharField(_("reference number"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="tenders"
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("procurement secretary"), on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(_("state"), max_length=32, choices=TenderState.choices, default=T.FORMING, protected=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_committee", _("Manage this tender's committee and bidders"))]

    def __str__(self) -> str:
        return f"{self.reference_number} {self.title}"

    @transition(
        field=state,
        source=T.FORMING,
        target=T.DECLARING,
        permission=rules.manages_committee,
        conditions=[rules.has_active_members],
    )
    def open_declarations(self) -> None:
        """The secretary asks every committee member for a notice."""

    @transition(field=state, source=T.CLEARED, target=T.DECLARING, permission=rules.manages_committee)
    def reopen_declarations(self) -> None:
        """A bidder or member was added after clearing: members declare again."""

    @transition(
        field=state,
        source=T.DECLARING,
        target=T.CLEARED,
        permission=rules.manages_committee,
        conditions=[rules.committee_is_cleared],
    )
    def clear(self) -> None:
        """Every active member declared no conflict and it was acknowledged."""

    @transition(field=state, source=T.CLEARED, target=T.EVALUATING, permission=rules.manages_committee)
    def start_evaluation(self) -> None:
        """The committee starts evaluating the bids."""

    @transition(field=state, source=T.EVALUATING, target=T.CLOSED, permission=rules.manages_committee)
    def close(self) -> None:
        """The evaluation is finished."""


class Bidder(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bidders")
    name = models.CharField(_("name"), max_length=255)
    name_normalised = models.CharField(max_length=255, db_index=True, editable=False)
    register_number = models.CharField(_("registration number"), max_length=7, blank=True, db_index=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bidder")
        verbose_name_plural = _("bidders")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "register_number"],
                condition=~models.Q(register_number=""),
                name="bidder_unique_register_number",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MemberKind(models.TextChoices):
    OFFICIAL = "official", _("Public official")
    ASSOCIATION = "association", _("Representative of a professional association")
    NGO = "ngo", _("Representative of a non-governmental organisation")
    CITIZEN = "citizen", _("Citizen appointed by the local council")


class CommitteeMember(models.Model):
    """A seat on the evaluation committee; external members have an account but no position."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats")
    official = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=MemberKind.choices)
    full_name = models.CharField(_("full name"), max_length=255)
    is_recused = models.BooleanField(_("recused"), default=False)
    replaced_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["tender", "user"], name="member_once_per_tender")]

    def __str__(self) -> str:
        return self.full_name


class TenderUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Tender, on_delete=models.CASCADE)


class TenderGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Tender, on_delete=models.CASCADE)
