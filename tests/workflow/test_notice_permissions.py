"""Who may act on notices and tenders, and who sees them: literal matrices of roles × actions (DESIGN §4).

The notice is a committee notice: its filer sits on a tender's evaluation committee with another
official and a citizen appointed by the local council, and their accepted declaration lists a bidder, so
the notice carries a red flag. Invisible → ``ObjectNotFound`` (404), visible but not allowed →
``ActionForbidden`` (403). Every denial leaves every table as it was and schedules nothing.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from declarations.models import Bidder, CommitteeMember, Conclusion, Notice, PublicSnapshot, RedFlag, Tender
from tests.factories import TRANSITION_ARGS, OrganisationFactory, PositionFactory, UserFactory, make_reviewer
from tests.notice_factories import (
    FLAG_REASON,
    RESOLUTION,
    RETURN_COMMENT,
    advance_notice_from_submitted,
    declare,
    latest_notice,
    make_accepted_declaration,
    make_notice,
    make_tender,
)
from workflow import audit, errors, notices, policies, tenders
from workflow.models import TransitionLog

User = get_user_model()
OK, FB, NF = "ok", "403", "404"
BIDDER = ("Говь-Алт ХХК", "2345678")
EXTERNAL = ("Сүхийн Болд", "bold@example.mn")

ROLES = (
    "filer",  # the official who files the notice; a committee member
    "colleague",  # another official of the same organisation, no grant, not on the committee
    "reviewer",  # ЭБАТ of the notice's organisation
    "parent_reviewer",  # ЭБАТ of the parent organisation (subtree scope)
    "other_reviewer",  # ЭБАТ of an unrelated organisation
    "anonymous",
    "superuser",
    "secretary",  # the tender's procurement secretary: follows notice states on the tender, not the notices
    "member",  # another official on the same committee
    "external",  # a citizen on the same committee: an account, no position
)

# fmt: off
NOTICE_MATRIX = {
    #                        filer colleague reviewer parent other anon super secretary member external
    "submit":                (OK,  NF,       FB,      FB,    NF,   NF,  FB,   NF,       NF,    NF),
    "resubmit":              (OK,  NF,       FB,      FB,    NF,   NF,  FB,   NF,       NF,    NF),
    "start_review":          (FB,  NF,       OK,      OK,    NF,   NF,  OK,   NF,       NF,    NF),
    "return_for_correction": (FB,  NF,       OK,      OK,    NF,   NF,  OK,   NF,       NF,    NF),
    "acknowledge":           (FB,  NF,       OK,      OK,    NF,   NF,  OK,   NF,       NF,    NF),
    "refer":                 (FB,  NF,       OK,      OK,    NF,   NF,  OK,   NF,       NF,    NF),
    "conclude":              (FB,  NF,       FB,      FB,    NF,   NF,  OK,   NF,       NF,    NF),
    "publish":               (FB,  NF,       OK,      OK,    NF,   NF,  OK,   NF,       NF,    NF),
    "withdraw_publication":  (FB,  NF,       FB,      FB,    NF,   NF,  OK,   NF,       NF,    NF),
    "record_resolution":     (FB,  NF,       OK,      OK,    NF,   NF,  OK,   NF,       NF,    NF),
    "resolve_flag":          (FB,  NF,       OK,      OK,    NF,   NF,  OK,   NF,       NF,    NF),
}

TENDER_MATRIX = {
    #                        filer colleague reviewer parent other anon super secretary member external
    "add_bidder":            (FB,  NF,       FB,      FB,    NF,   NF,  OK,   OK,       FB,    FB),
    "add_member":            (FB,  NF,       FB,      FB,    NF,   NF,  OK,   OK,       FB,    FB),
    "recuse":                (FB,  NF,       FB,      FB,    NF,   NF,  OK,   OK,       FB,    FB),
    "open_declarations":     (FB,  NF,       FB,      FB,    NF,   NF,  OK,   OK,       FB,    FB),
    "clear":                 (FB,  NF,       FB,      FB,    NF,   NF,  OK,   OK,       FB,    FB),
    "start_evaluation":      (FB,  NF,       FB,      FB,    NF,   NF,  OK,   OK,       FB,    FB),
    "close":                 (FB,  NF,       FB,      FB,    NF,   NF,  OK,   OK,       FB,    FB),
}

# For the filer's submitted committee notice, their submitted ordinary notice and the declaring tender:
# (get_visible_notice: committee notice, in visible_notices, in notice_review_queue_for,
#  get_visible_notice: ordinary notice, get_visible_tender, in visible_tenders)
READ_MATRIX = {
    "filer":           (True,  True,  False, True,  True,  True),
    "colleague":       (False, False, False, False, False, False),
    "reviewer":        (True,  True,  True,  True,  True,  True),
    "parent_reviewer": (True,  True,  True,  True,  True,  True),
    "other_reviewer":  (False, False, False, False, False, False),
    "anonymous":       (False, False, False, False, False, False),
    "superuser":       (True,  True,  True,  True,  True,  True),
    "secretary":       (False, False, False, False, True,  True),
    "member":          (False, False, False, False, True,  True),
    "external":        (False, False, False, False, True,  True),
}
# fmt: on

# The notice state each notice action starts from, and where a transition leads.
NOTICE_SOURCE = {
    "submit": "draft",
    "resubmit": "returned",
    "start_review": "submitted",
    "return_for_correction": "under_review",
    "acknowledge": "under_review",
    "refer": "under_review",
    "conclude": "referred",
    "publish": "acknowledged",
    "withdraw_publication": "published",
    "record_resolution": "under_review",
    "resolve_flag": "under_review",
}
NOTICE_TARGET = {
    "submit": "submitted",
    "resubmit": "submitted",
    "start_review": "under_review",
    "return_for_correction": "returned",
    "acknowledge": "acknowledged",
    "refer": "referred",
    "conclude": "concluded",
    "publish": "published",
    "withdraw_publication": "withdrawn",
}
# The tender state each tender action starts from, and the state it leaves the tender in.
TENDER_SOURCE = {
    "add_bidder": "declaring",
    "add_member": "declaring",
    "recuse": "declaring",
    "open_declarations": "forming",
    "clear": "declaring",
    "start_evaluation": "cleared",
    "close": "evaluating",
}
TENDER_TARGET = {
    "add_bidder": "declaring",
    "add_member": "declaring",
    "recuse": "declaring",
    "open_declarations": "declaring",
    "clear": "cleared",
    "start_evaluation": "evaluating",
    "close": "closed",
}

NOTICE_CASES = [(name, role, NOTICE_MATRIX[name][i]) for name in NOTICE_MATRIX for i, role in enumerate(ROLES)]
TENDER_CASES = [(name, role, TENDER_MATRIX[name][i]) for name in TENDER_MATRIX for i, role in enumerate(ROLES)]


def _people(*, declared=True):
    """An organisation under a parent, an unrelated one, and the users of every role but the external.

    With ``declared``, the filer's accepted declaration lists the bidder, so their notice is flagged.
    """
    parent = OrganisationFactory(kind="governor_office")
    organisation = OrganisationFactory(parent=parent)
    reviewer = make_reviewer(organisation)
    filer_position, member_position = PositionFactory.create_batch(2, organisation=organisation)
    if declared:
        make_accepted_declaration(filer_position, companies=[BIDDER], reviewer=reviewer)
    users = {
        "filer": filer_position.official.user,
        "colleague": PositionFactory(organisation=organisation).official.user,
        "reviewer": reviewer,
        "parent_reviewer": make_reviewer(parent),
        "other_reviewer": make_reviewer(OrganisationFactory()),
        "anonymous": AnonymousUser(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "secretary": PositionFactory(organisation=organisation, title="Нарийн бичгийн дарга").official.user,
        "member": member_position.official.user,
    }
    return organisation, [filer_position, member_position], users


def _tender(state, organisation, members, users, *, gate_open=False):
    tender = make_tender(
        state,
        organisation=organisation,
        secretary=users["secretary"],
        reviewer=users["reviewer"],
        members=members,
        externals=[EXTERNAL],
        bidders=[BIDDER],
        gate_open=gate_open,
    )
    users["external"] = CommitteeMember.objects.get(tender=tender, kind="citizen").user
    return tender


def _committee_notice(state, tender, users):
    """The filer's committee notice in ``state``; flagged for the bidder once submitted."""
    reviewer = users["reviewer"]
    notice = latest_notice(CommitteeMember.objects.get(tender=tender, user=users["filer"]))
    if state == "draft":
        notices.notice_update(
            actor=users["filer"], notice_id=notice.pk, action_date="2099-01-15", outcome="no_conflict"
        )
        return Notice.objects.get(pk=notice.pk)
    notice = declare(notice)
    if state == "submitted":
        return notice
    notice = advance_notice_from_submitted(notice, "under_review", reviewer=reviewer)
    if state == "returned":
        notices.notice_return_for_correction(actor=reviewer, notice_id=notice.pk, comment=RETURN_COMMENT)
    if state == "referred":
        notices.notice_refer(actor=reviewer, notice_id=notice.pk, **TRANSITION_ARGS["refer"])
    if state in ("acknowledged", "published"):
        notice = _acknowledged(notice, reviewer)
    if state == "published":
        notices.notice_publish(actor=reviewer, notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.state == state
    return notice


def _acknowledged(notice, reviewer):
    for flag in notice.red_flags.all():
        notices.notice_resolve_flag(actor=reviewer, notice_id=notice.pk, flag_id=flag.pk, reason=FLAG_REASON)
    return notices.notice_acknowledge(actor=reviewer, notice_id=notice.pk)


def _notice_action(name, user, notice):
    if name == "record_resolution":
        return notices.notice_record_resolution(actor=user, notice_id=notice.pk, resolution=RESOLUTION)
    if name == "resolve_flag":
        flag = notice.red_flags.get()
        return notices.notice_resolve_flag(actor=user, notice_id=notice.pk, flag_id=flag.pk, reason=FLAG_REASON)
    kwargs = {"comment": RETURN_COMMENT} if name == "return_for_correction" else TRANSITION_ARGS.get(name, {})
    return notices.NOTICE_TRANSITION_SERVICES[name](actor=user, notice_id=notice.pk, **kwargs)


def _footprint():
    """Everything a notice or tender action could change."""
    return {
        "notices": list(
            Notice.objects.order_by("pk").values_list(
                "pk", "state", "updated_at", "resolution", "submitted_at", "acknowledged_at", "published_at"
            )
        ),
        "flags": list(
            RedFlag.objects.order_by("pk").values_list("pk", "resolved_at", "resolved_by", "resolution_reason")
        ),
        "log_rows": TransitionLog.objects.count(),
        "conclusions": Conclusion.objects.count(),
        "snapshots": list(PublicSnapshot.objects.order_by("pk").values_list("pk", "withdrawn_at", "withdrawal_reason")),
        "tenders": list(Tender.objects.order_by("pk").values_list("pk", "state", "updated_at")),
        "bidders": list(Bidder.objects.order_by("pk").values_list("pk", flat=True)),
        "members": list(CommitteeMember.objects.order_by("pk").values_list("pk", "is_recused", "replaced_by")),
        "users": User.objects.count(),
    }


def test_the_matrices_cover_every_action_and_role():
    assert sorted(NOTICE_MATRIX) == sorted([*notices.NOTICE_TRANSITIONS, "record_resolution", "resolve_flag"])
    assert sorted(TENDER_MATRIX) == sorted([*tenders.TENDER_TRANSITION_SERVICES, "add_bidder", "add_member", "recuse"])
    assert all(len(row) == len(ROLES) for row in [*NOTICE_MATRIX.values(), *TENDER_MATRIX.values()])
    assert sorted(READ_MATRIX) == sorted(ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "role", "expected"), NOTICE_CASES, ids=[f"{name}-{role}" for name, role, _ in NOTICE_CASES]
)
def test_notice_action_permission(name, role, expected, django_capture_on_commit_callbacks):
    # given the filer's committee notice in the action's source state, and a user in ``role``
    organisation, members, users = _people()
    tender = _tender("declaring", organisation, members, users)
    notice = _committee_notice(NOTICE_SOURCE[name], tender, users)
    if name == "acknowledge":
        flag = notice.red_flags.get()
        notices.notice_resolve_flag(actor=users["reviewer"], notice_id=notice.pk, flag_id=flag.pk, reason=FLAG_REASON)
    user = users[role]
    before = _footprint()
    old_log_ids = list(audit.history_for(notice).values_list("pk", flat=True))

    if expected == OK:
        # when
        _notice_action(name, user, notice)

        # then
        stored = Notice.objects.get(pk=notice.pk)
        new_rows = list(audit.history_for(notice).exclude(pk__in=old_log_ids).values_list("transition", "actor_id"))
        if name == "record_resolution":
            assert (stored.state, stored.resolution) == ("under_review", RESOLUTION)
            assert new_rows == [("record_resolution", user.pk)]
        elif name == "resolve_flag":
            flag = RedFlag.objects.get(notice=notice)
            assert (flag.resolved_by_id, flag.resolution_reason) == (user.pk, FLAG_REASON)
            assert new_rows == [("resolve_red_flag", user.pk)]
        else:
            assert (stored.state, new_rows) == (NOTICE_TARGET[name], [(name, user.pk)])
        return

    error = errors.ObjectNotFound if expected == NF else errors.ActionForbidden
    # when
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(error) as denied:
        _notice_action(name, user, notice)

    # then nothing changed and nothing was scheduled
    assert type(denied.value) is error
    if expected == FB:
        assert str(denied.value.message) == "You are not allowed to take this action on this filing."
    assert _footprint() == before
    assert callbacks == []


