"""``manage.py verify_audit``: an intact trail verifies, and every row edited, deleted, reordered or forged
directly in the database (round the models and, on PostgreSQL, the triggers) is found and named exactly.

The tamper cases are the parametrised ``test_tampered_*`` tests: one case per parameter.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from declarations.content import sample_content
from declarations.models import (
    Declaration,
    DeclarationRevision,
    DeclaredCompany,
    Notice,
    Obligation,
    PublicSnapshot,
    canonical_hash,
)
from tests.factories import PositionFactory, make_declaration, make_reviewer
from tests.notice_factories import make_notice
from tests.workflow import tampering
from workflow import audit, obligations, services, verification
from workflow.models import TransitionLog
from workflow.notice_import import COLUMNS, import_notices

pytestmark = pytest.mark.django_db
EDITED_TEXT = "Өөрчилсөн."
RETURN = {"comment": "Засна уу."}


@dataclass
class Trail:
    declaration: Declaration  # written first: its rows are seq 1..10
    rows: list[TransitionLog]  # submit, start_review, return, resubmit, start_review, return, resubmit,
    # start_review, accept, publish
    revisions: list[DeclarationRevision]  # three
    snapshot: PublicSnapshot
    withdrawn: Declaration
    withdrawn_snapshot: PublicSnapshot
    notice: Notice
    notice_snapshot: PublicSnapshot
    accepted: Declaration  # never published
    submitted: Declaration  # one row, one revision


@pytest.fixture
def trail() -> Trail:
    """Filings in many states, every step taken through the services."""
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    filer = position.official.user
    declaration = make_declaration("draft", position=position)
    services.declaration_submit(actor=filer, declaration_id=declaration.pk)
    for correction in (1, 2):
        services.declaration_start_review(actor=reviewer, declaration_id=declaration.pk)
        services.declaration_return_for_correction(actor=reviewer, declaration_id=declaration.pk, **RETURN)
        content = sample_content(
            full_name=position.official.full_name, companies=[(f"Компани {correction} ХХК", f"765432{correction}")]
        )
        services.declaration_update_content(actor=filer, declaration_id=declaration.pk, content=content)
        services.declaration_resubmit(actor=filer, declaration_id=declaration.pk)
    for name in ("start_review", "accept", "publish"):
        services.TRANSITION_SERVICES[name](actor=reviewer, declaration_id=declaration.pk)
    withdrawn = make_declaration("withdrawn")
    notice = make_notice("published")
    trail = Trail(
        declaration=declaration,
        rows=list(audit.history_for(declaration).order_by("id")),
        revisions=list(declaration.revisions.order_by("number")),
        snapshot=PublicSnapshot.objects.get(declaration=declaration),
        withdrawn=withdrawn,
        withdrawn_snapshot=PublicSnapshot.objects.get(declaration=withdrawn),
        notice=notice,
        notice_snapshot=PublicSnapshot.objects.get(notice=notice),
        accepted=make_declaration("accepted"),
        submitted=make_declaration("submitted"),
    )
    assert [row.seq for row in trail.rows] == list(range(1, 11))
    assert verification.verify().problems == []
    return trail


def problems(**options: Any) -> list[str]:
    return [str(problem) for problem in verification.verify(chunk_size=3, **options).problems]


def by_seq(seq: int) -> TransitionLog:
    return TransitionLog.objects.get(seq=seq)


def log_row(filing: Any, transition: str) -> TransitionLog:
    return audit.history_for(filing).get(transition=transition)


# --- An intact trail ------------------------------------------------------------------------------------


def test_an_intact_trail_verifies_and_the_report_counts_what_was_checked(trail):
    report = verification.verify(chunk_size=3)

    rows = TransitionLog.objects.count()
    assert (report.ok, report.problems, report.problem_count) == (True, [], 0)
    assert report.checked == {
        "log rows": rows,
        "filing chains": len(set(TransitionLog.objects.values_list("content_type", "object_id"))),
        "Declaration states": Declaration.objects.count(),
        "Notice states": 1,
        "global chain rows": rows,
        "revisions": DeclarationRevision.objects.count(),
        "public snapshots": 3,
    }
    assert report.head == (rows, by_seq(rows).hash)


def test_the_command_prints_what_it_checked_and_the_head_of_the_global_chain(trail):
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    rows = TransitionLog.objects.count()
    head = f"{rows}:{by_seq(rows).hash}"
    assert out.getvalue().splitlines() == [
        "The audit trail is intact. Checked:",
        f"  log rows: {rows}",
        f"  filing chains: {len(set(TransitionLog.objects.values_list('content_type', 'object_id')))}",
        f"  Declaration states: {Declaration.objects.count()}",
        "  Notice states: 1",
        f"  global chain rows: {rows}",
        f"  revisions: {DeclarationRevision.objects.count()}",
        "  public snapshots: 3",
        f"Head of the global chain: {head} (keep it; --anchor {head} checks it later)",
    ]


def test_the_command_names_each_broken_row_and_fails(trail):
    tampering.edit(TransitionLog, trail.rows[4].pk, comment=EDITED_TEXT)
    tampering.edit(DeclarationRevision, trail.revisions[0].pk, content={})
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^The audit trail is broken: 2 problem\(s\) found\.$"):
        call_command("verify_audit", stderr=err)

    assert err.getvalue().splitlines() == [
        f"TransitionLog {trail.rows[4].pk}: hash does not match the row's content",
        f"DeclarationRevision {trail.revisions[0].pk}: content_hash does not match the revision",
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--anchor", "12"], "An anchor is SEQ:HASH (a sequence number and a 64-character hash), not '12'."),
        (["--anchor", "0:" + "a" * 64], "An anchor is SEQ:HASH (a sequence number and a 64-character hash), not "),
        (["--chunk-size", "0"], "--chunk-size must be at least 1."),
    ],
)
def test_the_command_refuses_a_malformed_option(arguments, message):
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit", *arguments)

    assert str(refused.value).startswith(message)


def test_an_empty_database_verifies():
    report = verification.verify()

    assert (report.ok, report.checked, report.head) == (True, {"global chain rows": 0}, None)


def test_the_bulk_paths_rows_verify(trail):
    # given the overdue job moved two obligations (one batch of two rows) ...
    obligations.obligation_for_appointment(PositionFactory(start_date=datetime.date(2025, 1, 1)))
    obligations.obligation_for_appointment(PositionFactory(start_date=datetime.date(2025, 1, 2)))
    assert obligations.mark_overdue(datetime.date(2025, 3, 1)) == 2
    # ... and a CSV import recorded two notices as submitted
    aimag_clerk = PositionFactory()
    importer = make_reviewer(aimag_clerk.organisation)
    row = {
        "register_number": aimag_clerk.official.register_number,
        "category": "contract",
        "title": "Гэрээ",
        "action_date": "2025-03-10",
        "outcome": "no_conflict",
        "submitted_on": "2025-03-05",
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for reference in ("ГЭ-1", "ГЭ-2"):
        writer.writerow([{**row, "reference_number": reference}.get(column, "") for column in COLUMNS])
    text = out.getvalue()
    assert import_notices(actor=importer, organisation=aimag_clerk.organisation, stream=text).created == 2

    # when
    report = verification.verify(chunk_size=3)

    # then
    assert (report.problems, report.checked["Obligation states"], report.checked["Notice states"]) == ([], 2, 3)
    assert list(TransitionLog.objects.order_by("-seq").values_list("transition", flat=True)[:4]) == [
        "import",
        "import",
        "mark_overdue",
        "mark_overdue",
    ]


def test_a_bulk_row_edited_is_found(trail):
    obligation = obligations.obligation_for_appointment(PositionFactory(start_date=datetime.date(2025, 1, 1)))
    obligations.mark_overdue(datetime.date(2025, 3, 1))
    row = log_row(obligation, "mark_overdue")

    tampering.edit(TransitionLog, row.pk, to_state="waived")

    assert problems() == [
        f"TransitionLog {row.pk}: hash does not match the row's content",
        f"Obligation {obligation.pk}: state is “overdue” but its last log row {row.pk} leads to “waived”",
    ]
    assert Obligation.objects.get(pk=obligation.pk).state == "overdue"


def test_the_rows_of_a_model_without_a_workflow_state_are_chain_checked(trail):
    # given two rows about an organisation (no state to match), the second edited
    organisation = trail.declaration.organisation
    for note in ("first", "second"):
        audit.record_transition(
            obj=organisation,
            transition="note",
            from_state="",
            to_state="",
            actor=None,
            at=trail.rows[0].at,
            comment=note,
        )
    second = TransitionLog.objects.order_by("-seq").first()
    assert verification.verify().checked["log rows"] == TransitionLog.objects.count()

    tampering.edit(TransitionLog, second.pk, comment=EDITED_TEXT)

    assert problems() == [f"TransitionLog {second.pk}: hash does not match the row's content"]


# --- The transition log: edits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"comment": EDITED_TEXT},
        {"transition": "accept"},
        {"from_state": "draft"},
        {"to_state": "accepted"},
        {"at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
        {"remarks": [{"path": "gifts", "message": EDITED_TEXT}]},
        {"actor_id": None},
    ],
    ids=lambda change: next(iter(change)),
)
def test_tampered_log_content_of_a_middle_row(trail, change):
    middle = trail.rows[5]  # the second return for correction

    tampering.edit(TransitionLog, middle.pk, **change)

    assert problems() == [f"TransitionLog {middle.pk}: hash does not match the row's content"]


def test_tampered_log_to_state_of_the_last_row(trail):
    last = trail.rows[-1]

    tampering.edit(TransitionLog, last.pk, to_state="withdrawn")

    assert problems() == [
        f"TransitionLog {last.pk}: hash does not match the row's content",
        f"Declaration {trail.declaration.pk}: state is “published” but its last log row {last.pk} leads to “withdrawn”",
    ]


def test_tampered_log_filing_of_a_middle_row(trail):
    # the row is moved to a filing that does not exist (a tender with the declaration's id)
    middle = trail.rows[5]
    tender_type = ContentType.objects.get(app_label="declarations", model="tender")

    tampering.edit(TransitionLog, middle.pk, content_type_id=tender_type.pk)

    assert problems() == [
        f"TransitionLog {trail.rows[6].pk}: previous_hash does not match the hash of its filing's previous row "
        f"{trail.rows[4].pk}",
        f"TransitionLog {middle.pk}: previous_hash is set on the first row of its filing's chain: an earlier row is "
        "missing",
        f"Tender {trail.declaration.pk}: has log rows (from row {middle.pk}) but does not exist",
    ]


def test_tampered_log_object_of_the_last_row(trail):
    # the publication is moved to the never published declaration
    last, moved_to = trail.rows[-1], trail.accepted

    tampering.edit(TransitionLog, last.pk, object_id=moved_to.pk)

    # (its id is lower than the accepted declaration's rows: it comes first in that declaration's chain)
    assert problems() == [
        f"Declaration {trail.declaration.pk}: state is “published” but its last log row {trail.rows[-2].pk} leads "
        "to “accepted”",
        f"TransitionLog {last.pk}: previous_hash is set on the first row of its filing's chain: an earlier row is "
        "missing",
        f"PublicSnapshot {trail.snapshot.pk}: the log records no publication of its filing",
        f"Declaration {moved_to.pk}: published (log row {last.pk}) but its public snapshot is missing",
    ]


def test_tampered_log_previous_hash(trail):
    middle = trail.rows[5]

    tampering.edit(TransitionLog, middle.pk, previous_hash=trail.rows[0].hash)

    assert problems() == [
        f"TransitionLog {middle.pk}: previous_hash does not match the hash of its filing's previous row "
        f"{trail.rows[4].pk}"
    ]


def test_tampered_log_hash(trail):
    middle = trail.rows[5]

    tampering.edit(TransitionLog, middle.pk, hash="0" * 64)

    assert problems() == [
        f"TransitionLog {middle.pk}: hash does not match the row's content",
        f"TransitionLog {trail.rows[6].pk}: global_previous_hash does not match the hash of row {middle.pk} (seq 6)",
    ]


def test_tampered_log_seq(trail):
    middle = trail.rows[5]  # seq 6

    tampering.edit(TransitionLog, middle.pk, seq=10_000)

    assert problems() == [
        f"TransitionLog {middle.pk}: hash does not match the row's content",
        f"TransitionLog {trail.rows[6].pk}: seq is 7 where 6 was expected: seq 6 missing from the global chain",
    ]


def test_tampered_log_global_previous_hash(trail):
    middle = trail.rows[5]

    tampering.edit(TransitionLog, middle.pk, global_previous_hash=trail.rows[0].hash)

    assert problems() == [
        f"TransitionLog {middle.pk}: hash does not match the row's content",
        f"TransitionLog {middle.pk}: global_previous_hash does not match the hash of row {trail.rows[4].pk} (seq 5)",
    ]


# --- The transition log: deletions, reordering, forgeries -------------------------------------------------


def test_tampered_log_first_row_deleted(trail):
    tampering.delete(TransitionLog, trail.rows[0].pk)

    assert problems() == [
        f"TransitionLog {trail.rows[1].pk}: previous_hash is set on the first row of its filing's chain: an earlier "
        "row is missing",
        f"TransitionLog {trail.rows[1].pk}: seq is 2 where 1 was expected: seq 1 missing from the global chain",
        f"DeclarationRevision {trail.revisions[0].pk}: time or submitter differs from the submission logged in row "
        f"{trail.rows[3].pk}",
    ]


def test_tampered_log_middle_row_deleted(trail):
    tampering.delete(TransitionLog, trail.rows[5].pk)

    assert problems() == [
        f"TransitionLog {trail.rows[6].pk}: previous_hash does not match the hash of its filing's previous row "
        f"{trail.rows[4].pk}",
        f"TransitionLog {trail.rows[6].pk}: seq is 7 where 6 was expected: seq 6 missing from the global chain",
    ]


def test_tampered_log_last_row_deleted(trail):
    tampering.delete(TransitionLog, trail.rows[-1].pk)

    assert problems() == [
        f"Declaration {trail.declaration.pk}: state is “published” but its last log row {trail.rows[-2].pk} leads "
        "to “accepted”",
        f"TransitionLog {by_seq(11).pk}: seq is 11 where 10 was expected: seq 10 missing from the global chain",
        f"PublicSnapshot {trail.snapshot.pk}: the log records no publication of its filing",
    ]


def test_tampered_log_only_row_of_a_filing_deleted(trail):
    only = audit.history_for(trail.submitted).get()

    tampering.delete(TransitionLog, only.pk)

    revision = trail.submitted.revisions.get()
    assert problems() == [
        f"Declaration {trail.submitted.pk}: state is “submitted” but the log has no row for it",
        f"DeclarationRevision {revision.pk}: no submission in the log froze this revision",
    ]


def test_tampered_log_head_of_the_global_chain_deleted_is_found_only_by_an_anchor(trail):
    # given the head of the global chain is a step that changes no state (an assignment, a reviewer's note)
    audit.record_transition(
        obj=trail.accepted,
        transition="assign_reviewer",
        from_state="accepted",
        to_state="accepted",
        actor=None,
        at=trail.rows[-1].at,
        comment="agency-reviewer",
    )
    head = TransitionLog.objects.order_by("-seq").first()
    anchor = verification.Anchor(head.seq, head.hash)

    tampering.delete(TransitionLog, head.pk)

    # then nothing else shows it (the limit of any unkeyed chain), but the head recorded earlier does
    assert problems() == []
    assert problems(anchors=[anchor]) == [
        f"TransitionLog: the anchored row seq {head.seq} is missing from the global chain"
    ]


def test_an_anchor_that_no_longer_matches_is_reported(trail):
    row = trail.rows[3]
    tampering.edit(TransitionLog, row.pk, hash="f" * 64)

    assert problems(anchors=[verification.Anchor(row.seq, row.hash)]) == [
        f"TransitionLog {row.pk}: hash does not match the row's content",
        f"TransitionLog {row.pk}: hash differs from the anchor recorded for seq 4",
        f"TransitionLog {trail.rows[4].pk}: global_previous_hash does not match the hash of row {row.pk} (seq 4)",
    ]


def test_tampered_log_two_rows_swap_ids(trail):
    tampering.swap_ids(TransitionLog, trail.rows[1].pk, trail.rows[2].pk)

    assert problems() == [
        f"TransitionLog {trail.rows[1].pk}: previous_hash does not match the hash of its filing's previous row "
        f"{trail.rows[0].pk}"
    ]


def test_tampered_log_two_rows_swap_contents(trail):
    fields = ["transition", "from_state", "to_state", "actor_id", "at", "comment", "remarks"]

    tampering.swap_contents(TransitionLog, trail.rows[2].pk, trail.rows[3].pk, fields)

    assert problems() == [f"TransitionLog {trail.rows[2].pk}: hash does not match the row's content"]


def test_tampered_log_two_rows_swap_places_in_the_global_chain(trail):
    tampering.swap_contents(TransitionLog, trail.rows[2].pk, trail.rows[3].pk, ["seq"])

    assert problems() == [
        f"TransitionLog {trail.rows[2].pk}: hash does not match the row's content",
        f"TransitionLog {trail.rows[3].pk}: global_previous_hash does not match the hash of row {trail.rows[1].pk} "
        "(seq 2)",
    ]


def _forged(filing: Any, **values: Any) -> TransitionLog:
    """A row as a forger would write it: chained to the filing's last row and to the global head."""
    head = TransitionLog.objects.order_by("-seq").first()
    last = audit.history_for(filing).order_by("id").last()
    row = TransitionLog(
        content_type=ContentType.objects.get_for_model(filing),
        object_id=filing.pk,
        transition="withdraw_publication",
        from_state="published",
        to_state="withdrawn",
        actor=None,
        at=head.at,
        comment="",
        remarks=[],
        previous_hash=last.hash if last else "",
        seq=head.seq + 1,
        global_previous_hash=head.hash,
    )
    for name, value in values.items():
        setattr(row, name, value)
    row.hash = values.get("hash", canonical_hash(audit.log_payload(row)))
    return row


