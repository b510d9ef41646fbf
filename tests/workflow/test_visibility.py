"""What each user sees: lists agree with single-object fetches, queues, officials, positions, grants."""

import contextlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from declarations.models import Declaration, Position
from tests.factories import (
    OrganisationFactory,
    PositionFactory,
    UserFactory,
    make_declaration,
    make_reviewer,
    make_supervisor,
)
from workflow import errors, policies, services

User = get_user_model()

# fmt: off
# The tree: aimag (root) → dept_a → soum_a1, aimag → dept_b; elsewhere is another root.
VISIBLE_DECLARATIONS = {
    "reviewer_a":   {"d_a", "d_a_draft", "d_a1", "d_reviewer_a_own"},
    "reviewer_aimag": {"d_aimag", "d_a", "d_a_draft", "d_a1", "d_b", "d_reviewer_a_own"},
    "reviewer_elsewhere": {"d_elsewhere"},
    "filer_a":      {"d_a"},
    "colleague_a":  {"d_a_draft"},
    "supervisor":   {"d_aimag", "d_a", "d_a_draft", "d_a1", "d_b", "d_elsewhere", "d_reviewer_a_own"},
    "superuser":    {"d_aimag", "d_a", "d_a_draft", "d_a1", "d_b", "d_elsewhere", "d_reviewer_a_own"},
    "anonymous":    set(),
    "inactive_reviewer_aimag": set(),
}

# Queues are in submission order; the declarations below are submitted in this order.
REVIEW_QUEUES = {
    "reviewer_a":   ["d_a", "d_a1"],
    "reviewer_aimag": ["d_aimag", "d_a", "d_a1", "d_reviewer_a_own"],
    "reviewer_elsewhere": [],
    "filer_a":      [],
    "colleague_a":  [],
    "supervisor":   [],
    "superuser":    ["d_aimag", "d_a", "d_a1", "d_reviewer_a_own"],
    "anonymous":    [],
    "inactive_reviewer_aimag": [],
}

# Officials (and their one position each), named after the user who is the official.
VISIBLE_OFFICIALS = {
    "reviewer_a":   {"filer_a", "colleague_a", "filer_a1", "reviewer_a"},
    "reviewer_aimag": {"filer_aimag", "filer_a", "colleague_a", "filer_a1", "filer_b", "reviewer_a",
                       "reviewer_aimag", "inactive_reviewer_aimag"},
    "reviewer_elsewhere": {"filer_elsewhere", "reviewer_elsewhere"},
    "filer_a":      {"filer_a"},
    "colleague_a":  {"colleague_a"},
    "supervisor":   {"filer_aimag", "filer_a", "colleague_a", "filer_a1", "filer_b", "filer_elsewhere",
                     "reviewer_a", "reviewer_aimag", "reviewer_elsewhere", "inactive_reviewer_aimag"},
    "superuser":    {"filer_aimag", "filer_a", "colleague_a", "filer_a1", "filer_b", "filer_elsewhere",
                     "reviewer_a", "reviewer_aimag", "reviewer_elsewhere", "inactive_reviewer_aimag"},
    "anonymous":    set(),
    "inactive_reviewer_aimag": set(),
}
# fmt: on

ROLES = sorted(VISIBLE_DECLARATIONS)


