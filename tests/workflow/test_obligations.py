"""Filing obligations: the rules as data, the 24:00 Ulaanbaatar deadline, creation, fulfilment through the
real submission service, the campaign, the overdue job, the waiver and who may take it."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.management import call_command
from django.test import Client
from guardian.shortcuts import assign_perm

from declarations.content import sample_content
from declarations.models import (
    Campaign,
    Declaration,
    Nomination,
    NominationState,
    Obligation,
    Position,
    canonical_hash,
)
from tests.factories import (
    TRANSITION_ARGS,
    OrganisationFactory,
    PositionFactory,
    UserFactory,
    make_reviewer,
    make_supervisor,
)
from workflow import audit, errors, obligations, policies, services
from workflow.models import TransitionLog

User = get_user_model()
UTC = datetime.UTC
UB = obligations.DEADLINE_TIME_ZONE
D = datetime.date
REASON = "Албан тушаалаас 2025 оны 3 дугаар сард чөлөөлөгдсөн."


def _at(monkeypatch: Any, moment: datetime.datetime) -> None:
    """Set the clock every service reads (``timezone.now``)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def _row(obligation: Obligation) -> dict[str, Any]:
    return Obligation.objects.values(
        "kind", "state", "period", "event_date", "due_date", "declaration_id", "fulfilled_at", "waiver_reason"
    ).get(pk=obligation.pk)


def footprint() -> dict[str, Any]:
    """Everything a refused call must leave as it was: the obligations and the whole log."""
    return {
        "obligations": list(
            Obligation.objects.order_by("pk").values_list(
                "pk", "state", "declaration_id", "fulfilled_at", "waiver_reason", "updated_at"
            )
        ),
        "log": list(TransitionLog.objects.order_by("pk").values_list("pk", "hash")),
        "campaigns": list(Campaign.objects.values_list("year", "opened_at")),
    }


def obligation_log(obligation: Obligation) -> list[tuple[str, str, str, int | None, str]]:
    return list(
        audit.history_for(obligation).values_list("transition", "from_state", "to_state", "actor_id", "comment")
    )


def assert_chain_intact(obligation: Obligation) -> None:
    previous = ""
    for entry in audit.history_for(obligation):
        assert entry.previous_hash == previous
        assert entry.hash == canonical_hash(audit.log_payload(entry))
        previous = entry.hash


def draft_for(position: Position, *, kind: str, year: int) -> Declaration:
    return services.declaration_create(
        actor=position.official.user,
        position=position,
        kind=kind,
        year=year,
        content=sample_content(full_name=position.official.full_name),
    )


def submit(declaration: Declaration) -> Declaration:
    return services.declaration_submit(actor=declaration.official.user, declaration_id=declaration.pk)


def make_campaign_manager() -> Any:
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="declarations", codename="add_campaign"))
    return User.objects.get(pk=user.pk)


def make_global_reviewer() -> Any:
    """An agency user with the global review permission (reviews, and waives, anywhere)."""
    user = UserFactory()
    assign_perm("declarations.review_declaration", user)
    return User.objects.get(pk=user.pk)


# --- The rules and the deadline -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "due"),
    [
        (D(2025, 1, 31), D(2025, 3, 2)),  # 28 days of February
        (D(2024, 1, 31), D(2024, 3, 1)),  # a leap year: 29 days of February
        (D(2024, 2, 29), D(2024, 3, 30)),
        (D(2025, 2, 28), D(2025, 3, 30)),
        (D(2025, 1, 15), D(2025, 2, 14)),
        (D(2025, 12, 31), D(2026, 1, 30)),  # into the next year, whose period stays the appointment's
        (D(2024, 12, 31), D(2025, 1, 30)),
    ],
)
def test_an_appointment_is_due_thirty_days_after_the_position_starts(start, due):
    position = PositionFactory(start_date=start)

    obligation = obligations.obligation_for_appointment(position)

    assert obligation is not None
    assert _row(obligation) == {
        "kind": "appointment",
        "state": "open",
        "period": start.year,
        "event_date": start,
        "due_date": due,
        "declaration_id": None,
        "fulfilled_at": None,
        "waiver_reason": "",
    }
    assert (obligation.official_id, obligation.organisation_id, obligation.position_id) == (
        position.official_id,
        position.organisation_id,
        position.pk,
    )


@pytest.mark.parametrize(
    ("kind", "period", "event", "due"),
    [
        ("annual", 2025, None, D(2026, 2, 15)),
        ("annual", 2023, None, D(2024, 2, 15)),  # the filing year is a leap year: still 15 February
        ("significant_change", 2024, D(2024, 2, 29), D(2024, 3, 30)),
        ("significant_change", 2025, D(2025, 1, 31), D(2025, 3, 2)),
        ("preliminary", 2025, D(2025, 12, 28), D(2026, 1, 4)),
        ("appointment", 2024, D(2024, 2, 29), D(2024, 3, 30)),
    ],
)
def test_the_rule_table_gives_the_due_date(kind, period, event, due):
    assert obligations.due_date_for(kind, period=period, event_date=event) == due


