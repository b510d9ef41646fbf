"""Reminders of filing deadlines and the daily overdue list, in the app and by e-mail (DESIGN §6).

An official with an open obligation is reminded ``REMINDER_DAYS_BEFORE`` days before its due date (14
and 3 by default) and on the due date itself; every day each authorised official (ЭБАТ) gets one list of
the officials in their organisations whose declaration is overdue. Dates are Ulaanbaatar dates
(``timezone.localdate()``); a deadline ends at 24:00 local time on the due date, so an obligation is
overdue from the next day (Anti-Corruption Law 10.3, 10.5; Conflict of Interest Law 23.3, 23.4).

Each reminder has a window, not a single day: the 14-day reminder is due while 14 to 4 days are left, the
3-day one while 3 to 1 are left. So a day the job did not run, or an obligation created 10 days before
its due date, still gets the reminder it missed, and never one that a later reminder has overtaken.

**Delivery: claim, then send.** Every message is first *claimed*: its ``Notification`` row, whose ``key``
names the event (``reminder:<obligation id>:<offset>``, ``overdue:<date>``) and is unique per recipient,
is inserted and committed in its own transaction before any e-mail goes out; a conflicting row is skipped
(``INSERT … ON CONFLICT DO NOTHING``), so a second run, or a concurrent one, claims nothing twice. The
in-app notification is therefore created exactly once. Then every claim whose e-mail is still owed
(``emailed_at`` empty, ``email_until`` not passed) is sent, one at a time: the row is locked (a
concurrent run skips it), the message handed to Django's e-mail backend, and ``emailed_at`` committed in
the same transaction. A failed send (a refused address, a mail server down) is logged and leaves the
claim owed; so does a run that dies between the claim and the e-mail. The next run sends it.

That makes the e-mail *at least once*, not exactly once: if the process dies after the mail server
accepted a message and before ``emailed_at`` commits, the next run sends it again. No ordering closes that
gap, because SMTP has no idempotency key: sending before recording risks a duplicate, recording before
sending risks a loss. We take the rare duplicate (at most the one message in flight) over a reminder lost
for good. An owed e-mail is retried until ``email_until``: until the next reminder's window opens (a
reminder before the due date), the end of the due date (the reminder on the day) or the end of the day
(an overdue list). After that the e-mail would mislead or repeat a newer one; the notification stays in
the app.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from declarations.models import NominationState, Obligation, ObligationState
from workflow import policies
from workflow.models import Notification, NotificationKind

logger = logging.getLogger(__name__)

# An overdue list names at most this many filings; the rest are counted, and the reports list them all.
OVERDUE_LIST_MAX_LINES = 200
CLAIM_BATCH_SIZE = 500


@dataclass(frozen=True)
class Message:
    """A notification to claim: who gets it, for which event (``key``), what it says, and until when its
    e-mail is worth sending."""

    recipient_id: int
    kind: str
    key: str
    subject: str
    body: str
    link: str
    email_until: datetime.datetime


@dataclass
class RunReport:
    """What a run did: notifications it created, e-mails it sent, e-mails that failed and stay owed."""

    created: int = 0
    emailed: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "emailed": self.emailed, "failed": self.failed}


# --- Dates ---------------------------------------------------------------------------------------------------


def end_of_day(day: datetime.date) -> datetime.datetime:
    """24:00 Ulaanbaatar time at the end of ``day``: the moment a deadline on that day ends."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_default_timezone()
    )


def reminder_offsets() -> tuple[int, ...]:
    """Days before the due date on which reminders are due, largest first; 0 is the due date itself."""
    return tuple(sorted({*settings.REMINDER_DAYS_BEFORE, 0}, reverse=True))


def reminder_offset(days_left: int, offsets: tuple[int, ...]) -> int | None:
    """The reminder whose window holds ``days_left``: the smallest offset not below it (None: too early)."""
    candidates = [offset for offset in offsets if offset >= days_left]
    return min(candidates) if candidates and days_left >= 0 else None


# --- Messages ------------------------------------------------------------------------------------------------


def _home_link() -> str:
    # The official's and the ЭБАТ's starting page; the obligations page will take over once it exists.
    return reverse("web:home")


