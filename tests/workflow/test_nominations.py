"""Nominations and the nominee's preliminary declaration (ХАСУМ), DESIGN §2–4.

The nomination graph and the ХАСУМ graph as tables, a literal matrix of roles × actions, the appointment
gate, the agency's per-filing assignment, the nominee's invitation and the HR officer's input. Every
refusal is checked to leave the rows, the log and the grants exactly as they were.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from declarations.content import empty_content, sample_content
from declarations.models import (
    Conclusion,
    Declaration,
    DeclarationRevision,
    DeclarationState,
    DeclarationUserObjectPermission,
    Nomination,
    NominationState,
    Official,
    Organisation,
    OrganisationUserObjectPermission,
    Position,
    PublicSnapshot,
)
from tests.factories import (
    OrganisationFactory,
    PositionFactory,
    UserFactory,
    make_agency_reviewer,
    make_reviewer,
    make_supervisor,
)
from workflow import audit, errors, graphs, nominations, policies, referrals, services, transitions
from workflow.models import TransitionLog

User = get_user_model()
D = DeclarationState
_register_numbers = itertools.count(20000000)
_emails = itertools.count(1)
LINK = re.compile(re.escape(settings.SITE_URL) + r"(/invitation/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "Шинэ-нууц-үг-2026"

TITLE = "Санхүүгийн хэлтсийн дарга"
PRELIMINARY_CONCLUSION = {
    "finding": "no_obstacle",
    "legal_article": "Нийтийн албанд нийтийн болон хувийн ашиг сонирхлыг зохицуулах тухай хууль, 18.3",
    "reasoning": "Нэр дэвшигчийн хувийн ашиг сонирхол томилгоонд саад болохгүй.",
    "internal_notes": "Татварын мэдээлэлтэй тулгасан, зөрүүгүй.",
}
RETURN_ARGS = {"comment": "Орлогын мэдээллийг бүрэн бөглөнө үү.", "remarks": []}
WITHDRAW_REASON = "Нэр дэвшигч татгалзсан."
PUBLICATION_WITHDRAWAL = {"reason": "Шүүхийн шийдвэрээр."}


# --- Building nominations through the services ------------------------------------------------------------


def make_hr_officer(organisation: Organisation) -> Any:
    """An HR officer: an official of the organisation holding ``manage_nominations`` on it."""
    user = PositionFactory(organisation=organisation, title="Хүний нөөцийн мэргэжилтэн").official.user
    policies.grant_hr_officer(organisation=organisation, user=user)
    return User.objects.get(pk=user.pk)


def make_global_agency() -> Any:
    """An agency user with the global review permission: reviews and concludes any preliminary declaration."""
    from guardian.shortcuts import assign_perm

    user = UserFactory()
    assign_perm("declarations.review_declaration", user)
    return User.objects.get(pk=user.pk)


def nominee_fields(**overrides: Any) -> dict[str, Any]:
    """A new person's details, unique on every call."""
    number = next(_emails)
    return {
        "full_name": "Ганболдын Сарангэрэл",
        "register_number": f"ДО{next(_register_numbers)}",
        "email": f"nominee{number}@example.mn",
        "position_title": TITLE,
        **overrides,
    }


def nominate(organisation: Organisation | None = None, *, hr: Any = None, **overrides: Any) -> Nomination:
    """A nomination registered by an HR officer of the organisation (new ones unless given)."""
    organisation = organisation or OrganisationFactory()
    hr = hr or make_hr_officer(organisation)
    return nominations.nomination_create(actor=hr, organisation=organisation, **nominee_fields(**overrides))


def nominee_of(nomination: Nomination) -> Any:
    return User.objects.get(pk=nomination.nominee.user_id)


def open_preliminary(nomination: Nomination, *, complete: bool = True) -> Declaration:
    """The nominee opens the ХАСУМ draft and fills it in (autosave)."""
    nominee = nominee_of(nomination)
    declaration = nominations.preliminary_create(actor=nominee, nomination_id=nomination.pk)
    if complete:
        official = nomination.nominee
        content = sample_content(full_name=official.full_name, register_number=official.register_number)
        declaration = services.declaration_update_content(actor=nominee, declaration_id=declaration.pk, content=content)
    return declaration


# The steps that bring a fresh ХАСУМ draft to each state, with who takes each one: the nominee, the agency
# (``reviewer``), the supervisor assigning it, and the supervisor withdrawing a publication.
PRELIMINARY_PATH: dict[str, list[str]] = {
    D.DRAFT: [],
    D.DISCARDED: ["discard"],
    D.SUBMITTED: ["submit", "assign"],
    D.UNDER_REVIEW: ["submit", "assign", "start_review"],
    D.RETURNED: ["submit", "assign", "start_review", "return_for_correction"],
    D.CONCLUDED: ["submit", "assign", "start_review", "conclude"],
    D.PUBLISHED: ["submit", "assign", "start_review", "conclude", "publish"],
    D.WITHDRAWN: ["submit", "assign", "start_review", "conclude", "publish", "withdraw_publication"],
}
STEP_ARGS: dict[str, dict[str, Any]] = {
    "return_for_correction": RETURN_ARGS,
    "conclude": PRELIMINARY_CONCLUSION,
    "withdraw_publication": PUBLICATION_WITHDRAWAL,
}
NOMINEE_STEPS = ("submit", "resubmit", "discard")


@dataclass
class Case:
    """A nomination with its preliminary declaration, and the people around it."""

    organisation: Organisation
    hr: Any
    supervisor: Any
    agency: Any  # the agency reviewer the ХАСУМ is assigned to (or the global agency user)
    nomination: Nomination
    declaration: Declaration | None
    # An agency user with the global review permission reviews without being assigned.
    global_agency: bool = False

    @property
    def nominee(self) -> Any:
        return nominee_of(self.nomination)

    def refresh(self) -> Case:
        self.nomination = Nomination.objects.get(pk=self.nomination.pk)
        if self.declaration is not None:
            self.declaration = Declaration.objects.get(pk=self.declaration.pk)
        return self


