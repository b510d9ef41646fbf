"""The notice state graph as a table, the acknowledgement conditions, and late filing (DESIGN §3, §6).

The expected graph is written out by hand, never read from the code under test. Each transition is
attempted by the user authorised to take it, so that a refusal can only be due to the state.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from guardian.shortcuts import assign_perm

from declarations import rules
from declarations.models import Notice, NoticeState, RedFlag
from tests.factories import PositionFactory, UserFactory, make_reviewer, make_supervisor
from tests.notice_factories import (
    FLAG_REASON,
    NOTICE_TRANSITION_ARGS,
    RESOLUTION,
    RETURN_COMMENT,
    conflict_fields,
    make_accepted_declaration,
    make_notice,
)
from workflow import audit, errors, graphs, notices
from workflow.models import TransitionLog

User = get_user_model()

# state → {transition: target}; a pair missing here must be refused.
GRAPH = {
    "draft": {"submit": "submitted"},
    "submitted": {"start_review": "under_review"},
    "under_review": {"return_for_correction": "returned", "acknowledge": "acknowledged", "refer": "referred"},
    "returned": {"resubmit": "submitted"},
    "acknowledged": {"publish": "published"},
    "referred": {"conclude": "concluded"},
    "concluded": {"publish": "published"},
    "published": {"withdraw_publication": "withdrawn"},
    "withdrawn": {},
}

STATES = [
    "draft",
    "submitted",
    "under_review",
    "returned",
    "acknowledged",
    "referred",
    "concluded",
    "published",
    "withdrawn",
]
TRANSITIONS = [
    "submit",
    "resubmit",
    "start_review",
    "return_for_correction",
    "acknowledge",
    "refer",
    "conclude",
    "publish",
    "withdraw_publication",
]

# The role authorised to take each transition (DESIGN §4).
AUTHORISED_ROLE = {
    "submit": "filer",
    "resubmit": "filer",
    "start_review": "reviewer",
    "return_for_correction": "reviewer",
    "acknowledge": "reviewer",
    "refer": "reviewer",
    "conclude": "agency",  # a user with the agency's global review permission: a reviewer too
    "publish": "reviewer",
    "withdraw_publication": "supervisor",
}

# The timestamp each successful transition sets.
STAMPED = {
    "submit": "submitted_at",
    "resubmit": "submitted_at",
    "acknowledge": "acknowledged_at",
    "conclude": "concluded_at",
    "publish": "published_at",
}

PAIRS = [(state, name) for state in STATES for name in TRANSITIONS]

WRONG_STATE = "This action is not possible in the state “{}”."


def _footprint(notice):
    row = Notice.objects.values(
        "state",
        "updated_at",
        "submitted_at",
        "acknowledged_at",
        "concluded_at",
        "published_at",
        "is_late",
        "resolution",
    ).get(pk=notice.pk)
    return {**row, "log_rows": TransitionLog.objects.count(), "red_flags": RedFlag.objects.count()}


def _allowed_for(state, role):
    roles = ("reviewer", "agency") if role == "agency" else (role,)
    return [name for name in TRANSITIONS if name in GRAPH[state] and AUTHORISED_ROLE[name] in roles]


def make_agency():
    """A user with the agency's global notice review permission (its supervisors)."""
    user = UserFactory()
    assign_perm("declarations.review_notice", user)
    return User.objects.get(pk=user.pk)


def _new_log_rows(notice, old_ids, *fields):
    return list(audit.history_for(notice).exclude(pk__in=old_ids).values_list(*fields))


def test_the_table_names_every_state_and_transition_of_the_code():
    assert sorted(STATES) == sorted(NoticeState.values)
    assert sorted(GRAPH) == sorted(STATES)
    assert list(notices.NOTICE_TRANSITIONS) == TRANSITIONS
    assert sorted(notices.NOTICE_TRANSITION_SERVICES) == sorted(TRANSITIONS)