@pytest.fixture
def world(db):
    """Declarations in several organisations, a subtree among them, and one user per role."""
    aimag = OrganisationFactory(kind="governor_office")
    dept_a = OrganisationFactory(parent=aimag)
    soum_a1 = OrganisationFactory(parent=dept_a, kind="soum_office")
    dept_b = OrganisationFactory(parent=aimag)
    elsewhere = OrganisationFactory(kind="agency")
    users = {
        "reviewer_a": make_reviewer(dept_a),
        "reviewer_aimag": make_reviewer(aimag),
        "reviewer_elsewhere": make_reviewer(elsewhere),
        "inactive_reviewer_aimag": make_reviewer(aimag),
        "supervisor": make_supervisor(),
        "superuser": UserFactory(is_superuser=True),
        "anonymous": AnonymousUser(),
    }
    positions = {
        "filer_aimag": PositionFactory(organisation=aimag),
        "filer_a": PositionFactory(organisation=dept_a),
        "colleague_a": PositionFactory(organisation=dept_a),
        "filer_a1": PositionFactory(organisation=soum_a1),
        "filer_b": PositionFactory(organisation=dept_b),
        "filer_elsewhere": PositionFactory(organisation=elsewhere),
    }
    users.update({name: position.official.user for name, position in positions.items()})
    for name in ("reviewer_a", "reviewer_aimag", "reviewer_elsewhere", "inactive_reviewer_aimag"):
        positions[name] = Position.objects.get(official__user=users[name])
    aimag_reviewer, other_reviewer = users["reviewer_aimag"], users["reviewer_elsewhere"]
    declarations = {
        "d_aimag": make_declaration("submitted", position=positions["filer_aimag"]),
        "d_a": make_declaration("submitted", position=positions["filer_a"]),
        "d_a_draft": make_declaration("draft", position=positions["colleague_a"]),
        "d_a1": make_declaration("under_review", position=positions["filer_a1"], reviewer=aimag_reviewer),
        "d_b": make_declaration("accepted", position=positions["filer_b"], reviewer=aimag_reviewer),
        "d_elsewhere": make_declaration("published", position=positions["filer_elsewhere"], reviewer=other_reviewer),
        "d_reviewer_a_own": make_declaration("submitted", position=positions["reviewer_a"]),
    }
    users["inactive_reviewer_aimag"].is_active = False
    users["inactive_reviewer_aimag"].save(update_fields=["is_active"])
    return {"users": users, "positions": positions, "declarations": declarations}


def _names(mapping, pks):
    by_pk = {obj.pk: name for name, obj in mapping.items()}
    return {by_pk[pk] for pk in pks}


@pytest.mark.parametrize("role", ROLES)
def test_the_list_holds_exactly_what_the_detail_finds(world, role):
    # given
    user = world["users"][role]
    candidates = [*Declaration.objects.values_list("pk", flat=True), 10**9, "not-a-number", None]

    # when
    listed = set(policies.visible_declarations(user).values_list("pk", flat=True))
    found = set()
    for pk in candidates:
        with contextlib.suppress(errors.ObjectNotFound):
            found.add(policies.get_visible_declaration(user, pk).pk)

    # then
    assert listed == found
    assert _names(world["declarations"], listed) == VISIBLE_DECLARATIONS[role]


@pytest.mark.parametrize("role", ROLES)
def test_review_queue_per_role(world, role):
    queue = list(policies.review_queue_for(world["users"][role]).values_list("pk", flat=True))

    by_pk = {declaration.pk: name for name, declaration in world["declarations"].items()}
    assert [by_pk[pk] for pk in queue] == REVIEW_QUEUES[role]


@pytest.mark.parametrize("role", ROLES)
def test_visible_officials_per_role(world, role):
    officials = policies.visible_officials(world["users"][role]).values_list("pk", flat=True)

    by_pk = {position.official_id: name for name, position in world["positions"].items()}
    assert {by_pk[pk] for pk in officials} == VISIBLE_OFFICIALS[role]


@pytest.mark.parametrize("role", ROLES)
def test_visible_positions_per_role(world, role):
    positions = policies.visible_positions(world["users"][role]).values_list("pk", flat=True)

    assert _names(world["positions"], positions) == VISIBLE_OFFICIALS[role]