def drive(case: Case, steps: list[str]) -> None:
    """Take the ХАСУМ through ``steps``, each by the user who takes it."""
    assert case.declaration is not None
    for step in steps:
        if step == "assign":
            if case.global_agency:
                continue
            referrals.assign_reviewer(
                actor=case.supervisor, model=Declaration, filing_id=case.declaration.pk, reviewer_id=case.agency.pk
            )
            policies.forget_cached_scope(case.agency)
            continue
        actor = (
            case.nominee
            if step in NOMINEE_STEPS
            else case.supervisor
            if step == "withdraw_publication"
            else case.agency
        )
        services.TRANSITION_SERVICES[step](actor=actor, declaration_id=case.declaration.pk, **STEP_ARGS.get(step, {}))
    case.refresh()


def make_case(
    declaration_state: str | None = D.DRAFT,
    *,
    nomination_state: str | None = None,
    organisation: Organisation | None = None,
    agency: Any = None,
) -> Case:
    """A nomination whose ХАСУМ is in ``declaration_state`` (``None``: not opened yet); with
    ``nomination_state`` ``appointed`` or ``withdrawn`` the HR officer then appoints or withdraws."""
    organisation = organisation or OrganisationFactory()
    hr = make_hr_officer(organisation)
    case = Case(
        organisation=organisation,
        hr=hr,
        supervisor=make_supervisor(),
        agency=agency or make_agency_reviewer(),
        nomination=nominate(organisation, hr=hr),
        declaration=None,
        global_agency=agency is not None and not agency.has_perm("declarations.agency_review"),
    )
    if declaration_state is not None:
        case.declaration = open_preliminary(case.nomination)
        drive(case, PRELIMINARY_PATH[declaration_state])
    if nomination_state == NominationState.APPOINTED:
        nominations.nomination_appoint(actor=hr, nomination_id=case.nomination.pk, start_date=timezone.localdate())
    elif nomination_state == NominationState.WITHDRAWN:
        nominations.nomination_withdraw(actor=hr, nomination_id=case.nomination.pk, reason=WITHDRAW_REASON)
    case.refresh()
    if declaration_state is not None:
        assert case.declaration is not None
        assert case.declaration.state == declaration_state
    return case


def footprint() -> dict[str, Any]:
    """Everything a refused call must leave as it was: rows, the log and the grants."""
    return {
        "nominations": list(
            Nomination.objects.order_by("pk").values_list("pk", "state", "position_id", "appointed_on", "updated_at")
        ),
        "declarations": list(Declaration.objects.order_by("pk").values_list("pk", "state", "content", "updated_at")),
        "log": list(TransitionLog.objects.order_by("pk").values_list("pk", "hash")),
        "positions": list(Position.objects.order_by("pk").values_list("pk", "official_id", "title")),
        "revisions": DeclarationRevision.objects.count(),
        "conclusions": Conclusion.objects.count(),
        "snapshots": PublicSnapshot.objects.count(),
        "declaration_grants": list(
            DeclarationUserObjectPermission.objects.order_by("pk").values_list("user_id", "content_object_id")
        ),
        "organisation_grants": list(
            OrganisationUserObjectPermission.objects.order_by("pk").values_list("user_id", "content_object_id")
        ),
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "password")),
        "officials": list(Official.objects.order_by("pk").values_list("pk", "register_number")),
    }


# --- The nomination graph -------------------------------------------------------------------------------

# state → {transition: target}; a pair missing here must be refused.
NOMINATION_GRAPH = {
    "nominated": {"declare": "declared", "withdraw": "withdrawn"},
    "declared": {"record_conclusion": "concluded", "withdraw": "withdrawn"},
    "concluded": {"appoint": "appointed", "withdraw": "withdrawn"},
    "appointed": {},
    "withdrawn": {},
}
# The model also lets ``appoint`` leave nominated and declared: its condition (the agency's conclusion)
# refuses it there, which the appointment gate tests below.
NOMINATION_CONDITIONAL_EDGES = [("nominated", "appoint", "appointed"), ("declared", "appoint", "appointed")]
NOMINATION_STATES = ["nominated", "declared", "concluded", "appointed", "withdrawn"]
NOMINATION_TRANSITIONS = ["declare", "record_conclusion", "appoint", "withdraw"]
# Who takes each: the nominee's submission declares, the agency's conclusion records, the HR officer the rest.
NOMINATION_ROLE = {"declare": "nominee", "record_conclusion": "agency", "appoint": "hr", "withdraw": "hr"}
# The ХАСУМ each nomination state goes with (a draft while nominated, so the agency has a filing to conclude).
DECLARATION_FOR = {
    "nominated": D.DRAFT,
    "declared": D.SUBMITTED,
    "concluded": D.CONCLUDED,
    "appointed": D.CONCLUDED,
    "withdrawn": D.DRAFT,
}
NOMINATION_PAIRS = [(state, name) for state in NOMINATION_STATES for name in NOMINATION_TRANSITIONS]


def _take(case: Case, name: str, actor: Any) -> Nomination:
    """Take a nomination transition the way the code does: the HR officer's through their services, the
    two that follow the ХАСУМ through the shared write path, as ``services`` and ``referrals`` call it."""
    if name == "appoint":
        return nominations.nomination_appoint(
            actor=actor, nomination_id=case.nomination.pk, start_date=timezone.localdate()
        )
    if name == "withdraw":
        return nominations.nomination_withdraw(actor=actor, nomination_id=case.nomination.pk, reason=WITHDRAW_REASON)
    pk = case.nomination.pk
    return transitions.run_transition(
        fetch_locked=lambda: Nomination.objects.select_for_update().get(pk=pk), name=name, actor=actor, names=(name,)
    )


def test_the_nomination_table_names_every_state_and_transition_of_the_code():
    assert sorted(NOMINATION_STATES) == sorted(NominationState.values)
    assert sorted(NOMINATION_GRAPH) == sorted(NOMINATION_STATES)
    assert list(nominations.NOMINATION_TRANSITIONS) == ["appoint", "withdraw"]
    assert list(nominations.NOMINATION_TRANSITION_SERVICES) == ["appoint", "withdraw"]


