"""The clearing gate: a tender is not cleared until every active member is (DESIGN §3).

Every refusal names the member who holds the committee back, so the secretary knows whom to chase.
"""

import pytest

from declarations import rules
from declarations.models import CommitteeMember, Notice, RedFlag, Tender
from tests.factories import OfficialFactory, OrganisationFactory, PositionFactory, make_reviewer
from tests.notice_factories import (
    RETURN_COMMENT,
    advance_notice_from_submitted,
    clear_member,
    conflict_fields,
    declare,
    latest_notice,
    make_accepted_declaration,
    make_tender,
)
from workflow import audit, errors, notices, redflags, tenders
from workflow.models import TransitionLog

CLEARED_NAME = "Цэрэнгийн Ариунаа"
PROBLEM_NAME = "Ганбатын Оюунаа"
BIDDER = ("Говь-Алт ХХК", "2345678")


def _footprint(tender):
    return {
        **Tender.objects.values("state", "updated_at").get(pk=tender.pk),
        "log_rows": TransitionLog.objects.count(),
        "notices": list(Notice.objects.order_by("pk").values_list("pk", "state")),
        "members": list(CommitteeMember.objects.order_by("pk").values_list("pk", "is_recused", "replaced_by")),
        "flags": list(RedFlag.objects.order_by("pk").values_list("pk", "resolved_at")),
    }


def _named_position(organisation, full_name):
    return PositionFactory(organisation=organisation, official=OfficialFactory(full_name=full_name))


def _member(tender, position):
    return CommitteeMember.objects.get(tender=tender, official=position.official)


def _missing(member, reviewer):
    """Never submitted: the notice is still the draft the tender opened."""


def _returned(member, reviewer):
    notice = advance_notice_from_submitted(declare(latest_notice(member)), "under_review", reviewer=reviewer)
    notices.notice_return_for_correction(actor=reviewer, notice_id=notice.pk, comment=RETURN_COMMENT)


def _submitted(member, reviewer):
    declare(latest_notice(member))


def _under_review(member, reviewer):
    advance_notice_from_submitted(declare(latest_notice(member)), "under_review", reviewer=reviewer)


def _conflicted(member, reviewer):
    """Declared a conflict, acknowledged with a resolution, but never recused nor replaced."""
    clear_member(member, reviewer=reviewer, **conflict_fields())


def _conflict_submitted(member, reviewer):
    declare(latest_notice(member), **conflict_fields())


def _flagged(member, reviewer):
    """The member's accepted declaration lists a bidder; the flag waits for the ЭБАТ under review."""
    _under_review(member, reviewer)
    assert RedFlag.objects.filter(notice=latest_notice(member), resolved_at__isnull=True).count() == 1


def _flagged_after_acknowledgement(member, reviewer):
    """Acknowledged as clean, then a re-scan finds the bidder among the companies of a newly accepted declaration."""
    notice = clear_member(member, reviewer=reviewer)
    make_accepted_declaration(member.official.positions.get(), companies=[BIDDER], reviewer=reviewer)
    assert len(redflags.scan_notice(notice)) == 1


def _recused_not_replaced(member, reviewer):
    """Only reachable by hand: the recusal service always seats a replacement."""
    CommitteeMember.objects.filter(pk=member.pk).update(is_recused=True)


PROBLEMS = {
    "missing": (_missing, f"{PROBLEM_NAME} has not submitted a notice for this tender."),
    "returned": (_returned, f"{PROBLEM_NAME} has not submitted a notice for this tender."),
    "submitted": (_submitted, f"The notice of {PROBLEM_NAME} has not been acknowledged yet."),
    "under_review": (_under_review, f"The notice of {PROBLEM_NAME} has not been acknowledged yet."),
    "conflicted_not_replaced": (
        _conflicted,
        f"{PROBLEM_NAME} declared a conflict of interest and must be recused and replaced.",
    ),
    "conflict_submitted": (
        _conflict_submitted,
        f"{PROBLEM_NAME} declared a conflict of interest and must be recused and replaced.",
    ),
    "flagged": (_flagged, f"The notice of {PROBLEM_NAME} has an unresolved red flag."),
    "flagged_after_acknowledgement": (
        _flagged_after_acknowledgement,
        f"The notice of {PROBLEM_NAME} has an unresolved red flag.",
    ),
    "recused_not_replaced": (_recused_not_replaced, f"{PROBLEM_NAME} was recused but has not been replaced."),
}


