"""Bulk import of notices from CSV: every row checked, bad rows reported by line, all rows or none."""

import csv
import datetime
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from declarations.content import (
    MSG_CONTROL_CHARACTERS,
    MSG_DATE,
    MSG_DATE_IN_FUTURE,
    MSG_DATE_TOO_EARLY,
    MSG_REQUIRED,
    format_message,
)
from declarations.models import Notice, NoticeCategory, RedFlag, RedFlagKind, canonical_hash
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    PositionFactory,
    UserFactory,
    make_declaration,
    make_reviewer,
)
from workflow import audit, errors, notice_import, notices
from workflow.models import TransitionLog
from workflow.notice_import import (
    COLUMNS,
    DUPLICATE_EXISTING,
    DUPLICATE_IN_FILE,
    EMPTY_FILE,
    FORBIDDEN_IMPORT,
    MALFORMED_ROW,
    MISSING_COLUMNS,
    OFFICIAL_NOT_IN_ORGANISATION,
    REPEATED_COLUMNS,
    TOO_MANY_ERRORS,
    TOO_MANY_ROWS,
    UNKNOWN_COLUMNS,
    WRONG_CELL_COUNT,
    import_notices,
)
from workflow.notices import COUNTERPARTY_NUMBER_INVALID, UNKNOWN_CATEGORY

UB = ZoneInfo("Asia/Ulaanbaatar")
pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """An aimag office with a department under it, an unrelated office, and the aimag's ЭБАТ."""
    aimag = OrganisationFactory(kind="governor_office")
    department = OrganisationFactory(parent=aimag)
    elsewhere = OrganisationFactory()
    return {
        "aimag": aimag,
        "department": department,
        "elsewhere": elsewhere,
        "reviewer": make_reviewer(aimag),
        "clerk": PositionFactory(organisation=department),
        "head": PositionFactory(organisation=aimag, title="Дарга"),
        "outsider": PositionFactory(organisation=elsewhere),
    }


def _row(position, **values):
    row = {
        "register_number": position.official.register_number,
        "category": "contract",
        "title": "Сургуулийн барилгын гэрээ",
        "reference_number": "ГЭ-2025/01",
        "action_date": "2025-03-10",
        "counterparty_name": "«Их Барилга» ХХК",
        "counterparty_register_number": "1234567",
        "outcome": "no_conflict",
        "interest_nature": "",
        "proposed_handling": "",
        "handling_conditions": "",
        "submitted_on": "2025-03-05",
    }
    row.update(values)
    return row


def _csv(*rows, columns=COLUMNS):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


def _counts():
    return Notice.objects.count(), TransitionLog.objects.count(), RedFlag.objects.count()


def _refused(tree, text, *, actor=None, organisation=None):
    """Import ``text`` expecting a refusal; return the errors after checking that nothing was written."""
    before = _counts()
    with pytest.raises(errors.InvalidInput) as refused:
        import_notices(actor=actor or tree["reviewer"], organisation=organisation or tree["aimag"], stream=text)
    assert _counts() == before
    return refused.value.errors


# --- a valid file -------------------------------------------------------------------------------------


