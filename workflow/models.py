"""The append-only transition log: one row per applied transition, hash-chained per filing and globally."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models import ImmutableModel


class TransitionLog(ImmutableModel):
    """Who moved which filing from which state to which, when, and why.

    Two hash chains run through the log. ``previous_hash`` is the hash of the same filing's previous row
    (empty on its first); ``seq`` numbers every row from 1 in the order written, and ``global_previous_hash``
    is the hash of the row numbered ``seq - 1`` (empty on the first). ``hash`` covers the row's content and
    both links (``workflow.audit.log_payload``), so a row edited, deleted, reordered or inserted behind the
    services' back breaks a chain that ``manage.py verify_audit`` reports. Rows are written only by
    ``workflow.audit.record_transition`` and ``record_transitions_bulk``.
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
    seq = models.PositiveBigIntegerField(unique=True)
    global_previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id", "id"], name="log_object_chain")]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_state} → {self.to_state}"


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the due date")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE_LIST = "overdue_list", _("Overdue filings")


class Notification(models.Model):
    """A message to one user, shown in the app and, when ``email_until`` is set, also e-mailed.

    ``key`` names the event the message is about (``reminder:<obligation id>:<offset>``,
    ``overdue:<date>``) and is unique per recipient: inserting the row is how a job claims the message, so
    a second run, or a concurrent one, cannot create it twice. ``emailed_at`` stays empty until the e-mail
    has gone out; ``email_until`` is the moment after which an unsent e-mail is no longer worth sending
    (see ``workflow.reminders``).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    key = models.CharField(_("key"), max_length=128)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    # A path on this site (``/…``); e-mails prefix it with ``SITE_URL``.
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_until = models.DateTimeField(_("e-mail due until"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_one_per_recipient_key"),
        ]
        indexes = [
            # The inbox: one's own, newest first, and the unread count.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
            # The e-mails still owed: a small partial index the delivery scans on every run.
            models.Index(
                fields=["email_until"],
                condition=models.Q(emailed_at__isnull=True, email_until__isnull=False),
                name="notification_email_owed",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