@pytest.mark.django_db
@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_clear_is_refused_with_a_message_naming_the_member_who_is_not_cleared(problem):
    # given a declaring tender: one member cleared, the other in the ``problem`` situation
    organisation = OrganisationFactory()
    reviewer = make_reviewer(organisation)
    cleared, problematic = (_named_position(organisation, name) for name in (CLEARED_NAME, PROBLEM_NAME))
    if problem == "flagged":
        make_accepted_declaration(problematic, companies=[BIDDER], reviewer=reviewer)
    tender = make_tender("declaring", organisation=organisation, members=[cleared, problematic], bidders=[BIDDER])
    clear_member(_member(tender, cleared), reviewer=reviewer)
    set_up, message = PROBLEMS[problem]
    set_up(_member(tender, problematic), reviewer)
    before = _footprint(tender)

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        tenders.tender_clear(actor=tender.secretary, tender_id=tender.pk)

    # then
    assert refused.value.message == message
    assert (refused.value.state, refused.value.transition, refused.value.allowed) == ("declaring", "clear", [])
    assert rules.committee_gate_problems(Tender.objects.get(pk=tender.pk)) == [message]
    assert _footprint(tender) == before


@pytest.mark.django_db
def test_clear_names_every_member_who_is_not_cleared_in_committee_order():
    # given four members: cleared, missing, conflicted and not replaced, flagged
    organisation = OrganisationFactory()
    reviewer = make_reviewer(organisation)
    names = ["Цэрэнгийн Ариунаа", "Батын Болд", "Доржийн Сараа", "Галын Тэмүүлэн"]
    cleared, missing, conflicted, flagged = (_named_position(organisation, name) for name in names)
    make_accepted_declaration(flagged, companies=[BIDDER], reviewer=reviewer)
    tender = make_tender(
        "declaring", organisation=organisation, members=[cleared, missing, conflicted, flagged], bidders=[BIDDER]
    )
    clear_member(_member(tender, cleared), reviewer=reviewer)
    _conflicted(_member(tender, conflicted), reviewer)
    _flagged(_member(tender, flagged), reviewer)
    before = _footprint(tender)

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        tenders.tender_clear(actor=tender.secretary, tender_id=tender.pk)

    # then
    assert refused.value.message == (
        "Батын Болд has not submitted a notice for this tender. "
        "Доржийн Сараа declared a conflict of interest and must be recused and replaced. "
        "The notice of Галын Тэмүүлэн has an unresolved red flag."
    )
    assert _footprint(tender) == before


@pytest.mark.django_db
def test_a_flagged_member_is_cleared_once_the_reviewer_resolves_the_flag():
    # given a member whose notice is flagged for a bidder, under review
    organisation = OrganisationFactory()
    reviewer = make_reviewer(organisation)
    position = _named_position(organisation, PROBLEM_NAME)
    make_accepted_declaration(position, companies=[BIDDER], reviewer=reviewer)
    tender = make_tender("declaring", organisation=organisation, members=[position], bidders=[BIDDER])
    member = _member(tender, position)
    _flagged(member, reviewer)

    # when the ЭБАТ resolves the flag and acknowledges the notice of no conflict
    notice = latest_notice(member)
    flag = notice.red_flags.get()
    notices.notice_resolve_flag(actor=reviewer, notice_id=notice.pk, flag_id=flag.pk, reason="Хувьцааг худалдсан.")
    notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk)
    cleared = tenders.tender_clear(actor=tender.secretary, tender_id=tender.pk)

    # then
    assert cleared.state == "cleared"