def test_tampered_log_forged_row_with_a_made_up_hash(trail):
    forged = tampering.insert_log_row(
        **vars_of(_forged(trail.declaration, to_state="published", transition="note", hash="1" * 64))
    )

    assert problems() == [f"TransitionLog {forged.pk}: hash does not match the row's content"]


def test_tampered_log_forged_row_hashed_and_chained_like_a_real_one(trail):
    forged = tampering.insert_log_row(**vars_of(_forged(trail.declaration)))

    assert problems() == [
        f"Declaration {trail.declaration.pk}: state is “published” but its last log row {forged.pk} leads to "
        "“withdrawn”",
        f"PublicSnapshot {trail.snapshot.pk}: withdrawn in log row {forged.pk} but not marked withdrawn",
    ]


def test_tampered_log_forged_row_slipped_in_before_a_filings_first_row(trail):
    first = trail.rows[0]
    forged = _forged(trail.declaration, transition="note", from_state="", to_state="draft", previous_hash="")
    forged = tampering.insert_log_row(**{**vars_of(forged), "id": first.pk - 1})

    assert problems() == [
        f"TransitionLog {first.pk}: previous_hash does not match the hash of its filing's previous row {forged.pk}"
    ]


def test_a_second_row_cannot_take_a_place_in_the_global_chain(trail):
    with pytest.raises(IntegrityError), transaction.atomic():
        tampering.insert_log_row(**vars_of(_forged(trail.declaration, seq=5)))

    assert problems() == []