def test_a_valid_file_imports_every_row_as_a_submitted_notice(tree):
    # given a file with a notice filed before its action date, a late one and a conflict under conditions
    clerk, head = tree["clerk"], tree["head"]
    text = _csv(
        _row(clerk),
        _row(
            head,
            category="inspection",
            title="Төлөвлөгөөт хяналт шалгалт",
            reference_number="ХШ-17",
            action_date="2025-02-01",
            counterparty_name="",
            counterparty_register_number="",
            outcome="conflict",
            interest_nature="Ах нь тус компанийн захирал.",
            proposed_handling="recusal",
            submitted_on="2025-02-03",
        ),
        _row(
            clerk,
            reference_number="ГЭ-2025/02",
            counterparty_register_number="ук88011234",
            outcome="conflict",
            interest_nature="Хуучин ажил олгогч.",
            proposed_handling="continue_with_conditions",
            handling_conditions="Үнэлгээний хорооны саналаар.",
        ),
    )

    # when
    result = import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=text)

    # then
    notices = list(Notice.objects.order_by("pk"))
    assert result == notice_import.ImportResult(created=3, notice_ids=[notice.pk for notice in notices])
    first, second, third = notices
    assert [n.state for n in notices] == ["submitted", "submitted", "submitted"]
    assert [n.filer for n in notices] == [clerk.official.user, head.official.user, clerk.official.user]
    assert [n.official for n in notices] == [clerk.official, head.official, clerk.official]
    assert [n.organisation for n in notices] == [tree["department"], tree["aimag"], tree["department"]]
    assert [n.category.code for n in notices] == ["contract", "inspection", "contract"]
    assert [n.is_late for n in notices] == [False, True, False]
    assert [n.submitted_at for n in notices] == [
        datetime.datetime(2025, 3, 5, 12, tzinfo=UB),
        datetime.datetime(2025, 2, 3, 12, tzinfo=UB),
        datetime.datetime(2025, 3, 5, 12, tzinfo=UB),
    ]
    assert (first.title, first.reference_number, first.action_date) == (
        "Сургуулийн барилгын гэрээ",
        "ГЭ-2025/01",
        datetime.date(2025, 3, 10),
    )
    assert (first.counterparty_name, first.counterparty_name_normalised, first.counterparty_register_number) == (
        "«Их Барилга» ХХК",
        "их барилга ххк",
        "1234567",
    )
    assert (first.outcome, first.interest_nature, first.proposed_handling, first.handling_conditions) == (
        "no_conflict",
        "",
        "",
        "",
    )
    assert (second.outcome, second.interest_nature, second.proposed_handling) == (
        "conflict",
        "Ах нь тус компанийн захирал.",
        "recusal",
    )
    assert (third.counterparty_register_number, third.proposed_handling, third.handling_conditions) == (
        "УК88011234",
        "continue_with_conditions",
        "Үнэлгээний хорооны саналаар.",
    )
    assert RedFlag.objects.count() == 0


def test_the_example_in_the_readme_imports(tree):
    # given the official of the example
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Importing notices from CSV", 1)[1]
    example = re.search(r"```csv\n(.*?)```", section, re.DOTALL).group(1)
    official = OfficialFactory(register_number="УБ90051234")
    PositionFactory(official=official, organisation=tree["department"])

    # when
    result = import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=example)

    # then
    assert result.created == 2
    assert list(Notice.objects.order_by("pk").values_list("official", "reference_number", "is_late")) == [
        (official.pk, "ГЭ-2025/01", False),
        (official.pk, "ХШ-17", True),
    ]


def test_each_imported_notice_has_one_import_log_row_whose_hash_verifies(tree):
    # given
    text = _csv(_row(tree["clerk"]), _row(tree["head"]))

    # when
    result = import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=text)

    # then
    content_type = ContentType.objects.get_for_model(Notice)
    entries = list(TransitionLog.objects.filter(content_type=content_type).order_by("id"))
    assert [entry.object_id for entry in entries] == result.notice_ids
    for entry in entries:
        assert (entry.transition, entry.from_state, entry.to_state) == ("import", "", "submitted")
        assert (entry.actor, entry.comment, entry.remarks, entry.previous_hash) == (
            tree["reviewer"],
            "Imported from CSV",
            [],
            "",
        )
        assert entry.hash == canonical_hash(audit.log_payload(entry))
    notice = Notice.objects.get(pk=result.notice_ids[0])
    assert list(audit.history_for(notice)) == [entries[0]]


def test_a_counterparty_that_is_a_declared_company_raises_a_red_flag(tree):
    # given the clerk's accepted declaration lists a shareholding in Говь-Алт ХХК (2345678)
    clerk = tree["clerk"]
    make_declaration("accepted", position=clerk, reviewer=tree["reviewer"])
    text = _csv(_row(clerk, counterparty_name="Говь-Алт ХХК", counterparty_register_number="2345678"))

    # when
    result = import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=text)

    # then
    flag = RedFlag.objects.get()
    assert (flag.notice_id, flag.kind, flag.matched_on) == (
        result.notice_ids[0],
        RedFlagKind.COUNTERPARTY_IS_DECLARED_COMPANY,
        "register_number",
    )