@pytest.mark.django_db
def test_review_queue_is_submitted_and_under_review_in_scope_oldest_submission_first():
    # given an ЭБАТ of an organisation with a sub-organisation, and filings in every state around them
    organisation = OrganisationFactory()
    sub_organisation = OrganisationFactory(parent=organisation)
    reviewer = make_reviewer(organisation)
    own_position = Position.objects.get(official__user=reviewer)
    first = make_declaration("draft", position=PositionFactory(organisation=organisation))
    second = make_declaration("draft", position=PositionFactory(organisation=sub_organisation))
    third = make_declaration("draft", position=PositionFactory(organisation=organisation))
    for state in ("draft", "returned", "accepted", "published", "withdrawn", "discarded"):
        make_declaration(state, position=PositionFactory(organisation=organisation), reviewer=reviewer)
    make_declaration("submitted", position=PositionFactory())  # out of scope
    make_declaration("submitted", position=own_position)  # their own

    # when the drafts are submitted in the order third, second, first, and third is returned and resubmitted
    submit = services.declaration_submit
    submit(actor=third.official.user, declaration_id=third.pk)
    submit(actor=second.official.user, declaration_id=second.pk)
    submit(actor=first.official.user, declaration_id=first.pk)
    services.declaration_start_review(actor=reviewer, declaration_id=second.pk)
    services.declaration_start_review(actor=reviewer, declaration_id=third.pk)
    services.declaration_return_for_correction(actor=reviewer, declaration_id=third.pk, comment="Засна уу.")
    services.declaration_resubmit(actor=third.official.user, declaration_id=third.pk)

    # then the queue follows the latest submission, not creation or first submission
    queue = list(policies.review_queue_for(reviewer).values_list("pk", "state"))
    assert queue == [(second.pk, "under_review"), (first.pk, "submitted"), (third.pk, "submitted")]


@pytest.mark.django_db
def test_review_queue_leaves_out_a_filing_that_lists_the_reviewer_as_family():
    # given an ЭБАТ listed as the spouse in one of two submitted declarations of their organisation
    organisation = OrganisationFactory()
    reviewer = make_reviewer(organisation)
    unrelated = make_declaration("submitted", position=PositionFactory(organisation=organisation))
    related = make_declaration("draft", position=PositionFactory(organisation=organisation))
    content = dict(related.content)
    content["family_members"] = [
        {**content["family_members"][0], "register_number": reviewer.official.register_number.lower()}
    ]
    services.declaration_update_content(actor=related.official.user, declaration_id=related.pk, content=content)
    services.declaration_submit(actor=related.official.user, declaration_id=related.pk)

    # when
    queue = list(policies.review_queue_for(reviewer).values_list("pk", flat=True))

    # then
    assert queue == [unrelated.pk]


@pytest.mark.django_db
def test_granting_and_revoking_an_organisation_reviewer_takes_effect_at_once():
    # given a submitted declaration and another official of its organisation
    declaration = make_declaration("submitted")
    organisation = declaration.organisation
    user = PositionFactory(organisation=organisation).official.user
    with pytest.raises(errors.ObjectNotFound):
        policies.get_visible_declaration(user, declaration.pk)

    # when granted
    policies.grant_organisation_reviewer(organisation=organisation, user=user)

    # then the same object and a fresh one see and review it
    fresh = User.objects.get(pk=user.pk)
    assert policies.get_visible_declaration(user, declaration.pk).pk == declaration.pk
    assert policies.get_visible_declaration(fresh, declaration.pk).pk == declaration.pk
    assert list(policies.review_queue_for(fresh).values_list("pk", flat=True)) == [declaration.pk]
    assert services.available_transitions(declaration, fresh) == ["start_review"]

    # when revoked
    policies.revoke_organisation_reviewer(organisation=organisation, user=user)

    # then neither the same object nor a fresh one sees it any more
    fresh = User.objects.get(pk=user.pk)
    for each in (user, fresh):
        with pytest.raises(errors.ObjectNotFound):
            policies.get_visible_declaration(each, declaration.pk)
        assert list(policies.review_queue_for(each)) == []
        assert services.available_transitions(declaration, each) == []
    assert list(policies.visible_officials(fresh).values_list("user_id", flat=True)) == [user.pk]


@pytest.mark.django_db
def test_a_grant_on_a_parent_covers_an_organisation_created_later_under_it():
    # given an ЭБАТ of a parent organisation
    parent = OrganisationFactory()
    reviewer = make_reviewer(parent)

    # when a new sub-organisation's official submits
    declaration = make_declaration(
        "submitted", position=PositionFactory(organisation=OrganisationFactory(parent=parent))
    )

    # then
    assert list(policies.review_queue_for(User.objects.get(pk=reviewer.pk)).values_list("pk", flat=True)) == [
        declaration.pk
    ]