def _tender_action(name, user, tender, users, newcomer):
    if name == "add_bidder":
        return tenders.tender_add_bidder(
            actor=user, tender_id=tender.pk, name="Шинэ Зам ХХК", register_number="7012345"
        )
    if name == "add_member":
        return tenders.tender_add_member(
            actor=user, tender_id=tender.pk, kind="official", official_id=newcomer.official_id
        )
    if name == "recuse":
        member = CommitteeMember.objects.get(tender=tender, user=users["member"])
        return tenders.tender_recuse_member(
            actor=user, tender_id=tender.pk, member_id=member.pk, kind="official", official_id=newcomer.official_id
        )
    return tenders.TENDER_TRANSITION_SERVICES[name](actor=user, tender_id=tender.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "role", "expected"), TENDER_CASES, ids=[f"{name}-{role}" for name, role, _ in TENDER_CASES]
)
def test_tender_action_permission(name, role, expected, django_capture_on_commit_callbacks):
    # given a tender in the action's source state (its committee cleared when it is to be cleared)
    organisation, members, users = _people(declared=False)
    tender = _tender(TENDER_SOURCE[name], organisation, members, users, gate_open=name == "clear")
    newcomer = PositionFactory(organisation=organisation)
    user = users[role]
    before = _footprint()
    old_log_ids = list(audit.history_for(tender).values_list("pk", flat=True))

    if expected == OK:
        # when
        _tender_action(name, user, tender, users, newcomer)

        # then
        assert Tender.objects.get(pk=tender.pk).state == TENDER_TARGET[name]
        new_rows = list(audit.history_for(tender).exclude(pk__in=old_log_ids).values_list("transition", "actor_id"))
        assert new_rows == ([(name, user.pk)] if name in tenders.TENDER_TRANSITION_SERVICES else [])
        if name == "add_bidder":
            assert list(tender.bidders.values_list("register_number", flat=True)) == ["2345678", "7012345"]
        if name == "add_member":
            assert tender.members.filter(official=newcomer.official, is_recused=False).count() == 1
        if name == "recuse":
            recused = CommitteeMember.objects.get(tender=tender, user=users["member"])
            assert (recused.is_recused, recused.replaced_by.official_id) == (True, newcomer.official_id)
        return

    error = errors.ObjectNotFound if expected == NF else errors.ActionForbidden
    # when
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(error) as denied:
        _tender_action(name, user, tender, users, newcomer)

    # then nothing changed and nothing was scheduled
    assert type(denied.value) is error
    if expected == FB:
        assert str(denied.value.message) == "You are not allowed to take this action on this filing."
    assert _footprint() == before
    assert callbacks == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_read_permission(role):
    # given the filer's submitted committee notice and ordinary notice, and a user in ``role``
    organisation, members, users = _people()
    tender = _tender("declaring", organisation, members, users)
    committee_notice = _committee_notice("submitted", tender, users)
    ordinary = make_notice("submitted", position=members[0], reviewer=users["reviewer"])
    user = users[role]

    # when
    def sees_notice(notice):
        try:
            return policies.get_visible_notice(user, notice.pk).pk == notice.pk
        except errors.ObjectNotFound:
            return False

    def sees_tender():
        try:
            return policies.get_visible_tender(user, tender.pk).pk == tender.pk
        except errors.ObjectNotFound:
            return False

    seen = (
        sees_notice(committee_notice),
        policies.visible_notices(user).filter(pk=committee_notice.pk).exists(),
        policies.notice_review_queue_for(user).filter(pk=committee_notice.pk).exists(),
        sees_notice(ordinary),
        sees_tender(),
        policies.visible_tenders(user).filter(pk=tender.pk).exists(),
    )

    # then
    assert seen == READ_MATRIX[role]


