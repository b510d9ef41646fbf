"""The append-only transition log: one row per applied transition, hash-chained per filing."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models import ImmutableModel


class TransitionLog(ImmutableModel):
    """Who moved which filing from which state to which, when, and why.

    ``hash`` covers the row's canonical content and ``previous_hash``, the hash of the filing's previous
    row, so an edited, deleted or reordered row breaks the chain.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    transition = models.CharField(_("transition"), max_length=64)
    from_state = models.CharField(_("from state"), max_length=32)
    to_state = models.CharField(_("to state"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    comment = models.TextField(_("comment"), blank=True)
    remarks = models.JSONField(_("remarks"), default=list, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id", "id"], name="log_object_chain")]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_state} → {self.to_state}"