def test_the_notice_belongs_to_the_position_held_on_the_action_date(tree):
    # given the clerk moved from the department to the aimag office on 2025-01-01
    clerk = tree["clerk"]
    clerk.end_date = datetime.date(2024, 12, 31)
    clerk.save()
    PositionFactory(official=clerk.official, organisation=tree["aimag"], start_date=datetime.date(2025, 1, 1))
    text = _csv(
        _row(clerk, action_date="2024-06-01", submitted_on="2024-05-30"),
        _row(clerk, action_date="2025-06-01", submitted_on="2025-05-30"),
    )

    # when
    import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=text)

    # then
    assert list(Notice.objects.order_by("pk").values_list("organisation", flat=True)) == [
        tree["department"].pk,
        tree["aimag"].pk,
    ]


def test_a_byte_order_mark_columns_in_any_order_blank_lines_and_a_file_object_are_accepted(tree):
    # given an export from a spreadsheet: BOM, CRLF, reordered columns, a blank line, padded cells
    columns = tuple(reversed(COLUMNS))
    text = "\ufeff" + _csv(_row(tree["clerk"], title="  Гэрээ  "), columns=columns).replace("\n", "\r\n") + "\r\n"

    # when
    result = import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=io.StringIO(text))

    # then
    assert result.created == 1
    assert Notice.objects.get().title == "Гэрээ"


def test_an_uploaded_file_in_bytes_is_read_as_utf8(tree):
    # given
    data = ("\ufeff" + _csv(_row(tree["clerk"]))).encode("utf-8")

    # when
    result = import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=io.BytesIO(data))

    # then
    assert result.created == 1


def test_a_superuser_may_import_for_any_organisation(tree):
    # given
    admin = UserFactory(is_superuser=True)

    # when
    result = import_notices(actor=admin, organisation=tree["department"], stream=_csv(_row(tree["clerk"])))

    # then
    assert result.created == 1
    assert TransitionLog.objects.get().actor == admin


def test_the_number_of_queries_does_not_grow_with_the_rows(tree):
    # given two files, of 2 and of 20 rows, for 2 and 20 officials, without counterparties to scan
    def file_of(size, prefix):
        positions = [PositionFactory(organisation=tree["department"]) for _ in range(size)]
        rows = [
            _row(p, reference_number=f"{prefix}-{n}", counterparty_name="", counterparty_register_number="")
            for n, p in enumerate(positions)
        ]
        return _csv(*rows)

    small, large = file_of(2, "A"), file_of(20, "B")
    # the reviewer's scope and the content type are cached after the first import
    import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=file_of(1, "C"))

    # when
    queries = []
    for text in (small, large):
        with CaptureQueriesContext(connection) as captured:
            import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=text)
        queries.append(len(captured.captured_queries))

    # then
    # savepoint, categories, positions, duplicates, notices insert, previous log rows read, (on PostgreSQL the
    # global chain's lock,) the global chain's head, log insert, release
    expected = 10 if connection.vendor == "postgresql" else 9
    assert queries == [expected, expected]
    assert Notice.objects.count() == TransitionLog.objects.count() == 23


# --- the header and the file --------------------------------------------------------------------------


def test_wrong_columns_are_a_header_error_and_nothing_else(tree):
    columns = tuple("kind" if column == "category" else column for column in COLUMNS)
    text = _csv(_row(tree["clerk"], category="bribery", action_date="bad"), columns=columns)

    assert _refused(tree, text) == {
        "header": [MISSING_COLUMNS % {"columns": "“category”"}, UNKNOWN_COLUMNS % {"columns": "“kind”"}]
    }


def test_a_missing_column_is_a_header_error(tree):
    text = _csv(_row(tree["clerk"]), columns=COLUMNS[:-1])

    assert _refused(tree, text) == {"header": ["Missing columns: “submitted_on”."]}


def test_an_extra_column_is_a_header_error(tree):
    text = _csv(_row(tree["clerk"]), columns=(*COLUMNS, "notes"))

    assert _refused(tree, text) == {"header": [UNKNOWN_COLUMNS % {"columns": "“notes”"}]}