@pytest.mark.django_db
def test_an_inactive_reviewer_sees_nothing_and_may_do_nothing():
    # given a submitted notice and a deactivated ЭБАТ of its organisation
    position = PositionFactory()
    notice = make_notice("submitted", position=position)
    reviewer = make_reviewer(position.organisation)
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    before = _footprint()

    # when / then
    assert policies.visible_notices(reviewer).count() == 0
    assert policies.notice_review_queue_for(reviewer).count() == 0
    with pytest.raises(errors.ObjectNotFound):
        notices.notice_start_review(actor=reviewer, notice_id=notice.pk)
    assert _footprint() == before


@pytest.mark.django_db
def test_a_reviewer_does_not_review_their_own_notice():
    # given an ЭБАТ who files a notice in their own organisation
    organisation = OrganisationFactory()
    reviewer = make_reviewer(organisation)
    own_position = reviewer.official.positions.get()
    notice = make_notice("submitted", position=own_position)
    before = _footprint()

    # when / then: they see it, it is not in their queue, and they may not review it
    assert policies.get_visible_notice(reviewer, notice.pk).pk == notice.pk
    assert policies.notice_review_queue_for(reviewer).filter(pk=notice.pk).exists() is False
    with pytest.raises(errors.ActionForbidden):
        notices.notice_start_review(actor=reviewer, notice_id=notice.pk)
    assert _footprint() == before