def vars_of(row: TransitionLog) -> dict[str, Any]:
    return {
        field.attname: getattr(row, field.attname)
        for field in TransitionLog._meta.concrete_fields
        if field.attname != "id"
    }


# --- Revisions -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"content": {}},
        {"content_hash": "0" * 64},
        {"form_version": "2019"},
        {"number": 7},
        {"created_at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
        {"submitted_by_id": None},
    ],
    ids=lambda change: next(iter(change)),
)
def test_tampered_revision_column(trail, change):
    middle = trail.revisions[1]
    if "submitted_by_id" in change:
        change = {"submitted_by_id": trail.rows[1].actor_id}  # the reviewer, who did not submit it

    tampering.edit(DeclarationRevision, middle.pk, **change)

    renumbered_last = (
        [
            f"PublicSnapshot {trail.snapshot.pk}: its revision {trail.revisions[2].pk} is not the declaration's last "
            f"revision ({middle.pk})"
        ]
        if "number" in change
        else []
    )
    assert problems() == [
        f"DeclarationRevision {middle.pk}: content_hash does not match the revision",
        *renumbered_last,
    ]


def test_tampered_revision_moved_to_another_declaration(trail):
    middle = trail.revisions[1]

    tampering.edit(DeclarationRevision, middle.pk, declaration_id=trail.submitted.pk, number=2)

    assert problems() == [
        f"Declaration {trail.declaration.pk}: revision 2 is missing (the next is revision 3, row "
        f"{trail.revisions[2].pk})",
        f"DeclarationRevision {middle.pk}: content_hash does not match the revision",
    ]