@pytest.mark.parametrize(
    ("period", "due"),
    [(2026, D(2027, 2, 28)), (2027, D(2028, 2, 29))],
)
def test_a_fixed_day_missing_from_the_month_falls_on_its_last_day(settings, period, due):
    rules = copy.deepcopy(settings.OBLIGATION_RULES)
    rules["annual"].update(due_month=2, due_day=29)
    settings.OBLIGATION_RULES = rules

    assert obligations.due_date_for("annual", period=period, event_date=None) == due


def test_the_offsets_are_read_from_the_settings(settings):
    rules = copy.deepcopy(settings.OBLIGATION_RULES)
    rules["significant_change"]["days_after_event"] = 14
    settings.OBLIGATION_RULES = rules

    assert obligations.due_date_for("significant_change", period=2025, event_date=D(2025, 2, 20)) == D(2025, 3, 6)


def test_the_default_rules_are_the_legal_ones():
    rules = django_settings.OBLIGATION_RULES

    assert {kind: rule["enabled"] for kind, rule in rules.items()} == {
        "appointment": True,
        "annual": True,
        "significant_change": True,
        "preliminary": True,
    }
    assert rules["appointment"]["days_after_event"] == 30
    assert rules["significant_change"]["days_after_event"] == 30
    assert (rules["annual"]["due_month"], rules["annual"]["due_day"], rules["annual"]["years_after_period"]) == (
        2,
        15,
        1,
    )


@pytest.mark.parametrize(
    ("moment", "on_time"),
    [
        (datetime.datetime(2026, 2, 15, 15, 59, 59, tzinfo=UTC), True),  # 23:59:59 in Ulaanbaatar on the due date
        (datetime.datetime(2026, 2, 15, 16, 0, 0, tzinfo=UTC), False),  # 00:00:00 the next day
        (datetime.datetime(2026, 2, 14, 16, 0, 0, tzinfo=UTC), True),  # 00:00:00 on the due date
        (datetime.datetime(2026, 2, 15, 23, 59, 59, tzinfo=UTC), False),  # still the 15th in UTC, not locally
        (datetime.datetime(2026, 2, 15, 23, 59, 59, tzinfo=UB), True),
        (datetime.datetime(2026, 2, 15, 23, 59, 59, 999999, tzinfo=UB), True),
        (datetime.datetime(2026, 2, 16, 0, 0, 0, tzinfo=UB), False),
    ],
)
def test_the_deadline_is_midnight_in_ulaanbaatar_at_the_end_of_the_due_date(moment, on_time):
    due = D(2026, 2, 15)

    assert obligations.deadline(due) == datetime.datetime(2026, 2, 15, 16, 0, tzinfo=UTC)
    assert obligations.is_on_time(due, moment) is on_time


def test_the_deadline_does_not_depend_on_the_servers_time_zone(settings):
    settings.TIME_ZONE = "UTC"

    assert obligations.deadline(D(2026, 2, 15)).astimezone(UTC) == datetime.datetime(2026, 2, 15, 16, 0, tzinfo=UTC)


# --- Fulfilment through the submission service --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "state"),
    [
        (datetime.datetime(2025, 2, 14, 15, 59, 59, tzinfo=UTC), "fulfilled_on_time"),  # 23:59:59 local, due date
        (datetime.datetime(2025, 2, 14, 16, 0, 0, tzinfo=UTC), "fulfilled_late"),  # 00:00:00 local, the day after
        (datetime.datetime(2025, 1, 20, 3, 0, 0, tzinfo=UTC), "fulfilled_on_time"),
        (datetime.datetime(2025, 6, 1, 3, 0, 0, tzinfo=UTC), "fulfilled_late"),
    ],
    ids=["last-second", "first-second-after", "early", "months-late"],
)
def test_the_first_submission_fulfils_the_appointment_obligation_on_time_or_late(monkeypatch, moment, state):
    # given an appointment on 15 January 2025, due 14 February
    position = PositionFactory(start_date=D(2025, 1, 15))
    obligation = obligations.obligation_for_appointment(position)
    _at(monkeypatch, moment)
    declaration = draft_for(position, kind="appointment", year=2025)

    # when the official submits it
    submitted = submit(declaration)

    # then it is accepted either way, and the obligation records when and whether in time
    assert submitted.state == "submitted"
    assert _row(obligation)["state"] == state
    assert (_row(obligation)["declaration_id"], _row(obligation)["fulfilled_at"]) == (declaration.pk, moment)
    assert obligation_log(obligation) == [
        (state.replace("fulfilled", "fulfil"), "open", state, position.official.user_id, "")
    ]
    assert_chain_intact(obligation)


