"""``/api/v1/notifications/``: your own notifications, newest first, the unread filter and count, marking read."""

from __future__ import annotations

import pytest

from tests.api.conftest import signed_in
from tests.factories import UserFactory
from workflow.models import Notification

LIST = "/api/v1/notifications/"


def notify(user, key, *, read=False):
    notification = Notification.objects.create(
        recipient=user,
        kind="due_today",
        key=key,
        subject=f"Subject {key}",
        body="Your declaration is due today.",
        link="/",
    )
    if read:
        Notification.objects.filter(pk=notification.pk).update(read_at=notification.created_at)
    return notification


def _state():
    return sorted(Notification.objects.values_list("pk", "recipient_id", "read_at"))


@pytest.fixture
def people():
    return UserFactory(), UserFactory()


@pytest.mark.django_db
def test_the_list_shows_only_your_own_newest_first(people):
    me, other = people
    first = notify(me, "a", read=True)
    second = notify(me, "b")
    notify(other, "a")

    response = signed_in(me).get(LIST)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [second.pk, first.pk]
    row = response.json()["results"][0]
    assert {key: value for key, value in row.items() if key != "created_at"} == {
        "id": second.pk,
        "kind": "due_today",
        "kind_display": "Due today",
        "subject": "Subject b",
        "body": "Your declaration is due today.",
        "link": "/",
        "read_at": None,
        "is_read": False,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("unread", "expected"), [("true", ["c", "a"]), ("false", ["b"]), ("", ["c", "b", "a"])])
def test_the_unread_filter(people, unread, expected):
    me, _other = people
    notify(me, "a")
    notify(me, "b", read=True)
    notify(me, "c")

    response = signed_in(me).get(LIST, {"unread": unread})

    assert response.status_code == 200
    assert [row["subject"] for row in response.json()["results"]] == [f"Subject {key}" for key in expected]


@pytest.mark.django_db
def test_an_unknown_unread_value_is_a_400(people):
    me, _other = people

    response = signed_in(me).get(LIST, {"unread": "maybe"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["unread"]


@pytest.mark.django_db
def test_the_unread_count_is_your_own(people):
    me, other = people
    notify(me, "a")
    notify(me, "b", read=True)
    notify(other, "a")

    response = signed_in(me).get(f"{LIST}unread-count/")

    assert (response.status_code, response.json()) == (200, {"unread": 1})


@pytest.mark.django_db
def test_marking_one_read(people):
    me, _other = people
    notification = notify(me, "a")

    response = signed_in(me).post(f"{LIST}{notification.pk}/read/")

    assert response.status_code == 200
    row = Notification.objects.get(pk=notification.pk)
    assert row.read_at is not None
    assert (response.json()["id"], response.json()["is_read"]) == (notification.pk, True)


@pytest.mark.django_db
def test_another_users_notification_is_a_404_like_a_missing_one_and_stays_unread(people):
    me, other = people
    theirs = notify(other, "a")
    before = _state()

    foreign = signed_in(me).post(f"{LIST}{theirs.pk}/read/")
    missing = signed_in(me).post(f"{LIST}999999/read/")

    assert (foreign.status_code, missing.status_code) == (404, 404)
    assert foreign.json() == missing.json() == {"detail": "Not found.", "code": "not_found"}
    assert _state() == before


@pytest.mark.django_db
def test_read_all_marks_only_your_own(people):
    me, other = people
    notify(me, "a")
    notify(me, "b")
    notify(me, "c", read=True)
    theirs = notify(other, "a")

    response = signed_in(me).post(f"{LIST}read-all/")

    assert (response.status_code, response.json()) == (200, {"marked": 2})
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [("get", LIST), ("get", f"{LIST}unread-count/"), ("post", f"{LIST}1/read/"), ("post", f"{LIST}read-all/")],
)
def test_without_credentials_it_is_a_401_and_nothing_changes(api_client, people, method, path):
    me, _other = people
    notify(me, "a")
    before = _state()

    response = getattr(api_client, method)(path)

    assert response.status_code == 401
    assert _state() == before