def test_the_graph_declared_on_the_model_is_the_table():
    expected = [(source, name, target) for source, moves in GRAPH.items() for name, target in moves.items()]

    assert sorted(graphs.transitions_of(Notice)) == sorted(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "name"), PAIRS, ids=[f"{state}-{name}" for state, name in PAIRS])
def test_each_transition_from_each_state_reaches_its_target_or_is_refused(state, name):
    # given a notice of no conflict in ``state`` and the user authorised to take ``name``
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice(state, position=position, reviewer=reviewer)
    actors = {
        "filer": position.official.user,
        "reviewer": reviewer,
        "agency": make_agency(),
        "supervisor": make_supervisor(),
    }
    actor = actors[AUTHORISED_ROLE[name]]
    before = _footprint(notice)
    old_ids = list(audit.history_for(notice).values_list("pk", flat=True))
    service = notices.NOTICE_TRANSITION_SERVICES[name]

    if name in GRAPH[state]:
        # when
        result = service(actor=actor, notice_id=notice.pk, **NOTICE_TRANSITION_ARGS.get(name, {}))

        # then it reaches exactly its target, with exactly one new log row
        target = GRAPH[state][name]
        assert result.state == target
        after = _footprint(notice)
        assert after["state"] == target
        assert _new_log_rows(notice, old_ids, "transition", "from_state", "to_state", "actor_id") == [
            (name, state, target, actor.pk)
        ]
        assert after["log_rows"] == before["log_rows"] + 1
        assert after["red_flags"] == before["red_flags"]
        if name in STAMPED:
            assert before[STAMPED[name]] != after[STAMPED[name]]
            assert after[STAMPED[name]] is not None
    else:
        # when
        with pytest.raises(errors.TransitionNotAllowed) as refused:
            service(actor=actor, notice_id=notice.pk, **NOTICE_TRANSITION_ARGS.get(name, {}))

        # then it is refused for the state, and nothing changed
        assert refused.value.state == state
        assert refused.value.transition == name
        assert refused.value.allowed == _allowed_for(state, AUTHORISED_ROLE[name])
        assert refused.value.state_label == NoticeState(state).label
        assert refused.value.message == WRONG_STATE.format(NoticeState(state).label)
        assert _footprint(notice) == before


@pytest.mark.django_db
def test_the_return_comment_is_written_to_the_log_row():
    # given a notice under review
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("under_review", position=position, reviewer=reviewer)

    # when
    notices.notice_return_for_correction(actor=reviewer, notice_id=notice.pk, comment=f"  {RETURN_COMMENT} ")

    # then
    assert audit.latest_return(notice).comment == RETURN_COMMENT


@pytest.mark.django_db
@pytest.mark.parametrize("comment", ["", "   ", None])
def test_returning_without_a_comment_is_refused_and_changes_nothing(comment):
    # given a notice under review
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("under_review", position=position, reviewer=reviewer)
    before = _footprint(notice)

    # when
    with pytest.raises(errors.InvalidInput) as invalid:
        notices.notice_return_for_correction(actor=reviewer, notice_id=notice.pk, comment=comment)

    # then
    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == {
        "comment": ["A comment is required."]
    }
    assert _footprint(notice) == before


# --- Acknowledgement conditions ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_conflict_without_a_recorded_resolution_is_not_acknowledged():
    # given a notice declaring a conflict, under review, with no resolution recorded
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("under_review", position=position, reviewer=reviewer, **conflict_fields())
    before = _footprint(notice)

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk)

    # then it is refused with the condition's message, and nothing changed
    assert refused.value.message == str(rules.RESOLUTION_REQUIRED)
    assert refused.value.message == (
        "A notice declaring a conflict needs a recorded resolution before it is acknowledged."
    )
    assert refused.value.state == "under_review"
    assert refused.value.allowed == ["return_for_correction", "refer"]
    assert _footprint(notice) == before


