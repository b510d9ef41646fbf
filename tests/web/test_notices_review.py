"""The ЭБАТ's notice pages: the review queue and one notice's review, with its red flags and actions."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.models import NoticeState, RedFlag
from tests.factories import OrganisationFactory, PositionFactory, make_reviewer
from tests.notice_factories import make_notice
from tests.web import pages_notices
from tests.web.pages_notices import database_state, messages_of, signed_in, text
from workflow.models import TransitionLog

N = NoticeState
world = pages_notices.world


def review(client, notice, action, data=None, **headers):
    return client.post(f"/review/notices/{notice.pk}/{action}/", data or {}, **headers)


def flag_state() -> list[tuple]:
    return list(RedFlag.objects.order_by("pk").values_list("pk", "resolved_at", "resolution_reason"))


# --- the queue -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_lists_the_notices_waiting_in_scope_with_counts_per_state(world):
    elsewhere = make_notice(N.SUBMITTED, position=PositionFactory(organisation=OrganisationFactory()))
    own = make_notice(N.SUBMITTED, position=world.reviewer.official.positions.get())

    response = signed_in(world.reviewer).get("/review/notices/")

    assert response.status_code == 200
    assert [notice.pk for notice, _name in response.context["rows"]] == [world.late.pk, world.reviewing.pk]
    assert elsewhere.pk not in [notice.pk for notice, _name in response.context["rows"]]
    assert own.pk not in [notice.pk for notice, _name in response.context["rows"]]
    page = text(response)
    assert '<ul class="counts" id="queue-counts"><li>Submitted: 1</li><li>Under review: 1</li>' in page
    assert "<li>Referred to the agency: 0</li>" in page
    assert f'<a href="/review/notices/{world.late.pk}/">' in page
    assert [notice.open_flags for notice, _name in response.context["rows"]] == [1, 1]


@pytest.mark.django_db
def test_the_queue_counts_in_mongolian(world):
    response = signed_in(world.reviewer).get("/review/notices/", HTTP_ACCEPT_LANGUAGE="mn")

    assert "<li>Илгээсэн: 1</li>" in text(response)


@pytest.mark.django_db
def test_the_queue_filters_by_category_and_state(world):
    other = make_notice(N.SUBMITTED, position=world.position, category_code="management", title="Удирдлагын шийдвэр")
    client = signed_in(world.reviewer)

    def listed(query):
        return [notice.pk for notice, _name in client.get("/review/notices/", query).context["rows"]]

    assert listed({"category": "management"}) == [other.pk]
    assert listed({"state": "under_review"}) == [world.reviewing.pk]
    assert listed({"category": "contract", "state": "submitted"}) == [world.late.pk]
    assert listed({"state": "referred"}) == []
    bad = client.get("/review/notices/", {"state": "nonsense"})
    assert list(bad.context["form"].errors) == ["state"]
    assert len(bad.context["rows"]) == 3


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_however_many_notices(world):
    client = signed_in(world.reviewer)
    client.get("/review/notices/")
    with CaptureQueriesContext(connection) as few:
        client.get("/review/notices/")
    for number in range(3):
        make_notice(N.SUBMITTED, position=PositionFactory(organisation=world.position.organisation), title=f"{number}")

    with CaptureQueriesContext(connection) as many:
        response = client.get("/review/notices/")

    assert len(response.context["rows"]) == 5
    assert len(many) == len(few)


@pytest.mark.django_db
def test_a_filer_has_an_empty_queue(world):
    response = signed_in(world.filer).get("/review/notices/")

    assert response.context["rows"] == []
    assert "No notices are waiting for your review." in text(response)


# --- one notice's review -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_review_page_is_for_the_notices_reviewers_only(world):
    outsider = make_reviewer(OrganisationFactory())
    path = f"/review/notices/{world.late.pk}/"

    assert signed_in(world.reviewer).get(path).status_code == 200
    for user in (world.filer, world.secretary, outsider):
        assert signed_in(user).get(path).status_code == 404
    # The ЭБАТ's own notice is someone else's to review.
    own = make_notice(N.SUBMITTED, position=world.reviewer.official.positions.get())
    assert signed_in(world.reviewer).get(f"/review/notices/{own.pk}/").status_code == 404


@pytest.mark.django_db
def test_nobody_but_the_reviewer_acts_on_a_notice(world):
    outsider = make_reviewer(OrganisationFactory())
    before = database_state()

    for user in (world.filer, world.secretary, outsider):
        client = signed_in(user)
        assert review(client, world.late, "start_review").status_code == 404
        assert review(client, world.reviewing, "return_for_correction", {"comment": "x"}).status_code == 404
        flag = world.reviewing.red_flags.get()
        assert client.post(f"/review/notices/{world.reviewing.pk}/flags/{flag.pk}/resolve/").status_code == 404
    assert database_state() == before


@pytest.mark.django_db
def test_the_review_page_shows_the_notice_its_red_flags_and_the_actions_of_its_state(world):
    submitted = text(signed_in(world.reviewer).get(f"/review/notices/{world.late.pk}/"))
    reviewing = text(signed_in(world.reviewer).get(f"/review/notices/{world.reviewing.pk}/"))

    assert f'action="/review/notices/{world.late.pk}/start_review/"' in submitted
    assert "Return to the filer" not in submitted
    assert "Resolve the red flag" not in submitted
    assert "Гэрээлэгч компанийн 25 хувийг эзэмшдэг." in reviewing
    flag = world.reviewing.red_flags.get()
    for action in ("record_resolution", "acknowledge", "return_for_correction", "refer"):
        assert f'action="/review/notices/{world.reviewing.pk}/{action}/"' in reviewing
    assert f'action="/review/notices/{world.reviewing.pk}/flags/{flag.pk}/resolve/"' in reviewing
    assert "start_review/" not in reviewing


@pytest.mark.django_db
def test_starting_the_review(world):
    client = signed_in(world.reviewer)

    response = review(client, world.late, "start_review")

    assert response["Location"] == f"/review/notices/{world.late.pk}/"
    world.late.refresh_from_db()
    assert world.late.state == N.UNDER_REVIEW
    assert messages_of(client.get(response["Location"])) == ["The review has started."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This action is not possible in the state “Under review”."),
        ("mn", "“Хянаж байгаа” төлөвт энэ үйлдлийг хийх боломжгүй."),
    ],
)
def test_an_action_from_the_wrong_state_is_refused(world, language, message):
    client = signed_in(world.reviewer)
    before = database_state()

    response = review(client, world.reviewing, "start_review", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302
    assert messages_of(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language)) == [message]
    assert database_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "message"), [("en", "A comment is required."), ("mn", "Тайлбарыг заавал бичнэ.")])
def test_returning_needs_a_comment(world, language, message):
    before = database_state()

    response = review(
        signed_in(world.reviewer),
        world.reviewing,
        "return_for_correction",
        {"comment": "  "},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert response.context["return_form"].errors == {"comment": [message]}
    assert re.search(rf'id="return-form".*?{message}.*?</form>', text(response), re.S)
    assert database_state() == before


@pytest.mark.django_db
def test_returning_with_a_comment(world):
    response = review(
        signed_in(world.reviewer), world.reviewing, "return_for_correction", {"comment": "Хувьцааны хэмжээг бичнэ үү."}
    )

    assert response.status_code == 302
    world.reviewing.refresh_from_db()
    assert world.reviewing.state == N.RETURNED
    entry = TransitionLog.objects.filter(object_id=world.reviewing.pk, transition="return_for_correction").get()
    assert entry.comment == "Хувьцааны хэмжээг бичнэ үү."


@pytest.mark.django_db
def test_acknowledging_waits_for_the_resolution_and_the_flags(world):
    client = signed_in(world.reviewer)
    notice, flag = world.reviewing, world.reviewing.red_flags.get()

    before = database_state()
    refused = review(client, notice, "acknowledge")
    assert messages_of(client.get(refused["Location"])) == [
        "A notice declaring a conflict needs a recorded resolution before it is acknowledged."
    ]
    assert database_state() == before

    recorded = review(client, notice, "record_resolution", {"resolution": "Гэрээнд оролцохоос татгалзуулав."})
    assert messages_of(client.get(recorded["Location"])) == ["The resolution was recorded."]

    before = database_state()
    refused = review(client, notice, "acknowledge")
    assert messages_of(client.get(refused["Location"])) == [
        "Every red flag must be resolved with a written reason before the notice is acknowledged."
    ]
    assert database_state() == before

    no_reason = client.post(f"/review/notices/{notice.pk}/flags/{flag.pk}/resolve/", {"reason": ""})
    assert no_reason.status_code == 200
    assert [form.errors for view, form in no_reason.context["flags"] if view.flag.pk == flag.pk] == [
        {"reason": ["A reason is required."]}
    ]
    assert RedFlag.objects.get(pk=flag.pk).resolved_at is None

    resolved = client.post(f"/review/notices/{notice.pk}/flags/{flag.pk}/resolve/", {"reason": "Хувьцааг худалдсан."})
    assert messages_of(client.get(resolved["Location"])) == ["The red flag was resolved."]
    flag.refresh_from_db()
    assert (flag.resolution_reason, flag.resolved_by_id) == ("Хувьцааг худалдсан.", world.reviewer.pk)

    acknowledged = review(client, notice, "acknowledge", {"comment": ""})
    assert messages_of(client.get(acknowledged["Location"])) == ["The notice was acknowledged."]
    notice.refresh_from_db()
    assert (notice.state, notice.resolution) == (N.ACKNOWLEDGED, "Гэрээнд оролцохоос татгалзуулав.")


@pytest.mark.django_db
def test_a_resolved_flag_cannot_be_resolved_again_and_another_notices_flag_is_not_found(world):
    client = signed_in(world.reviewer)
    notice, flag = world.reviewing, world.reviewing.red_flags.get()
    first = client.post(f"/review/notices/{notice.pk}/flags/{flag.pk}/resolve/", {"reason": "Нэгдүгээр үндэслэл."})
    client.get(first["Location"])
    before = (database_state(), flag_state())

    again = client.post(f"/review/notices/{notice.pk}/flags/{flag.pk}/resolve/", {"reason": "Хоёрдугаар."})
    foreign = world.late.red_flags.get()
    elsewhere = client.post(f"/review/notices/{notice.pk}/flags/{foreign.pk}/resolve/", {"reason": "Гуравдугаар."})

    assert messages_of(client.get(again["Location"])) == ["This red flag is already resolved."]
    assert elsewhere.status_code == 404
    assert (database_state(), flag_state()) == before


@pytest.mark.django_db
def test_recording_a_resolution_needs_its_text(world):
    before = database_state()

    response = review(signed_in(world.reviewer), world.reviewing, "record_resolution", {"resolution": ""})

    assert response.context["resolution_form"].errors == {"resolution": ["A resolution is required."]}
    assert database_state() == before


@pytest.mark.django_db
def test_referring_needs_a_reason_and_sends_the_notice_to_the_agency(world):
    client = signed_in(world.reviewer)
    before = database_state()

    missing = review(client, world.reviewing, "refer", {"reason": ""})
    assert missing.context["refer_form"].errors == {"reason": ["A reason is required."]}
    assert database_state() == before

    referred = review(client, world.reviewing, "refer", {"reason": "Хувьцааны эзэмшлийг шалгуулах."})
    assert messages_of(client.get(referred["Location"])) == ["The notice was referred to the agency."]
    world.reviewing.refresh_from_db()
    assert world.reviewing.state == N.REFERRED


@pytest.mark.django_db
def test_publishing_an_acknowledged_notice(world):
    client = signed_in(world.reviewer)
    assert 'id="publish"' in text(client.get(f"/review/notices/{world.acknowledged.pk}/"))

    response = review(client, world.acknowledged, "publish")

    world.acknowledged.refresh_from_db()
    assert world.acknowledged.state == N.PUBLISHED
    assert messages_of(client.get(response["Location"])) == ["The notice was published."]


@pytest.mark.django_db
def test_a_notice_with_nothing_to_do_says_so(world):
    response = signed_in(world.reviewer).get(f"/review/notices/{world.returned.pk}/")

    assert "There is nothing for you to do on this notice now." in text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["start_review", "acknowledge", "publish", "return_for_correction", "refer"])
def test_the_review_actions_are_posts_only(world, action):
    before = database_state()

    response = signed_in(world.reviewer).get(f"/review/notices/{world.late.pk}/{action}/")

    assert response.status_code == 405
    assert database_state() == before