def test_the_nomination_graph_declared_on_the_model_is_the_table():
    expected = [(source, name, target) for source, moves in NOMINATION_GRAPH.items() for name, target in moves.items()]

    assert sorted(graphs.transitions_of(Nomination)) == sorted(expected + NOMINATION_CONDITIONAL_EDGES)


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "name"), NOMINATION_PAIRS, ids=[f"{s}-{n}" for s, n in NOMINATION_PAIRS])
def test_each_nomination_transition_from_each_state_reaches_its_target_or_is_refused(state, name):
    # given a nomination in ``state`` and the user who takes ``name``
    case = make_case(DECLARATION_FOR[state], nomination_state=state, agency=make_global_agency())
    assert case.nomination.state == state
    actor = {"nominee": case.nominee, "agency": case.agency, "hr": case.hr}[NOMINATION_ROLE[name]]
    before = footprint()
    old_rows = list(audit.history_for(case.nomination).values_list("pk", flat=True))

    if name in NOMINATION_GRAPH[state]:
        # when
        result = _take(case, name, actor)

        # then it reaches exactly its target, with exactly one new log row
        target = NOMINATION_GRAPH[state][name]
        assert result.state == target
        assert Nomination.objects.get(pk=case.nomination.pk).state == target
        new_rows = audit.history_for(case.nomination).exclude(pk__in=old_rows)
        assert list(new_rows.values_list("transition", "from_state", "to_state", "actor_id")) == [
            (name, state, target, actor.pk)
        ]
        after = footprint()
        assert len(after["log"]) == len(before["log"]) + 1
        assert len(after["positions"]) == len(before["positions"]) + (1 if name == "appoint" else 0)
        assert after["declarations"] == before["declarations"]
    else:
        # when
        with pytest.raises(errors.TransitionNotAllowed) as refused:
            _take(case, name, actor)

        # then it is refused for the state, and nothing changed
        label = NominationState(state).label
        assert refused.value.state == state
        assert refused.value.transition == name
        assert refused.value.state_label == label
        expected = (
            "The agency has not concluded on the nominee's preliminary declaration yet."
            if (state, name, "appointed") in NOMINATION_CONDITIONAL_EDGES
            else f"This action is not possible in the state “{label}”."
        )
        assert refused.value.message == expected
        assert footprint() == before


@pytest.mark.django_db
def test_the_nominees_submission_declares_once_and_the_agencys_conclusion_concludes():
    # given a nomination with a filled-in ХАСУМ draft
    case = make_case(D.DRAFT, agency=make_global_agency())

    # when the nominee submits, the agency returns it, the nominee resubmits and the agency concludes
    drive(case, ["submit", "start_review", "return_for_correction", "resubmit", "start_review", "conclude"])

    # then the nomination followed: declared at the first submission only, concluded with the conclusion
    rows = audit.history_for(case.nomination).values_list("transition", "from_state", "to_state", "actor_id")
    assert list(rows) == [
        ("declare", "nominated", "declared", case.nominee.pk),
        ("record_conclusion", "declared", "concluded", case.agency.pk),
    ]
    assert case.nomination.state == NominationState.CONCLUDED
    conclusion = Conclusion.objects.get(declaration=case.declaration)
    assert (conclusion.finding, conclusion.legal_article, conclusion.author_id) == (
        "no_obstacle",
        PRELIMINARY_CONCLUSION["legal_article"],
        case.agency.pk,
    )


# --- The ХАСУМ graph ------------------------------------------------------------------------------------

PRELIMINARY_GRAPH = {
    "draft": {"submit": "submitted", "discard": "discarded"},
    "submitted": {"start_review": "under_review"},
    "under_review": {"return_for_correction": "returned", "conclude": "concluded"},
    "returned": {"resubmit": "submitted"},
    "concluded": {"publish": "published"},
    "published": {"withdraw_publication": "withdrawn"},
    "withdrawn": {},
    "discarded": {},
}
# Every state a preliminary declaration can reach (accepted and referred it never can).
PRELIMINARY_STATES = list(PRELIMINARY_GRAPH)
DECLARATION_TRANSITIONS = [
    "submit",
    "resubmit",
    "start_review",
    "return_for_correction",
    "accept",
    "refer",
    "conclude",
    "publish",
    "withdraw_publication",
    "discard",
]
PRELIMINARY_ROLE = {
    "submit": "nominee",
    "resubmit": "nominee",
    "discard": "nominee",
    "start_review": "agency",
    "return_for_correction": "agency",
    "accept": "agency",
    "refer": "agency",
    "conclude": "agency",
    "publish": "agency",
    "withdraw_publication": "supervisor",
}
PRELIMINARY_ARGS = {
    **STEP_ARGS,
    "refer": {"reason": "Шалгуулахаар."},
    "accept": {"comment": ""},
}
PRELIMINARY_PAIRS = [(state, name) for state in PRELIMINARY_STATES for name in DECLARATION_TRANSITIONS]


def _allowed_for(state: str, role: str) -> list[str]:
    return [
        name for name in DECLARATION_TRANSITIONS if name in PRELIMINARY_GRAPH[state] and PRELIMINARY_ROLE[name] == role
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "name"), PRELIMINARY_PAIRS, ids=[f"{s}-{n}" for s, n in PRELIMINARY_PAIRS])
def test_each_preliminary_transition_from_each_state_reaches_its_target_or_is_refused(state, name):
    # given a ХАСУМ in ``state`` and the user who takes ``name`` (the agency: a global review permission)
    case = make_case(state, agency=make_global_agency())
    assert case.declaration is not None
    actor = {"nominee": case.nominee, "agency": case.agency, "supervisor": case.supervisor}[PRELIMINARY_ROLE[name]]
    before = footprint()
    old_rows = list(audit.history_for(case.declaration).values_list("pk", flat=True))
    service = services.TRANSITION_SERVICES[name]

    if name in PRELIMINARY_GRAPH[state]:
        # when
        result = service(actor=actor, declaration_id=case.declaration.pk, **PRELIMINARY_ARGS.get(name, {}))

        # then it reaches its target with one log row; the nomination follows a first submission and the
        # conclusion, in the same transaction
        target = PRELIMINARY_GRAPH[state][name]
        assert result.state == target
        new_rows = audit.history_for(case.declaration).exclude(pk__in=old_rows)
        assert list(new_rows.values_list("transition", "from_state", "to_state", "actor_id")) == [
            (name, state, target, actor.pk)
        ]
        nomination_moves = {"submit": "declared", "conclude": "concluded"}
        after = footprint()
        # the transition's row, the nomination's move, and on the first submission the obligation's fulfilment
        fulfils = 1 if name == "submit" else 0
        assert len(after["log"]) == len(before["log"]) + 1 + (1 if name in nomination_moves else 0) + fulfils
        assert Nomination.objects.get(pk=case.nomination.pk).state == nomination_moves.get(name, case.nomination.state)
        assert after["revisions"] == before["revisions"] + (1 if name in ("submit", "resubmit") else 0)
        assert after["conclusions"] == before["conclusions"] + (1 if name == "conclude" else 0)
        assert after["snapshots"] == before["snapshots"] + (1 if name == "publish" else 0)
    else:
        # when
        with pytest.raises(errors.TransitionNotAllowed) as refused:
            service(actor=actor, declaration_id=case.declaration.pk, **PRELIMINARY_ARGS.get(name, {}))

        # then it is refused (accept and refer always: the agency concludes a ХАСУМ), and nothing changed
        label = DeclarationState(state).label
        assert refused.value.state == state
        assert refused.value.transition == name
        assert refused.value.allowed == _allowed_for(state, PRELIMINARY_ROLE[name])
        expected = (
            "A preliminary declaration is concluded by the agency, not accepted or referred."
            if state == "under_review" and name in ("accept", "refer")
            else f"This action is not possible in the state “{label}”."
        )
        assert refused.value.message == expected
        assert footprint() == before