@pytest.mark.django_db
@pytest.mark.parametrize("replacement_kind", ["official", "citizen"])
def test_a_recused_member_is_replaced_and_the_gate_then_ignores_them(
    replacement_kind, django_capture_on_commit_callbacks, mailoutbox
):
    # given a declaring tender where one member declared a conflict
    organisation = OrganisationFactory()
    reviewer = make_reviewer(organisation)
    stays, recused = (_named_position(organisation, name) for name in (CLEARED_NAME, PROBLEM_NAME))
    tender = make_tender("declaring", organisation=organisation, members=[stays, recused])
    clear_member(_member(tender, stays), reviewer=reviewer)
    _conflicted(_member(tender, recused), reviewer)
    official = PositionFactory(organisation=organisation).official
    identity = (
        {"official_id": official.pk}
        if replacement_kind == "official"
        else {"full_name": "Сүхийн Болд", "email": "bold@example.mn"}
    )
    old_notice_ids = list(Notice.objects.values_list("pk", flat=True))

    # when the secretary recuses them and seats a replacement
    with django_capture_on_commit_callbacks(execute=True):
        replacement = tenders.tender_recuse_member(
            actor=tender.secretary,
            tender_id=tender.pk,
            member_id=_member(tender, recused).pk,
            kind=replacement_kind,
            **identity,
        )

    # then the recused member is marked, the replacement has a notice draft and an e-mail
    stored = _member(tender, recused)
    assert (stored.is_recused, stored.replaced_by_id) == (True, replacement.pk)
    assert list(
        Notice.objects.exclude(pk__in=old_notice_ids).values_list(
            "filer_id", "official_id", "state", "is_supplementary"
        )
    ) == [(replacement.user_id, replacement.official_id, "draft", False)]
    assert replacement.user.email in [message.to[0] for message in mailoutbox]
    # and the gate asks only for the replacement
    assert rules.committee_gate_problems(Tender.objects.get(pk=tender.pk)) == [
        f"{replacement.full_name} has not submitted a notice for this tender."
    ]

    # when the replacement declares no conflict and it is acknowledged
    clear_member(replacement, reviewer=reviewer)
    cleared = tenders.tender_clear(actor=tender.secretary, tender_id=tender.pk)

    # then the tender is cleared, the recused member's conflict notwithstanding
    assert cleared.state == "cleared"
    assert latest_notice(stored).outcome == "conflict"
    assert audit.history_for(tender).values_list("transition", flat=True).last() == "clear"


@pytest.mark.django_db
def test_a_member_recused_after_clearing_sends_the_tender_back_to_declaring():
    # given a cleared tender
    organisation = OrganisationFactory()
    tender = make_tender("cleared", organisation=organisation)
    member = tender.members.get()

    # when
    replacement = tenders.tender_recuse_member(
        actor=tender.secretary,
        tender_id=tender.pk,
        member_id=member.pk,
        kind="official",
        official_id=PositionFactory(organisation=organisation).official_id,
    )

    # then
    assert Tender.objects.get(pk=tender.pk).state == "declaring"
    assert list(audit.history_for(tender).values_list("transition", flat=True)) == [
        "open_declarations",
        "clear",
        "reopen_declarations",
    ]
    assert rules.committee_gate_problems(tender) == [
        f"{replacement.full_name} has not submitted a notice for this tender."
    ]


@pytest.mark.django_db
def test_a_committee_of_recused_members_only_has_no_members():
    # given a forming tender whose only member was recused, by hand, without replacement
    tender = make_tender("forming")
    CommitteeMember.objects.filter(tender=tender).update(is_recused=True)
    before = _footprint(tender)

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        tenders.tender_open_declarations(actor=tender.secretary, tender_id=tender.pk)

    # then
    assert refused.value.message == "The committee has no members."
    assert rules.committee_gate_problems(tender) == ["The committee has no members."]
    assert _footprint(tender) == before


@pytest.mark.django_db
def test_an_external_member_clears_like_an_official():
    # given a declaring tender whose only member is a citizen appointed by the local council
    organisation = OrganisationFactory()
    reviewer = make_reviewer(organisation)
    tender = make_tender(
        "declaring", organisation=organisation, members=[], externals=[("Сүхийн Болд", "bold@example.mn")]
    )
    member = tender.members.get()

    # when the citizen declares no conflict and the ЭБАТ acknowledges it
    notice = clear_member(member, reviewer=reviewer)
    cleared = tenders.tender_clear(actor=tender.secretary, tender_id=tender.pk)

    # then
    assert (notice.filer_id, notice.official_id, notice.organisation_id) == (member.user_id, None, organisation.pk)
    assert cleared.state == "cleared"
