"""The transition services: creating, correcting, editing, submitting, reviewing, publishing, notifying."""

import datetime
import json

import pytest
from django.db import transaction

from declarations.content import sample_content
from declarations.models import (
    Declaration,
    DeclarationRevision,
    DeclaredCompany,
    Position,
    PublicSnapshot,
    canonical_hash,
)
from tests.factories import (
    TRANSITION_ARGS,
    OrganisationFactory,
    PositionFactory,
    UserFactory,
    make_declaration,
    make_reviewer,
    make_supervisor,
)
from workflow import audit, errors, policies, services
from workflow.models import TransitionLog

THIS_YEAR = services.local_today().year


def _footprint(declaration):
    row = Declaration.objects.values("state", "updated_at", "content", "submitted_at").get(pk=declaration.pk)
    return {
        **row,
        "declarations": Declaration.objects.count(),
        "log_rows": TransitionLog.objects.count(),
        "revisions": DeclarationRevision.objects.count(),
        "companies": DeclaredCompany.objects.count(),
        "snapshots": PublicSnapshot.objects.count(),
    }


def _walk(declaration, reviewer, *names):
    """Take the transitions in order, each by the user whose role it is."""
    for name in names:
        actor = declaration.official.user if name in ("submit", "resubmit", "discard") else reviewer
        services.TRANSITION_SERVICES[name](actor=actor, declaration_id=declaration.pk, **TRANSITION_ARGS.get(name, {}))
    return Declaration.objects.get(pk=declaration.pk)


# --- Creating ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_opens_a_draft_for_the_filers_own_position():
    position = PositionFactory()

    declaration = services.declaration_create(
        actor=position.official.user, position=position, kind="annual", year=THIS_YEAR, content=None
    )

    stored = Declaration.objects.get(pk=declaration.pk)
    assert stored.state == "draft"
    assert (stored.official_id, stored.organisation_id, stored.corrects_id) == (
        position.official_id,
        position.organisation_id,
        None,
    )
    assert stored.form_version == "2023"
    assert audit.history_for(stored).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague", "reviewer", "superuser"])
def test_create_for_someone_elses_position_is_forbidden(who):
    position = PositionFactory()
    actor = {
        "colleague": lambda: PositionFactory(organisation=position.organisation).official.user,
        "reviewer": lambda: make_reviewer(position.organisation),
        "superuser": lambda: UserFactory(is_superuser=True),
    }[who]()
    count = Declaration.objects.count()

    with pytest.raises(errors.ActionForbidden) as denied:
        services.declaration_create(actor=actor, position=position, kind="annual", year=THIS_YEAR)

    assert str(denied.value.message) == "You can file declarations only for your own positions."
    assert Declaration.objects.count() == count


@pytest.mark.django_db
def test_an_inactive_official_cannot_open_a_draft():
    position = PositionFactory(official__user__is_active=False)
    count = Declaration.objects.count()

    with pytest.raises(errors.ActionForbidden):
        services.declaration_create(actor=position.official.user, position=position, kind="annual", year=THIS_YEAR)

    assert Declaration.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("position_fields", "year", "expected"),
    [
        ({"declaration_required": False}, 2024, {"position": ["This position does not require a declaration."]}),
        (
            {"end_date": datetime.date(2023, 12, 31)},
            2024,
            {"position": ["This position had ended before the declared year."]},
        ),
        ({}, 1999, {"year": [f"Enter a year between 2000 and {THIS_YEAR}."]}),
        ({}, THIS_YEAR + 1, {"year": [f"Enter a year between 2000 and {THIS_YEAR}."]}),
        ({}, "2024", {"year": [f"Enter a year between 2000 and {THIS_YEAR}."]}),
        ({}, True, {"year": [f"Enter a year between 2000 and {THIS_YEAR}."]}),
    ],
    ids=["not-required", "ended", "too-early", "future", "string-year", "boolean-year"],
)
def test_create_refuses_an_invalid_position_or_year(position_fields, year, expected):
    position = PositionFactory(**position_fields)
    count = Declaration.objects.count()

    with pytest.raises(errors.InvalidInput) as invalid:
        services.declaration_create(actor=position.official.user, position=position, kind="annual", year=year)

    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == expected
    assert Declaration.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["preliminary", "", "ANNUAL"])
