"""The in-app inbox: a user's own notifications, read and unread.

Only the recipient sees a notification or marks it read (``policies.visible_notifications``); another
user's notification is not found, the same answer as a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from workflow import policies
from workflow.models import Notification


def unread_first(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    """The same notifications with the unread ones first, each group newest first."""
    unread = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    return notifications.order_by(unread, "-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread."""
    return policies.visible_notifications(user).filter(read_at__isnull=True).count()


@transaction.atomic
def notification_mark_read(*, actor: Any, notification_id: Any) -> Notification:
    """Mark one of the actor's notifications read; one already read keeps the time it was first read."""
    notification = policies.get_visible_notification(actor, notification_id, for_update=True)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; returns how many were unread."""
    return policies.visible_notifications(actor).filter(read_at__isnull=True).update(read_at=timezone.now())
