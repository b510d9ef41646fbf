"""Run the daily jobs in this process: mark overdue obligations and send the overdue lists, then the reminders.

The same work beat schedules on the Celery workers; for cron where there is no broker, and for the demo.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workflow import tasks

logger = logging.getLogger(__name__)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Enter the date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Run the daily jobs now, in this process: mark overdue obligations, send each authorised official the "
        "overdue list, and send the reminders due. Running it twice the same day sends nothing twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="The day to run for, YYYY-MM-DD (default: today in Asia/Ulaanbaatar).")

    def handle(self, *args: Any, date: str | None, **options: Any) -> None:
        day = (_date(date) if date else timezone.localdate()).isoformat()
        problems = []
        # Called directly, a task runs here and now, whatever the broker settings say. The two jobs are
        # independent: one failing does not keep the other from running.
        try:
            overdue = tasks.mark_overdue_and_notify(day)
        except Exception as error:
            logger.exception("mark_overdue_and_notify failed for %s", day)
            problems.append(f"marking overdue obligations failed: {error}")
        else:
            self.stdout.write(
                f"{day}: {overdue['marked_overdue']} obligation(s) marked overdue; overdue lists: "
                f"{overdue['created']} new, {overdue['emailed']} e-mailed, {overdue['failed']} failed."
            )
            if overdue["failed"]:
                problems.append(f"{overdue['failed']} e-mail(s) failed; they are sent again on the next run")
        reminded = tasks.send_reminders(day)
        self.stdout.write(
            f"{day}: reminders: {reminded['created']} new, {reminded['emailed']} e-mailed, {reminded['failed']} failed."
        )
        if reminded["failed"]:
            problems.append(f"{reminded['failed']} e-mail(s) failed; they are sent again on the next run")
        if problems:
            raise CommandError("; ".join(problems) + ".")