def test_create_refuses_an_unknown_kind(kind):
    position = PositionFactory()

    with pytest.raises(errors.InvalidInput) as invalid:
        services.declaration_create(actor=position.official.user, position=position, kind=kind, year=2024)

    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == {
        "kind": ["Select a valid choice."]
    }
    assert Declaration.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "end_date"), [(2000, None), (THIS_YEAR, None), (2024, datetime.date(2024, 1, 1))], ids=str
)
def test_create_accepts_the_year_bounds_and_a_position_ending_within_the_year(year, end_date):
    position = PositionFactory(end_date=end_date)

    declaration = services.declaration_create(actor=position.official.user, position=position, kind="annual", year=year)

    assert Declaration.objects.get(pk=declaration.pk).year == year


@pytest.mark.django_db
def test_a_second_annual_declaration_for_the_same_position_and_year_is_a_conflict():
    existing = make_declaration("submitted", year=2024)
    position = existing.position
    count = Declaration.objects.count()

    with pytest.raises(errors.StateConflict) as conflict:
        services.declaration_create(actor=position.official.user, position=position, kind="annual", year=2024)

    assert str(conflict.value.message) == "A declaration of this kind for this position and year already exists."
    assert Declaration.objects.count() == count
    assert list(Declaration.objects.filter(position=position).values_list("pk", flat=True)) == [existing.pk]


@pytest.mark.django_db
def test_a_discarded_draft_does_not_block_a_new_annual_declaration():
    discarded = make_declaration("discarded", year=2024)

    declaration = services.declaration_create(
        actor=discarded.official.user, position=discarded.position, kind="annual", year=2024
    )

    assert Declaration.objects.filter(position=discarded.position, year=2024).count() == 2
    assert declaration.pk != discarded.pk


@pytest.mark.django_db
def test_create_without_content_prefills_from_the_last_accepted_declaration():
    # given an accepted 2023 declaration and a later one still under review, with different companies
    position = PositionFactory()
    name = position.official.full_name
    accepted = make_declaration(
        "accepted",
        position=position,
        year=2023,
        content=sample_content(full_name=name, companies=[("Алтан Тал ХХК", "1111111")]),
    )
    make_declaration(
        "under_review",
        position=position,
        year=2024,
        content=sample_content(full_name=name, companies=[("Хар Ус ХХК", "2222222")]),
    )

    # when
    declaration = services.declaration_create(actor=position.official.user, position=position, kind="annual", year=2025)

    # then the content is the accepted revision's
    assert declaration.content == DeclarationRevision.objects.get(declaration=accepted).content
    assert declaration.content["business_interests"][0]["company_name"] == "Алтан Тал ХХК"


@pytest.mark.django_db
def test_create_without_content_and_nothing_accepted_starts_empty():
    position = PositionFactory()
    make_declaration("submitted", position=position, year=2024)

    declaration = services.declaration_create(actor=position.official.user, position=position, kind="annual", year=2025)

    assert declaration.content == {
        "personal": {},
        "positions": [],
        "business_interests": [],
        "real_estate": [],
        "vehicles": [],
        "bank_accounts": [],
        "securities": [],
        "income": [],
        "loans": [],
        "gifts": [],
        "family_members": [],
    }


# --- Corrections --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["accepted", "published"])
def test_a_correction_links_the_original_and_starts_from_its_last_revision(state):
    # given an accepted or published declaration whose working copy no longer matches its frozen revision
    original = make_declaration(state)
    Declaration.objects.filter(pk=original.pk).update(content={"personal": {"full_name": "Өөр"}})

    # when
    correction = services.declaration_create_correction(actor=original.official.user, corrects_id=original.pk)

    # then
    stored = Declaration.objects.get(pk=correction.pk)
    assert stored.corrects_id == original.pk
    assert stored.state == "draft"
    assert (stored.kind, stored.year, stored.position_id) == ("annual", 2025, original.position_id)
    assert stored.content == DeclarationRevision.objects.get(declaration=original, number=1).content
    assert stored.content["personal"]["full_name"] == original.official.full_name


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "submitted", "under_review", "returned", "withdrawn", "discarded"])
def test_only_an_accepted_or_published_declaration_can_be_corrected(state):
    original = make_declaration(state)
    count = Declaration.objects.count()

    with pytest.raises(errors.StateConflict) as conflict:
        services.declaration_create_correction(actor=original.official.user, corrects_id=original.pk)

    assert str(conflict.value.message) == "Only an accepted or published declaration can be corrected."
    assert Declaration.objects.count() == count


