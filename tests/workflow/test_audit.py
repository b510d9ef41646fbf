"""The transition log: hash-chained per filing and globally, append-only; revisions, conclusions and public
snapshots are immutable (the snapshot but for its withdrawal tombstone); the state is protected."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from declarations.models import (
    Conclusion,
    Declaration,
    DeclarationRevision,
    ImmutableRowError,
    PublicSnapshot,
    canonical_hash,
)
from tests.factories import PositionFactory, make_declaration, make_reviewer, make_supervisor
from tests.workflow import tampering
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
def test_every_row_also_chains_to_the_row_written_before_it_whatever_its_filing():
    # given two declarations whose transitions interleave
    first, second = make_declaration("draft"), make_declaration("draft")

    # when
    third = make_declaration("draft")
    for declaration, name in [(first, "submit"), (second, "submit"), (third, "discard")]:
        services.TRANSITION_SERVICES[name](actor=declaration.official.user, declaration_id=declaration.pk)

    # then rows are numbered in the order written, each linked to the one before, and hashed with both links
    rows = list(TransitionLog.objects.order_by("seq"))
    assert [(row.seq, row.object_id, row.transition) for row in rows] == [
        (1, first.pk, "submit"),
        (2, second.pk, "submit"),
        (3, third.pk, "discard"),
    ]
    assert [row.id for row in rows] == sorted(row.id for row in rows)
    assert [row.global_previous_hash for row in rows] == ["", rows[0].hash, rows[1].hash]
    assert [row.previous_hash for row in rows] == ["", "", ""]
    assert all(row.hash == canonical_hash(audit.log_payload(row)) for row in rows)


@pytest.mark.django_db
def test_the_rows_of_a_transition_and_of_those_it_sets_off_are_appended_together_in_order():
    # given a nominee's preliminary declaration, whose submission also moves the nomination and fulfils the
    # nominee's obligation (nested transitions)
    from tests.workflow.test_nominations import D, make_case

    case = make_case(D.DRAFT)

    # when
    services.declaration_submit(actor=case.nominee, declaration_id=case.declaration.pk)

    # then the three rows follow one another in the global chain, the declaration's own row last
    rows = list(TransitionLog.objects.order_by("seq"))[-3:]
    assert [(row.content_type.model, row.transition) for row in rows] == [
        ("nomination", "declare"),
        ("obligation", "fulfil_on_time"),
        ("declaration", "submit"),
    ]
    assert [row.seq for row in rows] == [rows[0].seq, rows[0].seq + 1, rows[0].seq + 2]
    assert [row.global_previous_hash for row in rows[1:]] == [rows[0].hash, rows[1].hash]


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
        "seq": 3,
        "global_previous": audit.history_for(declaration).get(transition="start_review").hash,
    }


@pytest.mark.django_db
def test_the_hash_does_not_depend_on_the_time_zone_the_time_was_written_in():
    declaration = make_declaration("submitted")
    row = audit.history_for(declaration).get()
    in_ulaanbaatar = row.at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))

    row.at = in_ulaanbaatar

    assert audit.log_payload(row)["at"] == TransitionLog.objects.get(pk=row.pk).at.isoformat()
    assert audit.row_hash(row) == row.hash


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"comment": "Өөрчилсөн."},
        {"to_state": "accepted"},
        {"at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
        {"remarks": []},
        {"previous_hash": ""},
        {"seq": 99},
        {"global_previous_hash": ""},
    ],
    ids=["comment", "to_state", "at", "remarks", "previous_hash", "seq", "global_previous_hash"],
)
def test_a_row_changed_behind_the_services_back_no_longer_matches_its_hash(change):
    # given a logged return, edited directly in the database
    declaration = make_declaration("returned")
    row = audit.latest_return(declaration)
    tampering.edit(TransitionLog, row.pk, **change)

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
    assert stored.content_hash == stored.compute_hash()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "text_field"),
    [(TransitionLog, "comment"), (DeclarationRevision, "form_version"), (Conclusion, "reasoning")],
)
def test_the_orms_bulk_paths_refuse_to_change_or_delete_immutable_rows(model, text_field):
    declaration = make_declaration("concluded")  # a log, a revision and a conclusion
    before = list(model.objects.order_by("pk").values())
    rows = model.objects.all()

    with pytest.raises(ImmutableRowError, match=rf"^{model.__name__} rows are immutable\.$"):
        rows.update(**{text_field: "Өөрчилсөн."})
    with pytest.raises(ImmutableRowError, match=rf"^{model.__name__} rows are immutable\.$"), transaction.atomic():
        model.objects.bulk_update(list(rows), [text_field])
    with pytest.raises(ImmutableRowError, match=rf"^{model.__name__} rows cannot be deleted\.$"):
        rows.delete()

    assert before
    assert list(model.objects.order_by("pk").values()) == before
    assert Declaration.objects.get(pk=declaration.pk).state == "concluded"


@pytest.mark.django_db
def test_a_public_snapshot_refuses_every_change_but_its_withdrawal_tombstone():
    declaration = make_declaration("published")
    snapshot = PublicSnapshot.objects.get(declaration=declaration)
    before = PublicSnapshot.objects.filter(pk=snapshot.pk).values().get()

    snapshot.official_name = "Өөр нэр"
    with pytest.raises(
        ImmutableRowError, match=r"^PublicSnapshot rows are immutable but for the withdrawal tombstone\.$"
    ):
        snapshot.save()
    with pytest.raises(ImmutableRowError, match=r"^PublicSnapshot rows cannot be deleted\.$"):
        snapshot.delete()
    rows = PublicSnapshot.objects.filter(pk=snapshot.pk)
    with pytest.raises(
        ImmutableRowError, match=r"^PublicSnapshot rows are immutable but for the withdrawal tombstone\.$"
    ):
        rows.update(official_name="Өөр нэр", withdrawal_reason="Шалтгаан.")
    with pytest.raises(ImmutableRowError, match=r"^PublicSnapshot rows cannot be deleted\.$"):
        rows.delete()
    assert rows.values().get() == before

    moment = timezone.now()
    assert rows.update(withdrawn_at=moment, withdrawal_reason="Шүүхийн шийдвэрээр.") == 1
    assert rows.values().get() == {**before, "withdrawn_at": moment, "withdrawal_reason": "Шүүхийн шийдвэрээр."}


@pytest.mark.django_db
def test_the_state_field_cannot_be_assigned():
    declaration = make_declaration("under_review")

    with pytest.raises(AttributeError):
        declaration.state = "accepted"

    assert Declaration.objects.get(pk=declaration.pk).state == "under_review"
    assert audit.history_for(declaration).count() == 2


# --- PostgreSQL: triggers refuse what raw SQL would change ----------------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the immutability triggers exist on PostgreSQL only"
)


def _sql(statement, params):
    """Run one statement in its own savepoint; the refusal's message, or None when it went through."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except IntegrityError as refused:
        return str(refused).splitlines()[0]
    return None


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


