"""The tender state graph as a table, committee changes per state, and supplementary notices (DESIGN §3).

Each transition is attempted by the procurement secretary, whose committee has members and, for
``declaring``, an open clearing gate: a refusal can only be due to the state.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from declarations.models import Bidder, CommitteeMember, Notice, Tender, TenderState
from tests.factories import OrganisationFactory, PositionFactory, make_reviewer
from tests.notice_factories import clear_members, declare, latest_notice, make_tender
from workflow import audit, errors, graphs, tenders
from workflow.models import TransitionLog

User = get_user_model()

# state → {transition: target}; a pair missing here must be refused.
GRAPH = {
    "forming": {"open_declarations": "declaring"},
    "declaring": {"clear": "cleared"},
    "cleared": {"reopen_declarations": "declaring", "start_evaluation": "evaluating"},
    "evaluating": {"close": "closed"},
    "closed": {},
}
STATES = ["forming", "declaring", "cleared", "evaluating", "closed"]
# The transitions a secretary asks for; ``reopen_declarations`` is taken by adding a bidder or member.
SERVICES = ["open_declarations", "clear", "start_evaluation", "close"]
# What the secretary may still do from each state (``allowed`` in a refusal), in the code's order.
ALLOWED = {
    "forming": ["open_declarations"],
    "declaring": ["clear"],
    "cleared": ["start_evaluation"],
    "evaluating": ["close"],
    "closed": [],
}
PAIRS = [(state, name) for state in STATES for name in SERVICES]
WRONG_STATE = "This action is not possible in the state “{}”."


def _footprint(tender):
    return {
        **Tender.objects.values("state", "updated_at").get(pk=tender.pk),
        "log_rows": TransitionLog.objects.count(),
        "notices": list(Notice.objects.order_by("pk").values_list("pk", "state", "is_supplementary")),
        "bidders": list(Bidder.objects.filter(tender=tender).values_list("pk", flat=True)),
        "members": list(CommitteeMember.objects.order_by("pk").values_list("pk", "is_recused", "replaced_by")),
    }


def _members(tender):
    return list(CommitteeMember.objects.filter(tender=tender).order_by("pk"))


def test_the_table_names_every_state_and_transition_of_the_code():
    assert sorted(STATES) == sorted(TenderState.values)
    assert sorted(GRAPH) == sorted(STATES)
    assert list(tenders.TENDER_TRANSITIONS) == [
        "open_declarations",
        "clear",
        "start_evaluation",
        "close",
    ]
    assert list(tenders.TENDER_TRANSITION_SERVICES) == SERVICES


def test_the_graph_declared_on_the_model_is_the_table():
    expected = [(source, name, target) for source, moves in GRAPH.items() for name, target in moves.items()]

    assert sorted(graphs.transitions_of(Tender)) == sorted(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "name"), PAIRS, ids=[f"{state}-{name}" for state, name in PAIRS])
def test_each_transition_from_each_state_reaches_its_target_or_is_refused(
    state, name, django_capture_on_commit_callbacks
):
    # given a tender in ``state`` with two members, every member cleared if it is declaring
    organisation = OrganisationFactory()
    members = PositionFactory.create_batch(2, organisation=organisation)
    tender = make_tender(state, organisation=organisation, members=members, gate_open=True)
    secretary = tender.secretary
    before = _footprint(tender)
    old_ids = list(audit.history_for(tender).values_list("pk", flat=True))
    service = tenders.TENDER_TRANSITION_SERVICES[name]

    if name in GRAPH[state]:
        # when
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = service(actor=secretary, tender_id=tender.pk)

        # then it reaches exactly its target, with exactly one new log row
        target = GRAPH[state][name]
        assert result.state == target
        after = _footprint(tender)
        assert after["state"] == target
        new_rows = audit.history_for(tender).exclude(pk__in=old_ids)
        assert list(new_rows.values_list("transition", "from_state", "to_state", "actor_id")) == [
            (name, state, target, secretary.pk)
        ]
        assert after["log_rows"] == before["log_rows"] + 1
        assert (after["bidders"], after["members"]) == (before["bidders"], before["members"])
        if name == "open_declarations":
            # a notice draft for every member, and one reminder after commit
            new_notices = Notice.objects.exclude(pk__in=[pk for pk, *_ in before["notices"]])
            assert sorted(new_notices.values_list("filer_id", "state", "is_supplementary", "tender_id")) == sorted(
                (position.official.user_id, "draft", False, tender.pk) for position in members
            )
            assert len(callbacks) == 1
        else:
            assert after["notices"] == before["notices"]
            assert callbacks == []
    else:
        # when
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(errors.TransitionNotAllowed) as refused:
            service(actor=secretary, tender_id=tender.pk)

        # then it is refused for the state, and nothing changed
        assert refused.value.state == state
        assert refused.value.transition == name
        assert refused.value.allowed == ALLOWED[state]
        assert refused.value.state_label == TenderState(state).label
        assert refused.value.message == WRONG_STATE.format(TenderState(state).label)
        assert _footprint(tender) == before
        assert callbacks == []


@pytest.mark.django_db
def test_opening_declarations_needs_a_member():
    # given a tender still forming, with bidders but no committee member
    tender = make_tender("forming", members=[])
    before = _footprint(tender)

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        tenders.tender_open_declarations(actor=tender.secretary, tender_id=tender.pk)

    # then
    assert refused.value.message == "The committee has no members."
    assert refused.value.allowed == []
    assert _footprint(tender) == before


@pytest.mark.django_db
def test_clearing_needs_the_gate():
    # given a declaring tender whose member has not declared yet
    member_position = PositionFactory()
    tender = make_tender("declaring", members=[member_position])
    before = _footprint(tender)

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        tenders.tender_clear(actor=tender.secretary, tender_id=tender.pk)

    # then
    assert refused.value.message == f"{member_position.official.full_name} has not submitted a notice for this tender."
    assert refused.value.allowed == []
    assert _footprint(tender) == before


# --- Committee and bidder changes per state --------------------------------------------------------

CHANGES = {
    "add_bidder": lambda tender, world: tenders.tender_add_bidder(
        actor=tender.secretary, tender_id=tender.pk, name="Шинэ Зам ХХК", register_number="7012345"
    ),
    "add_member": lambda tender, world: tenders.tender_add_member(
        actor=tender.secretary, tender_id=tender.pk, kind="official", official_id=world["newcomer"].official_id
    ),
    "recuse": lambda tender, world: tenders.tender_recuse_member(
        actor=tender.secretary,
        tender_id=tender.pk,
        member_id=world["seated"].pk,
        kind="official",
        official_id=world["newcomer"].official_id,
    ),
}
CHANGE_CASES = [(state, change) for state in STATES for change in CHANGES]
CHANGEABLE = {"forming", "declaring", "cleared"}


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "change"), CHANGE_CASES, ids=[f"{s}-{c}" for s, c in CHANGE_CASES])
def test_the_committee_and_bidders_change_only_until_evaluation_starts(state, change):
    # given a tender in ``state``, a seated member and an official who could join
    organisation = OrganisationFactory()
    tender = make_tender(
        state, organisation=organisation, members=PositionFactory.create_batch(2, organisation=organisation)
    )
    world = {"seated": _members(tender)[0], "newcomer": PositionFactory(organisation=organisation)}
    before = _footprint(tender)

    if state in CHANGEABLE:
        # when
        CHANGES[change](tender, world)

        # then the change is made; the tender is declaring again if it had been cleared
        after = _footprint(tender)
        assert after != before
        assert after["state"] == ("declaring" if state == "cleared" else state)
        return

    # when
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        CHANGES[change](tender, world)

    # then
    assert refused.value.message == "Bidders and members cannot change once the evaluation has started."
    assert (refused.value.state, refused.value.transition) == (state, "change_committee")
    assert refused.value.allowed == ALLOWED[state]
    assert _footprint(tender) == before


# --- Supplementary notices: a new bidder or member after declarations opened --------------------------


@pytest.mark.django_db
def test_a_bidder_added_while_forming_asks_nobody_to_declare():
    # given a tender still forming, with a member
    tender = make_tender("forming")

    # when
    tenders.tender_add_bidder(
        actor=tender.secretary, tender_id=tender.pk, name="Шинэ Зам ХХК", register_number="7012345"
    )

    # then
    assert Notice.objects.filter(tender=tender).count() == 0
    assert list(tender.bidders.values_list("name", "name_normalised", "register_number")) == [
        ("Хөх Тэнгэр Констракшн ХХК", "хөх тэнгэр констракшн ххк", "6012345"),
        ("Шинэ Зам ХХК", "шинэ зам ххк", "7012345"),
    ]


@pytest.mark.django_db
def test_a_bidder_added_while_declaring_asks_every_active_member_for_a_supplementary_notice(
    django_capture_on_commit_callbacks, mailoutbox
):
    # given a declaring tender with two members, one of whom already filed
    organisation = OrganisationFactory()
    first, second = PositionFactory.create_batch(2, organisation=organisation)
    tender = make_tender("declaring", organisation=organisation, members=[first, second])
    filed = declare(latest_notice(_members(tender)[0]))
    old_notice_ids = list(Notice.objects.values_list("pk", flat=True))
    log_rows = TransitionLog.objects.count()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        tenders.tender_add_bidder(
            actor=tender.secretary, tender_id=tender.pk, name="Шинэ Зам ХХК", register_number="7012345"
        )

    # then each member has a new supplementary draft, the filed notice is untouched, the tender stays declaring
    new = Notice.objects.exclude(pk__in=old_notice_ids).order_by("filer_id")
    assert list(new.values_list("filer_id", "state", "is_supplementary", "tender_id", "category__code")) == sorted(
        [
            (first.official.user_id, "draft", True, tender.pk, "procurement_committee"),
            (second.official.user_id, "draft", True, tender.pk, "procurement_committee"),
        ]
    )
    assert Notice.objects.get(pk=filed.pk).state == "submitted"
    assert Tender.objects.get(pk=tender.pk).state == "declaring"
    assert TransitionLog.objects.count() == log_rows
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [first.official.user.email, second.official.user.email]
    )


@pytest.mark.django_db
def test_a_bidder_added_after_clearing_sends_the_tender_back_to_declaring_with_a_log_row():
    # given a cleared tender with two members
    organisation = OrganisationFactory()
    first, second = PositionFactory.create_batch(2, organisation=organisation)
    tender = make_tender("cleared", organisation=organisation, members=[first, second])
    old_notice_ids = list(Notice.objects.values_list("pk", flat=True))
    old_log_ids = list(audit.history_for(tender).values_list("pk", flat=True))

    # when
    tenders.tender_add_bidder(
        actor=tender.secretary, tender_id=tender.pk, name="Шинэ Зам ХХК", register_number="7012345"
    )

    # then
    assert Tender.objects.get(pk=tender.pk).state == "declaring"
    assert list(
        audit.history_for(tender)
        .exclude(pk__in=old_log_ids)
        .values_list("transition", "from_state", "to_state", "actor_id")
    ) == [("reopen_declarations", "cleared", "declaring", tender.secretary_id)]
    new = Notice.objects.exclude(pk__in=old_notice_ids)
    assert sorted(new.values_list("filer_id", "state", "is_supplementary")) == sorted(
        [(first.official.user_id, "draft", True), (second.official.user_id, "draft", True)]
    )
    # and the gate is closed again until both members file the supplementary notice
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        tenders.tender_clear(actor=tender.secretary, tender_id=tender.pk)
    assert refused.value.message == (
        f"{first.official.full_name} has not submitted a notice for this tender. "
        f"{second.official.full_name} has not submitted a notice for this tender."
    )


@pytest.mark.django_db
def test_the_tender_clears_again_once_every_member_files_the_supplementary_notice():
    # given a cleared tender sent back to declaring by a new bidder
    organisation = OrganisationFactory()
    reviewer = make_reviewer(organisation)
    tender = make_tender("cleared", organisation=organisation, reviewer=reviewer)
    tenders.tender_add_bidder(
        actor=tender.secretary, tender_id=tender.pk, name="Шинэ Зам ХХК", register_number="7012345"
    )

    # when every member files and the ЭБАТ acknowledges the supplementary notices
    clear_members(tender, reviewer=reviewer)
    cleared = tenders.tender_clear(actor=tender.secretary, tender_id=tender.pk)

    # then
    assert cleared.state == "cleared"
    assert list(audit.history_for(tender).values_list("transition", flat=True)) == [
        "open_declarations",
        "clear",
        "reopen_declarations",
        "clear",
    ]


@pytest.mark.django_db
def test_a_member_added_while_declaring_files_a_notice_and_the_others_a_supplementary_one(
    django_capture_on_commit_callbacks, mailoutbox
):
    # given a declaring tender with one member
    organisation = OrganisationFactory()
    seated = PositionFactory(organisation=organisation)
    newcomer = PositionFactory(organisation=organisation)
    tender = make_tender("declaring", organisation=organisation, members=[seated])
    old_notice_ids = list(Notice.objects.values_list("pk", flat=True))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        member = tenders.tender_add_member(
            actor=tender.secretary, tender_id=tender.pk, kind="official", official_id=newcomer.official_id
        )

    # then
    assert (member.user_id, member.official_id, member.kind, member.full_name) == (
        newcomer.official.user_id,
        newcomer.official_id,
        "official",
        newcomer.official.full_name,
    )
    new = Notice.objects.exclude(pk__in=old_notice_ids)
    assert sorted(new.values_list("filer_id", "official_id", "state", "is_supplementary")) == sorted(
        [
            (newcomer.official.user_id, newcomer.official_id, "draft", False),
            (seated.official.user_id, seated.official_id, "draft", True),
        ]
    )
    assert Tender.objects.get(pk=tender.pk).state == "declaring"
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [seated.official.user.email, newcomer.official.user.email]
    )


@pytest.mark.django_db
def test_a_member_added_after_clearing_sends_the_tender_back_to_declaring():
    # given a cleared tender
    organisation = OrganisationFactory()
    tender = make_tender("cleared", organisation=organisation)
    newcomer = PositionFactory(organisation=organisation)
    old_log_ids = list(audit.history_for(tender).values_list("pk", flat=True))

    # when
    tenders.tender_add_member(
        actor=tender.secretary, tender_id=tender.pk, kind="official", official_id=newcomer.official_id
    )

    # then
    assert Tender.objects.get(pk=tender.pk).state == "declaring"
    assert list(audit.history_for(tender).exclude(pk__in=old_log_ids).values_list("transition", flat=True)) == [
        "reopen_declarations"
    ]
    assert Notice.objects.filter(tender=tender, filer=newcomer.official.user, is_supplementary=False).count() == 1


@pytest.mark.django_db
def test_a_member_added_while_forming_gets_a_notice_only_when_declarations_open():
    # given a forming tender
    tender = make_tender("forming", members=[])
    newcomer = PositionFactory(organisation=tender.organisation)

    # when
    tenders.tender_add_member(
        actor=tender.secretary, tender_id=tender.pk, kind="official", official_id=newcomer.official_id
    )

    # then
    assert Notice.objects.filter(tender=tender).count() == 0
    tenders.tender_open_declarations(actor=tender.secretary, tender_id=tender.pk)
    assert list(Notice.objects.filter(tender=tender).values_list("filer_id", "is_supplementary", "title")) == [
        (newcomer.official.user_id, False, "Сургуулийн барилгын засвар")
    ]


# --- Input of the tender services ------------------------------------------------------------------


def _messages(invalid):
    return {key: [str(message) for message in messages] for key, messages in invalid.value.errors.items()}


@pytest.mark.django_db
def test_the_official_who_opens_a_tender_becomes_its_secretary():
    # given an official of the organisation
    position = PositionFactory()

    # when
    tender = tenders.tender_create(
        actor=position.official.user, organisation=position.organisation, reference_number=" ХА-2025/1 ", title="Засвар"
    )

    # then
    stored = Tender.objects.get(pk=tender.pk)
    assert (stored.reference_number, stored.title, stored.state, stored.secretary_id) == (
        "ХА-2025/1",
        "Засвар",
        "forming",
        position.official.user_id,
    )
    assert position.official.user.has_perm("declarations.manage_committee", stored)
    assert tenders.available_tender_transitions(stored, position.official.user) == []


@pytest.mark.django_db
def test_an_official_with_a_position_ending_later_may_open_a_tender():
    # given an official whose term ends next year
    position = PositionFactory(end_date="2099-12-31")

    # when
    tender = tenders.tender_create(
        actor=position.official.user, organisation=position.organisation, reference_number="ХА-1", title="Засвар"
    )

    # then
    assert tender.secretary_id == position.official.user_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    "where", ["other_organisation", "ended_position", "parent_organisation", "inactive_user", "anonymous"]
)
def test_a_tender_is_opened_only_where_the_actor_holds_a_position(where):
    # given an official and an organisation where they hold no active position
    parent = OrganisationFactory()
    position = PositionFactory(organisation=OrganisationFactory(parent=parent))
    actor = AnonymousUser() if where == "anonymous" else position.official.user
    target = {"other_organisation": OrganisationFactory(), "parent_organisation": parent}.get(
        where, position.organisation
    )
    if where == "ended_position":
        position.end_date = "2021-06-30"
        position.save()
    if where == "inactive_user":
        actor.is_active = False
        actor.save()

    # when
    with pytest.raises(errors.ActionForbidden) as denied:
        tenders.tender_create(actor=actor, organisation=target, reference_number="ХА-1", title="Засвар")

    # then
    assert str(denied.value.message) == "You can open a tender only for an organisation where you hold a position."
    assert Tender.objects.count() == 0


@pytest.mark.django_db
def test_a_tender_reference_number_is_unique():
    # given a tender
    tender = make_tender("forming")
    position = PositionFactory(organisation=tender.organisation)

    # when
    with pytest.raises(errors.StateConflict) as conflict:
        tenders.tender_create(
            actor=position.official.user,
            organisation=tender.organisation,
            reference_number=tender.reference_number,
            title="Өөр",
        )

    # then
    assert str(conflict.value.message) == "A tender with this reference number already exists."
    assert Tender.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reference_number", "title", "expected"),
    [
        ("", "Засвар", {"reference_number": ["This field is required."]}),
        ("ХА-1", "  ", {"title": ["This field is required."]}),
        ("Х" * 65, "Засвар", {"reference_number": ["Ensure this value has at most 64 characters."]}),
    ],
)
def test_a_tender_needs_a_reference_number_and_a_title(reference_number, title, expected):
    position = PositionFactory()

    with pytest.raises(errors.InvalidInput) as invalid:
        tenders.tender_create(
            actor=position.official.user,
            organisation=position.organisation,
            reference_number=reference_number,
            title=title,
        )

    assert _messages(invalid) == expected
    assert Tender.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "register_number", "expected"),
    [
        ("", "7012345", {"name": ["This field is required."]}),
        ("Шинэ Зам ХХК", "701234", {"register_number": ["Enter a company registration number of 7 digits."]}),
        ("Шинэ Зам ХХК", "70123456", {"register_number": ["Ensure this value has at most 7 characters."]}),
        ("Шинэ Зам ХХК", "70l2345", {"register_number": ["Enter a company registration number of 7 digits."]}),
    ],
)
def test_a_bidder_needs_a_name_and_a_valid_registration_number(name, register_number, expected):
    tender = make_tender("forming")
    before = _footprint(tender)

    with pytest.raises(errors.InvalidInput) as invalid:
        tenders.tender_add_bidder(
            actor=tender.secretary, tender_id=tender.pk, name=name, register_number=register_number
        )

    assert _messages(invalid) == expected
    assert _footprint(tender) == before


@pytest.mark.django_db
def test_a_bidder_is_registered_once_per_registration_number():
    tender = make_tender("declaring")
    before = _footprint(tender)

    with pytest.raises(errors.StateConflict) as conflict:
        tenders.tender_add_bidder(
            actor=tender.secretary, tender_id=tender.pk, name="Өөр нэр ХХК", register_number="6012345"
        )

    assert str(conflict.value.message) == "This bidder is already registered for the tender."
    assert _footprint(tender) == before


@pytest.mark.django_db
def test_an_external_member_gets_an_account_without_a_position():
    # given a tender
    tender = make_tender("forming", members=[])

    # when a citizen appointed by the local council is seated
    member = tenders.tender_add_member(
        actor=tender.secretary, tender_id=tender.pk, kind="citizen", full_name=" Сүхийн Болд ", email="bold@example.mn"
    )

    # then
    stored = CommitteeMember.objects.select_related("user").get(pk=member.pk)
    assert (stored.kind, stored.full_name, stored.official_id, stored.user.email) == (
        "citizen",
        "Сүхийн Болд",
        None,
        "bold@example.mn",
    )
    assert stored.user.has_usable_password() is False
    assert not hasattr(stored.user, "official")


@pytest.mark.django_db
def test_an_external_member_already_known_by_e_mail_keeps_their_account():
    # given an external member of an earlier tender
    earlier = make_tender("forming", members=[], externals=[("Сүхийн Болд", "bold@example.mn")])
    account = _members(earlier)[0].user
    tender = make_tender("forming", members=[])

    # when the same person is seated on another tender
    member = tenders.tender_add_member(
        actor=tender.secretary, tender_id=tender.pk, kind="ngo", full_name="Сүхийн Болд", email="BOLD@example.mn"
    )

    # then
    assert member.user_id == account.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"kind": "chairman"}, {"kind": ["Select a valid choice."]}),
        ({"kind": "official", "official_id": 0}, {"official": ["Unknown official."]}),
        ({"kind": "official", "official_id": "abc"}, {"official": ["Unknown official."]}),
        (
            {"kind": "citizen", "email": "bold@example.mn"},
            {"full_name": ["An external member needs a full name and an e-mail address."]},
        ),
        (
            {"kind": "association", "full_name": "Сүхийн Болд"},
            {"email": ["An external member needs a full name and an e-mail address."]},
        ),
    ],
)
def test_a_member_needs_a_kind_and_an_identity(kwargs, expected):
    tender = make_tender("forming")
    users = User.objects.count()
    before = _footprint(tender)

    with pytest.raises(errors.InvalidInput) as invalid:
        tenders.tender_add_member(actor=tender.secretary, tender_id=tender.pk, **kwargs)

    assert _messages(invalid) == expected
    assert _footprint(tender) == before
    assert User.objects.count() == users


@pytest.mark.django_db
def test_a_person_sits_on_a_committee_once():
    position = PositionFactory()
    tender = make_tender("declaring", members=[position])
    before = _footprint(tender)

    with pytest.raises(errors.StateConflict) as conflict:
        tenders.tender_add_member(
            actor=tender.secretary, tender_id=tender.pk, kind="official", official_id=position.official_id
        )

    assert str(conflict.value.message) == "This person already sits on the committee."
    assert _footprint(tender) == before


@pytest.mark.django_db
def test_recusing_an_unknown_or_already_recused_member_is_refused():
    # given a tender whose first member was recused and replaced, and a member of another tender
    organisation = OrganisationFactory()
    tender = make_tender("declaring", organisation=organisation)
    recused = _members(tender)[0]
    tenders.tender_recuse_member(
        actor=tender.secretary,
        tender_id=tender.pk,
        member_id=recused.pk,
        kind="official",
        official_id=PositionFactory(organisation=organisation).official_id,
    )
    elsewhere = _members(make_tender("forming"))[0]
    before = _footprint(tender)
    replacement = PositionFactory(organisation=organisation).official_id

    # when / then
    with pytest.raises(errors.StateConflict) as conflict:
        tenders.tender_recuse_member(
            actor=tender.secretary, tender_id=tender.pk, member_id=recused.pk, kind="official", official_id=replacement
        )
    assert str(conflict.value.message) == "This member is already recused."
    for member_id in (elsewhere.pk, "x", None):
        with pytest.raises(errors.ObjectNotFound):
            tenders.tender_recuse_member(
                actor=tender.secretary,
                tender_id=tender.pk,
                member_id=member_id,
                kind="official",
                official_id=replacement,
            )
    assert _footprint(tender) == before