@pytest.mark.django_db
def test_only_the_filer_corrects_a_declaration():
    # given an accepted declaration, its reviewer (who sees it) and an outsider (who does not)
    reviewer = make_reviewer(OrganisationFactory())
    original = make_declaration(
        "accepted",
        position=PositionFactory(organisation=reviewer.official.positions.get().organisation),
        reviewer=reviewer,
    )
    outsider = PositionFactory().official.user
    count = Declaration.objects.count()

    with pytest.raises(errors.ActionForbidden) as forbidden:
        services.declaration_create_correction(actor=reviewer, corrects_id=original.pk)
    with pytest.raises(errors.ObjectNotFound):
        services.declaration_create_correction(actor=outsider, corrects_id=original.pk)

    assert str(forbidden.value.message) == "You can correct only your own declarations."
    assert Declaration.objects.count() == count


@pytest.mark.django_db
def test_publishing_a_correction_links_its_snapshot_to_the_originals_snapshot():
    # given a published declaration and its correction, taken through the same graph
    reviewer = make_reviewer(OrganisationFactory())
    position = PositionFactory(organisation=reviewer.official.positions.get().organisation)
    original = make_declaration("published", position=position, reviewer=reviewer)
    correction = services.declaration_create_correction(actor=position.official.user, corrects_id=original.pk)

    # when
    correction = _walk(correction, reviewer, "submit", "start_review", "accept", "publish")

    # then
    assert correction.state == "published"
    original_snapshot = PublicSnapshot.objects.get(declaration=original)
    assert PublicSnapshot.objects.get(declaration=correction).corrects_id == original_snapshot.pk
    assert list(original_snapshot.corrected_by.values_list("declaration_id", flat=True)) == [correction.pk]
    assert original_snapshot.corrects_id is None


@pytest.mark.django_db
def test_a_published_correction_of_an_unpublished_original_links_no_snapshot():
    reviewer = make_reviewer(OrganisationFactory())
    position = PositionFactory(organisation=reviewer.official.positions.get().organisation)
    original = make_declaration("accepted", position=position, reviewer=reviewer)
    correction = services.declaration_create_correction(actor=position.official.user, corrects_id=original.pk)

    correction = _walk(correction, reviewer, "submit", "start_review", "accept", "publish")

    assert PublicSnapshot.objects.get(declaration=correction).corrects_id is None
    assert correction.corrects_id == original.pk


# --- Editing the working copy ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "returned"])
def test_the_filer_updates_a_draft_or_returned_declaration_and_the_content_is_normalised(state):
    declaration = make_declaration(state)
    content = sample_content(full_name=declaration.official.full_name)
    content["personal"]["register_number"] = " уб90051234 "
    content["real_estate"][0]["value_mnt"] = 300000000
    content["personal"]["phone"] = "+976 9911-2233"

    services.declaration_update_content(actor=declaration.official.user, declaration_id=declaration.pk, content=content)

    stored = Declaration.objects.get(pk=declaration.pk).content
    assert stored["personal"]["register_number"] == "УБ90051234"
    assert stored["real_estate"][0]["value_mnt"] == "300000000.00"
    assert stored["personal"]["phone"] == "99112233"
    assert Declaration.objects.get(pk=declaration.pk).state == state


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["submitted", "under_review", "accepted", "published", "withdrawn", "discarded"])
def test_content_cannot_change_outside_draft_and_returned(state):
    declaration = make_declaration(state)
    before = _footprint(declaration)

    with pytest.raises(errors.TransitionNotAllowed) as refused:
        services.declaration_update_content(
            actor=declaration.official.user, declaration_id=declaration.pk, content=sample_content(complete=False)
        )

    assert (refused.value.state, refused.value.transition, refused.value.allowed) == (state, "update", [])
    assert _footprint(declaration) == before