# For the declaring tender with the filer's submitted notice: (filer accounts whose notice the user
# follows on the tender, follows the whole committee and so reads the gate)
COMMITTEE_MATRIX = {
    "filer": ({"filer"}, False),
    "colleague": (set(), False),
    "reviewer": ({"filer", "member", "external"}, True),
    "parent_reviewer": ({"filer", "member", "external"}, True),
    "other_reviewer": (set(), False),
    "anonymous": (set(), False),
    "superuser": ({"filer", "member", "external"}, True),
    "secretary": ({"filer", "member", "external"}, True),
    "member": ({"member"}, False),
    "external": ({"external"}, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_follows_the_committees_notices(role):
    # given a declaring tender where the filer submitted their notice and the others hold drafts
    organisation, members, users = _people()
    tender = _tender("declaring", organisation, members, users)
    _committee_notice("submitted", tender, users)
    roles_by_user = {users[name].pk: name for name in ("filer", "member", "external")}

    # when
    latest, whole = policies.committee_notices(users[role], tender)

    # then only the state, outcome and supplementary flag of each followed member's latest notice are loaded
    assert ({roles_by_user[filer_id] for filer_id in latest}, whole) == COMMITTEE_MATRIX[role]
    for notice in latest.values():
        assert notice.get_deferred_fields() >= {"interest_nature", "counterparty_name", "resolution"}
    if "filer" in {roles_by_user[filer_id] for filer_id in latest}:
        assert latest[users["filer"].pk].state == "submitted"


def test_the_committee_matrix_covers_every_role():
    assert sorted(COMMITTEE_MATRIX) == sorted(ROLES)