@pytest.mark.django_db
def test_a_published_preliminary_declaration_shows_the_post_and_the_public_conclusion_only():
    # when the agency concludes and publishes
    case = make_case(D.PUBLISHED)

    # then the public record names the post the nominee was nominated to and carries the public conclusion
    snapshot = PublicSnapshot.objects.get(declaration=case.declaration)
    conclusion = Conclusion.objects.get(declaration=case.declaration)
    assert (snapshot.kind, snapshot.position_title, snapshot.organisation_id) == (
        "preliminary",
        TITLE,
        case.organisation.pk,
    )
    assert snapshot.conclusion == {
        "finding": "no_obstacle",
        "legal_article": PRELIMINARY_CONCLUSION["legal_article"],
        "reasoning": PRELIMINARY_CONCLUSION["reasoning"],
        "concluded_at": conclusion.concluded_at.isoformat(),
    }
    assert PRELIMINARY_CONCLUSION["internal_notes"] not in str(snapshot.conclusion)
    assert case.nomination.nominee.register_number not in str(snapshot.content)


# --- Who may do what -------------------------------------------------------------------------------------

OK, FORBIDDEN, NOT_FOUND = "ok", "403", "404"
ROLES = (
    "nominee",
    "hr",  # HR officer of the nomination's organisation
    "other_hr",  # HR officer of another organisation
    "ebat",  # authorised official (ЭБАТ) of the nomination's organisation
    "agency",  # the agency reviewer the ХАСУМ is assigned to
    "other_agency",  # an agency reviewer it is not assigned to
    "supervisor",  # agency supervisor (global view_all_declarations, assign_reviewers)
    "outsider",  # an official of another organisation
    "anonymous",
)
# action → (the ХАСУМ state, the nomination state it starts from), and the literal outcome per role.
ACTION_SETUP = {
    "create": (D.SUBMITTED, None),
    "appoint": (D.CONCLUDED, None),
    "withdraw": (D.SUBMITTED, None),
    "read": (D.SUBMITTED, None),
    "start_review": (D.SUBMITTED, None),
    "return_for_correction": (D.UNDER_REVIEW, None),
    "conclude": (D.UNDER_REVIEW, None),
    "publish": (D.CONCLUDED, None),
    "assign": (D.SUBMITTED, None),
}
OK_, FB, NF = OK, FORBIDDEN, NOT_FOUND
MATRIX: dict[str, tuple[str, ...]] = {
    #                        nominee hr   other_hr ebat agency other_agency supervisor outsider anonymous
    "create": (FB, OK_, FB, FB, FB, FB, FB, FB, FB),
    "appoint": (FB, OK_, NF, NF, FB, NF, FB, NF, NF),
    "withdraw": (FB, OK_, NF, NF, FB, NF, FB, NF, NF),
    "read": (OK_, OK_, NF, NF, OK_, NF, OK_, NF, NF),
    "start_review": (FB, NF, NF, NF, OK_, NF, FB, NF, NF),
    "return_for_correction": (FB, NF, NF, NF, OK_, NF, FB, NF, NF),
    "conclude": (FB, NF, NF, NF, OK_, NF, FB, NF, NF),
    "publish": (FB, NF, NF, NF, OK_, NF, FB, NF, NF),
    "assign": (FB, NF, NF, NF, FB, NF, OK_, NF, NF),
}
MATRIX_CASES = [(action, role, MATRIX[action][i]) for action in MATRIX for i, role in enumerate(ROLES)]


def _actors(case: Case, elsewhere: Organisation) -> dict[str, Any]:
    return {
        "nominee": case.nominee,
        "hr": case.hr,
        "other_hr": make_hr_officer(elsewhere),
        "ebat": make_reviewer(case.organisation),
        "agency": User.objects.get(pk=case.agency.pk),
        "other_agency": make_agency_reviewer(),
        "supervisor": User.objects.get(pk=case.supervisor.pk),
        "outsider": PositionFactory(organisation=elsewhere).official.user,
        "anonymous": AnonymousUser(),
    }


