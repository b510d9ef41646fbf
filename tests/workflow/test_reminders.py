"""Reminders before the due date and on the day, the daily overdue list to the authorised officials (ЭБАТ),
and delivery that survives a second run and a crash midway (``workflow.reminders``, ``workflow.tasks``).

Obligations are created directly: the services that create them are ``workflow.obligations``'.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from config import celery_app
from declarations.models import Nomination, NominationState, Obligation, ObligationState
from tests.factories import OrganisationFactory, PositionFactory, UserFactory, make_reviewer
from workflow import reminders, tasks
from workflow.models import Notification

ROOT = Path(__file__).resolve().parent.parent.parent
TODAY = datetime.date(2026, 2, 1)
UB = timezone.get_default_timezone()
OS = ObligationState


def _midnight(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, tzinfo=UB)


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.REMINDER_DAYS_BEFORE = (14, 3)
    settings.SITE_URL = "https://declarations.example.mn"
    settings.DEFAULT_FROM_EMAIL = "noreply@declarations.example.mn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def make_obligation(*, due_date, position=None, kind="annual", period=2025, state=OS.OPEN, **position_kwargs):
    position = position or PositionFactory(**position_kwargs)
    obligation = Obligation.objects.create(
        official=position.official,
        organisation=position.organisation,
        position=position,
        kind=kind,
        period=period,
        due_date=due_date,
    )
    if state != OS.OPEN:
        Obligation.objects.filter(pk=obligation.pk).update(state=state)  # the state field is protected
    return obligation


def _sent():
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def _rows():
    """Each notification as (recipient's address, kind, key, e-mail window, whether the e-mail is still owed)."""
    rows = Notification.objects.values_list("recipient__email", "kind", "key", "email_until", "emailed_at")
    return sorted((email, kind, key, until, emailed_at is None) for email, kind, key, until, emailed_at in rows)


class FlakyBackend(EmailBackend):
    """The in-memory backend, except that sending to an address in ``failing`` raises ``error``."""

    failing: frozenset[str] = frozenset()
    error: BaseException = ConnectionRefusedError("mail server down")

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in self.failing:
                raise self.error
        return super().send_messages(messages)


# --- Reminders before the due date and on the day ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("due_date", "kind", "offset", "subject", "email_until"),
    [
        # 14 days before: the window runs until the 3-day reminder's opens (4 days before, end of day).
        (
            datetime.date(2026, 2, 15),
            "reminder",
            14,
            "Reminder: your declaration is due on 2026-02-15",
            _midnight(2026, 2, 12),
        ),
        # 3 days before: until the reminder on the day.
        (
            datetime.date(2026, 2, 4),
            "reminder",
            3,
            "Reminder: your declaration is due on 2026-02-04",
            _midnight(2026, 2, 4),
        ),
        # on the day: until the deadline, 24:00 Ulaanbaatar time.
        (datetime.date(2026, 2, 1), "due_today", 0, "Your declaration is due today, 2026-02-01", _midnight(2026, 2, 2)),
        # inside a window (a day the job did not run, an obligation created late): that window's reminder
        (
            datetime.date(2026, 2, 10),
            "reminder",
            14,
            "Reminder: your declaration is due on 2026-02-10",
            _midnight(2026, 2, 7),
        ),
        (
            datetime.date(2026, 2, 2),
            "reminder",
            3,
            "Reminder: your declaration is due on 2026-02-02",
            _midnight(2026, 2, 2),
        ),
    ],
)
def test_each_reminder_goes_to_the_official_with_its_subject_and_email_window(
    due_date, kind, offset, subject, email_until
):
    # given an open obligation
    obligation = make_obligation(due_date=due_date, official__user__email="dorj@example.mn")

    # when the reminders run on 1 February
    report = reminders.send_reminders(today=TODAY)

    # then the official has one notification and one e-mail, with the link to the site
    assert report.as_dict() == {"created": 1, "emailed": 1, "failed": 0}
    assert _rows() == [("dorj@example.mn", kind, f"reminder:{obligation.pk}:{offset}", email_until, False)]
    assert _sent() == [("dorj@example.mn", subject)]
    notification = Notification.objects.get()
    assert (notification.subject, notification.link, notification.read_at) == (subject, "/", None)
    message = mail.outbox[0]
    assert message.from_email == "noreply@declarations.example.mn"
    assert message.body == f"{notification.body}\n\nhttps://declarations.example.mn/"
    assert f"in {obligation.organisation.name} is due" in message.body
    assert "(Annual, 2025)" in message.body