def reminder_messages(*, today: datetime.date) -> list[Message]:
    """The reminders due today: one per open obligation whose reminder window holds today (one query)."""
    offsets = reminder_offsets()
    obligations = (
        Obligation.objects.filter(
            state=ObligationState.OPEN,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=offsets[0]),
            official__user__is_active=True,
        )
        # A withdrawn nomination owes no preliminary declaration (``workflow.obligations`` leaves it open).
        .exclude(nomination__state=NominationState.WITHDRAWN)
        .select_related("official__user", "organisation")
        .order_by("due_date", "pk")
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for obligation in obligations:
            offset = reminder_offset((obligation.due_date - today).days, offsets)
            if offset is not None:
                messages.append(_reminder(obligation, offset, offsets))
    return messages


def _reminder(obligation: Obligation, offset: int, offsets: tuple[int, ...]) -> Message:
    facts = {
        "kind": obligation.get_kind_display(),
        "period": obligation.period,
        "organisation": obligation.organisation.name,
        "due_date": obligation.due_date.isoformat(),
    }
    if offset == 0:
        kind, until = NotificationKind.DUE_TODAY, end_of_day(obligation.due_date)
        subject = _("Your declaration is due today, %(due_date)s") % facts
        body = (
            _(
                "Your declaration (%(kind)s, %(period)s) in %(organisation)s is due today, %(due_date)s. The "
                "deadline ends at 24:00 Ulaanbaatar time; a declaration filed later is accepted but counted "
                "as late."
            )
            % facts
        )
    else:
        # Owed until the next reminder's window opens: after that the newer reminder says it.
        next_offset = max(o for o in offsets if o < offset)
        kind, until = NotificationKind.REMINDER, end_of_day(obligation.due_date - datetime.timedelta(next_offset + 1))
        subject = _("Reminder: your declaration is due on %(due_date)s") % facts
        body = (
            _(
                "Your declaration (%(kind)s, %(period)s) in %(organisation)s is due on %(due_date)s. The "
                "deadline ends at 24:00 Ulaanbaatar time."
            )
            % facts
        )
    return Message(
        recipient_id=obligation.official.user_id,
        kind=kind,
        key=f"reminder:{obligation.pk}:{offset}",
        subject=subject,
        body=body,
        link=_home_link(),
        email_until=until,
    )


def overdue_obligations() -> Any:
    """Obligations marked overdue: their deadline ended with nothing filed (``workflow.obligations``
    decides, in ``mark_overdue``, which run before the lists)."""
    return (
        Obligation.objects.filter(state=ObligationState.OVERDUE)
        .select_related("official", "organisation")
        .order_by("organisation__path", "official__full_name", "due_date", "pk")
    )


def overdue_list_messages(*, today: datetime.date) -> list[Message]:
    """One message per authorised official (ЭБАТ) listing the overdue filings in their organisations.

    The obligations are read in one query; the ЭБАТ of each organisation that has any come from
    ``policies.reviewers_of`` (one query per such organisation, not per official). An ЭБАТ is not told
    about their own filing: their own reminders did that.
    """
    per_reviewer: dict[int, list[Obligation]] = {}
    reviewers_by_organisation: dict[int, list[int]] = {}
    for obligation in overdue_obligations():
        organisation_id = obligation.organisation_id
        if organisation_id not in reviewers_by_organisation:
            reviewers_by_organisation[organisation_id] = list(
                policies.reviewers_of(obligation.organisation).values_list("pk", flat=True)
            )
        for reviewer_id in reviewers_by_organisation[organisation_id]:
            if reviewer_id != obligation.official.user_id:
                per_reviewer.setdefault(reviewer_id, []).append(obligation)
    with translation.override(settings.LANGUAGE_CODE):
        return [_overdue_list(reviewer_id, rows, today) for reviewer_id, rows in sorted(per_reviewer.items())]