def test_tampered_revision_first_deleted(trail):
    tampering.delete(DeclarationRevision, trail.revisions[0].pk, dependents=[(DeclaredCompany, "revision_id")])

    assert problems() == [
        f"Declaration {trail.declaration.pk}: revision 1 is missing (the next is revision 2, row "
        f"{trail.revisions[1].pk})"
    ]


def test_tampered_revision_middle_deleted(trail):
    tampering.delete(DeclarationRevision, trail.revisions[1].pk, dependents=[(DeclaredCompany, "revision_id")])

    assert problems() == [
        f"Declaration {trail.declaration.pk}: revision 2 is missing (the next is revision 3, row "
        f"{trail.revisions[2].pk})"
    ]


def test_tampered_revision_last_deleted(trail):
    tampering.delete(DeclarationRevision, trail.revisions[2].pk, dependents=[(DeclaredCompany, "revision_id")])

    resubmission = trail.rows[6]
    assert problems() == [
        f"Declaration {trail.declaration.pk}: revision 3 is missing: the submission logged in row {resubmission.pk} "
        "froze it",
        f"PublicSnapshot {trail.snapshot.pk}: its revision {trail.revisions[2].pk} is not the declaration's last "
        f"revision ({trail.revisions[1].pk})",
    ]
    tampering.skip_the_teardown_constraint_check()  # the snapshot still names the deleted revision