@pytest.mark.django_db
def test_the_reminder_texts_are_exact():
    obligation = make_obligation(due_date=datetime.date(2026, 2, 4), organisation__name="Сангийн яам")
    today = make_obligation(due_date=TODAY, kind="appointment", period=2026, organisation__name="Сангийн яам")

    reminders.send_reminders(today=TODAY)

    bodies = dict(Notification.objects.values_list("key", "body"))
    assert bodies == {
        f"reminder:{obligation.pk}:3": (
            "Your declaration (Annual, 2025) in Сангийн яам is due on 2026-02-04. "
            "The deadline ends at 24:00 Ulaanbaatar time."
        ),
        f"reminder:{today.pk}:0": (
            "Your declaration (On appointment, 2026) in Сангийн яам is due today, 2026-02-01. The deadline ends at "
            "24:00 Ulaanbaatar time; a declaration filed later is accepted but counted as late."
        ),
    }


@pytest.mark.django_db
def test_reminders_follow_the_configured_offsets(settings):
    settings.REMINDER_DAYS_BEFORE = (7,)
    week = make_obligation(due_date=datetime.date(2026, 2, 8))
    fortnight = make_obligation(due_date=datetime.date(2026, 2, 15))
    three_days = make_obligation(due_date=datetime.date(2026, 2, 4))

    reminders.send_reminders(today=TODAY)

    assert sorted(Notification.objects.values_list("key", "email_until")) == sorted(
        [
            (f"reminder:{week.pk}:7", _midnight(2026, 2, 8)),
            (f"reminder:{three_days.pk}:7", _midnight(2026, 2, 4)),
        ]
    )
    assert not Notification.objects.filter(key__startswith=f"reminder:{fortnight.pk}:").exists()


@pytest.mark.django_db
def test_no_reminder_for_what_is_filed_waived_overdue_too_far_off_or_past_or_for_an_inactive_account():
    for state in (OS.FULFILLED_ON_TIME, OS.FULFILLED_LATE, OS.WAIVED, OS.OVERDUE):
        make_obligation(due_date=datetime.date(2026, 2, 4), state=state)
    make_obligation(due_date=datetime.date(2026, 2, 16))  # 15 days ahead: no window yet
    make_obligation(due_date=datetime.date(2026, 1, 31))  # yesterday: the overdue list's business
    make_obligation(due_date=datetime.date(2026, 2, 4), official__user__is_active=False)

    report = reminders.send_reminders(today=TODAY)

    assert report.as_dict() == {"created": 0, "emailed": 0, "failed": 0}
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_reminder_for_the_preliminary_declaration_of_a_withdrawn_nomination():
    position = PositionFactory()
    nomination = Nomination.objects.create(
        nominee=position.official,
        organisation=position.organisation,
        position_title="Дарга",
        hr_officer=UserFactory(),
    )
    Nomination.objects.filter(pk=nomination.pk).update(state=NominationState.WITHDRAWN)
    Obligation.objects.create(
        official=position.official,
        organisation=position.organisation,
        nomination=nomination,
        kind="preliminary",
        period=2026,
        due_date=datetime.date(2026, 2, 4),
    )

    assert reminders.send_reminders(today=TODAY).as_dict() == {"created": 0, "emailed": 0, "failed": 0}