@pytest.mark.django_db
def test_a_conflict_is_acknowledged_once_the_resolution_is_recorded():
    # given a notice declaring a conflict, under review
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("under_review", position=position, reviewer=reviewer, **conflict_fields())
    old_ids = list(audit.history_for(notice).values_list("pk", flat=True))

    # when the reviewer records the resolution, then acknowledges
    recorded = notices.notice_record_resolution(actor=reviewer, notice_id=notice.pk, resolution=f" {RESOLUTION}\n")
    acknowledged = notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk, comment="Шийдвэрийг хүлээн авав.")

    # then
    assert recorded.state == "under_review"
    assert acknowledged.state == "acknowledged"
    stored = Notice.objects.get(pk=notice.pk)
    assert (stored.state, stored.resolution) == ("acknowledged", RESOLUTION)
    assert stored.acknowledged_at is not None
    assert _new_log_rows(notice, old_ids, "transition", "comment", "actor_id") == [
        ("record_resolution", RESOLUTION, reviewer.pk),
        ("acknowledge", "Шийдвэрийг хүлээн авав.", reviewer.pk),
    ]


@pytest.mark.django_db
def test_a_notice_with_an_unresolved_flag_is_not_acknowledged_until_the_flag_is_resolved():
    # given a notice of no conflict whose counterparty is a company in the filer's accepted declaration
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")], reviewer=reviewer)
    notice = make_notice(
        "under_review",
        position=position,
        reviewer=reviewer,
        counterparty_name="Говь-Алт ХХК",
        counterparty_register_number="2345678",
    )
    flag = RedFlag.objects.get(notice=notice)
    before = _footprint(notice)

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk)

    # then
    assert refused.value.message == str(rules.FLAGS_UNRESOLVED)
    assert refused.value.message == (
        "Every red flag must be resolved with a written reason before the notice is acknowledged."
    )
    assert refused.value.allowed == ["return_for_correction", "refer"]
    assert _footprint(notice) == before

    # when the reviewer resolves the flag with a reason, then acknowledges
    resolved = notices.notice_resolve_flag(actor=reviewer, notice_id=notice.pk, flag_id=flag.pk, reason=FLAG_REASON)
    acknowledged = notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk)

    # then
    assert (resolved.resolution_reason, resolved.resolved_by_id) == (FLAG_REASON, reviewer.pk)
    assert acknowledged.state == "acknowledged"
    assert Notice.objects.get(pk=notice.pk).state == "acknowledged"


@pytest.mark.django_db
def test_a_flagged_conflict_needs_the_resolution_first_and_then_every_flag_resolved():
    # given a notice declaring a conflict with a flagged counterparty, under review
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")], reviewer=reviewer)
    notice = make_notice(
        "under_review", position=position, reviewer=reviewer, **conflict_fields(counterparty_register_number="2345678")
    )
    flag = RedFlag.objects.get(notice=notice)

    # when / then: the resolution is asked for first
    with pytest.raises(errors.TransitionNotAllowed) as first:
        notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk)
    assert first.value.message == str(rules.RESOLUTION_REQUIRED)

    # when / then: with the resolution recorded, the flag still blocks
    notices.notice_record_resolution(actor=reviewer, notice_id=notice.pk, resolution=RESOLUTION)
    with pytest.raises(errors.TransitionNotAllowed) as second:
        notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk)
    assert second.value.message == str(rules.FLAGS_UNRESOLVED)

    # when / then: both settled, the notice is acknowledged
    notices.notice_resolve_flag(actor=reviewer, notice_id=notice.pk, flag_id=flag.pk, reason=FLAG_REASON)
    assert notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk).state == "acknowledged"


@pytest.mark.django_db
def test_the_available_transitions_leave_out_an_acknowledgement_whose_condition_fails():
    # given a conflict under review without a resolution
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("under_review", position=position, reviewer=reviewer, **conflict_fields())

    # when / then
    assert notices.available_notice_transitions(notice, reviewer) == ["return_for_correction", "refer"]
    notice.resolution = RESOLUTION
    assert notices.available_notice_transitions(notice, reviewer) == ["return_for_correction", "acknowledge", "refer"]
    assert notices.available_notice_transitions(notice, position.official.user) == []


