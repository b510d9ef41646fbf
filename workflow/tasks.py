"""The scheduled jobs, as Celery tasks (``config.celery``; the schedule is ``CELERY_BEAT_SCHEDULE``).

Each task takes the day it works for as an ISO date (``"2026-02-15"``), today in Ulaanbaatar when omitted,
and returns what it did. Both are idempotent: beat, a redelivered message or ``manage.py run_daily_jobs``
may run them again the same day without a second notification or e-mail (see ``workflow.reminders``).
"""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task
from django.utils import timezone

from workflow import reminders


def _day(day: str | None) -> datetime.date:
    return datetime.date.fromisoformat(day) if day else timezone.localdate()


@shared_task(name="workflow.tasks.send_reminders")
def send_reminders(day: str | None = None) -> dict[str, Any]:
    """Remind officials of their declarations due soon and due today; send the e-mails still owed."""
    today = _day(day)
    return {"date": today.isoformat(), **reminders.send_reminders(today=today).as_dict()}


@shared_task(name="workflow.tasks.mark_overdue_and_notify")
def mark_overdue_and_notify(day: str | None = None) -> dict[str, Any]:
    """Mark the obligations whose deadline ended as overdue, then send each authorised official (ЭБАТ) the
    day's list of overdue filings."""
    # Imported here, not at the top: the obligation services live in their own module, which owns the
    # overdue transition; this task only schedules it.
    from workflow.obligations import mark_overdue

    today = _day(day)
    marked = mark_overdue(today=today)
    report = reminders.send_overdue_lists(today=today)
    # A count, or the obligations marked: the result must stay JSON for the broker.
    count = marked if isinstance(marked, int) or marked is None else len(marked)
    return {"date": today.isoformat(), "marked_overdue": count, **report.as_dict()}
