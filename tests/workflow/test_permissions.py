"""Who may take each transition and read each filing: a literal matrix of roles × actions (DESIGN §4).

Invisible → ``ObjectNotFound`` (404), visible but not allowed → ``ActionForbidden`` (403). Every denial
must leave the filing and the audit, revision and snapshot tables exactly as they were.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from declarations.content import sample_content
from declarations.models import Conclusion, Declaration, DeclarationRevision, Position, PublicSnapshot
from tests.factories import (
    TRANSITION_ARGS,
    OrganisationFactory,
    PositionFactory,
    UserFactory,
    assign_to_agency,
    make_agency_reviewer,
    make_declaration,
    make_reviewer,
    make_supervisor,
)
from workflow import audit, errors, policies, services
from workflow.models import TransitionLog

OK, FORBIDDEN, NOT_FOUND = "ok", "403", "404"
OK_, FB, NF = OK, FORBIDDEN, NOT_FOUND

ROLES = (
    "filer",  # the official who files the declaration
    "colleague",  # another official of the same organisation, no grant
    "reviewer",  # ЭБАТ of the declaration's organisation
    "parent_reviewer",  # ЭБАТ of the parent organisation (subtree scope)
    "other_reviewer",  # ЭБАТ of an unrelated organisation
    "anonymous",
    "superuser",
    "supervisor",  # agency supervisor: sees everything, withdraws publications
    "inactive_reviewer",  # ЭБАТ of the organisation whose account is deactivated
    "relative_reviewer",  # ЭБАТ of the organisation listed as a family member in the declaration
    "own_filing_reviewer",  # ЭБАТ of the organisation acting on their own declaration
    "agency_reviewer",  # agency reviewer, assigned the declaration once it is referred (only then)
)

# The state each transition starts from, and where it leads.
SOURCE = {
    "submit": "draft",
    "resubmit": "returned",
    "start_review": "submitted",
    "return_for_correction": "under_review",
    "accept": "under_review",
    "refer": "under_review",
    "conclude": "referred",
    "publish": "accepted",
    "withdraw_publication": "published",
    "discard": "draft",
}
TARGET = {
    "submit": "submitted",
    "resubmit": "submitted",
    "start_review": "under_review",
    "return_for_correction": "returned",
    "accept": "accepted",
    "refer": "referred",
    "conclude": "concluded",
    "publish": "published",
    "withdraw_publication": "withdrawn",
    "discard": "discarded",
}

# fmt: off
TRANSITION_MATRIX = {
    #                        filer colleague reviewer parent other anon super superv inactive relative own  agency
    "submit":                (OK_, NF,       FB,      FB,    NF,   NF,  FB,   FB,    NF,      FB,      OK_, NF),
    "resubmit":              (OK_, NF,       FB,      FB,    NF,   NF,  FB,   FB,    NF,      FB,      OK_, NF),
    "start_review":          (FB,  NF,       OK_,     OK_,   NF,   NF,  OK_,  FB,    NF,      FB,      FB,  NF),
    "return_for_correction": (FB,  NF,       OK_,     OK_,   NF,   NF,  OK_,  FB,    NF,      FB,      FB,  NF),
    "accept":                (FB,  NF,       OK_,     OK_,   NF,   NF,  OK_,  FB,    NF,      FB,      FB,  NF),
    "refer":                 (FB,  NF,       OK_,     OK_,   NF,   NF,  OK_,  FB,    NF,      FB,      FB,  NF),
    "conclude":              (FB,  NF,       FB,      FB,    NF,   NF,  OK_,  FB,    NF,      FB,      FB,  OK_),
    "publish":               (FB,  NF,       OK_,     OK_,   NF,   NF,  OK_,  FB,    NF,      FB,      FB,  NF),
    "withdraw_publication":  (FB,  NF,       FB,      FB,    NF,   NF,  OK_,  OK_,   NF,      FB,      FB,  NF),
    "discard":               (OK_, NF,       FB,      FB,    NF,   NF,  FB,   FB,    NF,      FB,      OK_, NF),
}

# For a submitted declaration: (get_visible_declaration succeeds, in visible_declarations, in review_queue_for)
READ_MATRIX = {
    "filer":               (True,  True,  False),
    "colleague":           (False, False, False),
    "reviewer":            (True,  True,  True),
    "parent_reviewer":     (True,  True,  True),
    "other_reviewer":      (False, False, False),
    "anonymous":           (False, False, False),
    "superuser":           (True,  True,  True),
    "supervisor":          (True,  True,  False),
    "inactive_reviewer":   (False, False, False),
    "relative_reviewer":   (True,  True,  False),
    "own_filing_reviewer": (True,  True,  False),
    "agency_reviewer":     (False, False, False),
}
# fmt: on

TRANSITION_CASES = [
    (name, role, TRANSITION_MATRIX[name][index]) for name in TRANSITION_MATRIX for index, role in enumerate(ROLES)
]


def _deactivated(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def _world(state, role):
    """A declaration in ``state`` in an organisation under a parent, and the user playing ``role``."""
    parent = OrganisationFactory(kind="governor_office")
    organisation = OrganisationFactory(parent=parent)
    elsewhere = OrganisationFactory()
    path_reviewer = make_reviewer(organisation)
    supervisor = make_supervisor()
    users = {
        "colleague": PositionFactory(organisation=organisation).official.user,
        "reviewer": path_reviewer,
        "parent_reviewer": make_reviewer(parent),
        "other_reviewer": make_reviewer(elsewhere),
        "anonymous": AnonymousUser(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "supervisor": supervisor,
        "inactive_reviewer": make_reviewer(organisation),
        "relative_reviewer": make_reviewer(organisation),
        "own_filing_reviewer": make_reviewer(organisation),
        "agency_reviewer": make_agency_reviewer(),
    }
    if role == "own_filing_reviewer":
        position = Position.objects.get(official__user=users["own_filing_reviewer"])
    else:
        position = PositionFactory(organisation=organisation)
    users["filer"] = position.official.user
    content = sample_content(full_name=position.official.full_name)
    content["family_members"][0]["register_number"] = users["relative_reviewer"].official.register_number
    declaration = make_declaration(
        state, position=position, reviewer=path_reviewer, supervisor=supervisor, content=content
    )
    if state == "referred":
        assign_to_agency(declaration, supervisor=supervisor, agency=users["agency_reviewer"])
    _deactivated(users["inactive_reviewer"])
    return declaration, users[role]


def _footprint(declaration):
    row = Declaration.objects.values("state", "updated_at", "content").get(pk=declaration.pk)
    return {
        **row,
        "log_rows": TransitionLog.objects.count(),
        "revisions": DeclarationRevision.objects.count(),
        "snapshots": PublicSnapshot.objects.count(),
        "conclusions": Conclusion.objects.count(),
    }


def test_the_matrix_covers_every_transition():
    assert sorted(TRANSITION_MATRIX) == sorted(services.DECLARATION_TRANSITIONS)
    assert all(len(row) == len(ROLES) for row in TRANSITION_MATRIX.values())
    assert sorted(READ_MATRIX) == sorted(ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "role", "expected"), TRANSITION_CASES, ids=[f"{name}-{role}" for name, role, _ in TRANSITION_CASES]
)
def test_transition_permission(name, role, expected, django_capture_on_commit_callbacks):
    # given a declaration in the transition's source state, and a user in ``role``
    declaration, user = _world(SOURCE[name], role)
    before = _footprint(declaration)
    old_log_ids = list(audit.history_for(declaration).values_list("pk", flat=True))
    service = services.TRANSITION_SERVICES[name]

    if expected == OK:
        # when
        service(actor=user, declaration_id=declaration.pk, **TRANSITION_ARGS.get(name, {}))

        # then
        assert Declaration.objects.get(pk=declaration.pk).state == TARGET[name]
        new_rows = list(
            audit.history_for(declaration).exclude(pk__in=old_log_ids).values_list("transition", "actor_id")
        )
        assert new_rows == [(name, user.pk)]
        return

    error = errors.ObjectNotFound if expected == NOT_FOUND else errors.ActionForbidden
    # when
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(error) as denied:
        service(actor=user, declaration_id=declaration.pk, **TRANSITION_ARGS.get(name, {}))

    # then nothing changed and nothing was scheduled
    assert type(denied.value) is error
    if expected == FORBIDDEN:
        assert str(denied.value.message) == "You are not allowed to take this action on this filing."
    assert _footprint(declaration) == before
    assert callbacks == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_read_permission(role):
    # given a submitted declaration, and a user in ``role``
    declaration, user = _world("submitted", role)
    sees_detail, listed, queued = READ_MATRIX[role]

    # when
    in_list = policies.visible_declarations(user).filter(pk=declaration.pk).exists()
    in_queue = policies.review_queue_for(user).filter(pk=declaration.pk).exists()
    try:
        found = policies.get_visible_declaration(user, declaration.pk)
    except errors.ObjectNotFound:
        found = None

    # then
    assert (found is not None, in_list, in_queue) == (sees_detail, listed, queued)
    if found is not None:
        assert found.pk == declaration.pk