@on_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "column", "table"),
    [
        (TransitionLog, "comment", "workflow_transitionlog"),
        (DeclarationRevision, "form_version", "declarations_declarationrevision"),
        (Conclusion, "reasoning", "declarations_conclusion"),
    ],
)
def test_raw_sql_cannot_update_or_delete_an_immutable_row(model, column, table):
    make_declaration("concluded")
    row = model.objects.order_by("pk").first()
    before = list(model.objects.order_by("pk").values())

    updated = _sql(f"UPDATE {_table(model)} SET {column} = %s WHERE id = %s", ["Өөрчилсөн.", row.pk])
    deleted = _sql(f"DELETE FROM {_table(model)} WHERE id = %s", [row.pk])
    everything = _sql(f"DELETE FROM {_table(model)}", [])

    immutable = "append-only" if model is TransitionLog else "immutable"
    assert updated == f"{table} rows are {immutable}: UPDATE of row {row.pk} refused"
    assert deleted == everything == f"{table} rows are {immutable}: DELETE of row {row.pk} refused"
    assert list(model.objects.order_by("pk").values()) == before


@on_postgresql
@pytest.mark.django_db
def test_raw_sql_cannot_delete_a_snapshot_nor_change_it_but_by_withdrawing_it_once_with_a_reason():
    snapshot = PublicSnapshot.objects.get(declaration=make_declaration("published"))
    table = _table(PublicSnapshot)
    before = PublicSnapshot.objects.filter(pk=snapshot.pk).values().get()
    refused = (
        "declarations_publicsnapshot rows are immutable but for their withdrawal, once: {} of row "
        f"{snapshot.pk} refused"
    )
    moment = timezone.now()

    assert _sql(f"DELETE FROM {table} WHERE id = %s", [snapshot.pk]) == refused.format("DELETE")
    assert _sql(f"UPDATE {table} SET official_name = %s WHERE id = %s", ["Өөр", snapshot.pk]) == refused.format(
        "UPDATE"
    )
    assert _sql(
        f"UPDATE {table} SET withdrawn_at = %s, withdrawal_reason = %s, year = 2019 WHERE id = %s",
        [moment, "Шалтгаан.", snapshot.pk],
    ) == refused.format("UPDATE")
    assert _sql(
        f"UPDATE {table} SET withdrawn_at = %s, withdrawal_reason = '' WHERE id = %s", [moment, snapshot.pk]
    ) == refused.format("UPDATE")
    assert PublicSnapshot.objects.filter(pk=snapshot.pk).values().get() == before

    # the tombstone goes through once, and never changes after
    assert (
        _sql(
            f"UPDATE {table} SET withdrawn_at = %s, withdrawal_reason = %s WHERE id = %s",
            [moment, "Шүүхийн шийдвэрээр.", snapshot.pk],
        )
        is None
    )
    assert _sql(f"UPDATE {table} SET withdrawal_reason = %s WHERE id = %s", ["Өөр.", snapshot.pk]) == refused.format(
        "UPDATE"
    )
    assert _sql(f"UPDATE {table} SET withdrawn_at = NULL WHERE id = %s", [snapshot.pk]) == refused.format("UPDATE")
    assert PublicSnapshot.objects.filter(pk=snapshot.pk).values().get() == {
        **before,
        "withdrawn_at": moment,
        "withdrawal_reason": "Шүүхийн шийдвэрээр.",
    }


@on_postgresql
@pytest.mark.django_db
def test_the_withdrawal_services_still_write_the_tombstone_past_the_trigger():
    from tests.notice_factories import make_notice

    declaration = make_declaration("withdrawn")
    notice = make_notice("withdrawn")

    assert PublicSnapshot.objects.get(declaration=declaration).withdrawal_reason == "Шүүхийн шийдвэрээр."
    assert PublicSnapshot.objects.get(notice=notice).withdrawn_at == audit.history_for(notice).last().at