def _act(action: str, case: Case, actor: Any, successor: Any) -> Any:
    assert case.declaration is not None
    nomination_id, declaration_id = case.nomination.pk, case.declaration.pk
    if action == "create":
        return nominations.nomination_create(actor=actor, organisation=case.organisation, **nominee_fields())
    if action == "appoint":
        return nominations.nomination_appoint(actor=actor, nomination_id=nomination_id, start_date=timezone.localdate())
    if action == "withdraw":
        return nominations.nomination_withdraw(actor=actor, nomination_id=nomination_id, reason=WITHDRAW_REASON)
    if action == "read":
        return policies.get_visible_nomination(actor, nomination_id)
    if action == "assign":
        return referrals.assign_reviewer(
            actor=actor, model=Declaration, filing_id=declaration_id, reviewer_id=successor.pk
        )
    return services.TRANSITION_SERVICES[action](actor=actor, declaration_id=declaration_id, **STEP_ARGS.get(action, {}))


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "role", "expected"), MATRIX_CASES, ids=[f"{a}-{r}" for a, r, _ in MATRIX_CASES])
def test_roles_by_actions(action, role, expected):
    # given a nomination whose ХАСУМ is assigned to an agency reviewer, in the state the action starts from
    declaration_state, _nomination_state = ACTION_SETUP[action]
    case = make_case(declaration_state)
    actor = _actors(case, OrganisationFactory())[role]
    successor = make_agency_reviewer()  # whom ``assign`` assigns the ХАСУМ to
    before = footprint()

    # when
    try:
        _act(action, case, actor, successor)
        outcome = OK
    except errors.ActionForbidden:
        outcome = FORBIDDEN
    except errors.ObjectNotFound:
        outcome = NOT_FOUND

    # then the outcome is the table's; a refusal changed nothing
    assert outcome == expected
    if outcome != OK:
        assert footprint() == before


def test_the_matrix_covers_every_role_and_action():
    assert all(len(outcomes) == len(ROLES) for outcomes in MATRIX.values())
    assert sorted(MATRIX) == sorted(ACTION_SETUP)


# --- The appointment gate -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("declaration_state", [None, D.DRAFT, D.SUBMITTED, D.UNDER_REVIEW, D.RETURNED])
def test_the_appointment_waits_for_the_agencys_conclusion(declaration_state):
    # given a nomination whose ХАСУМ the agency has not concluded on
    case = make_case(declaration_state)
    before = footprint()

    # when the HR officer records the appointment
    with pytest.raises(errors.TransitionNotAllowed) as refused:
        nominations.nomination_appoint(actor=case.hr, nomination_id=case.nomination.pk, start_date=timezone.localdate())

    # then it is refused with the condition's sentence, withdrawal is what remains, and nothing changed
    assert refused.value.message == "The agency has not concluded on the nominee's preliminary declaration yet."
    assert refused.value.state == case.nomination.state
    assert refused.value.allowed == ["withdraw"]
    assert footprint() == before
    assert not Position.objects.filter(official=case.nomination.nominee).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("finding", ["no_obstacle", "conflict_found"])
def test_once_concluded_the_appointment_creates_the_position(finding):
    # given a nomination whose ХАСУМ the agency concluded on, to a post that requires declarations
    case = make_case(D.UNDER_REVIEW)
    services.declaration_conclude(
        actor=case.agency, declaration_id=case.declaration.pk, **{**PRELIMINARY_CONCLUSION, "finding": finding}
    )
    start = timezone.localdate() + datetime.timedelta(days=7)

    # when the HR officer records the appointment from next week
    nomination = nominations.nomination_appoint(
        actor=case.hr, nomination_id=case.nomination.pk, start_date=start.isoformat()
    )

    # then the position starts then, for the nominee, in the organisation, with the nominated title
    position = Position.objects.get(official=case.nomination.nominee)
    assert (position.organisation_id, position.title, position.start_date, position.end_date) == (
        case.organisation.pk,
        TITLE,
        start,
        None,
    )
    assert position.declaration_required is True
    assert (nomination.state, nomination.position_id, nomination.appointed_on) == ("appointed", position.pk, start)
    rows = audit.history_for(nomination).filter(transition="appoint")
    assert list(rows.values_list("from_state", "to_state", "actor_id")) == [("concluded", "appointed", case.hr.pk)]


@pytest.mark.django_db
def test_a_post_without_a_declaration_duty_gives_a_position_without_one():
    organisation = OrganisationFactory()
    hr = make_hr_officer(organisation)
    agency = make_global_agency()
    nomination = nominate(organisation, hr=hr, declaration_required=False)
    case = Case(organisation, hr, make_supervisor(), agency, nomination, None, global_agency=True)
    case.declaration = open_preliminary(nomination)
    drive(case, ["submit", "start_review", "conclude"])

    nominations.nomination_appoint(actor=hr, nomination_id=nomination.pk, start_date=timezone.localdate())

    assert Position.objects.get(official=nomination.nominee).declaration_required is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start_date", "message"),
    [
        (None, "This field is required."),
        ("", "This field is required."),
        ("2026-02-30", "Enter a valid date in the format YYYY-MM-DD."),
        ("20260301", "Enter a valid date in the format YYYY-MM-DD."),
        ("next monday", "Enter a valid date in the format YYYY-MM-DD."),
        (20260301, "Enter a valid date in the format YYYY-MM-DD."),
        ("yesterday", "Enter a valid date in the format YYYY-MM-DD."),
    ],
)
def test_a_bad_start_date_appoints_nobody(start_date, message):
    case = make_case(D.CONCLUDED)
    if start_date == "yesterday":
        start_date = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        message = f"The appointment cannot start before the nomination was registered ({timezone.localdate()})."
    before = footprint()

    with pytest.raises(errors.InvalidInput) as invalid:
        nominations.nomination_appoint(actor=case.hr, nomination_id=case.nomination.pk, start_date=start_date)

    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == {
        "start_date": [message]
    }
    assert footprint() == before


# --- Withdrawal --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_withdrawing_writes_the_reason_and_leaves_the_preliminary_declaration_as_filed():
    case = make_case(D.SUBMITTED)

    nomination = nominations.nomination_withdraw(
        actor=case.hr, nomination_id=case.nomination.pk, reason=f"  {WITHDRAW_REASON}  "
    )

    assert nomination.state == "withdrawn"
    row = audit.history_for(nomination).get(transition="withdraw")
    assert (row.from_state, row.to_state, row.actor_id, row.comment) == (
        "declared",
        "withdrawn",
        case.hr.pk,
        WITHDRAW_REASON,
    )
    assert Declaration.objects.get(pk=case.declaration.pk).state == D.SUBMITTED


