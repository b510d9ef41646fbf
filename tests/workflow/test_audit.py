"""The transition log: hash-chained per filing, append-only; revisions are immutable; the state is protected."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from declarations.models import (
    Declaration,
    DeclarationRevision,
    ImmutableRowError,
    canonical_hash,
)
from tests.factories import PositionFactory, make_declaration, make_reviewer, make_supervisor
from workflow import audit, services
from workflow.models import TransitionLog

FULL_PATH = [
    "submit",
    "start_review",
    "return_for_correction",
    "resubmit",
    "start_review",
    "accept",
    "publish",
    "withdraw_publication",
]
ROLE = {"submit": "filer", "resubmit": "filer", "withdraw_publication": "supervisor"}
ARGS = {
    "return_for_correction": {"comment": "Засна уу.", "remarks": [{"path": "gifts[0].giver", "message": "Хэн?"}]},
    "accept": {"comment": "Зөв."},
    "withdraw_publication": {"reason": "Шүүхийн шийдвэрээр."},
}


def _take(declaration, name, actors):
    services.TRANSITION_SERVICES[name](
        actor=actors[ROLE.get(name, "reviewer")], declaration_id=declaration.pk, **ARGS.get(name, {})
    )


@pytest.mark.django_db
def test_every_row_hashes_its_content_and_chains_to_the_previous_row_of_the_same_filing():
    # given two declarations whose transitions interleave
    position = PositionFactory()
    other_position = PositionFactory(organisation=position.organisation)
    reviewer = make_reviewer(position.organisation)
    actors_of = {}
    declarations = []
    for each in (position, other_position):
        declaration = make_declaration("draft", position=each)
        actors_of[declaration.pk] = {"filer": each.official.user, "reviewer": reviewer, "supervisor": make_supervisor()}
        declarations.append(declaration)

    # when
    for name in FULL_PATH:
        for declaration in declarations:
            _take(declaration, name, actors_of[declaration.pk])

    # then
    content_type = ContentType.objects.get_for_model(Declaration)
    for declaration in declarations:
        rows = list(TransitionLog.objects.filter(content_type=content_type, object_id=declaration.pk).order_by("id"))
        assert [row.transition for row in rows] == FULL_PATH
        assert [row.previous_hash for row in rows] == ["", *(row.hash for row in rows[:-1])]
        assert all(row.hash == canonical_hash(audit.log_payload(row)) for row in rows)
        assert [(row.from_state, row.to_state) for row in rows] == [
            ("draft", "submitted"),
            ("submitted", "under_review"),
            ("under_review", "returned"),
            ("returned", "submitted"),
            ("submitted", "under_review"),
            ("under_review", "accepted"),
            ("accepted", "published"),
            ("published", "withdrawn"),
        ]
        assert [row.actor_id for row in rows] == [
            actors_of[declaration.pk][ROLE.get(name, "reviewer")].pk for name in FULL_PATH
        ]
    first_rows = [audit.history_for(declaration).first() for declaration in declarations]
    assert first_rows[0].id < first_rows[1].id
    assert len({row.hash for row in TransitionLog.objects.all()}) == 2 * len(FULL_PATH)


@pytest.mark.django_db
def test_the_payload_covers_every_recorded_field():
    declaration = make_declaration("returned")
    row = audit.latest_return(declaration)

    assert audit.log_payload(row) == {
        "content_type": ContentType.objects.get_for_model(Declaration).pk,
        "object_id": declaration.pk,
        "transition": "return_for_correction",
        "from": "under_review",
        "to": "returned",
        "actor": audit.history_for(declaration).get(transition="start_review").actor_id,
        "at": row.at.isoformat(),
        "comment": "Үл хөдлөх хөрөнгийн үнэлгээг шалгана уу.",
        "remarks": [{"path": "real_estate[0].value_mnt", "message": "Үнэлгээ буруу."}],
        "previous": audit.history_for(declaration).get(transition="start_review").hash,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"comment": "Өөрчилсөн."},
        {"to_state": "accepted"},
        {"at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
        {"remarks": []},
        {"previous_hash": ""},
    ],
    ids=["comment", "to_state", "at", "remarks", "previous_hash"],
)
def test_a_row_changed_behind_the_services_back_no_longer_matches_its_hash(change):
    # given a logged return, edited directly in the database
    declaration = make_declaration("returned")
    row = audit.latest_return(declaration)
    TransitionLog.objects.filter(pk=row.pk).update(**change)

    # when
    tampered = TransitionLog.objects.get(pk=row.pk)

    # then
    assert tampered.hash != canonical_hash(audit.log_payload(tampered))


@pytest.mark.django_db
def test_transition_log_rows_refuse_save_after_create_and_delete():
    declaration = make_declaration("submitted")
    row = audit.history_for(declaration).get()

    row.comment = "Өөрчилсөн."
    with pytest.raises(ImmutableRowError):
        row.save()
    with pytest.raises(ImmutableRowError):
        row.delete()

    assert audit.history_for(declaration).get().comment == ""


@pytest.mark.django_db
def test_revision_rows_refuse_save_after_create_and_delete():
    declaration = make_declaration("submitted")
    revision = DeclarationRevision.objects.get(declaration=declaration)
    original_hash = revision.content_hash

    revision.content = {}
    with pytest.raises(ImmutableRowError):
        revision.save()
    with pytest.raises(ImmutableRowError):
        revision.delete()

    stored = DeclarationRevision.objects.get(declaration=declaration)
    assert stored.content_hash == original_hash
    assert stored.content_hash == canonical_hash(stored.content)


@pytest.mark.django_db
def test_the_state_field_cannot_be_assigned():
    declaration = make_declaration("under_review")

    with pytest.raises(AttributeError):
        declaration.state = "accepted"

    assert Declaration.objects.get(pk=declaration.pk).state == "under_review"
    assert audit.history_for(declaration).count() == 2