@pytest.mark.django_db
def test_an_official_without_an_email_address_gets_the_notification_in_the_app_only():
    obligation = make_obligation(due_date=datetime.date(2026, 2, 4), official__user__email="")

    report = reminders.send_reminders(today=TODAY)

    assert report.as_dict() == {"created": 1, "emailed": 0, "failed": 0}
    assert list(Notification.objects.values_list("recipient_id", "emailed_at")) == [(obligation.official.user_id, None)]
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_reminders_query_the_obligations_once_whatever_their_number(django_assert_max_num_queries):
    for day in range(1, 15):
        make_obligation(due_date=TODAY + datetime.timedelta(days=day))

    with django_assert_max_num_queries(1):
        messages = reminders.reminder_messages(today=TODAY)

    assert len(messages) == 14


# --- Sent once: a second run, a crash --------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_twice_sends_nothing_twice():
    make_obligation(due_date=datetime.date(2026, 2, 15), official__user__email="a@example.mn")
    make_obligation(due_date=TODAY, official__user__email="b@example.mn")
    first = reminders.send_reminders(today=TODAY)
    rows, sent = _rows(), _sent()

    second = reminders.send_reminders(today=TODAY)

    assert first.as_dict() == {"created": 2, "emailed": 2, "failed": 0}
    assert second.as_dict() == {"created": 0, "emailed": 0, "failed": 0}
    assert _rows() == rows
    assert (
        _sent()
        == sent
        == [
            ("a@example.mn", "Reminder: your declaration is due on 2026-02-15"),
            ("b@example.mn", "Your declaration is due today, 2026-02-01"),
        ]
    )


@pytest.mark.django_db
def test_the_next_days_run_sends_only_the_next_reminder():
    obligation = make_obligation(due_date=datetime.date(2026, 2, 15))
    reminders.send_reminders(today=TODAY)

    for day in range(2, 16):
        reminders.send_reminders(today=datetime.date(2026, 2, day))

    assert list(Notification.objects.order_by("pk").values_list("key", flat=True)) == [
        f"reminder:{obligation.pk}:14",
        f"reminder:{obligation.pk}:3",
        f"reminder:{obligation.pk}:0",
    ]
    assert len(mail.outbox) == 3


def _three_officials_due_today():
    return [
        make_obligation(due_date=TODAY, official__user__email=f"{name}@example.mn")
        for name in ("first", "second", "third")
    ]