def test_a_repeated_column_is_a_header_error(tree):
    text = _csv(_row(tree["clerk"]), columns=(*COLUMNS, "title"))

    assert _refused(tree, text) == {"header": [REPEATED_COLUMNS % {"columns": "“title”"}]}


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n", ",".join(COLUMNS) + "\n", ",".join(COLUMNS) + "\n,,,\n"])
def test_an_empty_file_or_a_header_alone_is_refused(tree, text):
    assert _refused(tree, text) == {"file": [EMPTY_FILE]}


def test_a_file_that_is_not_utf8_is_refused(tree):
    data = _csv(_row(tree["clerk"])).encode("cp1251")

    assert _refused(tree, io.BytesIO(data)) == {"file": [notice_import.NOT_UTF8]}


def test_more_rows_than_the_limit_are_refused(tree, monkeypatch):
    monkeypatch.setattr(notice_import, "MAX_ROWS", 2)
    clerk = tree["clerk"]
    text = _csv(*(_row(clerk, reference_number=f"ГЭ-{n}") for n in range(3)))

    assert _refused(tree, text) == {"file": [TOO_MANY_ROWS % {"max": 2}]}


def test_a_row_with_the_wrong_number_of_cells_is_reported_by_its_line(tree):
    text = _csv(_row(tree["clerk"])) + "УБ1,contract\n"

    assert _refused(tree, text) == {"line 3": [WRONG_CELL_COUNT % {"found": 2, "expected": 12}]}


def test_a_row_with_broken_quotes_is_reported_by_its_line(tree):
    text = _csv(_row(tree["clerk"])) + 'УБ1,contract,"Гэрээ"x,,,,,,,,,\n'

    assert _refused(tree, text) == {"line 3": [MALFORMED_ROW]}


TOO_EARLY = format_message(MSG_DATE_TOO_EARLY, min="1900-01-01")
TOO_FAR = notices.ACTION_DATE_TOO_FAR % {"years": 100}


# --- one bad row --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"category": "bribery"}, {"line 2.category": [UNKNOWN_CATEGORY]}),
        ({"category": ""}, {"line 2.category": [MSG_REQUIRED]}),
        ({"action_date": "10.03.2025"}, {"line 2.action_date": [MSG_DATE]}),
        ({"action_date": "20250310"}, {"line 2.action_date": [MSG_DATE]}),
        ({"action_date": "2025-02-30"}, {"line 2.action_date": [MSG_DATE]}),
        ({"action_date": ""}, {"line 2.action_date": [MSG_REQUIRED]}),
        # The same bounds as a notice filed one by one (workflow.notices.action_date_problem).
        ({"action_date": "0001-01-01"}, {"line 2.action_date": [TOO_EARLY]}),
        ({"action_date": "9999-12-31"}, {"line 2.action_date": [TOO_FAR]}),
        ({"submitted_on": "2025/03/05"}, {"line 2.submitted_on": [MSG_DATE]}),
        ({"submitted_on": ""}, {"line 2.submitted_on": [MSG_REQUIRED]}),
        ({"title": ""}, {"line 2.title": [MSG_REQUIRED]}),
        ({"title": "x" * 256}, {"line 2.title": ["Ensure this value has at most 255 characters."]}),
        ({"title": "Гэрээ\x00"}, {"line 2.title": [MSG_CONTROL_CHARACTERS]}),
        ({"outcome": ""}, {"line 2.outcome": [MSG_REQUIRED]}),
        ({"outcome": "maybe"}, {"line 2.outcome": ["Select a valid choice."]}),
        ({"register_number": ""}, {"line 2.register_number": [MSG_REQUIRED]}),
        ({"register_number": "ЙЙ00000000"}, {"line 2.register_number": [OFFICIAL_NOT_IN_ORGANISATION]}),
        (
            {"counterparty_register_number": "12345"},
            {"line 2.counterparty_register_number": [COUNTERPARTY_NUMBER_INVALID]},
        ),
        (
            {"outcome": "conflict", "proposed_handling": "recusal"},
            {"line 2.interest_nature": [MSG_REQUIRED]},
        ),
        (
            {"outcome": "conflict", "interest_nature": "Хамаатан."},
            {"line 2.proposed_handling": [MSG_REQUIRED]},
        ),
        (
            {"outcome": "conflict", "interest_nature": "Хамаатан.", "proposed_handling": "continue_with_conditions"},
            {"line 2.handling_conditions": [MSG_REQUIRED]},
        ),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_a_bad_value_is_reported_by_line_and_column_and_nothing_is_imported(tree, values, expected):
    text = _csv(_row(tree["clerk"], **values))

    assert _refused(tree, text) == expected