@pytest.mark.django_db
def test_a_late_filing_of_an_overdue_obligation_is_counted_late_never_dropped(monkeypatch):
    position = PositionFactory(start_date=D(2025, 1, 15))
    obligation = obligations.obligation_for_appointment(position)
    assert obligations.mark_overdue(D(2025, 2, 15)) == 1
    moment = datetime.datetime(2025, 9, 1, 2, 0, tzinfo=UTC)
    _at(monkeypatch, moment)

    declaration = submit(draft_for(position, kind="appointment", year=2025))

    assert declaration.state == "submitted"
    row = _row(obligation)
    assert (row["state"], row["declaration_id"], row["fulfilled_at"]) == ("fulfilled_late", declaration.pk, moment)
    assert [row[:3] for row in obligation_log(obligation)] == [
        ("mark_overdue", "open", "overdue"),
        ("fulfil_late", "overdue", "fulfilled_late"),
    ]
    assert_chain_intact(obligation)


@pytest.mark.django_db
def test_a_resubmission_does_not_change_the_fulfilment(monkeypatch):
    # given an appointment declaration submitted on time, then returned for correction
    position = PositionFactory(start_date=D(2025, 1, 15))
    obligation = obligations.obligation_for_appointment(position)
    reviewer = make_reviewer(position.organisation)
    first = datetime.datetime(2025, 2, 1, 2, 0, tzinfo=UTC)
    _at(monkeypatch, first)
    declaration = submit(draft_for(position, kind="appointment", year=2025))
    services.declaration_start_review(actor=reviewer, declaration_id=declaration.pk)
    services.declaration_return_for_correction(
        actor=reviewer, declaration_id=declaration.pk, **TRANSITION_ARGS["return_for_correction"]
    )
    before = _row(obligation)
    log_before = obligation_log(obligation)

    # when the filer resubmits after the due date
    _at(monkeypatch, datetime.datetime(2025, 3, 20, 2, 0, tzinfo=UTC))
    services.declaration_resubmit(actor=position.official.user, declaration_id=declaration.pk)

    # then the obligation still says on time, at the first submission
    assert _row(obligation) == before
    assert (before["state"], before["fulfilled_at"]) == ("fulfilled_on_time", first)
    assert obligation_log(obligation) == log_before


@pytest.mark.django_db
def test_a_submission_without_an_obligation_is_accepted_and_fulfils_nothing():
    position = PositionFactory()
    other = obligations.obligation_for_appointment(PositionFactory(official=position.official))
    before = footprint()

    declaration = submit(draft_for(position, kind="annual", year=2024))

    assert declaration.state == "submitted"
    assert footprint()["obligations"] == before["obligations"]
    assert _row(other)["state"] == "open"


@pytest.mark.django_db
def test_an_annual_declaration_fulfils_the_obligation_of_its_position_and_declared_year_only(monkeypatch):
    position = PositionFactory(start_date=D(2020, 1, 6))
    obligations.open_campaign(actor=None, year=2023)
    obligations.open_campaign(actor=None, year=2024)
    _at(monkeypatch, datetime.datetime(2025, 2, 10, 4, 0, tzinfo=UTC))

    declaration = submit(draft_for(position, kind="annual", year=2024))

    states = dict(Obligation.objects.filter(position=position).values_list("period", "state"))
    assert states == {2023: "open", 2024: "fulfilled_on_time"}
    assert Obligation.objects.get(period=2024).declaration_id == declaration.pk


@pytest.mark.django_db
def test_a_correction_fulfils_nothing(monkeypatch):
    position = PositionFactory(start_date=D(2025, 1, 15))
    reviewer = make_reviewer(position.organisation)
    obligation = obligations.obligation_for_appointment(position)
    _at(monkeypatch, datetime.datetime(2025, 1, 20, 2, 0, tzinfo=UTC))
    original = submit(draft_for(position, kind="appointment", year=2025))
    services.declaration_start_review(actor=reviewer, declaration_id=original.pk)
    services.declaration_accept(actor=reviewer, declaration_id=original.pk)
    # a second appointment duty on the position (the appointment recorded again with another date)
    second = Obligation.objects.create(
        kind="appointment",
        official=position.official,
        organisation=position.organisation,
        position=position,
        period=2025,
        event_date=D(2025, 1, 16),
        due_date=D(2025, 2, 15),
    )
    correction = services.declaration_create_correction(actor=position.official.user, corrects_id=original.pk)

    submit(correction)

    assert (_row(obligation)["state"], _row(obligation)["declaration_id"]) == ("fulfilled_on_time", original.pk)
    assert _row(second)["state"] == "open"