def test_tampered_revision_two_swap_contents(trail):
    first, second = trail.revisions[0], trail.revisions[1]
    assert first.content != second.content

    tampering.swap_contents(DeclarationRevision, first.pk, second.pk, ["content", "content_hash"])

    assert problems() == [f"DeclarationRevision {first.pk}: content_hash does not match the revision"]


def test_tampered_revision_two_swap_numbers(trail):
    first, second = trail.revisions[0], trail.revisions[1]

    tampering.edit(DeclarationRevision, first.pk, number=0)
    tampering.edit(DeclarationRevision, second.pk, number=1)
    tampering.edit(DeclarationRevision, first.pk, number=2)

    assert problems() == [f"DeclarationRevision {second.pk}: content_hash does not match the revision"]


def test_tampered_revision_two_swap_ids(trail):
    second, third = trail.revisions[1], trail.revisions[2]

    tampering.swap_ids(DeclarationRevision, second.pk, third.pk)

    assert problems() == [
        f"PublicSnapshot {trail.snapshot.pk}: its revision {third.pk} is not the declaration's last revision "
        f"({second.pk})"
    ]


def test_tampered_revision_forged_and_hashed_like_a_real_one(trail):
    last = trail.revisions[2]
    forged = DeclarationRevision(
        declaration=trail.declaration,
        number=4,
        form_version=last.form_version,
        content={**last.content, "gifts": []},
        submitted_by_id=last.submitted_by_id,
        created_at=last.created_at,
    )
    forged.content_hash = forged.compute_hash()
    forged.save()

    assert problems() == [
        f"DeclarationRevision {forged.pk}: no submission in the log froze this revision",
        f"PublicSnapshot {trail.snapshot.pk}: its revision {last.pk} is not the declaration's last revision "
        f"({forged.pk})",
    ]


