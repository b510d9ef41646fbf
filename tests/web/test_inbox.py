"""The inbox page: one's own notifications, unread first and a page at a time; marking one or all of them read,
and nothing changed when the notification is someone else's, the method is wrong or the token is missing."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.web.pages_dashboard import notify, signed_in
from workflow.models import Notification

pytestmark = pytest.mark.django_db


def state():
    return sorted(Notification.objects.values_list("pk", "recipient_id", "read_at"))


def shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="(?:read|unread)" id="notification-(\d+)">', page)]


@pytest.fixture
def people():
    me, other = UserFactory(), UserFactory()
    mine = {
        "old_unread": notify(me, "a"),
        "read": notify(me, "b", read=True),
        "no_link": notify(me, "c", link=""),
        "new_unread": notify(me, "d", link="/declarations/7/"),
    }
    theirs = notify(other, "a")
    return me, other, mine, theirs


def test_the_inbox_lists_only_my_notifications_unread_first_newest_first(people):
    me, _other, mine, theirs = people

    response = signed_in(me).get("/inbox/")

    assert response.status_code == 200
    page = response.content.decode()
    assert shown(page) == [mine[name].pk for name in ("new_unread", "no_link", "old_unread", "read")]
    assert theirs.pk not in shown(page)
    assert "You have 3 unread notifications." in page
    assert 'id="mark-all-read"' in page
    # An unread one without a link is marked read in place; one with a link is opened.
    assert page.count(">Open the page it is about</button>") == 3
    assert page.count(">Mark as read</button>") == 1
    assert page.count("<strong>Not read yet</strong>") == 3


def test_the_inbox_is_paginated(people, monkeypatch):
    from web import inbox

    monkeypatch.setattr(inbox, "PAGE_SIZE", 3)
    me, _other, mine, _theirs = people
    client = signed_in(me)

    first = client.get("/inbox/").content.decode()
    second = client.get("/inbox/", {"page": 2}).content.decode()

    assert shown(first) == [mine[name].pk for name in ("new_unread", "no_link", "old_unread")]
    assert '<a href="?page=2" rel="next">Next page</a>' in first
    assert "Page 1" in first
    assert shown(second) == [mine["read"].pk]
    assert '<a href="?page=1" rel="prev">Previous page</a>' in second
    assert shown(client.get("/inbox/", {"page": "x"}).content.decode()) == shown(first)


def test_an_empty_inbox_says_so():
    page = signed_in(UserFactory()).get("/inbox/").content.decode()

    assert "You have no notifications." in page
    assert 'id="mark-all-read"' not in page


def test_marking_one_read_follows_its_link(people):
    me, _other, mine, _theirs = people
    client = signed_in(me)

    response = client.post(f"/inbox/{mine['new_unread'].pk}/read/")

    assert (response.status_code, response["Location"]) == (302, "/declarations/7/")
    mine["new_unread"].refresh_from_db()
    assert mine["new_unread"].read_at is not None
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The notification is marked as read."]
    assert Notification.objects.filter(read_at__isnull=True, recipient=me).count() == 2


def test_marking_one_without_a_link_read_returns_to_the_inbox(people):
    me, _other, mine, _theirs = people

    response = signed_in(me).post(f"/inbox/{mine['no_link'].pk}/read/", follow=True)

    assert response.redirect_chain == [("/inbox/", 302)]
    assert "The notification is marked as read." in response.content.decode()
    mine["no_link"].refresh_from_db()
    assert mine["no_link"].read_at is not None


def test_one_already_read_keeps_the_time_it_was_read(people):
    me, _other, mine, _theirs = people
    read_at = mine["read"].read_at

    response = signed_in(me).post(f"/inbox/{mine['read'].pk}/read/")

    assert response["Location"] == "/"
    mine["read"].refresh_from_db()
    assert mine["read"].read_at == read_at


def test_a_link_off_the_site_is_not_followed():
    me = UserFactory()
    notification = notify(me, "x", link="//evil.example/")

    response = signed_in(me).post(f"/inbox/{notification.pk}/read/")

    assert response["Location"] == "/inbox/"


def test_someone_elses_notification_is_not_found_and_nothing_changes(people):
    me, _other, _mine, theirs = people
    before = state()

    assert signed_in(me).post(f"/inbox/{theirs.pk}/read/").status_code == 404
    assert signed_in(me).post("/inbox/999999/read/").status_code == 404
    assert state() == before


def test_marking_read_takes_a_post_with_the_token_from_a_signed_in_user(people):
    me, _other, mine, _theirs = people
    path = f"/inbox/{mine['old_unread'].pk}/read/"
    before = state()

    assert signed_in(me).get(path).status_code == 405
    assert signed_in(me).get("/inbox/read-all/").status_code == 405
    anonymous = Client().post(path)
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/login/?next={path}")
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(me)
    assert guarded.post(path).status_code == 403
    assert guarded.post("/inbox/read-all/").status_code == 403
    assert state() == before


def test_marking_all_read_marks_only_mine(people):
    me, _other, _mine, theirs = people

    response = signed_in(me).post("/inbox/read-all/", follow=True)

    assert response.redirect_chain == [("/inbox/", 302)]
    assert "3 notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read_with_nothing_unread_says_so():
    me = UserFactory()
    notify(me, "a", read=True)

    response = signed_in(me).post("/inbox/read-all/", follow=True)

    assert "You have no unread notification." in response.content.decode()


def test_marking_all_read_in_mongolian():
    me = UserFactory()
    notify(me, "a")

    response = signed_in(me).post("/inbox/read-all/", follow=True, HTTP_ACCEPT_LANGUAGE="mn")

    assert "1 сонордуулгыг уншсан гэж тэмдэглэлээ." in response.content.decode()


def test_the_inbox_requires_signing_in():
    response = Client().get("/inbox/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/inbox/")


def test_the_inbox_takes_the_same_number_of_queries_whatever_there_is(people):
    me, *_rest = people
    client = signed_in(me)
    client.get("/inbox/")
    with CaptureQueriesContext(connection) as few:
        client.get("/inbox/")
    for number in range(30):
        notify(me, f"more-{number}", read=number % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        client.get("/inbox/")

    assert len(many) == len(few)