# --- Creation by events ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_position_without_a_declaration_duty_or_a_rule_switched_off_creates_nothing(settings):
    assert obligations.obligation_for_appointment(PositionFactory(declaration_required=False)) is None
    rules = copy.deepcopy(settings.OBLIGATION_RULES)
    rules["appointment"]["enabled"] = False
    settings.OBLIGATION_RULES = rules

    assert obligations.obligation_for_appointment(PositionFactory()) is None
    assert Obligation.objects.count() == 0


@pytest.mark.django_db
def test_recording_an_appointment_twice_gives_the_same_obligation():
    position = PositionFactory(start_date=D(2025, 3, 3))

    first = obligations.obligation_for_appointment(position)
    second = obligations.obligation_for_appointment(position)

    assert first is not None
    assert second is not None
    assert first.pk == second.pk
    assert Obligation.objects.count() == 1


@pytest.mark.django_db
def test_only_an_hr_officer_records_an_appointment_made_in_the_back_office():
    position = PositionFactory(start_date=D(2025, 3, 3))
    hr = PositionFactory(organisation=position.organisation).official.user
    policies.grant_hr_officer(organisation=position.organisation, user=hr)
    before = footprint()

    for actor in (position.official.user, make_reviewer(position.organisation), AnonymousUser()):
        with pytest.raises(errors.ActionForbidden):
            obligations.record_appointment(actor=actor, position=position)
    assert footprint() == before

    obligation = obligations.record_appointment(actor=User.objects.get(pk=hr.pk), position=position)
    assert obligation is not None
    assert (obligation.kind, obligation.due_date) == ("appointment", D(2025, 4, 2))


def _nomination_case():
    from tests.workflow.test_nominations import D as NS_D
    from tests.workflow.test_nominations import make_case

    return make_case, NS_D


@pytest.mark.django_db
def test_the_appointment_of_a_nominee_creates_the_appointment_obligation():
    make_case, declaration_states = _nomination_case()
    case = make_case(declaration_states.CONCLUDED, nomination_state=NominationState.APPOINTED)

    position = Position.objects.get(official=case.nomination.nominee)
    obligation = Obligation.objects.get(kind="appointment")
    assert (obligation.position_id, obligation.official_id, obligation.organisation_id) == (
        position.pk,
        case.nomination.nominee_id,
        case.organisation.pk,
    )
    assert (obligation.event_date, obligation.due_date, obligation.state) == (
        position.start_date,
        position.start_date + datetime.timedelta(days=30),
        "open",
    )


@pytest.mark.django_db
def test_a_nomination_creates_the_preliminary_obligation_which_its_submission_fulfils():
    make_case, declaration_states = _nomination_case()
    case = make_case(declaration_states.DRAFT)
    obligation = Obligation.objects.get(nomination=case.nomination)
    nominated_on = obligations.local_date(case.nomination.created_at)
    assert (obligation.kind, obligation.state, obligation.position_id) == ("preliminary", "open", None)
    assert (obligation.event_date, obligation.due_date) == (nominated_on, nominated_on + datetime.timedelta(days=7))

    services.declaration_submit(actor=case.nominee, declaration_id=case.declaration.pk)

    obligation.refresh_from_db()
    assert (obligation.state, obligation.declaration_id) == ("fulfilled_on_time", case.declaration.pk)


@pytest.mark.django_db
def test_the_overdue_job_leaves_the_preliminary_obligation_of_a_withdrawn_nomination_alone():
    make_case, _declaration_states = _nomination_case()
    case = make_case(None, nomination_state=NominationState.WITHDRAWN)
    obligation = Obligation.objects.get(nomination=case.nomination)

    assert obligations.mark_overdue(obligation.due_date + datetime.timedelta(days=5)) == 0
    assert Nomination.objects.get(pk=case.nomination.pk).state == "withdrawn"
    assert _row(obligation)["state"] == "open"


# --- Significant changes ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("reporter", ["official", "ebat"])
def test_a_reported_change_is_due_thirty_days_after_the_change_date(reporter):
    position = PositionFactory(start_date=D(2020, 1, 6))
    actor = position.official.user if reporter == "official" else make_reviewer(position.organisation)

    obligation = obligations.report_significant_change(actor=actor, position=position, change_date="2024-02-29")

    assert obligation is not None
    assert _row(obligation) == {
        "kind": "significant_change",
        "state": "open",
        "period": 2024,
        "event_date": D(2024, 2, 29),
        "due_date": D(2024, 3, 30),
        "declaration_id": None,
        "fulfilled_at": None,
        "waiver_reason": "",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change_date", "field", "message"),
    [
        (None, "change_date", "This field is required."),
        ("2024-02-30", "change_date", "Enter a valid date in the format YYYY-MM-DD."),
        ("20240229", "change_date", "Enter a valid date in the format YYYY-MM-DD."),
        ("2019-12-31", "change_date", "The change date must fall while the position is held (2020-01-06 – …)."),
        ("2999-01-01", "change_date", "The change date cannot be in the future."),
    ],
)
def test_a_bad_change_date_reports_nothing(change_date, field, message):
    position = PositionFactory(start_date=D(2020, 1, 6))
    before = footprint()

    with pytest.raises(errors.InvalidInput) as invalid:
        obligations.report_significant_change(actor=position.official.user, position=position, change_date=change_date)

    assert {key: [str(m) for m in value] for key, value in invalid.value.errors.items()} == {field: [message]}
    assert footprint() == before