@pytest.mark.django_db
def test_only_the_filer_updates_the_content():
    reviewer = make_reviewer(OrganisationFactory())
    declaration = make_declaration(
        "returned",
        position=PositionFactory(organisation=reviewer.official.positions.get().organisation),
        reviewer=reviewer,
    )
    before = _footprint(declaration)

    with pytest.raises(errors.ActionForbidden) as forbidden:
        services.declaration_update_content(actor=reviewer, declaration_id=declaration.pk, content={})
    with pytest.raises(errors.ObjectNotFound):
        services.declaration_update_content(
            actor=PositionFactory().official.user, declaration_id=declaration.pk, content={}
        )

    assert str(forbidden.value.message) == "Only the filer can change this declaration."
    assert _footprint(declaration) == before


@pytest.mark.django_db
def test_invalid_content_is_refused_with_errors_under_content_paths_and_nothing_saved():
    declaration = make_declaration("draft")
    before = _footprint(declaration)
    content = sample_content(full_name=declaration.official.full_name)
    content["personal"]["birth_date"] = "12/05/1990"
    content["real_estate"][1]["value_mnt"] = "-5"
    content["family_members"][0]["companies"][0]["company_register_number"] = "12345"
    content["hobbies"] = []

    with pytest.raises(errors.InvalidInput) as invalid:
        services.declaration_update_content(
            actor=declaration.official.user, declaration_id=declaration.pk, content=content
        )

    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == {
        "content.hobbies": ["Unknown field."],
        "content.personal.birth_date": ["Enter a valid date in the format YYYY-MM-DD."],
        "content.real_estate[1].value_mnt": ["Enter a non-negative amount with at most 2 decimal places."],
        "content.family_members[0].companies[0].company_register_number": [
            "Enter a company registration number of 7 digits."
        ],
    }
    assert _footprint(declaration) == before


@pytest.mark.django_db
def test_content_that_is_not_an_object_is_refused():
    declaration = make_declaration("draft")
    before = _footprint(declaration)

    with pytest.raises(errors.InvalidInput) as invalid:
        services.declaration_update_content(actor=declaration.official.user, declaration_id=declaration.pk, content=[1])

    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == {
        "content": ["Expected an object."]
    }
    assert _footprint(declaration) == before


# --- Submitting ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_submitting_incomplete_content_is_refused_and_nothing_changes(django_capture_on_commit_callbacks):
    position = PositionFactory()
    make_reviewer(position.organisation)
    declaration = make_declaration("draft", position=position, content=sample_content(complete=False))
    before = _footprint(declaration)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(errors.InvalidInput) as invalid:
        services.declaration_submit(actor=declaration.official.user, declaration_id=declaration.pk)

    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == {
        "content.personal.birth_date": ["This field is required."],
        "content.personal.address": ["This field is required."],
        "content.personal.phone": ["This field is required."],
    }
    assert _footprint(declaration) == before
    assert before["state"] == "draft"
    assert callbacks == []


@pytest.mark.django_db
def test_submit_freezes_revision_one_and_indexes_the_declared_companies():
    declaration = make_declaration("draft")
    filer = declaration.official.user

    services.declaration_submit(actor=filer, declaration_id=declaration.pk)

    stored = Declaration.objects.get(pk=declaration.pk)
    revision = DeclarationRevision.objects.get(declaration=declaration)
    assert stored.state == "submitted"
    assert (revision.number, revision.form_version, revision.submitted_by_id) == (1, "2023", filer.pk)
    assert revision.content == stored.content
    assert revision.content_hash == revision.compute_hash()
    assert revision.content_hash == canonical_hash(
        {
            "declaration": declaration.pk,
            "number": 1,
            "form_version": "2023",
            "content": stored.content,
            "submitted_by": filer.pk,
            "created_at": stored.submitted_at.astimezone(datetime.UTC).isoformat(),
        }
    )
    assert revision.created_at == stored.submitted_at
    assert stored.submitted_at == audit.history_for(stored).get().at
    companies = DeclaredCompany.objects.filter(declaration=declaration).order_by("pk")
    assert list(
        companies.values_list(
            "revision_id", "official_id", "holder", "relationship", "name", "name_normalised", "register_number"
        )
    ) == [
        (revision.pk, declaration.official_id, "self", "", "Говь-Алт ХХК", "говь-алт ххк", "2345678"),
        (revision.pk, declaration.official_id, "self", "", "АПУ ХК", "апу хк", "2081911"),
        (
            revision.pk,
            declaration.official_id,
            "family",
            "spouse",
            "Сарнай Эм Хангамж ХХК",
            "сарнай эм хангамж ххк",
            "5123456",
        ),
    ]