@pytest.mark.django_db
def test_a_mail_server_error_for_one_recipient_is_sent_on_the_next_run_and_nobody_gets_two(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.workflow.test_reminders.FlakyBackend"
    monkeypatch.setattr(FlakyBackend, "failing", frozenset({"second@example.mn"}))
    _three_officials_due_today()

    # when the e-mail to the second of three recipients fails
    first = reminders.send_reminders(today=TODAY)

    # then the other two went out, all three notifications exist, and the second's e-mail is still owed
    assert first.as_dict() == {"created": 3, "emailed": 2, "failed": 1}
    assert [to for to, _subject in _sent()] == ["first@example.mn", "third@example.mn"]
    assert [(email, owed) for email, _k, _key, _until, owed in _rows()] == [
        ("first@example.mn", False),
        ("second@example.mn", True),
        ("third@example.mn", False),
    ]

    # when the mail server is back and the job runs again
    monkeypatch.setattr(FlakyBackend, "failing", frozenset())
    second = reminders.send_reminders(today=TODAY)

    # then each recipient has exactly one e-mail and one notification
    assert second.as_dict() == {"created": 0, "emailed": 1, "failed": 0}
    assert [to for to, _subject in _sent()] == ["first@example.mn", "second@example.mn", "third@example.mn"]
    assert Notification.objects.count() == 3
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


class WorkerKilled(BaseException):
    """Stands for the process dying: not an ``Exception``, so nothing on the way catches it."""


@pytest.mark.django_db
def test_a_run_that_dies_midway_loses_no_email_and_the_rerun_sends_each_once(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.workflow.test_reminders.FlakyBackend"
    monkeypatch.setattr(FlakyBackend, "failing", frozenset({"second@example.mn"}))
    monkeypatch.setattr(FlakyBackend, "error", WorkerKilled())
    _three_officials_due_today()

    # when the job dies while sending the second of three e-mails
    with pytest.raises(WorkerKilled):
        reminders.send_reminders(today=TODAY)

    # then the claims are committed and only the first e-mail went out
    assert [to for to, _subject in _sent()] == ["first@example.mn"]
    assert [(email, owed) for email, _k, _key, _until, owed in _rows()] == [
        ("first@example.mn", False),
        ("second@example.mn", True),
        ("third@example.mn", True),
    ]

    # when it runs again
    monkeypatch.setattr(FlakyBackend, "failing", frozenset())
    report = reminders.send_reminders(today=TODAY)

    # then the two owed e-mails go, and nobody gets one twice
    assert report.as_dict() == {"created": 0, "emailed": 2, "failed": 0}
    assert [to for to, _subject in _sent()] == ["first@example.mn", "second@example.mn", "third@example.mn"]


@pytest.mark.django_db
def test_a_run_that_dies_after_claiming_and_before_any_email_is_completed_by_the_next():
    _three_officials_due_today()
    reminders.claim(reminders.reminder_messages(today=TODAY))  # ...and the process dies here
    assert mail.outbox == []

    report = reminders.send_reminders(today=TODAY)

    assert report.as_dict() == {"created": 0, "emailed": 3, "failed": 0}
    assert len(mail.outbox) == 3
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_an_owed_email_whose_window_passed_is_not_sent_late():
    # given the 14-day reminder claimed on 1 February whose e-mail never went out
    obligation = make_obligation(due_date=datetime.date(2026, 2, 15), official__user__email="late@example.mn")
    reminders.claim(reminders.reminder_messages(today=TODAY))

    # when the job next runs on 12 February, inside the 3-day reminder's window
    report = reminders.send_reminders(today=datetime.date(2026, 2, 12))

    # then only the 3-day reminder is e-mailed; the stale one stays in the app, never e-mailed
    assert report.as_dict() == {"created": 1, "emailed": 1, "failed": 0}
    assert _sent() == [("late@example.mn", "Reminder: your declaration is due on 2026-02-15")]
    assert {key: owed for _email, _kind, key, _until, owed in _rows()} == {
        f"reminder:{obligation.pk}:14": True,
        f"reminder:{obligation.pk}:3": False,
    }


@pytest.mark.django_db
def test_an_owed_email_is_still_sent_inside_its_window():
    make_obligation(due_date=datetime.date(2026, 2, 15))
    reminders.claim(reminders.reminder_messages(today=TODAY))

    report = reminders.send_reminders(today=datetime.date(2026, 2, 11))  # the last day of the 14-day window

    assert report.as_dict() == {"created": 0, "emailed": 1, "failed": 0}


# --- The overdue list to the authorised officials --------------------------------------------------------------


@pytest.fixture
def tree():
    aimag = OrganisationFactory(name="Дорноговь аймгийн ЗДТГ")
    department = OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс")
    elsewhere = OrganisationFactory(name="Өмнөговь аймгийн ЗДТГ")
    return types.SimpleNamespace(
        aimag=aimag,
        department=department,
        elsewhere=elsewhere,
        aimag_ebat=make_reviewer(aimag, official__user__email="ebat@example.mn"),
        department_ebat=make_reviewer(department, official__user__email="ebat.dept@example.mn"),
        other_ebat=make_reviewer(elsewhere, official__user__email="ebat.other@example.mn"),
    )


@pytest.mark.django_db
def test_each_ebat_gets_one_list_of_the_overdue_filings_in_their_organisations(tree):
    # given overdue obligations in the department and the aimag office, and some that are not overdue
    make_obligation(
        due_date=datetime.date(2026, 1, 20),
        state=OS.OVERDUE,
        organisation=tree.department,
        official__full_name="Батын Дорж",
    )
    make_obligation(
        due_date=datetime.date(2026, 1, 31),
        state=OS.OVERDUE,
        kind="appointment",
        period=2026,
        organisation=tree.department,
        official__full_name="Алтангэрэл Сарнай",
    )
    # still open although its date passed: ``workflow.obligations.mark_overdue`` decides, and left it open
    make_obligation(due_date=datetime.date(2026, 1, 25), organisation=tree.department)
    make_obligation(
        due_date=datetime.date(2026, 1, 15), state=OS.OVERDUE, organisation=tree.aimag, official__full_name="Цэрэн"
    )
    make_obligation(due_date=TODAY, organisation=tree.department)  # due today: not overdue yet
    make_obligation(due_date=datetime.date(2026, 1, 10), state=OS.FULFILLED_LATE, organisation=tree.department)
    make_obligation(due_date=datetime.date(2026, 1, 10), state=OS.WAIVED, organisation=tree.department)

    # when the overdue lists go out on 1 February
    report = reminders.send_overdue_lists(today=TODAY)

    # then the aimag's ЭБАТ lists all three, the department's its two, the other aimag's gets nothing
    assert report.as_dict() == {"created": 2, "emailed": 2, "failed": 0}
    assert _sent() == [
        ("ebat.dept@example.mn", "Overdue declarations as of 2026-02-01: 2"),
        ("ebat@example.mn", "Overdue declarations as of 2026-02-01: 3"),
    ]
    intro = (
        "These declarations were not filed by their due date (as of 2026-02-01). "
        "A late declaration is still accepted and counted as late."
    )
    department_lines = [
        "Алтангэрэл Сарнай — Санхүүгийн хэлтэс: On appointment, 2026, due 2026-01-31",
        "Батын Дорж — Санхүүгийн хэлтэс: Annual, 2025, due 2026-01-20",
    ]
    bodies = {n.recipient.email: n.body for n in Notification.objects.select_related("recipient")}
    assert bodies == {
        "ebat@example.mn": "\n".join(
            [intro, "", "Цэрэн — Дорноговь аймгийн ЗДТГ: Annual, 2025, due 2026-01-15", *department_lines]
        ),
        "ebat.dept@example.mn": "\n".join([intro, "", *department_lines]),
    }
    assert set(Notification.objects.values_list("kind", "key", "email_until", "link")) == {
        ("overdue_list", "overdue:2026-02-01", _midnight(2026, 2, 2), "/")
    }


@pytest.mark.django_db
def test_an_ebat_is_not_listed_in_their_own_overdue_list(tree):
    make_obligation(
        due_date=datetime.date(2026, 1, 20), state=OS.OVERDUE, position=tree.department_ebat.official.positions.get()
    )

    reminders.send_overdue_lists(today=TODAY)

    assert _sent() == [("ebat@example.mn", "Overdue declarations as of 2026-02-01: 1")]


@pytest.mark.django_db
def test_the_overdue_list_goes_once_a_day(tree):
    make_obligation(due_date=datetime.date(2026, 1, 20), state=OS.OVERDUE, organisation=tree.elsewhere)

    reminders.send_overdue_lists(today=TODAY)
    reminders.send_overdue_lists(today=TODAY)
    reminders.send_overdue_lists(today=datetime.date(2026, 2, 2))

    assert list(Notification.objects.order_by("pk").values_list("recipient__email", "key")) == [
        ("ebat.other@example.mn", "overdue:2026-02-01"),
        ("ebat.other@example.mn", "overdue:2026-02-02"),
    ]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_long_overdue_list_is_cut_and_counts_the_rest(tree, monkeypatch):
    monkeypatch.setattr(reminders, "OVERDUE_LIST_MAX_LINES", 2)
    for _ in range(5):
        make_obligation(due_date=datetime.date(2026, 1, 20), state=OS.OVERDUE, organisation=tree.elsewhere)

    reminders.send_overdue_lists(today=TODAY)

    body = Notification.objects.get().body
    assert body.splitlines()[-1] == "…and 3 more."
    assert len(body.splitlines()) == 2 + 2 + 1
    assert Notification.objects.get().subject == "Overdue declarations as of 2026-02-01: 5"


@pytest.mark.django_db
def test_nobody_gets_an_overdue_list_when_nothing_is_overdue(tree):
    make_obligation(due_date=TODAY, organisation=tree.department)

    assert reminders.send_overdue_lists(today=TODAY).as_dict() == {"created": 0, "emailed": 0, "failed": 0}
    assert mail.outbox == []


# --- The tasks, the command and the settings -------------------------------------------------------------------


@pytest.fixture
def mark_overdue(monkeypatch):
    """Stands in for ``workflow.obligations.mark_overdue`` (another module's service) and records its calls."""
    calls = []

    def fake_mark_overdue(*, today):
        calls.append(today)
        return Obligation.objects.filter(state=OS.OPEN, due_date__lt=today).update(state=OS.OVERDUE)

    module = types.ModuleType("workflow.obligations")
    module.mark_overdue = fake_mark_overdue
    monkeypatch.setitem(sys.modules, "workflow.obligations", module)
    return calls


@pytest.mark.django_db
def test_mark_overdue_and_notify_marks_first_then_sends_the_lists(tree, mark_overdue):
    obligation = make_obligation(due_date=datetime.date(2026, 1, 31), organisation=tree.elsewhere)

    result = tasks.mark_overdue_and_notify.delay("2026-02-01").get()

    assert mark_overdue == [TODAY]
    assert result == {"date": "2026-02-01", "marked_overdue": 1, "created": 1, "emailed": 1, "failed": 0}
    assert Obligation.objects.get(pk=obligation.pk).state == OS.OVERDUE
    assert _sent() == [("ebat.other@example.mn", "Overdue declarations as of 2026-02-01: 1")]


@pytest.mark.django_db
def test_mark_overdue_and_notify_with_the_real_obligation_service(tree):
    make_obligation(due_date=datetime.date(2026, 1, 31), organisation=tree.elsewhere)  # ended yesterday at 24:00
    make_obligation(due_date=TODAY, organisation=tree.elsewhere)  # ends tonight

    result = tasks.mark_overdue_and_notify("2026-02-01")

    assert result == {"date": "2026-02-01", "marked_overdue": 1, "created": 1, "emailed": 1, "failed": 0}
    assert _sent() == [("ebat.other@example.mn", "Overdue declarations as of 2026-02-01: 1")]


@pytest.mark.django_db
def test_the_tasks_work_for_todays_date_in_ulaanbaatar(monkeypatch, mark_overdue):
    # 17:30 UTC on 31 January is 01:30 on 1 February in Ulaanbaatar
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 1, 31, 17, 30, tzinfo=datetime.UTC))
    make_obligation(due_date=TODAY)

    reminded = tasks.send_reminders.delay().get()
    overdue = tasks.mark_overdue_and_notify.delay().get()

    assert reminded == {"date": "2026-02-01", "created": 1, "emailed": 1, "failed": 0}
    assert overdue["date"] == "2026-02-01"
    assert mark_overdue == [TODAY]