@pytest.mark.django_db
def test_a_change_is_reported_once_per_date_and_only_by_those_who_may():
    position = PositionFactory(start_date=D(2020, 1, 6))
    obligations.report_significant_change(actor=position.official.user, position=position, change_date="2024-05-01")
    before = footprint()

    with pytest.raises(errors.StateConflict):
        obligations.report_significant_change(actor=position.official.user, position=position, change_date="2024-05-01")
    with pytest.raises(errors.ObjectNotFound):
        obligations.report_significant_change(
            actor=make_reviewer(OrganisationFactory()), position=position, change_date="2024-05-02"
        )
    with pytest.raises(errors.ActionForbidden):
        obligations.report_significant_change(actor=make_supervisor(), position=position, change_date="2024-05-02")
    assert footprint() == before


@pytest.mark.django_db
def test_a_change_declaration_filed_before_the_change_does_not_fulfil_it(monkeypatch):
    position = PositionFactory(start_date=D(2020, 1, 6))
    _at(monkeypatch, datetime.datetime(2024, 3, 1, 2, 0, tzinfo=UTC))
    earlier = submit(draft_for(position, kind="significant_change", year=2024))
    _at(monkeypatch, datetime.datetime(2024, 5, 10, 2, 0, tzinfo=UTC))

    obligation = obligations.report_significant_change(
        actor=position.official.user, position=position, change_date="2024-05-01"
    )
    assert obligation is not None
    assert _row(obligation)["state"] == "open"
    later = submit(draft_for(position, kind="significant_change", year=2024))

    assert (_row(obligation)["state"], _row(obligation)["declaration_id"]) == ("fulfilled_on_time", later.pk)
    assert earlier.pk != later.pk


@pytest.mark.django_db
def test_a_change_reported_after_the_declaration_was_filed_is_fulfilled_by_it(monkeypatch):
    position = PositionFactory(start_date=D(2020, 1, 6))
    filed_at = datetime.datetime(2024, 5, 3, 2, 0, tzinfo=UTC)
    _at(monkeypatch, filed_at)
    declaration = submit(draft_for(position, kind="significant_change", year=2024))
    _at(monkeypatch, datetime.datetime(2024, 5, 20, 2, 0, tzinfo=UTC))

    obligation = obligations.report_significant_change(
        actor=position.official.user, position=position, change_date="2024-05-01"
    )

    assert obligation is not None
    assert (obligation.state, obligation.declaration_id, obligation.fulfilled_at) == (
        "fulfilled_on_time",
        declaration.pk,
        filed_at,
    )
    assert [row[:3] for row in obligation_log(obligation)] == [("fulfil_on_time", "open", "fulfilled_on_time")]
    assert_chain_intact(obligation)


# --- The annual campaign --------------------------------------------------------------------------------


@pytest.fixture
def campaign_positions():
    """Positions around the declared year 2025: who owes the annual declaration and who does not."""
    organisation = OrganisationFactory()
    owing = {
        "all_year": PositionFactory(organisation=organisation, start_date=D(2019, 5, 1)),
        "appointed_during_the_year": PositionFactory(organisation=organisation, start_date=D(2025, 6, 1)),
        "appointed_on_its_last_day": PositionFactory(organisation=organisation, start_date=D(2025, 12, 31)),
        "ending_on_its_last_day": PositionFactory(
            organisation=organisation, start_date=D(2019, 5, 1), end_date=D(2025, 12, 31)
        ),
        "ending_next_year": PositionFactory(
            organisation=organisation, start_date=D(2019, 5, 1), end_date=D(2026, 1, 10)
        ),
    }
    not_owing = {
        "no_declaration_required": PositionFactory(organisation=organisation, declaration_required=False),
        "ended_before_the_year": PositionFactory(
            organisation=organisation, start_date=D(2019, 5, 1), end_date=D(2024, 12, 31)
        ),
        "ended_during_the_year": PositionFactory(
            organisation=organisation, start_date=D(2019, 5, 1), end_date=D(2025, 6, 30)
        ),
        "started_after_the_year": PositionFactory(organisation=organisation, start_date=D(2026, 1, 1)),
    }
    return owing, not_owing


