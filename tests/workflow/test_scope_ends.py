"""An authorised official (ЭБАТ) reviews an organisation only while holding a post there.

The organisation grant counts while its holder holds a post in the granted organisation whose end date has not
passed (``policies.reviewer_organisation_paths``): the day after the end date the scope is gone, in every list,
page and transition, for a fresh user object and for one that had the scope cached.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from declarations.models import Declaration, DeclarationState, NoticeState
from tests.factories import OrganisationFactory, PositionFactory, make_declaration, make_reviewer
from tests.notice_factories import make_notice
from workflow import audit, errors, policies, services

User = get_user_model()
ULAANBAATAR = ZoneInfo("Asia/Ulaanbaatar")


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ULAANBAATAR)


@pytest.fixture
def clock(monkeypatch):
    """Set the time everything reads (``timezone.now``, and so ``timezone.localdate``)."""

    def set_to(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def scene() -> dict[str, Any]:
    """An ЭБАТ whose post ends in 30 days, a declaration and a notice submitted in the organisation."""
    organisation = OrganisationFactory()
    last_day = timezone.localdate() + datetime.timedelta(days=30)
    reviewer = make_reviewer(organisation, end_date=last_day)
    filer_position = PositionFactory(organisation=organisation)
    return {
        "organisation": organisation,
        "last_day": last_day,
        "reviewer": User.objects.get(pk=reviewer.pk),
        "declaration": make_declaration(DeclarationState.SUBMITTED, position=filer_position),
        "notice": make_notice(NoticeState.SUBMITTED, position=filer_position),
    }


def footprint(declaration: Declaration) -> dict[str, Any]:
    row = Declaration.objects.get(pk=declaration.pk)
    return {
        "state": row.state,
        "updated_at": row.updated_at,
        "log": list(audit.history_for(row).values_list("id", "hash")),
    }


@pytest.mark.django_db
def test_on_the_last_day_of_the_post_the_reviewer_still_reviews(scene, clock):
    # given the last day of the post, late in the evening
    clock(at(scene["last_day"], 23))
    reviewer = User.objects.get(pk=scene["reviewer"].pk)

    # then the declaration and the notice wait in the queues and the review can start
    assert list(policies.review_queue_for(reviewer).values_list("pk", flat=True)) == [scene["declaration"].pk]
    assert list(policies.notice_review_queue_for(reviewer).values_list("pk", flat=True)) == [scene["notice"].pk]
    assert list(policies.reviewers_of(scene["organisation"])) == [reviewer]
    assert services.available_transitions(scene["declaration"], reviewer) == ["start_review"]
    started = services.declaration_start_review(actor=reviewer, declaration_id=scene["declaration"].pk)
    assert started.state == DeclarationState.UNDER_REVIEW


@pytest.mark.django_db
def test_the_day_after_the_post_ends_the_scope_is_gone_everywhere(scene, clock):
    # given the day after the post's end date, just after midnight in Ulaanbaatar
    clock(at(scene["last_day"] + datetime.timedelta(days=1), 0))
    reviewer = User.objects.get(pk=scene["reviewer"].pk)
    declaration = scene["declaration"]
    before = footprint(declaration)

    # then nothing of the organisation is in the reviewer's scope
    assert policies.reviewer_organisation_paths(reviewer) == ()
    assert list(policies.review_queue_for(reviewer)) == []
    assert list(policies.notice_review_queue_for(reviewer)) == []
    assert list(policies.visible_declarations(reviewer)) == []
    assert list(policies.reviewers_of(scene["organisation"])) == []
    assert services.available_transitions(declaration, reviewer) == []
    with pytest.raises(errors.ObjectNotFound):
        policies.get_visible_declaration(reviewer, declaration.pk)
    with pytest.raises(errors.ObjectNotFound):
        policies.get_visible_notice(reviewer, scene["notice"].pk)

    # and the review cannot start: not found, exactly like a missing declaration, and nothing changed
    with pytest.raises(errors.ObjectNotFound):
        services.declaration_start_review(actor=reviewer, declaration_id=declaration.pk)
    assert footprint(declaration) == before


@pytest.mark.django_db
def test_the_day_after_the_post_ends_the_pages_and_the_api_answer_404(scene, clock):
    # given the reviewer signed in on the web and on the API during the post, the queue filled
    clock(at(scene["last_day"], 12))
    web = Client()
    web.force_login(scene["reviewer"])
    api = APIClient()
    api.force_login(scene["reviewer"])
    declaration = scene["declaration"]
    page = f"/review/declarations/{declaration.pk}/"
    assert web.get(page).status_code == 200
    assert [row["id"] for row in api.get("/api/v1/review-queue/").json()["results"]] == [declaration.pk]

    # when the post has ended (the same signed-in sessions)
    clock(at(scene["last_day"] + datetime.timedelta(days=1), 8))
    before = footprint(declaration)

    # then the review page, the declaration and its transitions are not found, and the queue is empty
    assert web.get(page).status_code == 404
    assert web.post(f"{page}start-review/").status_code == 404
    assert api.get("/api/v1/review-queue/").json()["results"] == []
    assert api.get(f"/api/v1/declarations/{declaration.pk}/").status_code == 404
    refused = api.post(f"/api/v1/declarations/{declaration.pk}/start_review/", {}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    assert footprint(declaration) == before


@pytest.mark.django_db
def test_a_user_object_that_cached_the_scope_does_not_keep_it_past_midnight(scene, clock):
    # given a long-lived user object (a background task's) that read its scope on the last day
    clock(at(scene["last_day"], 23))
    reviewer = scene["reviewer"]
    assert policies.reviewer_organisation_paths(reviewer) == (scene["organisation"].path,)
    assert policies.reviews_declaration(reviewer, scene["declaration"]) is True

    # when midnight passes
    clock(at(scene["last_day"] + datetime.timedelta(days=1), 0))

    # then the same object has no scope any more
    assert policies.reviewer_organisation_paths(reviewer) == ()
    assert policies.reviews_declaration(reviewer, scene["declaration"]) is False
    assert list(policies.review_queue_for(reviewer)) == []


@pytest.mark.django_db
def test_recording_an_end_date_in_the_past_ends_the_scope_at_once(scene):
    # given a reviewer in scope today
    reviewer = scene["reviewer"]
    assert list(policies.review_queue_for(reviewer).values_list("pk", flat=True)) == [scene["declaration"].pk]

    # when the HR officer records that the post ended yesterday
    position = reviewer.official.positions.get()
    position.end_date = timezone.localdate() - datetime.timedelta(days=1)
    position.save()

    # then a fresh user object (the next request's) has no scope
    fresh = User.objects.get(pk=reviewer.pk)
    assert list(policies.review_queue_for(fresh)) == []
    with pytest.raises(errors.ObjectNotFound):
        policies.get_visible_declaration(fresh, scene["declaration"].pk)


@pytest.mark.django_db
def test_a_reviewer_who_moved_to_another_organisation_keeps_no_scope_over_the_old_one(scene):
    # given the ЭБАТ's post ended yesterday and they now hold a post elsewhere (the grant was not revoked)
    reviewer = scene["reviewer"]
    today = timezone.localdate()
    reviewer.official.positions.update(end_date=today - datetime.timedelta(days=1))
    PositionFactory(official=reviewer.official, start_date=today)

    # then the old organisation is out of their scope
    fresh = User.objects.get(pk=reviewer.pk)
    assert policies.reviewer_organisation_paths(fresh) == ()
    assert list(policies.review_queue_for(fresh)) == []
    assert list(policies.reviewers_of(scene["organisation"])) == []


@pytest.mark.django_db
def test_an_ended_post_elsewhere_does_not_end_a_current_one(scene):
    # given the ЭБАТ also held an earlier post in another organisation, ended long ago
    reviewer = scene["reviewer"]
    PositionFactory(
        official=reviewer.official, start_date=datetime.date(2015, 1, 5), end_date=datetime.date(2019, 12, 31)
    )

    # then the current post keeps the scope
    fresh = User.objects.get(pk=reviewer.pk)
    assert policies.reviewer_organisation_paths(fresh) == (scene["organisation"].path,)
    assert list(policies.review_queue_for(fresh).values_list("pk", flat=True)) == [scene["declaration"].pk]
    assert list(policies.reviewers_of(scene["organisation"])) == [fresh]


@pytest.mark.django_db
def test_a_grant_to_someone_without_a_post_in_the_organisation_gives_no_scope():
    # given a declaration of one organisation and an official of another, granted the first one's review
    declaration = make_declaration(DeclarationState.SUBMITTED)
    outsider = PositionFactory().official.user
    policies.grant_organisation_reviewer(organisation=declaration.organisation, user=outsider)

    # then the grant alone does not make them its ЭБАТ
    fresh = User.objects.get(pk=outsider.pk)
    assert policies.reviewer_organisation_paths(fresh) == ()
    with pytest.raises(errors.ObjectNotFound):
        policies.get_visible_declaration(fresh, declaration.pk)
    assert list(policies.reviewers_of(declaration.organisation)) == []