@pytest.mark.django_db
def test_the_agency_still_concludes_on_the_preliminary_declaration_of_a_withdrawn_nomination():
    # given a nomination withdrawn while its ХАСУМ is under the agency's review
    case = make_case(D.UNDER_REVIEW, nomination_state=NominationState.WITHDRAWN)

    # when the agency concludes
    declaration = services.declaration_conclude(
        actor=case.agency,
        declaration_id=case.declaration.pk,
        finding="no_obstacle",
        legal_article="Нийтийн албанд нийтийн болон хувийн ашиг сонирхлыг зохицуулах тухай хууль, 18.1",
        reasoning="Саад болох ашиг сонирхол илрээгүй.",
    )

    # then the conclusion is written and the nomination stays withdrawn
    assert declaration.state == D.CONCLUDED
    assert Nomination.objects.get(pk=case.nomination.pk).state == NominationState.WITHDRAWN
    assert [row.transition for row in audit.history_for(case.nomination)][-1] == "withdraw"


@pytest.mark.django_db
@pytest.mark.parametrize("reason", [None, "", "   ", ["Татгалзсан"]])
def test_withdrawing_without_a_reason_changes_nothing(reason):
    case = make_case(D.DRAFT)
    before = footprint()

    with pytest.raises(errors.InvalidInput) as invalid:
        nominations.nomination_withdraw(actor=case.hr, nomination_id=case.nomination.pk, reason=reason)

    assert invalid.value.errors == {"reason": [errors.REASON_REQUIRED]}
    assert footprint() == before


# --- The agency's assignment --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reassigning_takes_the_filing_and_the_nomination_from_the_previous_reviewer():
    # given a submitted ХАСУМ assigned to one agency reviewer
    case = make_case(D.SUBMITTED)
    previous = User.objects.get(pk=case.agency.pk)
    assert list(policies.review_queue_for(previous)) == [case.declaration]
    successor = make_agency_reviewer()

    # when the supervisor reassigns it
    referrals.assign_reviewer(
        actor=case.supervisor, model=Declaration, filing_id=case.declaration.pk, reviewer_id=successor.pk
    )

    # then the previous reviewer sees neither the ХАСУМ nor the nomination, and has nothing queued
    previous = User.objects.get(pk=previous.pk)
    with pytest.raises(errors.ObjectNotFound):
        policies.get_visible_declaration(previous, case.declaration.pk)
    with pytest.raises(errors.ObjectNotFound):
        policies.get_visible_nomination(previous, case.nomination.pk)
    with pytest.raises(errors.ObjectNotFound):
        services.declaration_start_review(actor=previous, declaration_id=case.declaration.pk)
    assert list(policies.review_queue_for(previous)) == []
    assert list(policies.visible_nominations(previous)) == []
    # and the new one has it, and takes it into review
    successor = User.objects.get(pk=successor.pk)
    assert list(policies.review_queue_for(successor)) == [case.declaration]
    assert list(policies.visible_nominations(successor)) == [case.nomination]
    assert services.declaration_start_review(actor=successor, declaration_id=case.declaration.pk).state == (
        D.UNDER_REVIEW
    )
    assert list(
        DeclarationUserObjectPermission.objects.filter(content_object=case.declaration).values_list(
            "user_id", flat=True
        )
    ) == [successor.pk]


@pytest.mark.django_db
def test_the_ebat_never_sees_nor_reviews_a_preliminary_declaration():
    # given the ЭБАТ of the nomination's organisation and of the organisation above it
    parent = OrganisationFactory(kind="governor_office")
    organisation = OrganisationFactory(parent=parent)
    case = make_case(D.SUBMITTED, organisation=organisation)
    ebats = [make_reviewer(organisation), make_reviewer(parent)]
    before = footprint()

    for ebat in ebats:
        # then neither sees the ХАСУМ, has it queued, may review it or sees the nomination
        assert not policies.visible_declarations(ebat).filter(pk=case.declaration.pk).exists()
        assert list(policies.review_queue_for(ebat)) == []
        assert ebat.has_perm("declarations.review_declaration", case.declaration) is False
        assert list(policies.visible_nominations(ebat)) == []
        with pytest.raises(errors.ObjectNotFound):
            services.declaration_start_review(actor=ebat, declaration_id=case.declaration.pk)
        with pytest.raises(errors.ObjectNotFound):
            policies.get_visible_nomination(ebat, case.nomination.pk)
    assert footprint() == before


# --- Registering a nominee --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_nominee_gets_an_account_invited_once_that_signs_in_after_choosing_a_password(
    django_capture_on_commit_callbacks, mailoutbox
):
    # given an HR officer
    organisation = OrganisationFactory(name="Дорноговь аймгийн ЗДТГ")
    hr = make_hr_officer(organisation)

    # when they register a person who has no account yet
    with django_capture_on_commit_callbacks(execute=True):
        nomination = nominations.nomination_create(
            actor=hr,
            organisation=organisation,
            full_name="  Ганболдын Сарангэрэл ",
            register_number="до90051234",
            email="Saraa@Example.MN",
            position_title=TITLE,
        )

    # then the nominee is a new official with an account that cannot sign in yet, invited by one e-mail
    official = nomination.nominee
    account = official.user
    assert (official.full_name, official.register_number) == ("Ганболдын Сарангэрэл", "ДО90051234")
    assert not official.positions.exists()
    assert (account.username, account.email, account.has_usable_password()) == (
        "saraa@example.mn",
        "Saraa@example.mn",
        False,
    )
    assert (nomination.state, nomination.organisation_id, nomination.position_title, nomination.hr_officer_id) == (
        "nominated",
        organisation.pk,
        TITLE,
        hr.pk,
    )
    assert nomination.declaration_required is True
    assert [message.to for message in mailoutbox] == [["Saraa@example.mn"]]
    body = mailoutbox[0].body
    assert TITLE in body
    assert organisation.name in body
    assert "saraa@example.mn" in body

    # when they follow the link and choose a password
    path = LINK.search(body).group(1)
    client = Client()
    form = client.get(path, follow=True)
    assert form.context["validlink"] is True
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    # then they sign in with their e-mail address as the user name, and the link no longer works
    assert Client().login(username="saraa@example.mn", password=NEW_PASSWORD) is True
    assert Client().get(path, follow=True).context["validlink"] is False

    # and a second nomination of the same person reuses the account and sends no invitation
    with django_capture_on_commit_callbacks(execute=True):
        second = nominations.nomination_create(
            actor=hr,
            organisation=organisation,
            full_name="Ганболдын Сарангэрэл",
            register_number="ДО90051234",
            email="saraa@example.mn",
            position_title="Тамгын газрын даргын орлогч",
        )
    assert second.nominee_id == official.pk
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_sitting_official_nominated_to_another_post_keeps_their_record(
    django_capture_on_commit_callbacks, mailoutbox
):
    # given an official who already holds a position elsewhere
    sitting = PositionFactory(official__user__email="bat@example.mn").official
    organisation = OrganisationFactory()
    hr = make_hr_officer(organisation)
    users = User.objects.count()

    # when they are nominated (their name as the HR officer typed it)
    with django_capture_on_commit_callbacks(execute=True):
        nomination = nominations.nomination_create(
            actor=hr,
            organisation=organisation,
            full_name="Бат",
            register_number=sitting.register_number.lower(),
            email="BAT@example.mn",
            position_title=TITLE,
        )

    # then the nominee is that official, unchanged, and nobody is invited (they have a password)
    assert nomination.nominee_id == sitting.pk
    assert Official.objects.get(pk=sitting.pk).full_name == sitting.full_name
    assert User.objects.count() == users
    assert mailoutbox == []