# --- Public snapshots --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"content": {}},
        {"conclusion": {"finding": "violation_found"}},
        {"content_hash": "0" * 64},
        {"official_name": "Өөр Нэр"},
        {"official_name_search": "өөр нэр"},
        {"organisation_name": "Өөр байгууллага"},
        {"position_title": "Дарга"},
        {"kind": "appointment"},
        {"year": 2019},
        {"published_at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
        {"revision_id": None},
        {"corrects_id": "withdrawn"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_tampered_snapshot_column(trail, change):
    if change == {"corrects_id": "withdrawn"}:
        change = {"corrects_id": trail.withdrawn_snapshot.pk}
    if change == {"revision_id": None}:
        change = {"revision_id": trail.revisions[0].pk}

    tampering.edit(PublicSnapshot, trail.snapshot.pk, **change)

    assert problems() == [f"PublicSnapshot {trail.snapshot.pk}: content_hash does not match the snapshot"]


def test_tampered_snapshot_withdrawal_reason(trail):
    tampering.edit(PublicSnapshot, trail.withdrawn_snapshot.pk, withdrawal_reason=EDITED_TEXT)

    withdrawal = log_row(trail.withdrawn, "withdraw_publication")
    assert problems() == [
        f"PublicSnapshot {trail.withdrawn_snapshot.pk}: withdrawal time or reason differs from the withdrawal logged "
        f"in row {withdrawal.pk}"
    ]


def test_tampered_snapshot_withdrawn_without_a_logged_withdrawal(trail):
    tampering.edit(PublicSnapshot, trail.snapshot.pk, withdrawn_at=trail.rows[-1].at, withdrawal_reason=EDITED_TEXT)

    assert problems() == [f"PublicSnapshot {trail.snapshot.pk}: carries a withdrawal the log does not record"]


def test_tampered_snapshot_withdrawal_undone(trail):
    tampering.edit(PublicSnapshot, trail.withdrawn_snapshot.pk, withdrawn_at=None, withdrawal_reason="")

    withdrawal = log_row(trail.withdrawn, "withdraw_publication")
    assert problems() == [
        f"PublicSnapshot {trail.withdrawn_snapshot.pk}: withdrawn in log row {withdrawal.pk} but not marked withdrawn"
    ]


def test_tampered_snapshot_of_a_declaration_deleted(trail):
    tampering.delete(PublicSnapshot, trail.snapshot.pk)

    assert problems() == [
        f"Declaration {trail.declaration.pk}: published (log row {trail.rows[-1].pk}) but its public snapshot is "
        "missing"
    ]


def test_tampered_snapshot_of_a_notice_deleted(trail):
    tampering.delete(PublicSnapshot, trail.notice_snapshot.pk)

    publication = log_row(trail.notice, "publish")
    assert problems() == [
        f"Notice {trail.notice.pk}: published (log row {publication.pk}) but its public snapshot is missing"
    ]


def test_tampered_snapshot_two_swap_contents(trail):
    tampering.swap_contents(
        PublicSnapshot, trail.snapshot.pk, trail.notice_snapshot.pk, ["content", "conclusion", "content_hash"]
    )

    assert problems() == [
        f"PublicSnapshot {trail.snapshot.pk}: content_hash does not match the snapshot",
        f"PublicSnapshot {trail.notice_snapshot.pk}: content_hash does not match the snapshot",
    ]


def test_tampered_snapshot_two_swap_filings(trail):
    tampering.edit(PublicSnapshot, trail.snapshot.pk, declaration_id=None, notice_id=trail.notice.pk - 10**6)
    tampering.edit(PublicSnapshot, trail.withdrawn_snapshot.pk, declaration_id=trail.declaration.pk)
    tampering.edit(PublicSnapshot, trail.snapshot.pk, declaration_id=trail.withdrawn.pk, notice_id=None)

    assert problems() == [
        f"PublicSnapshot {trail.withdrawn_snapshot.pk}: content_hash does not match the snapshot",
        f"PublicSnapshot {trail.snapshot.pk}: content_hash does not match the snapshot",
    ]


def test_tampered_snapshot_forged_and_hashed_like_a_real_one(trail):
    real = trail.snapshot
    forged = PublicSnapshot.objects.filter(pk=real.pk).get()
    forged.pk, forged.id, forged._state.adding = None, None, True
    forged.declaration = trail.accepted
    forged.revision = trail.accepted.revisions.get()
    forged.content_hash = forged.compute_hash()
    forged.save()

    assert problems() == [f"PublicSnapshot {forged.pk}: the log records no publication of its filing"]