def _overdue_list(reviewer_id: int, obligations: list[Obligation], today: datetime.date) -> Message:
    lines = [
        _("%(official)s — %(organisation)s: %(kind)s, %(period)s, due %(due_date)s")
        % {
            "official": obligation.official.full_name,
            "organisation": obligation.organisation.name,
            "kind": obligation.get_kind_display(),
            "period": obligation.period,
            "due_date": obligation.due_date.isoformat(),
        }
        for obligation in obligations[:OVERDUE_LIST_MAX_LINES]
    ]
    if len(obligations) > OVERDUE_LIST_MAX_LINES:
        lines.append(_("…and %(count)d more.") % {"count": len(obligations) - OVERDUE_LIST_MAX_LINES})
    intro = _(
        "These declarations were not filed by their due date (as of %(date)s). A late declaration is "
        "still accepted and counted as late."
    ) % {"date": today.isoformat()}
    return Message(
        recipient_id=reviewer_id,
        kind=NotificationKind.OVERDUE_LIST,
        key=f"overdue:{today.isoformat()}",
        subject=_("Overdue declarations as of %(date)s: %(count)d")
        % {"date": today.isoformat(), "count": len(obligations)},
        body="\n".join([intro, "", *lines]),
        link=_home_link(),
        email_until=end_of_day(today),
    )


# --- Claim, then send ----------------------------------------------------------------------------------------


def _batches(messages: Iterable[Message], size: int) -> Iterator[list[Message]]:
    batch: list[Message] = []
    for message in messages:
        batch.append(message)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def claim(messages: Iterable[Message]) -> int:
    """Insert the messages' notifications, each batch committed on its own; a message already claimed
    (same recipient and key) is skipped. Returns how many this call created, as far as it could see (a
    concurrent run may have claimed some of them in between: the database keeps one)."""
    created = 0
    for batch in _batches(messages, CLAIM_BATCH_SIZE):
        claimed = set(
            Notification.objects.filter(
                recipient_id__in={m.recipient_id for m in batch}, key__in={m.key for m in batch}
            ).values_list("recipient_id", "key")
        )
        new = [
            Notification(
                recipient_id=m.recipient_id,
                kind=m.kind,
                key=m.key,
                subject=m.subject,
                body=m.body,
                link=m.link,
                email_until=m.email_until,
            )
            for m in batch
            if (m.recipient_id, m.key) not in claimed
        ]
        # Durable: a claim must be committed before its e-mail goes out, never inside a caller's transaction.
        with transaction.atomic(durable=True):
            Notification.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
    return created


def _email(notification: Notification, connection: Any) -> EmailMessage:
    body = notification.body
    if notification.link:
        body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.link}"
    return EmailMessage(
        subject=notification.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        connection=connection,
    )


def send_owed_emails(*, today: datetime.date) -> tuple[int, int]:
    """Send every claimed e-mail not yet sent whose ``email_until`` is after the start of ``today``;
    returns (sent, failed). A failed one stays owed for the next run."""
    owed = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            email_until__gt=end_of_day(today - datetime.timedelta(days=1)),
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = failed = 0
    if not owed:
        return sent, failed
    # One connection for the whole run (SMTP: one session), opened before the first row is locked.
    connection = get_connection()
    connection.open()
    try:
        for pk in owed:
            with transaction.atomic(durable=True):
                notification = (
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient")
                    .filter(pk=pk, emailed_at__isnull=True)
                    .first()
                )
                if notification is None:  # sent meanwhile, or being sent by a concurrent run
                    continue
                try:
                    delivered = connection.send_messages([_email(notification, connection)])
                except Exception:
                    logger.exception("E-mail of notification %s to user %s failed", pk, notification.recipient_id)
                    delivered = 0
                    with suppress(Exception):
                        connection.close()  # a broken SMTP session is reopened by the next send
                if not delivered:
                    failed += 1
                    continue
                notification.emailed_at = timezone.now()
                notification.save(update_fields=["emailed_at"])
                sent += 1
    finally:
        connection.close()
    return sent, failed


def send_reminders(*, today: datetime.date | None = None) -> RunReport:
    """Remind officials of the declarations due in ``REMINDER_DAYS_BEFORE`` days and today, then send every
    e-mail still owed. Running it again the same day sends nothing new."""
    today = today or timezone.localdate()
    created = claim(reminder_messages(today=today))
    sent, failed = send_owed_emails(today=today)
    return RunReport(created=created, emailed=sent, failed=failed)


def send_overdue_lists(*, today: datetime.date | None = None) -> RunReport:
    """Send each authorised official (ЭБАТ) today's list of overdue filings in their organisations, then every
    e-mail still owed. One list per ЭБАТ per day, however often it runs."""
    today = today or timezone.localdate()
    created = claim(overdue_list_messages(today=today))
    sent, failed = send_owed_emails(today=today)
    return RunReport(created=created, emailed=sent, failed=failed)