@pytest.mark.django_db
def test_resubmit_freezes_revision_two_with_the_corrected_content():
    # given a returned declaration whose filer sold the shares and corrects the content
    declaration = make_declaration("returned")
    filer = declaration.official.user
    content = sample_content(full_name=declaration.official.full_name, companies=[])
    content["securities"] = []
    services.declaration_update_content(actor=filer, declaration_id=declaration.pk, content=content)

    # when
    services.declaration_resubmit(actor=filer, declaration_id=declaration.pk)

    # then
    revisions = list(DeclarationRevision.objects.filter(declaration=declaration).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].content["business_interests"][0]["company_name"] == "Говь-Алт ХХК"
    assert revisions[1].content["business_interests"] == []
    assert revisions[1].content_hash == revisions[1].compute_hash()
    assert revisions[1].content_hash != revisions[0].content_hash
    assert list(DeclaredCompany.objects.filter(revision=revisions[1]).values_list("holder", "name")) == [
        ("family", "Сарнай Эм Хангамж ХХК")
    ]
    assert DeclaredCompany.objects.filter(revision=revisions[0]).count() == 3
    assert Declaration.objects.get(pk=declaration.pk).state == "submitted"


# --- Returning, remarks, accepting ------------------------------------------------------------------------


@pytest.mark.django_db
def test_return_records_the_stripped_comment_and_the_remarks():
    declaration = make_declaration("under_review")
    reviewer = audit.history_for(declaration).get(transition="start_review").actor

    services.declaration_return_for_correction(
        actor=reviewer,
        declaration_id=declaration.pk,
        comment="  Орлогоо тодруулна уу.  ",
        remarks=[{"path": " income[1].amount_mnt ", "message": " Түрээсийн орлого дутуу. "}],
    )

    entry = audit.latest_return(declaration)
    assert (entry.comment, entry.remarks) == (
        "Орлогоо тодруулна уу.",
        [{"path": "income[1].amount_mnt", "message": "Түрээсийн орлого дутуу."}],
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("", {"comment": ["A comment is required."]}),
        ("   \n\t ", {"comment": ["A comment is required."]}),
        (None, {"comment": ["A comment is required."]}),
        (42, {"comment": ["A comment is required."]}),
        (["Засна уу."], {"comment": ["A comment is required."]}),
        ("x" * 4001, {"comment": ["Ensure this value has at most 4000 characters."]}),
    ],
    ids=["empty", "whitespace", "none", "number", "list", "too-long"],
)
def test_return_requires_a_comment_and_changes_nothing_without_one(
    comment, expected, django_capture_on_commit_callbacks
):
    declaration = make_declaration("under_review")
    reviewer = audit.history_for(declaration).get(transition="start_review").actor
    before = _footprint(declaration)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(errors.InvalidInput) as invalid:
        services.declaration_return_for_correction(actor=reviewer, declaration_id=declaration.pk, comment=comment)

    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == expected
    assert _footprint(declaration) == before
    assert callbacks == []


