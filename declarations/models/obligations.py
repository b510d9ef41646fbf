"""Filing obligations: who must file which declaration by when (DESIGN §6).

An obligation is created by the rules in ``workflow.obligations`` (appointment, the annual campaign, a
reported significant change, a nomination); a submission fulfils the matching one, on time or late.
Deadlines end at 24:00 Asia/Ulaanbaatar on ``due_date``. A late filing is accepted and counted as late;
nothing is dropped. The methods below only set fields; ``workflow.obligations`` runs them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from declarations import rules
from declarations.models.filings import Declaration, Official, Organisation, Position


class ObligationKind(models.TextChoices):
    APPOINTMENT = "appointment", _("On appointment")
    ANNUAL = "annual", _("Annual")
    SIGNIFICANT_CHANGE = "significant_change", _("Significant change")
    PRELIMINARY = "preliminary", _("Preliminary, before appointment (ХАСУМ)")


class ObligationState(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED_ON_TIME = "fulfilled_on_time", _("Filed on time")
    FULFILLED_LATE = "fulfilled_late", _("Filed late")
    OVERDUE = "overdue", _("Overdue")
    WAIVED = "waived", _("Waived")


OS = ObligationState


class Campaign(models.Model):
    """A year's annual filing campaign, opened once; opening it creates the annual obligations."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    due_date = models.DateField(_("due date"))
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("annual campaign")
        verbose_name_plural = _("annual campaigns")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class Obligation(FSMModelMixin, models.Model):
    """One official's duty to file one declaration by a date."""

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.PROTECT, related_name="obligations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="obligations"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nomination = models.ForeignKey(
        "declarations.Nomination",
        verbose_name=_("nomination"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ObligationKind.choices)
    # The declared year (annual), or the year of the event the obligation follows.
    period = models.PositiveSmallIntegerField(_("period"))
    # The event the obligation follows: the appointment, the reported change, the nomination.
    event_date = models.DateField(_("event date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    state = FSMField(_("state"), max_length=32, choices=ObligationState.choices, default=OS.OPEN, protected=True)
    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("declaration filed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    fulfilled_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    waiver_reason = models.TextField(_("reason for the waiver"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("filing obligation")
        verbose_name_plural = _("filing obligations")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["organisation", "kind", "period", "state"], name="obligation_org_kind_period"),
            models.Index(fields=["state", "due_date"], name="obligation_state_due"),
            models.Index(fields=["official", "kind", "state"], name="obligation_official_kind"),
        ]
        constraints = [
            # One annual obligation per position and year; one per position, kind and event otherwise.
            models.UniqueConstraint(
                fields=["position", "kind", "period"],
                condition=Q(kind="annual"),
                name="obligation_one_annual_per_position_year",
            ),
            models.UniqueConstraint(
                fields=["position", "kind", "event_date"],
                condition=Q(kind__in=["appointment", "significant_change"]),
                name="obligation_one_per_position_event",
            ),
            models.UniqueConstraint(
                fields=["nomination"],
                condition=Q(kind="preliminary"),
                name="obligation_one_per_nomination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} — {self.official}"

    # --- The state graph. ``fulfil_*`` and ``mark_overdue`` are taken by the services and the daily job;
    # ``waive`` by an authorised official of the organisation, with a reason. -----------------------

    @transition(field=state, source=OS.OPEN, target=OS.FULFILLED_ON_TIME)
    def fulfil_on_time(self, *, declaration: Declaration, at: Any) -> None:
        """A matching declaration was submitted by the end of the due date."""
        self.declaration = declaration
        self.fulfilled_at = at

    @transition(field=state, source=[OS.OPEN, OS.OVERDUE], target=OS.FULFILLED_LATE)
    def fulfil_late(self, *, declaration: Declaration, at: Any) -> None:
        """A matching declaration was submitted after the due date: accepted, counted as late."""
        self.declaration = declaration
        self.fulfilled_at = at

    @transition(field=state, source=OS.OPEN, target=OS.OVERDUE)
    def mark_overdue(self) -> None:
        """The due date ended with nothing submitted."""

    @transition(field=state, source=[OS.OPEN, OS.OVERDUE], target=OS.WAIVED, permission=rules.waives_obligation)
    def waive(self, *, reason: str) -> None:
        """An authorised official waives the obligation (the position ended, a duplicate), with a reason."""
        self.waiver_reason = reason