def test_a_submission_date_in_the_future_is_refused(tree):
    tomorrow = timezone.localdate(timezone=UB) + datetime.timedelta(days=1)
    text = _csv(_row(tree["clerk"], submitted_on=tomorrow.isoformat(), action_date=tomorrow.isoformat()))

    assert _refused(tree, text) == {"line 2.submitted_on": [MSG_DATE_IN_FUTURE]}


def test_an_inactive_category_is_unknown(tree):
    NoticeCategory.objects.filter(code="liability").update(is_active=False)
    text = _csv(_row(tree["clerk"], category="liability"))

    assert _refused(tree, text) == {"line 2.category": [UNKNOWN_CATEGORY]}


def test_an_official_outside_the_organisation_subtree_is_answered_like_an_unknown_one(tree):
    # given the head works in the aimag office, above the department being imported for
    text = _csv(_row(tree["outsider"]), _row(tree["head"]))

    assert _refused(tree, text, organisation=tree["department"]) == {
        "line 2.register_number": [OFFICIAL_NOT_IN_ORGANISATION],
        "line 3.register_number": [OFFICIAL_NOT_IN_ORGANISATION],
    }


def test_register_numbers_are_matched_without_regard_to_case(tree):
    text = _csv(_row(tree["clerk"], register_number=tree["clerk"].official.register_number.lower()))

    assert import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=text).created == 1


# --- duplicates ---------------------------------------------------------------------------------------


def test_duplicate_rows_within_the_file_name_both_lines(tree):
    clerk = tree["clerk"]
    text = _csv(
        _row(clerk),
        _row(clerk, reference_number="ГЭ-2025/02"),
        _row(clerk, title="Өөр гарчиг", submitted_on="2025-03-06"),
        _row(clerk),
    )

    assert _refused(tree, text) == {
        "line 4": [DUPLICATE_IN_FILE % {"line": 2}],
        "line 5": [DUPLICATE_IN_FILE % {"line": 2}],
    }
    assert str(DUPLICATE_IN_FILE % {"line": 2}) == (
        "Same official, category, reference number and action date as line 2."
    )


def test_a_row_that_repeats_an_existing_notice_is_refused(tree):
    # given the file was imported once
    clerk = tree["clerk"]
    import_notices(actor=tree["reviewer"], organisation=tree["aimag"], stream=_csv(_row(clerk)))

    # when the same row comes again, next to a new one
    text = _csv(_row(clerk, reference_number="ГЭ-2025/02"), _row(clerk))

    # then
    assert _refused(tree, text) == {"line 3": [DUPLICATE_EXISTING]}


# --- several bad rows ---------------------------------------------------------------------------------


def test_every_bad_row_is_reported_in_line_order(tree):
    clerk = tree["clerk"]
    text = _csv(
        _row(clerk),
        _row(clerk, reference_number="2", category="bribery"),
        _row(clerk, reference_number="3", title="", action_date="2025-13-01", outcome="maybe"),
        _row(tree["outsider"], reference_number="4"),
        _row(clerk, reference_number="5", title="Олон мөртэй\nгарчиг"),
        _row(clerk, reference_number="6", counterparty_register_number="АБВ"),
    )

    errors_found = _refused(tree, text)

    # the quoted title with a line break makes the next record start on line 8, not 7
    assert errors_found == {
        "line 3.category": [UNKNOWN_CATEGORY],
        "line 4.title": [MSG_REQUIRED],
        "line 4.action_date": [MSG_DATE],
        "line 4.outcome": ["Select a valid choice."],
        "line 5.register_number": [OFFICIAL_NOT_IN_ORGANISATION],
        "line 8.counterparty_register_number": [COUNTERPARTY_NUMBER_INVALID],
    }
    assert list(errors_found) == [
        "line 3.category",
        "line 4.title",
        "line 4.action_date",
        "line 4.outcome",
        "line 5.register_number",
        "line 8.counterparty_register_number",
    ]