def _messages(invalid: errors.InvalidInput) -> dict[str, list[str]]:
    return {key: [str(message) for message in messages] for key, messages in invalid.errors.items()}


BAD_INPUT = [
    ("full_name", "", "This field is required."),
    ("full_name", None, "This field is required."),
    ("full_name", "   ", "This field is required."),
    ("full_name", 42, "Enter a text value."),
    ("full_name", "Б" * 256, "Ensure this value has at most 255 characters."),
    ("full_name", "Бат\x00Дорж", "Remove the control characters from this value."),
    ("register_number", "", "This field is required."),
    ("register_number", "ДО9005123", "Enter a registration number of two Cyrillic letters followed by 8 digits."),
    ("register_number", "DO90051234", "Enter a registration number of two Cyrillic letters followed by 8 digits."),
    ("register_number", 9005123412, "Enter a registration number of two Cyrillic letters followed by 8 digits."),
    ("email", "", "This field is required."),
    ("email", None, "This field is required."),
    ("email", "saraa", "Enter a valid email address."),
    ("email", "saraa@", "Enter a valid email address."),
    ("email", "saraa@example.mn\nBcc: x@example.mn", "Enter a valid email address."),
    ("email", ["saraa@example.mn"], "Enter a valid email address."),
    ("email", "taken@example.mn", "This e-mail address belongs to another account."),
    ("email", "TAKEN@example.mn", "This e-mail address belongs to another account."),
    ("position_title", "", "This field is required."),
    ("position_title", "Д" * 256, "Ensure this value has at most 255 characters."),
    ("position_title", {"title": "Дарга"}, "Enter a text value."),
    ("declaration_required", "yes", "Enter true or false."),
    ("declaration_required", None, "Enter true or false."),
    ("declaration_required", 1, "Enter true or false."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"), BAD_INPUT, ids=[f"{f}-{i}" for i, (f, _v, _m) in enumerate(BAD_INPUT)]
)
def test_bad_input_names_the_field_and_the_reason_and_registers_nobody(
    field, value, message, django_capture_on_commit_callbacks, mailoutbox
):
    # given an HR officer, and an account that already uses an address
    organisation = OrganisationFactory()
    hr = make_hr_officer(organisation)
    UserFactory(email="taken@example.mn")
    before = footprint()

    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(errors.InvalidInput) as invalid:
        nominations.nomination_create(actor=hr, organisation=organisation, **nominee_fields(**{field: value}))

    # then
    assert _messages(invalid.value) == {field: [message]}
    assert footprint() == before
    assert mailoutbox == []


@pytest.mark.django_db
def test_every_bad_field_is_named_at_once():
    organisation = OrganisationFactory()
    hr = make_hr_officer(organisation)
    before = footprint()

    with pytest.raises(errors.InvalidInput) as invalid:
        nominations.nomination_create(
            actor=hr,
            organisation=organisation,
            full_name="",
            register_number="123",
            email="no",
            position_title="",
            declaration_required="no",
        )

    assert _messages(invalid.value) == {
        "full_name": ["This field is required."],
        "register_number": ["Enter a registration number of two Cyrillic letters followed by 8 digits."],
        "email": ["Enter a valid email address."],
        "position_title": ["This field is required."],
        "declaration_required": ["Enter true or false."],
    }
    assert footprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["someone@example.mn", "agency@example.mn"])
def test_a_sitting_official_is_nominated_only_with_their_own_address(address):
    # given an official with an account address, and an agency account with another
    sitting = PositionFactory(official__user__email="bat@example.mn").official
    UserFactory(email="agency@example.mn")
    organisation = OrganisationFactory()
    hr = make_hr_officer(organisation)
    before = footprint()

    with pytest.raises(errors.InvalidInput) as invalid:
        nominations.nomination_create(
            actor=hr,
            organisation=organisation,
            **nominee_fields(register_number=sitting.register_number, email=address),
        )

    expected = (
        nominations.EMAIL_OF_ANOTHER_ACCOUNT if address.startswith("agency") else nominations.EMAIL_NOT_THE_OFFICIALS
    )
    assert _messages(invalid.value) == {"email": [str(expected)]}
    assert footprint() == before


@pytest.mark.django_db
def test_a_second_open_nomination_to_the_same_post_is_refused_until_the_first_is_withdrawn():
    # given a person nominated to a post
    organisation = OrganisationFactory()
    hr = make_hr_officer(organisation)
    fields = nominee_fields()
    first = nominations.nomination_create(actor=hr, organisation=organisation, **fields)
    before = footprint()

    # when the same person is nominated to the same post again (the title written in other case)
    with pytest.raises(errors.StateConflict) as conflict:
        nominations.nomination_create(
            actor=hr, organisation=organisation, **{**fields, "position_title": f" {TITLE.upper()} "}
        )

    # then it is refused and nothing changed
    assert str(conflict.value.message) == "This person is already nominated to this post in this organisation."
    assert footprint() == before
    # while another post, another organisation, or after withdrawal, they can be nominated
    elsewhere = OrganisationFactory()
    assert nominations.nomination_create(actor=hr, organisation=organisation, **{**fields, "position_title": "Дарга"})
    assert nominations.nomination_create(actor=make_hr_officer(elsewhere), organisation=elsewhere, **fields)
    nominations.nomination_withdraw(actor=hr, nomination_id=first.pk, reason=WITHDRAW_REASON)
    again = nominations.nomination_create(actor=hr, organisation=organisation, **fields)
    assert again.nominee_id == first.nominee_id