REMARK_CASES = [
    (
        [{"path": "hobbies[0].name", "message": "Энэ юу вэ?"}],
        {"remarks[0].path": ["Unknown section in remark path “hobbies[0].name”."]},
    ),
    (
        {"path": "income[0].amount_mnt", "message": "Дутуу."},
        {"remarks": ["Remarks must be a list of at most 100 items, each with a field path and a message."]},
    ),
    ("income", {"remarks": ["Remarks must be a list of at most 100 items, each with a field path and a message."]}),
    (
        [{"path": "income[0].amount_mnt", "message": "Дутуу."}] * 101,
        {"remarks": ["Remarks must be a list of at most 100 items, each with a field path and a message."]},
    ),
    (
        [{"path": "income[0].amount_mnt", "message": "Дутуу."}, {"path": "gifts[0].value_mnt"}],
        {"remarks[1]": ["Remarks must be a list of at most 100 items, each with a field path and a message."]},
    ),
    (
        [{"path": "gifts[0].value_mnt", "message": "   "}],
        {"remarks[0]": ["Remarks must be a list of at most 100 items, each with a field path and a message."]},
    ),
    (
        ["gifts[0].value_mnt"],
        {"remarks[0]": ["Remarks must be a list of at most 100 items, each with a field path and a message."]},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remarks", "expected"),
    REMARK_CASES,
    ids=["unknown-section", "object", "string", "101-items", "missing-message", "blank-message", "not-an-object"],
)
def test_invalid_remarks_are_refused_and_nothing_changes(remarks, expected):
    declaration = make_declaration("under_review")
    reviewer = audit.history_for(declaration).get(transition="start_review").actor
    before = _footprint(declaration)

    with pytest.raises(errors.InvalidInput) as invalid:
        services.declaration_return_for_correction(
            actor=reviewer, declaration_id=declaration.pk, comment="Засна уу.", remarks=remarks
        )

    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == expected
    assert _footprint(declaration) == before


@pytest.mark.django_db
def test_a_hundred_remarks_are_accepted():
    declaration = make_declaration("under_review")
    reviewer = audit.history_for(declaration).get(transition="start_review").actor
    remarks = [{"path": f"gifts[{i}].value_mnt", "message": "Шалгана уу."} for i in range(100)]

    services.declaration_return_for_correction(
        actor=reviewer, declaration_id=declaration.pk, comment="Засна уу.", remarks=remarks
    )

    assert len(audit.latest_return(declaration).remarks) == 100


@pytest.mark.django_db
def test_accept_sets_the_acceptance_time_and_keeps_an_optional_comment():
    declaration = make_declaration("under_review")
    reviewer = audit.history_for(declaration).get(transition="start_review").actor

    services.declaration_accept(actor=reviewer, declaration_id=declaration.pk, comment=" Зөв бөглөсөн. ")

    stored = Declaration.objects.get(pk=declaration.pk)
    entry = audit.history_for(stored).get(transition="accept")
    assert stored.accepted_at == entry.at
    assert entry.comment == "Зөв бөглөсөн."


# --- Publication and withdrawal -----------------------------------------------------------------------

# Where the private values sit in the 2023 form (DESIGN §5); every one of them must stay out of public data.
PRIVATE_PATHS = [
    ("personal", None, "register_number"),
    ("personal", None, "birth_date"),
    ("personal", None, "address"),
    ("personal", None, "phone"),
    ("personal", None, "email"),
    ("business_interests", 0, "company_register_number"),
    ("real_estate", 0, "address"),
    ("real_estate", 1, "address"),
    ("real_estate", 1, "parcel_number"),
    ("vehicles", 0, "plate_number"),
    ("bank_accounts", 0, "account_number"),
    ("bank_accounts", 1, "account_number"),
    ("securities", 0, "issuer_register_number"),
    ("family_members", 0, "full_name"),
    ("family_members", 0, "register_number"),
    ("family_members", 0, "birth_date"),
    ("family_members", 1, "full_name"),
    ("family_members", 1, "register_number"),
    ("family_members", 1, "birth_date"),
]


@pytest.mark.django_db
def test_publish_writes_a_redacted_snapshot_without_any_private_value():
    # given an accepted declaration
    declaration = make_declaration("accepted")
    reviewer = audit.history_for(declaration).get(transition="accept").actor

    # when
    services.declaration_publish(actor=reviewer, declaration_id=declaration.pk)

    # then
    revision = DeclarationRevision.objects.get(declaration=declaration)
    snapshot = PublicSnapshot.objects.get(declaration=declaration)
    private_values = [
        revision.content[section][row][field] if row is not None else revision.content[section][field]
        for section, row, field in PRIVATE_PATHS
    ]
    private_values.append(revision.content["family_members"][0]["companies"][0]["company_register_number"])
    assert all(isinstance(value, str) and len(value) >= 5 for value in private_values)
    public_text = json.dumps(snapshot.content, ensure_ascii=False)
    assert [value for value in private_values if value in public_text] == []
    assert snapshot.content["personal"] == {"full_name": declaration.official.full_name}
    assert snapshot.content["family_members"][0] == {
        "relationship": "spouse",
        "occupation": "Эмч",
        "income_mnt": "21600000.00",
        "assets_total_mnt": "35000000.00",
        "companies": [{"company_name": "Сарнай Эм Хангамж ХХК", "share_percent": "100.00"}],
    }
    assert snapshot.content["vehicles"] == [
        {"make": "Toyota", "model": "Prius 41", "year": 2016, "value_mnt": "32000000.00"}
    ]
    assert snapshot.revision_id == revision.pk
    assert snapshot.content_hash == snapshot.compute_hash()
    stored = Declaration.objects.get(pk=declaration.pk)
    assert snapshot.published_at == stored.published_at == audit.history_for(stored).get(transition="publish").at
    assert (
        snapshot.official_name,
        snapshot.organisation_id,
        snapshot.position_title,
        snapshot.kind,
        snapshot.year,
    ) == (
        declaration.official.full_name,
        declaration.organisation_id,
        "Мэргэжилтэн",
        "annual",
        2025,
    )
    assert (snapshot.withdrawn_at, snapshot.withdrawal_reason, snapshot.corrects_id) == (None, "", None)


@pytest.mark.django_db
def test_publish_uses_the_last_revision():
    # given a declaration returned once, corrected and accepted
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    declaration = make_declaration("returned", position=position, reviewer=reviewer)
    content = sample_content(full_name=position.official.full_name)
    content["vehicles"][0]["value_mnt"] = "30000000.00"
    services.declaration_update_content(actor=position.official.user, declaration_id=declaration.pk, content=content)

    # when
    _walk(declaration, reviewer, "resubmit", "start_review", "accept", "publish")

    # then
    snapshot = PublicSnapshot.objects.get(declaration=declaration)
    assert snapshot.revision.number == 2
    assert snapshot.content["vehicles"][0]["value_mnt"] == "30000000.00"


@pytest.mark.django_db
def test_withdrawal_sets_the_tombstone_on_the_snapshot():
    declaration = make_declaration("published")
    supervisor = make_supervisor()

    services.declaration_withdraw_publication(
        actor=supervisor, declaration_id=declaration.pk, reason="  Шүүхийн шийдвэрээр.  "
    )

    snapshot = PublicSnapshot.objects.get(declaration=declaration)
    entry = audit.history_for(declaration).get(transition="withdraw_publication")
    assert (snapshot.withdrawn_at, snapshot.withdrawal_reason) == (entry.at, "Шүүхийн шийдвэрээр.")
    assert entry.comment == "Шүүхийн шийдвэрээр."
    assert Declaration.objects.get(pk=declaration.pk).state == "withdrawn"


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", None, 7], ids=["empty", "whitespace", "none", "number"])
def test_withdrawal_requires_a_reason_and_changes_nothing_without_one(reason):
    declaration = make_declaration("published")
    supervisor = make_supervisor()
    before = _footprint(declaration)
    snapshot_before = PublicSnapshot.objects.values().get(declaration=declaration)

    with pytest.raises(errors.InvalidInput) as invalid:
        services.declaration_withdraw_publication(actor=supervisor, declaration_id=declaration.pk, reason=reason)

    assert {key: [str(m) for m in messages] for key, messages in invalid.value.errors.items()} == {
        "reason": ["A reason is required."]
    }
    assert _footprint(declaration) == before
    assert PublicSnapshot.objects.values().get(declaration=declaration) == snapshot_before


# --- Notifications --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_submit_mails_each_reviewer_of_the_organisation_and_its_ancestors_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    # given reviewers above, at, beside and below the filer's organisation, one of them inactive
    parent = OrganisationFactory()
    organisation = OrganisationFactory(parent=parent)
    parent_reviewer = make_reviewer(parent)
    reviewer = make_reviewer(organisation)
    inactive = make_reviewer(organisation)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    make_reviewer(OrganisationFactory(parent=parent))
    make_reviewer(OrganisationFactory(parent=organisation))
    declaration = make_declaration("draft", position=PositionFactory(organisation=organisation))

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.declaration_submit(actor=declaration.official.user, declaration_id=declaration.pk)
        assert mailoutbox == []

    # then
    assert len(callbacks) == 1
    assert sorted((m.to, m.subject) for m in mailoutbox) == sorted(
        [
            ([parent_reviewer.email], "A declaration waits for review"),
            ([reviewer.email], "A declaration waits for review"),
        ]
    )
    assert mailoutbox[0].body == (
        f"{declaration.official.full_name} submitted a declaration (Annual, 2025) in {organisation.name}."
    )


@pytest.mark.django_db
def test_submit_does_not_ask_the_filer_or_a_listed_relative_to_review(django_capture_on_commit_callbacks, mailoutbox):
    # given an ЭБАТ filing their own declaration, which lists a fellow ЭБАТ as their spouse
    organisation = OrganisationFactory()
    filing_reviewer = make_reviewer(organisation)
    relative = make_reviewer(organisation)
    colleague = make_reviewer(organisation)
    position = Position.objects.get(official__user=filing_reviewer)
    content = sample_content(full_name=position.official.full_name)
    content["family_members"][0]["register_number"] = relative.official.register_number
    declaration = make_declaration("draft", position=position, content=content)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.declaration_submit(actor=filing_reviewer, declaration_id=declaration.pk)

    # then only the colleague, who may review it, is told
    assert [(m.to, m.subject) for m in mailoutbox] == [([colleague.email], "A declaration waits for review")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "name", "subject"),
    [
        ("under_review", "return_for_correction", "Your declaration was returned for correction"),
        ("under_review", "accept", "Your declaration was accepted"),
        ("accepted", "publish", "Your declaration was published"),
    ],
)
def test_the_filer_is_mailed_on_return_accept_and_publish(
    state, name, subject, django_capture_on_commit_callbacks, mailoutbox
):
    declaration = make_declaration(state)
    reviewer = audit.history_for(declaration).get(transition="start_review").actor

    with django_capture_on_commit_callbacks(execute=True):
        services.TRANSITION_SERVICES[name](
            actor=reviewer, declaration_id=declaration.pk, **TRANSITION_ARGS.get(name, {})
        )

    assert [(m.to, m.subject) for m in mailoutbox] == [([declaration.official.user.email], subject)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "name", "role"),
    [
        ("submitted", "start_review", "reviewer"),
        ("published", "withdraw_publication", "supervisor"),
        ("draft", "discard", "filer"),
    ],
)
def test_other_transitions_send_no_mail(state, name, role, django_capture_on_commit_callbacks, mailoutbox):
    position = PositionFactory()
    actors = {
        "filer": position.official.user,
        "reviewer": make_reviewer(position.organisation),
        "supervisor": make_supervisor(),
    }
    declaration = make_declaration(state, position=position, reviewer=actors["reviewer"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.TRANSITION_SERVICES[name](
            actor=actors[role], declaration_id=declaration.pk, **TRANSITION_ARGS.get(name, {})
        )

    assert callbacks == []
    assert mailoutbox == []


@pytest.mark.django_db
def test_nothing_is_mailed_when_the_transaction_rolls_back(django_capture_on_commit_callbacks, mailoutbox):
    # given a submitted declaration whose organisation has a reviewer
    declaration = make_declaration("draft")
    make_reviewer(declaration.organisation)

    # when the submit's surrounding transaction fails after the service returned
    with (  # noqa: PT012
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.declaration_submit(actor=declaration.official.user, declaration_id=declaration.pk)
        raise RuntimeError

    # then
    assert callbacks == []
    assert mailoutbox == []
    assert Declaration.objects.get(pk=declaration.pk).state == "draft"


@pytest.mark.django_db
def test_available_transitions_lists_what_the_user_may_do_now():
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    declaration = make_declaration("under_review", position=position, reviewer=reviewer)

    assert services.available_transitions(declaration, reviewer) == ["return_for_correction", "accept", "refer"]
    assert services.available_transitions(declaration, position.official.user) == []
    assert policies.review_queue_for(reviewer).get().pk == declaration.pk
