"""The in-app inbox (``workflow.inbox``): one's own notifications, read and unread; another's is not found."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from workflow import inbox, policies
from workflow.errors import ObjectNotFound
from workflow.models import Notification


def notify(user, key, *, read=False):
    notification = Notification.objects.create(
        recipient=user, kind="reminder", key=key, subject=f"Subject {key}", body="Body", link="/"
    )
    if read:
        inbox.notification_mark_read(actor=user, notification_id=notification.pk)
    return notification


def _state():
    return sorted(Notification.objects.values_list("pk", "recipient_id", "read_at"))


@pytest.fixture
def people():
    return UserFactory(), UserFactory()


@pytest.mark.django_db
def test_a_user_sees_only_their_own_notifications_newest_first(people):
    me, other = people
    first, second = notify(me, "a"), notify(me, "b")
    notify(other, "a")

    assert list(policies.visible_notifications(me)) == [second, first]


@pytest.mark.django_db
def test_unread_first_puts_the_unread_ones_first_each_newest_first(people):
    me, _other = people
    old_unread = notify(me, "a")
    read = notify(me, "b", read=True)
    new_unread = notify(me, "c")

    assert list(inbox.unread_first(policies.visible_notifications(me))) == [new_unread, old_unread, read]


@pytest.mark.django_db
def test_an_inactive_or_anonymous_user_has_no_notifications(people):
    from django.contrib.auth.models import AnonymousUser

    me, _other = people
    notify(me, "a")
    me.is_active = False
    me.save()

    assert list(policies.visible_notifications(me)) == []
    assert list(policies.visible_notifications(AnonymousUser())) == []
    assert inbox.unread_count(AnonymousUser()) == 0


@pytest.mark.django_db
def test_the_unread_count_counts_ones_own_unread_notifications(people):
    me, other = people
    notify(me, "a")
    notify(me, "b", read=True)
    notify(me, "c")
    notify(other, "a")

    assert inbox.unread_count(me) == 2
    assert inbox.unread_count(other) == 1


@pytest.mark.django_db
def test_marking_read_records_the_first_reading_only(people):
    me, _other = people
    notification = notify(me, "a")

    first = inbox.notification_mark_read(actor=me, notification_id=notification.pk)
    again = inbox.notification_mark_read(actor=me, notification_id=notification.pk)

    assert first.read_at is not None
    assert again.read_at == first.read_at
    assert Notification.objects.get(pk=notification.pk).read_at == first.read_at
    assert inbox.unread_count(me) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["others", 999_999, "abc"])
def test_marking_another_users_or_a_missing_notification_is_not_found_and_changes_nothing(people, pk):
    me, other = people
    theirs = notify(other, "a")
    before = _state()

    with pytest.raises(ObjectNotFound):
        inbox.notification_mark_read(actor=me, notification_id=theirs.pk if pk == "others" else pk)

    assert _state() == before


@pytest.mark.django_db
def test_mark_all_read_marks_only_ones_own_unread_notifications(people):
    me, other = people
    read = notify(me, "a", read=True)
    read_at = Notification.objects.get(pk=read.pk).read_at
    notify(me, "b")
    notify(me, "c")
    theirs = notify(other, "a")

    marked = inbox.notifications_mark_all_read(actor=me)

    assert marked == 2
    assert inbox.unread_count(me) == 0
    assert Notification.objects.get(pk=read.pk).read_at == read_at
    assert Notification.objects.get(pk=theirs.pk).read_at is None