def test_the_report_stops_at_the_error_limit(tree, monkeypatch):
    monkeypatch.setattr(notice_import, "MAX_ERRORS", 3)
    clerk = tree["clerk"]
    text = _csv(*(_row(clerk, reference_number=str(n), category="bribery") for n in range(5)))

    assert _refused(tree, text) == {
        "file": [TOO_MANY_ERRORS % {"max": 3}],
        "line 2.category": [UNKNOWN_CATEGORY],
        "line 3.category": [UNKNOWN_CATEGORY],
        "line 4.category": [UNKNOWN_CATEGORY],
    }


# --- who may import -----------------------------------------------------------------------------------


def test_only_an_authorised_official_of_the_organisation_may_import(tree):
    # given the department's own official, an ЭБАТ of the department only, an inactive ЭБАТ of the aimag
    department_reviewer = make_reviewer(tree["department"])
    inactive_reviewer = make_reviewer(tree["aimag"])
    inactive_reviewer.is_active = False
    inactive_reviewer.save()
    text = _csv(_row(tree["clerk"]))
    before = _counts()

    for actor in (tree["clerk"].official.user, department_reviewer, inactive_reviewer):
        with pytest.raises(errors.ActionForbidden) as refused:
            import_notices(actor=actor, organisation=tree["aimag"], stream=text)
        assert refused.value.message == FORBIDDEN_IMPORT

    assert _counts() == before


# --- the management command ---------------------------------------------------------------------------


def test_the_command_imports_a_file(tree, tmp_path, capsys):
    path = tmp_path / "notices.csv"
    path.write_text("\ufeff" + _csv(_row(tree["clerk"]), _row(tree["head"])), encoding="utf-8")

    call_command("import_notices", str(path), "--organisation", tree["aimag"].code, "--user", tree["reviewer"].username)

    assert capsys.readouterr().out == "Imported 2 notice(s).\n"
    assert Notice.objects.count() == 2


def test_the_command_prints_the_line_errors_and_fails(tree, tmp_path, capsys):
    path = tmp_path / "notices.csv"
    path.write_text(_csv(_row(tree["clerk"], category="bribery"), _row(tree["clerk"], action_date="x")))
    before = _counts()

    with pytest.raises(CommandError) as failed:
        call_command(
            "import_notices", str(path), "--organisation", tree["aimag"].code, "--user", tree["reviewer"].username
        )

    assert str(failed.value) == "Nothing was imported: 2 error(s)."
    assert capsys.readouterr().err == (
        "line 2.category: Unknown or inactive notice category.\n"
        "line 3.action_date: Enter a valid date in the format YYYY-MM-DD.\n"
    )
    assert _counts() == before


def test_the_command_refuses_an_actor_who_is_not_an_authorised_official(tree, tmp_path):
    path = tmp_path / "notices.csv"
    path.write_text(_csv(_row(tree["clerk"])))

    with pytest.raises(CommandError) as failed:
        call_command(
            "import_notices",
            str(path),
            "--organisation",
            tree["aimag"].code,
            "--user",
            tree["clerk"].official.user.username,
        )

    assert str(failed.value) == "Only an authorised official of the organisation can import its notices."
    assert Notice.objects.count() == 0


def test_the_command_names_an_unknown_organisation(tree, tmp_path):
    path = tmp_path / "notices.csv"
    path.write_text(_csv(_row(tree["clerk"])))

    with pytest.raises(CommandError) as failed:
        call_command("import_notices", str(path), "--organisation", "nowhere", "--user", tree["reviewer"].username)

    assert str(failed.value) == "No organisation with the code 'nowhere'."