# --- Late filing: the deadline is the end of the action date in Asia/Ulaanbaatar ----------------------

ACTION_DATE = "2025-03-10"
UTC = datetime.UTC


def _at(monkeypatch, moment):
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (datetime.datetime(2025, 3, 9, 15, 59, 59, tzinfo=UTC), False),  # 9 March 23:59:59 in Ulaanbaatar
        (datetime.datetime(2025, 3, 9, 16, 0, 0, tzinfo=UTC), False),  # 10 March 00:00:00, the action date
        (datetime.datetime(2025, 3, 10, 15, 59, 59, tzinfo=UTC), False),  # 10 March 23:59:59, still the day
        (datetime.datetime(2025, 3, 10, 16, 0, 0, tzinfo=UTC), True),  # 11 March 00:00:00, the day after
        (datetime.datetime(2025, 4, 1, 2, 0, 0, tzinfo=UTC), True),
    ],
    ids=["day-before", "midnight-starting-the-day", "last-second-of-the-day", "midnight-after", "weeks-after"],
)
def test_a_notice_submitted_after_its_action_date_is_accepted_and_marked_late(monkeypatch, moment, late):
    # given a draft notice for an action on 10 March, and the clock at ``moment``
    position = PositionFactory()
    notice = make_notice("draft", position=position, action_date=ACTION_DATE)
    _at(monkeypatch, moment)

    # when
    submitted = notices.notice_submit(actor=position.official.user, notice_id=notice.pk)

    # then it is accepted either way, marked late only after the action date
    stored = Notice.objects.get(pk=notice.pk)
    assert (submitted.state, submitted.is_late) == ("submitted", late)
    assert (stored.state, stored.is_late, stored.submitted_at) == ("submitted", late, moment)
    assert timezone.localtime(stored.submitted_at).tzname() == "+08"


@pytest.mark.django_db
def test_a_notice_resubmitted_after_its_action_date_becomes_late(monkeypatch):
    # given a notice submitted in time, then returned
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("draft", position=position, action_date=ACTION_DATE)
    _at(monkeypatch, datetime.datetime(2025, 3, 5, 2, 0, tzinfo=UTC))
    notices.notice_submit(actor=position.official.user, notice_id=notice.pk)
    notices.notice_start_review(actor=reviewer, notice_id=notice.pk)
    notices.notice_return_for_correction(actor=reviewer, notice_id=notice.pk, comment=RETURN_COMMENT)
    assert Notice.objects.get(pk=notice.pk).is_late is False

    # when it is resubmitted the day after the action date
    _at(monkeypatch, datetime.datetime(2025, 3, 10, 16, 0, tzinfo=UTC))
    notices.notice_resubmit(actor=position.official.user, notice_id=notice.pk)

    # then
    assert Notice.objects.values_list("state", "is_late").get(pk=notice.pk) == ("submitted", True)


@pytest.mark.django_db
def test_a_late_notice_stays_late_when_resubmitted_with_a_later_action_date(monkeypatch):
    # given a notice submitted late, returned, and its action date moved later
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("draft", position=position, action_date=ACTION_DATE)
    _at(monkeypatch, datetime.datetime(2025, 3, 12, 2, 0, tzinfo=UTC))
    notices.notice_submit(actor=position.official.user, notice_id=notice.pk)
    notices.notice_start_review(actor=reviewer, notice_id=notice.pk)
    notices.notice_return_for_correction(actor=reviewer, notice_id=notice.pk, comment=RETURN_COMMENT)
    notices.notice_update(actor=position.official.user, notice_id=notice.pk, action_date="2025-03-20")

    # when
    notices.notice_resubmit(actor=position.official.user, notice_id=notice.pk)

    # then being late is never erased
    assert Notice.objects.values_list("state", "is_late", "action_date").get(pk=notice.pk) == (
        "submitted",
        True,
        datetime.date(2025, 3, 20),
    )