@pytest.mark.django_db
def test_an_hr_grant_covers_its_own_organisation_only():
    parent = OrganisationFactory(kind="governor_office")
    child = OrganisationFactory(parent=parent)
    hr = make_hr_officer(parent)
    before = footprint()

    with pytest.raises(errors.ActionForbidden) as forbidden:
        nominations.nomination_create(actor=hr, organisation=child, **nominee_fields())

    assert str(forbidden.value.message) == "Only an HR officer of the organisation registers its nominees."
    assert footprint() == before


# --- Opening the preliminary declaration -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_nominee_opens_a_draft_prefilled_with_their_name():
    case = make_case(None)

    declaration = nominations.preliminary_create(actor=case.nominee, nomination_id=case.nomination.pk)

    expected_content = empty_content("2023")
    expected_content["personal"] = {"full_name": case.nomination.nominee.full_name}
    assert (declaration.kind, declaration.state, declaration.year) == (
        "preliminary",
        "draft",
        timezone.localdate().year,
    )
    assert (
        declaration.official_id,
        declaration.organisation_id,
        declaration.nomination_id,
        declaration.position_id,
    ) == (
        case.nomination.nominee_id,
        case.organisation.pk,
        case.nomination.pk,
        None,
    )
    assert declaration.position_title == TITLE
    assert declaration.content == expected_content
    assert nominations.preliminary_declaration(case.nomination) == declaration


@pytest.mark.django_db
def test_only_the_nominee_opens_the_preliminary_declaration():
    case = make_case(None)
    ebat = make_reviewer(case.organisation)
    before = footprint()

    with pytest.raises(errors.ActionForbidden) as forbidden:
        nominations.preliminary_create(actor=case.hr, nomination_id=case.nomination.pk)
    with pytest.raises(errors.ObjectNotFound):
        nominations.preliminary_create(actor=ebat, nomination_id=case.nomination.pk)

    assert str(forbidden.value.message) == "Only the nominee files the preliminary declaration."
    assert footprint() == before


@pytest.mark.django_db
def test_one_preliminary_declaration_per_nomination_a_discarded_draft_aside():
    # given a nomination with a ХАСУМ draft
    case = make_case(D.DRAFT)
    before = footprint()

    # when the nominee opens another
    with pytest.raises(errors.StateConflict) as conflict:
        nominations.preliminary_create(actor=case.nominee, nomination_id=case.nomination.pk)

    # then it is refused; once the draft is discarded, a new one can be opened
    assert str(conflict.value.message) == "This nomination already has a preliminary declaration."
    assert footprint() == before
    services.declaration_discard(actor=case.nominee, declaration_id=case.declaration.pk)
    fresh = nominations.preliminary_create(actor=case.nominee, nomination_id=case.nomination.pk)
    assert nominations.preliminary_declaration(Nomination.objects.get(pk=case.nomination.pk)) == fresh


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("declaration_state", "nomination_state"),
    [(D.SUBMITTED, None), (D.CONCLUDED, None), (D.CONCLUDED, "appointed"), (None, "withdrawn")],
)
def test_a_preliminary_declaration_is_opened_only_while_nominated(declaration_state, nomination_state):
    case = make_case(declaration_state, nomination_state=nomination_state)
    before = footprint()

    with pytest.raises(errors.TransitionNotAllowed) as refused:
        nominations.preliminary_create(actor=case.nominee, nomination_id=case.nomination.pk)

    assert refused.value.state == case.nomination.state
    assert refused.value.allowed == []
    assert refused.value.message == (
        "A preliminary declaration is opened only while the nomination waits for it (state “Nominated”)."
    )
    assert footprint() == before


@pytest.mark.django_db
def test_a_declaration_of_kind_preliminary_is_never_opened_from_a_position():
    position = PositionFactory()
    before = footprint()

    with pytest.raises(errors.InvalidInput):
        services.declaration_create(
            actor=position.official.user, position=position, kind="preliminary", year=timezone.localdate().year
        )

    assert footprint() == before


@pytest.mark.django_db
def test_available_transitions_for_the_hr_officer_follow_the_gate():
    case = make_case(D.SUBMITTED)
    assert nominations.available_nomination_transitions(case.nomination, case.hr) == ["withdraw"]
    assert nominations.available_nomination_transitions(case.nomination, case.nominee) == []

    services.declaration_start_review(actor=case.agency, declaration_id=case.declaration.pk)
    services.declaration_conclude(actor=case.agency, declaration_id=case.declaration.pk, **PRELIMINARY_CONCLUSION)

    concluded = Nomination.objects.get(pk=case.nomination.pk)
    assert nominations.available_nomination_transitions(concluded, case.hr) == ["appoint", "withdraw"]


@pytest.mark.django_db
def test_the_back_office_lists_nominations_and_conclusions_read_only():
    # given a concluded nomination and an administrator
    case = make_case(D.CONCLUDED)
    conclusion = Conclusion.objects.get(declaration=case.declaration)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)

    # when they open the lists and the records
    pages = {
        path: client.get(path)
        for path in (
            "/admin/declarations/nomination/",
            f"/admin/declarations/nomination/{case.nomination.pk}/change/",
            "/admin/declarations/conclusion/",
            f"/admin/declarations/conclusion/{conclusion.pk}/change/",
        )
    }

    # then each shows, nothing can be added, changed or deleted
    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(pages, 200)
    assert TITLE in pages["/admin/declarations/nomination/"].content.decode()
    for model in ("nomination", "conclusion"):
        assert client.get(f"/admin/declarations/{model}/add/").status_code == 403
    before = footprint()
    client.post(f"/admin/declarations/nomination/{case.nomination.pk}/change/", {"state": "appointed"})
    client.post(f"/admin/declarations/nomination/{case.nomination.pk}/delete/", {"post": "yes"})
    assert footprint() == before
