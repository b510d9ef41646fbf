"""Notice services: opening, editing and submitting a notice, the reviewer's records, and the e-mails.

Every refused call leaves the tables as they were and schedules nothing.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from declarations.models import Notice, NoticeCategory, PublicSnapshot, RedFlag
from tests.factories import OrganisationFactory, PositionFactory, make_reviewer, make_supervisor
from tests.notice_factories import (
    FLAG_REASON,
    RESOLUTION,
    RETURN_COMMENT,
    conflict_fields,
    declare,
    in_days,
    latest_notice,
    make_accepted_declaration,
    make_notice,
    make_tender,
    notice_fields,
)
from workflow import audit, errors, notices, tenders
from workflow.models import TransitionLog

REQUIRED = "This field is required."
NOT_EDITABLE = "The notice can be changed only while it is a draft or returned for correction."
COUNTERPARTY_INVALID = (
    "Enter a company registration number of 7 digits or a person's of two Cyrillic letters and 8 digits."
)


def _messages(invalid):
    return {key: [str(message) for message in messages] for key, messages in invalid.value.errors.items()}


def _footprint():
    return {
        "notices": list(Notice.objects.order_by("pk").values()),
        "flags": list(RedFlag.objects.order_by("pk").values_list("pk", "resolved_at", "resolution_reason")),
        "log_rows": TransitionLog.objects.count(),
    }


# --- Opening a notice ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_official_opens_a_draft_notice_for_their_organisation():
    # given an official
    position = PositionFactory()

    # when
    notice = notices.notice_create(
        actor=position.official.user,
        organisation=position.organisation,
        category="inspection",
        title="  Зах зээлийн хяналт шалгалт ",
        reference_number="ХШ-12",
        action_date="2025-05-02",
        counterparty_name=" «Наран»  Маркет ХХК",
        counterparty_register_number="уб90051234",
        outcome="no_conflict",
    )

    # then
    stored = Notice.objects.get(pk=notice.pk)
    assert (stored.filer_id, stored.official_id, stored.organisation_id, stored.category.code) == (
        position.official.user_id,
        position.official_id,
        position.organisation_id,
        "inspection",
    )
    assert (stored.state, stored.tender_id, stored.is_supplementary, stored.is_late) == ("draft", None, False, False)
    assert (stored.title, stored.reference_number, stored.action_date) == (
        "Зах зээлийн хяналт шалгалт",
        "ХШ-12",
        datetime.date(2025, 5, 2),
    )
    assert (stored.counterparty_name, stored.counterparty_name_normalised, stored.counterparty_register_number) == (
        "«Наран»  Маркет ХХК",
        "наран маркет ххк",
        "УБ90051234",
    )
    assert TransitionLog.objects.count() == 0


@pytest.mark.django_db
def test_a_draft_needs_only_a_category():
    position = PositionFactory()

    notice = notices.notice_create(actor=position.official.user, organisation=position.organisation, category="other")

    stored = Notice.objects.get(pk=notice.pk)
    assert (stored.category.code, stored.title, stored.action_date, stored.outcome) == ("other", "", None, "")


@pytest.mark.django_db
def test_an_official_whose_term_ends_later_may_open_a_notice():
    position = PositionFactory(end_date=datetime.date(2099, 12, 31))

    notice = notices.notice_create(actor=position.official.user, organisation=position.organisation, category="other")

    assert notice.official_id == position.official_id


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["other_organisation", "parent_organisation", "ended_position", "inactive_user"])
def test_a_notice_is_opened_only_where_the_actor_holds_an_active_position(where):
    # given an official, and an organisation where they may not file
    parent = OrganisationFactory()
    position = PositionFactory(organisation=OrganisationFactory(parent=parent))
    organisation = {"other_organisation": OrganisationFactory(), "parent_organisation": parent}.get(
        where, position.organisation
    )
    if where == "ended_position":
        position.end_date = datetime.date(2021, 6, 30)
        position.save()
    if where == "inactive_user":
        position.official.user.is_active = False
        position.official.user.save()

    # when
    with pytest.raises(errors.ActionForbidden) as denied:
        notices.notice_create(actor=position.official.user, organisation=organisation, **{"category": "contract"})

    # then
    assert str(denied.value.message) == "You can file notices only for an organisation where you hold a position."
    assert Notice.objects.count() == 0


@pytest.mark.django_db
def test_an_anonymous_user_opens_no_notice():
    organisation = OrganisationFactory()

    with pytest.raises(errors.ActionForbidden):
        notices.notice_create(actor=AnonymousUser(), organisation=organisation, category="contract")

    assert Notice.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"category": "bribery"}, {"category": ["Unknown or inactive notice category."]}),
        ({"category": "retired"}, {"category": ["Unknown or inactive notice category."]}),
        ({"category": 3}, {"category": ["Unknown or inactive notice category."]}),
        ({"title": "Гэрээ"}, {"category": [REQUIRED]}),
        (
            {"category": "contract", "action_date": "2025-13-01"},
            {"action_date": ["Enter a valid date in the format YYYY-MM-DD."]},
        ),
        (
            {"category": "contract", "action_date": "10.03.2025"},
            {"action_date": ["Enter a valid date in the format YYYY-MM-DD."]},
        ),
        (
            {"category": "contract", "action_date": 20250310},
            {"action_date": ["Enter a valid date in the format YYYY-MM-DD."]},
        ),
        (
            {"category": "contract", "counterparty_register_number": "123456"},
            {"counterparty_register_number": [COUNTERPARTY_INVALID]},
        ),
        (
            {"category": "contract", "counterparty_register_number": "AB90051234"},
            {"counterparty_register_number": [COUNTERPARTY_INVALID]},
        ),
        (
            {"category": "contract", "counterparty_register_number": "УБ9005123"},
            {"counterparty_register_number": [COUNTERPARTY_INVALID]},
        ),
        (
            {"category": "contract", "counterparty_register_number": "УБ900512345"},
            {"counterparty_register_number": ["Ensure this value has at most 10 characters."]},
        ),
        ({"category": "contract", "outcome": "maybe"}, {"outcome": ["Select a valid choice."]}),
        ({"category": "contract", "proposed_handling": "ignore"}, {"proposed_handling": ["Select a valid choice."]}),
        ({"category": "contract", "title": "Г" * 256}, {"title": ["Ensure this value has at most 255 characters."]}),
        ({"category": "contract", "title": ["Гэрээ"]}, {"title": [REQUIRED]}),
        ({"category": "contract", "amount_mnt": "1000"}, {"amount_mnt": ["Unknown field."]}),
        (
            {"category": "bribery", "action_date": "tomorrow", "state": "acknowledged", "is_late": False},
            {
                "category": ["Unknown or inactive notice category."],
                "action_date": ["Enter a valid date in the format YYYY-MM-DD."],
                "state": ["Unknown field."],
                "is_late": ["Unknown field."],
            },
        ),
    ],
)
def test_invalid_input_is_refused_keyed_by_field(fields, expected):
    # given an official, and a category the agency retired
    position = PositionFactory()
    NoticeCategory.objects.create(code="retired", name="Хуучин", name_en="Old", is_active=False)

    # when
    with pytest.raises(errors.InvalidInput) as invalid:
        notices.notice_create(actor=position.official.user, organisation=position.organisation, **fields)

    # then
    assert _messages(invalid) == expected
    assert Notice.objects.count() == 0


# --- Editing -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "returned"])
def test_the_filer_edits_a_draft_or_returned_notice(state):
    # given the filer's notice in ``state``
    position = PositionFactory()
    notice = make_notice(state, position=position)

    # when
    updated = notices.notice_update(
        actor=position.official.user,
        notice_id=notice.pk,
        category="administrative_decision",
        action_date="2099-02-01",
        counterparty_name="Хангай ХХК",
        counterparty_register_number="3456780",
    )

    # then
    stored = Notice.objects.get(pk=notice.pk)
    assert updated.state == state
    assert (stored.category.code, stored.action_date, stored.counterparty_name_normalised) == (
        "administrative_decision",
        datetime.date(2099, 2, 1),
        "хангай ххк",
    )
    assert (stored.counterparty_register_number, stored.title) == ("3456780", notice.title)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["submitted", "under_review", "acknowledged", "published"])
def test_a_notice_out_of_the_filers_hands_is_not_edited(state):
    # given the filer's notice in ``state``
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice(state, position=position, reviewer=reviewer)
    before = _footprint()

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        notices.notice_update(actor=position.official.user, notice_id=notice.pk, title="Өөр гэрээ")

    # then
    assert (refused.value.state, refused.value.transition, refused.value.message) == (state, "update", NOT_EDITABLE)
    assert refused.value.allowed == []
    assert _footprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "error"), [("reviewer", errors.ActionForbidden), ("colleague", errors.ObjectNotFound)]
)
def test_only_the_filer_edits_a_notice(role, error):
    # given a draft notice, its organisation's ЭБАТ and a colleague of the filer
    position = PositionFactory()
    notice = make_notice("draft", position=position)
    users = {
        "reviewer": make_reviewer(position.organisation),
        "colleague": PositionFactory(organisation=position.organisation).official.user,
    }
    before = _footprint()

    # when
    with pytest.raises(error) as denied:
        notices.notice_update(actor=users[role], notice_id=notice.pk, title="Өөр гэрээ")

    # then
    assert type(denied.value) is error
    if error is errors.ActionForbidden:
        assert str(denied.value.message) == "Only the filer can change this notice."
    assert _footprint() == before


@pytest.mark.django_db
def test_the_secretary_does_not_edit_a_members_notice():
    # given a committee notice: the secretary of its tender follows its state, but does not open it
    tender = make_tender("declaring")
    notice = latest_notice(tender.members.get())
    before = _footprint()

    # when / then
    with pytest.raises(errors.ObjectNotFound):
        notices.notice_update(actor=tender.secretary, notice_id=notice.pk, outcome="conflict")
    assert _footprint() == before


@pytest.mark.django_db
def test_a_committee_notice_keeps_its_category():
    # given a member's committee notice
    tender = make_tender("declaring")
    notice = latest_notice(tender.members.get())

    # when the member tries to file it under another category
    with pytest.raises(errors.InvalidInput) as invalid:
        notices.notice_update(actor=notice.filer, notice_id=notice.pk, category="contract", outcome="no_conflict")

    # then the change is refused, naming the field, and nothing changed
    assert invalid.value.errors == {"category": [notices.COMMITTEE_CATEGORY_FIXED]}
    stored = Notice.objects.get(pk=notice.pk)
    assert (stored.category.code, stored.outcome, stored.tender_id) == ("procurement_committee", "", tender.pk)

    # when the member sends the category it already has, the edit goes through
    notices.notice_update(
        actor=notice.filer, notice_id=notice.pk, category="procurement_committee", outcome="no_conflict"
    )
    assert Notice.objects.get(pk=notice.pk).outcome == "no_conflict"


@pytest.mark.django_db
def test_invalid_edits_change_nothing():
    position = PositionFactory()
    notice = make_notice("draft", position=position)
    before = _footprint()

    with pytest.raises(errors.InvalidInput) as invalid:
        notices.notice_update(actor=position.official.user, notice_id=notice.pk, title="Шинэ", outcome="unsure")

    assert _messages(invalid) == {"outcome": ["Select a valid choice."]}
    assert _footprint() == before


# --- Submitting --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"title": ""}, ["title"]),
        ({"action_date": ""}, ["action_date"]),
        ({"outcome": ""}, ["outcome"]),
        ({"title": "", "action_date": None, "outcome": None}, ["title", "action_date", "outcome"]),
        ({"outcome": "conflict"}, ["interest_nature", "proposed_handling"]),
        ({**conflict_fields(), "interest_nature": " "}, ["interest_nature"]),
        ({**conflict_fields(), "proposed_handling": ""}, ["proposed_handling"]),
        ({**conflict_fields(), "proposed_handling": "continue_with_conditions"}, ["handling_conditions"]),
    ],
)
def test_submitting_needs_what_the_notice_must_state(fields, missing, django_capture_on_commit_callbacks):
    # given an incomplete draft
    position = PositionFactory()
    make_reviewer(position.organisation)
    notice = notices.notice_create(
        actor=position.official.user, organisation=position.organisation, category="contract", **notice_fields(**fields)
    )
    before = _footprint()

    # when
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(errors.InvalidInput) as invalid:
        notices.notice_submit(actor=position.official.user, notice_id=notice.pk)

    # then
    assert _messages(invalid) == {name: [REQUIRED] for name in missing}
    assert _footprint() == before
    assert callbacks == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        notice_fields(),
        conflict_fields(),
        conflict_fields(proposed_handling="continue_with_conditions", handling_conditions="Дарга хянана."),
    ],
    ids=["no_conflict", "conflict-recusal", "conflict-with-conditions"],
)
def test_a_complete_notice_is_submitted(fields):
    position = PositionFactory()

    notice = make_notice("submitted", position=position, **fields)

    assert Notice.objects.values_list("state", "outcome", "is_late").get(pk=notice.pk) == (
        "submitted",
        fields["outcome"],
        False,
    )


# --- The reviewer's records -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "acknowledged"])
def test_a_resolution_is_recorded_only_under_review(state):
    # given a notice declaring a conflict, in ``state``
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice(state, position=position, reviewer=reviewer, **conflict_fields())
    before = _footprint()

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        notices.notice_record_resolution(actor=reviewer, notice_id=notice.pk, resolution="Өөр шийдвэр.")

    # then
    assert (refused.value.state, refused.value.transition) == (state, "record_resolution")
    assert _footprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("resolution", ["", "  ", None])
def test_a_resolution_needs_a_text(resolution):
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("under_review", position=position, reviewer=reviewer, **conflict_fields())
    before = _footprint()

    with pytest.raises(errors.InvalidInput) as invalid:
        notices.notice_record_resolution(actor=reviewer, notice_id=notice.pk, resolution=resolution)

    assert _messages(invalid) == {"resolution": ["A resolution is required."]}
    assert _footprint() == before


@pytest.mark.django_db
def test_a_flag_is_resolved_only_with_a_reason_on_its_own_notice_under_review():
    # given two flagged notices of the same filer: one under review, one only submitted
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")], reviewer=reviewer)
    under_review = make_notice(
        "under_review", position=position, reviewer=reviewer, counterparty_register_number="2345678"
    )
    submitted = make_notice("submitted", position=position, reviewer=reviewer, counterparty_register_number="2345678")
    flag, other_flag = RedFlag.objects.get(notice=under_review), RedFlag.objects.get(notice=submitted)
    before = _footprint()

    # when / then: no reason
    with pytest.raises(errors.InvalidInput) as invalid:
        notices.notice_resolve_flag(actor=reviewer, notice_id=under_review.pk, flag_id=flag.pk, reason=" ")
    assert _messages(invalid) == {"reason": ["A reason is required."]}

    # when / then: another notice's flag, or no flag at all
    for flag_id in (other_flag.pk, "x", 0):
        with pytest.raises(errors.ObjectNotFound):
            notices.notice_resolve_flag(actor=reviewer, notice_id=under_review.pk, flag_id=flag_id, reason=FLAG_REASON)

    # when / then: a notice not under review
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        notices.notice_resolve_flag(actor=reviewer, notice_id=submitted.pk, flag_id=other_flag.pk, reason=FLAG_REASON)
    assert (refused.value.state, refused.value.transition, refused.value.allowed) == (
        "submitted",
        "resolve_red_flag",
        ["start_review"],
    )
    assert _footprint() == before


@pytest.mark.django_db
def test_recording_a_resolution_and_resolving_a_flag_are_written_to_the_chained_history():
    # given a flagged notice declaring a conflict, under review
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")], reviewer=reviewer)
    notice = make_notice(
        "under_review",
        position=position,
        reviewer=reviewer,
        counterparty_register_number="2345678",
        **conflict_fields(),
    )
    flag = RedFlag.objects.get(notice=notice)
    rows_before = list(audit.history_for(notice).values_list("pk", flat=True))

    # when the reviewer records the resolution and resolves the flag
    notices.notice_record_resolution(actor=reviewer, notice_id=notice.pk, resolution="Татгалзан гарна.")
    notices.notice_resolve_flag(actor=reviewer, notice_id=notice.pk, flag_id=flag.pk, reason=FLAG_REASON)

    # then each step is a history row, chained to the one before, that changes no state
    new_rows = list(audit.history_for(notice).exclude(pk__in=rows_before))
    assert [(r.transition, r.from_state, r.to_state, r.actor_id, r.comment, r.remarks) for r in new_rows] == [
        ("record_resolution", "under_review", "under_review", reviewer.pk, "Татгалзан гарна.", []),
        (
            "resolve_red_flag",
            "under_review",
            "under_review",
            reviewer.pk,
            FLAG_REASON,
            [{"path": f"red_flags.{flag.pk}", "message": "counterparty_declared_company"}],
        ),
    ]
    chain = list(audit.history_for(notice))
    assert [row.previous_hash for row in chain[1:]] == [row.hash for row in chain[:-1]]
    assert new_rows[1].at == RedFlag.objects.get(pk=flag.pk).resolved_at


# --- Notifications ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reviewers_are_e_mailed_when_a_notice_is_submitted(django_capture_on_commit_callbacks, mailoutbox):
    # given an organisation under a parent, their ЭБАТs, an ЭБАТ elsewhere, and an ЭБАТ who files the notice
    parent = OrganisationFactory(name="Аймгийн Засаг даргын Тамгын газар")
    organisation = OrganisationFactory(parent=parent, name="Барилгын газар")
    reviewer, parent_reviewer = make_reviewer(organisation), make_reviewer(parent)
    make_reviewer(OrganisationFactory())
    filing_reviewer = make_reviewer(organisation)
    notice = make_notice("draft", position=filing_reviewer.official.positions.get())

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notices.notice_submit(actor=filing_reviewer, notice_id=notice.pk)

    # then one e-mail each to the ЭБАТs who may review it, never to the filer
    assert len(callbacks) == 1
    assert sorted(message.to[0] for message in mailoutbox) == sorted([reviewer.email, parent_reviewer.email])
    assert {(message.subject, message.body) for message in mailoutbox} == {
        (
            "A notice waits for review",
            "A notice (Concluding a contract) was submitted in Барилгын газар: Замын засварын гэрээ.",
        )
    }


@pytest.mark.django_db
def test_the_reviewers_are_e_mailed_again_on_resubmission(django_capture_on_commit_callbacks, mailoutbox):
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("returned", position=position, reviewer=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        notices.notice_resubmit(actor=position.official.user, notice_id=notice.pk)

    assert [(message.to, message.subject) for message in mailoutbox] == [
        ([reviewer.email], "A notice waits for review")
    ]


@pytest.mark.django_db
def test_the_members_are_e_mailed_when_declarations_open(django_capture_on_commit_callbacks, mailoutbox):
    # given a forming tender with an official and a citizen on the committee, and a member recused by hand
    organisation = OrganisationFactory()
    official, recused = PositionFactory.create_batch(2, organisation=organisation)
    tender = make_tender(
        "forming",
        organisation=organisation,
        members=[official, recused],
        externals=[("Сүхийн Болд", "bold@example.mn")],
    )
    tender.members.filter(official=recused.official).update(is_recused=True)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tenders.tender_open_declarations(actor=tender.secretary, tender_id=tender.pk)

    # then every active member, and only they, is asked to declare
    assert len(callbacks) == 1
    assert sorted(message.to[0] for message in mailoutbox) == sorted([official.official.user.email, "bold@example.mn"])
    assert {(message.subject, message.body) for message in mailoutbox} == {
        (
            "Declare your interests for a tender",
            f"Tender {tender.reference_number} (Сургуулийн барилгын засвар): file your notice before the evaluation.",
        )
    }
    assert sorted(Notice.objects.filter(tender=tender).values_list("filer__email", flat=True)) == sorted(
        [official.official.user.email, "bold@example.mn"]
    )


@pytest.mark.django_db
def test_no_e_mail_leaves_when_a_submission_is_refused(django_capture_on_commit_callbacks, mailoutbox):
    position = PositionFactory()
    make_reviewer(position.organisation)
    notice = make_notice("draft", position=position, title="")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(errors.InvalidInput):
        notices.notice_submit(actor=position.official.user, notice_id=notice.pk)

    assert mailoutbox == []


@pytest.mark.django_db
def test_a_member_submits_their_committee_notice_and_the_reviewers_are_told(
    django_capture_on_commit_callbacks, mailoutbox
):
    # given a declaring tender and the ЭБАТ of its organisation
    organisation = OrganisationFactory(name="Боловсролын газар")
    reviewer = make_reviewer(organisation)
    tender = make_tender("declaring", organisation=organisation)

    # when the member declares no conflict
    with django_capture_on_commit_callbacks(execute=True):
        notice = declare(latest_notice(tender.members.get()), action_date=in_days(3))

    # then
    assert notice.state == "submitted"
    assert [(message.to, message.body) for message in mailoutbox] == [
        (
            [reviewer.email],
            "A notice (Procurement evaluation committee) was submitted in Боловсролын газар: "
            "Сургуулийн барилгын засвар.",
        )
    ]


@pytest.mark.django_db
def test_the_reviewer_returns_a_notice_and_the_filer_corrects_it():
    # given a returned notice
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice("returned", position=position, reviewer=reviewer)

    # when the filer corrects and resubmits it, and the reviewer acknowledges it
    notices.notice_update(actor=position.official.user, notice_id=notice.pk, reference_number="ГЭ-2025/018")
    notices.notice_resubmit(actor=position.official.user, notice_id=notice.pk)
    notices.notice_start_review(actor=reviewer, notice_id=notice.pk)
    notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk, comment=RESOLUTION)

    # then
    assert Notice.objects.values_list("state", "reference_number", "resolution").get(pk=notice.pk) == (
        "acknowledged",
        "ГЭ-2025/018",
        "",
    )
    assert list(TransitionLog.objects.filter(object_id=notice.pk).values_list("transition", "comment")) == [
        ("submit", ""),
        ("start_review", ""),
        ("return_for_correction", RETURN_COMMENT),
        ("resubmit", ""),
        ("start_review", ""),
        ("acknowledge", RESOLUTION),
    ]


# --- Publication ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_published_notice_has_a_public_record_and_its_withdrawal_leaves_a_tombstone():
    # given a published notice with private details
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    notice = make_notice(
        "published",
        position=position,
        reviewer=reviewer,
        counterparty_name="Говь-Алт ХХК",
        counterparty_register_number="2345678",
    )
    snapshot = PublicSnapshot.objects.get(notice=notice)

    # then its public record holds the public fields only, hashed
    assert (snapshot.kind, snapshot.official_name, snapshot.position_title, snapshot.year) == (
        "notice",
        position.official.full_name,
        position.title,
        notice.action_date.year,
    )
    assert snapshot.content == {
        "category": "contract",
        "title": notice.title,
        "reference_number": notice.reference_number,
        "action_date": notice.action_date.isoformat(),
        "counterparty_name": "Говь-Алт ХХК",
        "outcome": "no_conflict",
        "proposed_handling": "",
        "is_late": False,
        "is_supplementary": False,
    }
    assert (snapshot.conclusion, snapshot.content_hash) == ({}, snapshot.compute_hash())

    # when a supervisor withdraws it without a reason, nothing changes
    supervisor = make_supervisor()
    with pytest.raises(errors.InvalidInput):
        notices.notice_withdraw_publication(actor=supervisor, notice_id=notice.pk, reason=" ")
    assert PublicSnapshot.objects.get(pk=snapshot.pk).withdrawn_at is None

    # when with a reason
    notices.notice_withdraw_publication(actor=supervisor, notice_id=notice.pk, reason="Шүүхийн шийдвэрээр.")

    # then the record stays, as a tombstone
    stored = PublicSnapshot.objects.get(pk=snapshot.pk)
    assert Notice.objects.get(pk=notice.pk).state == "withdrawn"
    assert stored.withdrawal_reason == "Шүүхийн шийдвэрээр."
    assert stored.withdrawn_at is not None
    assert stored.content == snapshot.content