def test_both_tasks_are_registered_with_the_celery_app_and_scheduled_daily(settings):
    celery_app.loader.import_default_modules()

    assert {"workflow.tasks.send_reminders", "workflow.tasks.mark_overdue_and_notify"} <= set(celery_app.tasks)
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert sorted(entry["task"] for entry in schedule.values()) == [
        "workflow.tasks.mark_overdue_and_notify",
        "workflow.tasks.send_reminders",
    ]
    assert [entry["schedule"].hour for entry in schedule.values()] == [{settings.DAILY_JOBS_HOUR}] * 2
    assert settings.CELERY_TIMEZONE == "Asia/Ulaanbaatar"


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="REDIS_URL is set: tasks go to the broker")
def test_without_redis_tasks_run_in_process(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.CELERY_BROKER_URL == "memory://"


@pytest.mark.django_db
def test_run_daily_jobs_runs_both_jobs_for_the_given_date(tree, mark_overdue, capsys):
    make_obligation(due_date=datetime.date(2026, 1, 31), organisation=tree.elsewhere)
    make_obligation(due_date=datetime.date(2026, 2, 4), official__user__email="soon@example.mn")

    call_command("run_daily_jobs", "--date", "2026-02-01")

    assert capsys.readouterr().out.splitlines() == [
        "2026-02-01: 1 obligation(s) marked overdue; overdue lists: 1 new, 1 e-mailed, 0 failed.",
        "2026-02-01: reminders: 1 new, 1 e-mailed, 0 failed.",
    ]
    assert mark_overdue == [TODAY]
    assert _sent() == [
        ("ebat.other@example.mn", "Overdue declarations as of 2026-02-01: 1"),
        ("soon@example.mn", "Reminder: your declaration is due on 2026-02-04"),
    ]


@pytest.mark.django_db
def test_run_daily_jobs_sends_the_reminders_even_when_marking_overdue_fails(monkeypatch):
    def broken(*, today):
        raise RuntimeError("database is locked")

    module = types.ModuleType("workflow.obligations")
    module.mark_overdue = broken
    monkeypatch.setitem(sys.modules, "workflow.obligations", module)
    make_obligation(due_date=datetime.date(2026, 2, 4))

    with pytest.raises(CommandError, match=r"^marking overdue obligations failed: database is locked\.$"):
        call_command("run_daily_jobs", "--date", "2026-02-01")

    assert len(mail.outbox) == 1


def test_run_daily_jobs_refuses_a_malformed_date():
    with pytest.raises(CommandError, match=re.escape("Enter the date as YYYY-MM-DD, not '1/2/2026'.")):
        call_command("run_daily_jobs", "--date", "1/2/2026")


def _settings_in_a_fresh_process(**environ):
    code = (
        "import json; from config.settings import base; "
        "print(json.dumps([base.REMINDER_DAYS_BEFORE, base.DAILY_JOBS_HOUR, base.CELERY_TASK_ALWAYS_EAGER, "
        "base.CELERY_BROKER_URL]))"
    )
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "REMINDER_DAYS_BEFORE"}}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**env, **environ}, cwd=ROOT, capture_output=True, text=True, check=False
    )
    return result.returncode, (json.loads(result.stdout) if result.returncode == 0 else result.stderr)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, [[3, 14], 7, True, "memory://"]),
        (
            {"REMINDER_DAYS_BEFORE": "30, 7,1,7", "DAILY_JOBS_HOUR": "6", "REDIS_URL": "redis://cache:6379/0"},
            [[1, 7, 30], 6, False, "redis://cache:6379/0"],
        ),
    ],
)
def test_the_reminder_and_broker_settings_come_from_the_environment(environ, expected):
    assert _settings_in_a_fresh_process(**environ) == (0, expected)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"REMINDER_DAYS_BEFORE": "14,soon"}, "REMINDER_DAYS_BEFORE must be whole numbers of days"),
        ({"REMINDER_DAYS_BEFORE": "14,0"}, "REMINDER_DAYS_BEFORE must be positive"),
        ({"DAILY_JOBS_HOUR": "24"}, "DAILY_JOBS_HOUR must be an hour from 0 to 23."),
    ],
)
def test_wrong_reminder_settings_stop_the_start(environ, message):
    returncode, stderr = _settings_in_a_fresh_process(**environ)

    assert returncode == 1
    assert message in stderr
