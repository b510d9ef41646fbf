"""Nominations (ХАСУМ before appointment) and the agency's written conclusions.

A nominee files a preliminary declaration of private interests before they are appointed; the
anti-corruption agency (АТГ) reviews it and issues a conclusion, which is published. An authorised
official can also refer a declaration or a notice to the agency, which concludes on it. The methods
below only set fields; ``workflow.nominations`` and ``workflow.referrals`` run them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from declarations import rules
from declarations.models.filings import Declaration, ImmutableModel, Official, Organisation, Position


class NominationState(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    DECLARED = "declared", _("Preliminary declaration filed")
    CONCLUDED = "concluded", _("Agency concluded")
    APPOINTED = "appointed", _("Appointed")
    WITHDRAWN = "withdrawn", _("Nomination withdrawn")


NS = NominationState


class Nomination(FSMModelMixin, models.Model):
    """A nominee for a position in an organisation, registered by the organisation's HR officer."""

    nominee = models.ForeignKey(
        Official, verbose_name=_("nominee"), on_delete=models.PROTECT, related_name="nominations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="nominations"
    )
    position_title = models.CharField(_("position title"), max_length=255)
    declaration_required = models.BooleanField(_("declaration required"), default=True)
    hr_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("HR officer"), on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(_("state"), max_length=32, choices=NominationState.choices, default=NS.NOMINATED, protected=True)
    position = models.OneToOneField(
        Position, verbose_name=_("position"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.nominee} — {self.position_title}"

    # --- The state graph (DESIGN §3). ``declare`` and ``record_conclusion`` follow the preliminary
    # declaration and are taken only by its services, in the same transaction. ------------------------

    @transition(field=state, source=NS.NOMINATED, target=NS.DECLARED, permission=rules.is_nominee)
    def declare(self) -> None:
        """The nominee submitted the preliminary declaration."""

    @transition(field=state, source=NS.DECLARED, target=NS.CONCLUDED, permission=rules.concludes_nomination)
    def record_conclusion(self) -> None:
        """The agency concluded on the preliminary declaration."""

    @transition(
        field=state,
        source=[NS.NOMINATED, NS.DECLARED, NS.CONCLUDED],
        target=NS.APPOINTED,
        permission=rules.manages_nominations,
        conditions=[rules.nomination_is_concluded],
    )
    def appoint(self, *, position: Position, on: Any) -> None:
        """The appointment is recorded; the position (and its filing obligations) starts."""
        self.position = position
        self.appointed_on = on

    @transition(
        field=state,
        source=[NS.NOMINATED, NS.DECLARED, NS.CONCLUDED],
        target=NS.WITHDRAWN,
        permission=rules.manages_nominations,
    )
    def withdraw(self) -> None:
        """The nomination is withdrawn; the preliminary declaration stays as filed."""


class ConclusionFinding(models.TextChoices):
    NO_OBSTACLE = "no_obstacle", _("No obstacle to the appointment")
    CONFLICT_FOUND = "conflict_found", _("Conflict of interest found")
    NO_VIOLATION = "no_violation", _("No violation")
    VIOLATION_FOUND = "violation_found", _("Violation found")


PRELIMINARY_FINDINGS = (ConclusionFinding.NO_OBSTACLE, ConclusionFinding.CONFLICT_FOUND)
REFERRAL_FINDINGS = (ConclusionFinding.NO_VIOLATION, ConclusionFinding.VIOLATION_FOUND)


class Conclusion(ImmutableModel):
    """The agency's written conclusion on a preliminary declaration or on a referred filing.

    ``internal_notes`` are the reviewer's own and are never shown to the filer nor published.
    """

    declaration = models.ForeignKey(
        Declaration, null=True, blank=True, on_delete=models.PROTECT, related_name="conclusions"
    )
    notice = models.ForeignKey(
        "declarations.Notice", null=True, blank=True, on_delete=models.PROTECT, related_name="conclusions"
    )
    finding = models.CharField(_("finding"), max_length=32, choices=ConclusionFinding.choices)
    legal_article = models.CharField(_("legal article"), max_length=255, blank=True)
    reasoning = models.TextField(_("reasoning"))
    internal_notes = models.TextField(_("internal notes"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    concluded_at = models.DateTimeField(_("concluded at"))

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        ordering = ["concluded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declaration__isnull=False, notice__isnull=True)
                | Q(declaration__isnull=True, notice__isnull=False),
                name="conclusion_of_one_filing",
            )
        ]

    def __str__(self) -> str:
        return self.get_finding_display()