@pytest.mark.django_db
def test_opening_a_campaign_creates_one_annual_obligation_per_position_owing_it(campaign_positions):
    owing, _not_owing = campaign_positions
    manager = make_campaign_manager()

    result = obligations.open_campaign(actor=manager, year=2025)

    assert (result.created, result.fulfilled, result.newly_opened) == (len(owing), 0, True)
    created = Obligation.objects.filter(kind="annual")
    assert sorted(created.values_list("position_id", flat=True)) == sorted(p.pk for p in owing.values())
    assert set(created.values_list("period", "due_date", "state", "event_date")) == {
        (2025, D(2026, 2, 15), "open", None)
    }
    campaign = Campaign.objects.get()
    assert (campaign.year, campaign.due_date, campaign.opened_by_id) == (2025, D(2026, 2, 15), manager.pk)


@pytest.mark.django_db
def test_opening_a_campaign_twice_creates_nothing_the_second_time(campaign_positions):
    owing, _not_owing = campaign_positions
    obligations.open_campaign(actor=None, year=2025)
    before = footprint()

    again = obligations.open_campaign(actor=None, year=2025)

    assert (again.created, again.fulfilled, again.newly_opened) == (0, 0, False)
    assert footprint() == before
    # a position entered since is picked up by the next run, and only it
    late_entry = PositionFactory(start_date=D(2025, 3, 1))
    assert obligations.open_campaign(actor=None, year=2025).created == 1
    assert Obligation.objects.filter(kind="annual").count() == len(owing) + 1
    assert Obligation.objects.filter(position=late_entry, period=2025).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filed_at", "state"),
    [
        (datetime.datetime(2026, 1, 10, 2, 0, tzinfo=UTC), "fulfilled_on_time"),
        (datetime.datetime(2026, 2, 15, 16, 0, tzinfo=UTC), "fulfilled_late"),
    ],
)
def test_a_campaign_opened_after_a_filer_filed_counts_that_filing(monkeypatch, filed_at, state):
    position = PositionFactory(start_date=D(2019, 5, 1))
    _at(monkeypatch, filed_at)
    declaration = submit(draft_for(position, kind="annual", year=2025))
    _at(monkeypatch, datetime.datetime(2026, 3, 1, 2, 0, tzinfo=UTC))

    result = obligations.open_campaign(actor=None, year=2025)

    obligation = Obligation.objects.get(position=position)
    assert (result.created, result.fulfilled) == (1, 1)
    assert (obligation.state, obligation.declaration_id, obligation.fulfilled_at) == (state, declaration.pk, filed_at)
    assert [row[:4] for row in obligation_log(obligation)] == [
        (state.replace("fulfilled", "fulfil"), "open", state, None)
    ]
    assert_chain_intact(obligation)


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1999, 2999, "twenty", None, True])
def test_a_campaign_for_a_year_out_of_range_opens_nothing(year):
    before = footprint()

    with pytest.raises(errors.InvalidInput) as invalid:
        obligations.open_campaign(actor=None, year=year)

    assert list(invalid.value.errors) == ["year"]
    assert footprint() == before


@pytest.mark.django_db
def test_only_an_administrator_opens_a_campaign(campaign_positions):
    before = footprint()

    for actor in (make_supervisor(), make_reviewer(OrganisationFactory()), AnonymousUser()):
        with pytest.raises(errors.ActionForbidden) as refused:
            obligations.open_campaign(actor=actor, year=2025)
        assert str(refused.value.message) == "Only the agency's administrators open an annual campaign."
    assert footprint() == before


