"""The declaration state graph as a table: every (state, transition) pair reaches its target or is refused.

The expected graph is written out by hand below (DESIGN §3), never read from the code under test. Each
transition is attempted by the user authorised to take it, so that a refusal can only be due to the state.
"""

import pytest
from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm

from declarations.models import Conclusion, Declaration, DeclarationRevision, DeclarationState, PublicSnapshot
from tests.factories import (
    TRANSITION_ARGS,
    PositionFactory,
    UserFactory,
    make_declaration,
    make_reviewer,
    make_supervisor,
)
from workflow import audit, errors, graphs, services
from workflow.models import TransitionLog

User = get_user_model()

# state → {transition: target} for a declaration of an official (annual); a pair missing here must be
# refused. The model also has the edge under_review → conclude → concluded, which only a nominee's
# preliminary declaration takes (tests/workflow/test_nominations.py); for any other it fails its condition.
CONDITIONAL_EDGES = [("under_review", "conclude", "concluded")]
GRAPH = {
    "draft": {"submit": "submitted", "discard": "discarded"},
    "submitted": {"start_review": "under_review"},
    "under_review": {"return_for_correction": "returned", "accept": "accepted", "refer": "referred"},
    "returned": {"resubmit": "submitted"},
    "accepted": {"publish": "published"},
    "referred": {"conclude": "concluded"},
    "concluded": {"publish": "published"},
    "published": {"withdraw_publication": "withdrawn"},
    "withdrawn": {},
    "discarded": {},
}

STATES = [
    "draft",
    "submitted",
    "under_review",
    "returned",
    "accepted",
    "referred",
    "concluded",
    "published",
    "withdrawn",
    "discarded",
]
TRANSITIONS = [
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

# The role authorised to take each transition (DESIGN §4).
AUTHORISED_ROLE = {
    "submit": "filer",
    "resubmit": "filer",
    "discard": "filer",
    "start_review": "reviewer",
    "return_for_correction": "reviewer",
    "accept": "reviewer",
    "refer": "reviewer",
    "conclude": "agency",  # a user with the agency's global review permission: a reviewer too
    "publish": "reviewer",
    "withdraw_publication": "supervisor",
}

# Rows a successful transition writes besides its log row.
NEW_REVISIONS = {"submit": 1, "resubmit": 1}
NEW_SNAPSHOTS = {"publish": 1}
NEW_CONCLUSIONS = {"conclude": 1}

PAIRS = [(state, name) for state in STATES for name in TRANSITIONS]


def _footprint(declaration):
    row = Declaration.objects.values("state", "updated_at", "content", "submitted_at", "accepted_at").get(
        pk=declaration.pk
    )
    return {
        **row,
        "log_rows": TransitionLog.objects.count(),
        "revisions": DeclarationRevision.objects.count(),
        "snapshots": PublicSnapshot.objects.count(),
        "conclusions": Conclusion.objects.count(),
    }


def _allowed_for(state, role):
    """The transitions the role may take from ``state``, in the order the services list them."""
    roles = ("reviewer", "agency") if role == "agency" else (role,)
    return [name for name in TRANSITIONS if name in GRAPH[state] and AUTHORISED_ROLE[name] in roles]


def make_agency():
    """A user with the agency's global review permission (its supervisors)."""
    user = UserFactory()
    assign_perm("declarations.review_declaration", user)
    return User.objects.get(pk=user.pk)


def test_the_table_names_every_state_and_transition_of_the_code():
    assert sorted(GRAPH) == sorted(STATES)
    assert sorted(STATES) == sorted(DeclarationState.values)
    assert list(services.DECLARATION_TRANSITIONS) == TRANSITIONS
    assert sorted(services.TRANSITION_SERVICES) == sorted(TRANSITIONS)
    assert sorted(AUTHORISED_ROLE) == sorted(TRANSITIONS)


def test_the_graph_declared_on_the_model_is_the_table():
    edges = graphs.transitions_of(Declaration)

    expected = [(source, name, target) for source, moves in GRAPH.items() for name, target in moves.items()]
    assert sorted(edges) == sorted(expected + CONDITIONAL_EDGES)


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "name"), PAIRS, ids=[f"{state}-{name}" for state, name in PAIRS])
def test_each_transition_from_each_state_reaches_its_target_or_is_refused(state, name):
    # given a declaration in ``state`` and the user authorised to take ``name``
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    supervisor = make_supervisor()
    declaration = make_declaration(state, position=position, reviewer=reviewer, supervisor=supervisor)
    actors = {"filer": position.official.user, "reviewer": reviewer, "supervisor": supervisor, "agency": make_agency()}
    actor = actors[AUTHORISED_ROLE[name]]
    before = _footprint(declaration)
    old_log_ids = list(audit.history_for(declaration).values_list("pk", flat=True))
    service = services.TRANSITION_SERVICES[name]

    if name in GRAPH[state]:
        # when
        result = service(actor=actor, declaration_id=declaration.pk, **TRANSITION_ARGS.get(name, {}))

        # then it reaches exactly its target, with exactly one new log row
        target = GRAPH[state][name]
        assert result.state == target
        assert Declaration.objects.get(pk=declaration.pk).state == target
        new_rows = list(
            audit.history_for(declaration)
            .exclude(pk__in=old_log_ids)
            .values_list("transition", "from_state", "to_state", "actor_id")
        )
        assert new_rows == [(name, state, target, actor.pk)]
        after = _footprint(declaration)
        assert after["log_rows"] == before["log_rows"] + 1
        assert after["revisions"] == before["revisions"] + NEW_REVISIONS.get(name, 0)
        assert after["snapshots"] == before["snapshots"] + NEW_SNAPSHOTS.get(name, 0)
        assert after["conclusions"] == before["conclusions"] + NEW_CONCLUSIONS.get(name, 0)
    else:
        # when
        with pytest.raises(errors.TransitionNotAllowed) as refused:
            service(actor=actor, declaration_id=declaration.pk, **TRANSITION_ARGS.get(name, {}))

        # then it is refused for the state, and nothing changed
        assert refused.value.state == state
        assert refused.value.transition == name
        assert refused.value.allowed == _allowed_for(state, AUTHORISED_ROLE[name])
        assert refused.value.state_label == DeclarationState(state).label
        wrong_state = f"This action is not possible in the state “{DeclarationState(state).label}”."
        expected = (
            "The agency concludes only a preliminary declaration or a referred filing."
            if (state, name, "concluded") in CONDITIONAL_EDGES
            else wrong_state
        )
        assert str(refused.value.message) == expected
        assert _footprint(declaration) == before