@pytest.mark.django_db
def test_a_campaign_with_the_annual_rule_switched_off_is_refused(settings, campaign_positions):
    rules = copy.deepcopy(settings.OBLIGATION_RULES)
    rules["annual"]["enabled"] = False
    settings.OBLIGATION_RULES = rules

    with pytest.raises(errors.StateConflict):
        obligations.open_campaign(actor=None, year=2025)
    assert (Campaign.objects.count(), Obligation.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_the_command_prints_how_many_obligations_it_created(capsys, campaign_positions):
    owing, _not_owing = campaign_positions

    call_command("open_campaign", "2025")
    call_command("open_campaign", "2025")

    assert capsys.readouterr().out.splitlines() == [
        f"Created {len(owing)} obligation(s) for 2025, due 2026-02-15; 0 already filed.",
        "Created 0 obligation(s) for 2025, due 2026-02-15; 0 already filed.",
    ]


@pytest.mark.django_db
def test_the_admin_opens_a_campaign_through_the_same_service(campaign_positions):
    owing, _not_owing = campaign_positions
    admin_user = User.objects.create_superuser("root", "root@example.mn", "pw-admin-123")
    client = Client()
    client.force_login(admin_user)

    added = client.post("/admin/declarations/campaign/add/", {"year": "2025"}, follow=True)
    action = client.post(
        "/admin/declarations/campaign/",
        {"action": "create_missing_obligations", "_selected_action": [Campaign.objects.get().pk]},
        follow=True,
    )

    assert added.status_code == action.status_code == 200
    messages = [str(m) for m in added.context["messages"]] + [str(m) for m in action.context["messages"]]
    assert f"Campaign 2025 (due 2026-02-15): {len(owing)} obligation(s) created, 0 already filed." in messages
    assert "Campaign 2025 (due 2026-02-15): 0 obligation(s) created, 0 already filed." in messages
    assert Campaign.objects.get().opened_by_id == admin_user.pk
    assert Obligation.objects.filter(kind="annual", period=2025).count() == len(owing)


@pytest.mark.django_db
def test_the_admin_shows_the_services_refusal_as_a_form_error():
    admin_user = User.objects.create_superuser("root", "root@example.mn", "pw-admin-123")
    client = Client()
    client.force_login(admin_user)

    response = client.post("/admin/declarations/campaign/add/", {"year": "1999"})

    assert response.status_code == 200
    assert "Enter a declared year between 2000 and" in response.content.decode()
    assert Campaign.objects.count() == 0


# --- The overdue job ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_overdue_job_moves_only_what_has_passed_its_deadline_and_is_idempotent():
    due_15 = obligations.obligation_for_appointment(PositionFactory(start_date=D(2025, 1, 16)))  # due 15 Feb
    due_16 = obligations.obligation_for_appointment(PositionFactory(start_date=D(2025, 1, 17)))  # due 16 Feb
    due_14 = obligations.obligation_for_appointment(PositionFactory(start_date=D(2025, 1, 15)))  # due 14 Feb
    assert (due_14.due_date, due_15.due_date, due_16.due_date) == (D(2025, 2, 14), D(2025, 2, 15), D(2025, 2, 16))

    # on the due date itself nothing of that day has passed
    assert obligations.mark_overdue(D(2025, 2, 14)) == 0
    assert obligations.mark_overdue(D(2025, 2, 16)) == 2
    log_after_first = list(TransitionLog.objects.values_list("pk", "hash"))
    assert obligations.mark_overdue(D(2025, 2, 16)) == 0

    assert [_row(o)["state"] for o in (due_14, due_15, due_16)] == ["overdue", "overdue", "open"]
    assert list(TransitionLog.objects.values_list("pk", "hash")) == log_after_first
    for obligation in (due_14, due_15):
        assert obligation_log(obligation) == [("mark_overdue", "open", "overdue", None, "")]
        assert_chain_intact(obligation)


@pytest.mark.django_db
def test_the_overdue_job_works_through_batches(monkeypatch):
    monkeypatch.setattr(obligations, "BATCH_SIZE", 2)
    created = [obligations.obligation_for_appointment(PositionFactory(start_date=D(2025, 1, 1))) for _ in range(5)]

    assert obligations.mark_overdue(D(2025, 3, 1)) == 5
    assert set(Obligation.objects.values_list("state", flat=True)) == {"overdue"}
    assert TransitionLog.objects.filter(transition="mark_overdue").count() == len(created)


@pytest.mark.django_db
def test_the_overdue_job_defaults_to_today_in_ulaanbaatar(monkeypatch):
    obligation = obligations.obligation_for_appointment(PositionFactory(start_date=D(2025, 1, 15)))  # due 14 Feb
    _at(monkeypatch, datetime.datetime(2025, 2, 14, 15, 59, 59, tzinfo=UTC))
    assert obligations.mark_overdue() == 0
    _at(monkeypatch, datetime.datetime(2025, 2, 14, 16, 0, 0, tzinfo=UTC))
    assert obligations.mark_overdue() == 1
    assert _row(obligation)["state"] == "overdue"


# --- Waivers and who may see and waive --------------------------------------------------------------------


@pytest.fixture
def scope():
    """An aimag office with a department, an organisation elsewhere, and one user per role."""
    aimag = OrganisationFactory(kind="governor_office")
    department = OrganisationFactory(parent=aimag)
    elsewhere = OrganisationFactory()
    position = PositionFactory(organisation=department, start_date=D(2025, 1, 15))
    obligation = obligations.obligation_for_appointment(position)
    return {
        "obligation": obligation,
        "filer": position.official.user,
        "ebat": make_reviewer(aimag),
        "other_ebat": make_reviewer(elsewhere),
        "supervisor": make_supervisor(),
        "agency": make_global_reviewer(),
        "anonymous": AnonymousUser(),
        "department": department,
        "elsewhere": elsewhere,
    }


ROLE_OUTCOMES = {
    "filer": errors.ActionForbidden,  # sees their own, may not waive it
    "ebat": None,
    "other_ebat": errors.ObjectNotFound,  # outside their subtree: as if it did not exist
    "supervisor": errors.ActionForbidden,  # sees everything, does not review
    "agency": None,
    "anonymous": errors.ObjectNotFound,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "refusal"), ROLE_OUTCOMES.items())
def test_roles_by_waiver(scope, role, refusal):
    obligation = scope["obligation"]
    actor = scope[role]
    before = footprint()

    if refusal is not None:
        with pytest.raises(refusal):
            obligations.waive(actor=actor, obligation_id=obligation.pk, reason=REASON)
        assert footprint() == before
        return
    waived = obligations.waive(actor=actor, obligation_id=obligation.pk, reason=f"  {REASON}  ")

    assert (waived.state, waived.waiver_reason) == ("waived", REASON)
    assert (_row(obligation)["state"], _row(obligation)["waiver_reason"]) == ("waived", REASON)
    assert obligation_log(obligation) == [("waive", "open", "waived", actor.pk, REASON)]
    assert_chain_intact(obligation)


@pytest.mark.django_db
@pytest.mark.parametrize("reason", [None, "", "   ", 42])
def test_a_waiver_needs_a_reason(scope, reason):
    before = footprint()

    with pytest.raises(errors.InvalidInput) as invalid:
        obligations.waive(actor=scope["ebat"], obligation_id=scope["obligation"].pk, reason=reason)

    assert {key: [str(m) for m in value] for key, value in invalid.value.errors.items()} == {
        "reason": ["A reason is required."]
    }
    assert footprint() == before


@pytest.mark.django_db
def test_an_overdue_obligation_can_be_waived_a_fulfilled_one_cannot(scope, monkeypatch):
    obligation = scope["obligation"]
    obligations.mark_overdue(D(2025, 3, 1))
    assert obligations.waive(actor=scope["ebat"], obligation_id=obligation.pk, reason=REASON).state == "waived"

    position = PositionFactory(organisation=scope["department"], start_date=D(2025, 1, 15))
    fulfilled = obligations.obligation_for_appointment(position)
    _at(monkeypatch, datetime.datetime(2025, 1, 20, 2, 0, tzinfo=UTC))
    submit(draft_for(position, kind="appointment", year=2025))
    before = footprint()

    with pytest.raises(errors.TransitionNotAllowed) as refused:
        obligations.waive(actor=scope["ebat"], obligation_id=fulfilled.pk, reason=REASON)

    assert (refused.value.state, refused.value.allowed) == ("fulfilled_on_time", [])
    assert footprint() == before


@pytest.mark.django_db
def test_an_authorised_official_does_not_waive_their_own_obligation(scope):
    ebat = scope["ebat"]
    own = obligations.obligation_for_appointment(ebat.official.positions.get())
    before = footprint()

    with pytest.raises(errors.ActionForbidden):
        obligations.waive(actor=ebat, obligation_id=own.pk, reason=REASON)
    assert footprint() == before


@pytest.mark.django_db
def test_who_sees_which_obligation(scope):
    obligation = scope["obligation"]
    make_case, _declaration_states = _nomination_case()
    preliminary_case = make_case(None, organisation=scope["department"])
    preliminary = Obligation.objects.get(nomination=preliminary_case.nomination)
    elsewhere = obligations.obligation_for_appointment(PositionFactory(organisation=scope["elsewhere"]))
    ebat_own = obligations.obligation_for_appointment(scope["ebat"].official.positions.get())

    def seen(role: str) -> set[int]:
        return set(policies.visible_obligations(scope[role]).values_list("pk", flat=True))

    assert seen("filer") == {obligation.pk}
    assert seen("ebat") == {obligation.pk, ebat_own.pk}  # the subtree, never a nominee's ХАСУМ duty
    assert seen("other_ebat") == {elsewhere.pk}
    assert seen("supervisor") == seen("agency") == {obligation.pk, preliminary.pk, elsewhere.pk, ebat_own.pk}
    assert seen("anonymous") == set()
    assert set(policies.visible_obligations(preliminary_case.nominee).values_list("pk", flat=True)) == {preliminary.pk}


@pytest.mark.django_db
def test_a_nominees_preliminary_obligation_is_the_agencys_to_waive(scope):
    make_case, _declaration_states = _nomination_case()
    case = make_case(None, organisation=scope["department"])
    preliminary = Obligation.objects.get(nomination=case.nomination)

    with pytest.raises(errors.ObjectNotFound):
        obligations.waive(actor=scope["ebat"], obligation_id=preliminary.pk, reason=REASON)
    assert obligations.waive(actor=scope["agency"], obligation_id=preliminary.pk, reason=REASON).state == "waived"


@pytest.mark.django_db
def test_checking_a_page_of_obligations_costs_no_query_per_row(scope, django_assert_max_num_queries):
    for _ in range(10):
        obligations.obligation_for_appointment(PositionFactory(organisation=scope["department"]))
    ebat = User.objects.get(pk=scope["ebat"].pk)
    rows = list(policies.visible_obligations(ebat))

    with django_assert_max_num_queries(2):  # the user's scope and global permissions, read once
        allowed = [obligations.available_obligation_transitions(row, ebat) for row in rows]

    assert allowed == [["waive"]] * 11
