"""The public register's selectors (search, keyset pages, one record, the export and its version) and the
publication policy: every field of every form, notice and conclusion is decided public or private, and the
README's table says the same."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.content import FORMS, FieldKind, FormSchema, SectionSpec, field_policy
from declarations.models import (
    Conclusion,
    Declaration,
    DeclarationRevision,
    Notice,
    Official,
    Position,
    PublicSnapshot,
)
from tests.factories import (
    TRANSITION_ARGS,
)
from tests.notice_factories import make_notice
from tests.register_factories import publish_declaration
from workflow import errors, register, services
from workflow.publication import CONCLUSION_FIELD_POLICY, NOTICE_FIELD_POLICY, notice_public_content

README = Path(__file__).resolve().parents[2] / "README.md"
# A row of the README's publication table: | record | `field path` | public or private |
POLICY_ROW = re.compile(
    r"^\| (declaration \(form [^)]+\)|notice|conclusion) \| `([^`]+)` \| (public|private) \|\s*$", re.M
)
WITHDRAWAL_REASON = TRANSITION_ARGS["withdraw_publication"]["reason"]


# --- the register's records ---------------------------------------------------------------------------------


def ids(queryset_or_list):
    return [record.pk for record in queryset_or_list]


@pytest.mark.django_db
def test_the_search_without_criteria_lists_every_record_newest_first(records):
    r = records

    assert ids(register.search_records()) == [r.oyun.pk, r.nomin.pk, r.bat.pk, r.saraa.pk, r.bold.pk]


# (criteria, the records found, newest first); one set of records serves every case, to keep the test fast.
SEARCHES = [
    # The name: a fragment, in any case (Cyrillic folded on every database).
    ({"name": "бат"}, ["oyun", "bat", "bold"]),
    ({"name": "БОЛД"}, ["bat", "bold"]),
    ({"name": "  Сараа "}, ["saraa"]),
    ({"name": "Баатар"}, []),
    # The position title: a fragment, in any case too.
    ({"position": "дарга"}, ["oyun", "bold"]),
    ({"position": "ДАРГА"}, ["oyun", "bold"]),
    ({"position": "мэргэжилтэн"}, ["nomin", "saraa"]),
    ({"position": "Бодогч"}, ["bat"]),
    ({"year": 2024}, ["bold"]),
    ({"year": 2023}, ["nomin"]),
    ({"year": 2025}, ["oyun", "bat", "saraa"]),
    ({"kind": "annual"}, ["bat", "bold"]),
    ({"kind": "notice"}, ["nomin"]),
    ({"kind": "significant_change"}, ["oyun"]),
    ({"kind": "preliminary"}, []),
    # An organisation includes its subtree.
    ({"organisation": "aimag"}, ["oyun", "nomin", "saraa", "bold"]),
    ({"organisation": "department"}, ["oyun", "nomin", "bold"]),
    ({"organisation": "elsewhere"}, ["bat"]),
    # Criteria combine; empty ones select everything.
    ({"name": "бат", "kind": "annual", "year": 2025}, ["bat"]),
    ({"organisation": "aimag", "position": "дарга", "year": 2024}, ["bold"]),
    ({"name": "", "position": "", "kind": ""}, ["oyun", "nomin", "bat", "saraa", "bold"]),
]


@pytest.mark.django_db
def test_each_search_criterion_narrows_the_records(records):
    def search(criteria):
        if "organisation" in criteria:
            criteria = {**criteria, "organisation": getattr(records.tree, criteria["organisation"])}
        return ids(register.search_records(**criteria))

    found = {repr(criteria): search(criteria) for criteria, _expected in SEARCHES}

    assert found == {
        repr(criteria): [getattr(records, name).pk for name in expected] for criteria, expected in SEARCHES
    }


@pytest.mark.django_db
def test_pages_follow_each_other_by_record_position(records):
    r = records
    everything = register.search_records()

    first = register.records_page(everything, size=2)
    second = register.records_page(everything, after=first.older_after, size=2)
    third = register.records_page(everything, after=second.older_after, size=2)
    back = register.records_page(everything, before=second.newer_before, size=2)

    assert (ids(first.records), first.newer_before, first.older_after) == ([r.oyun.pk, r.nomin.pk], None, r.nomin.pk)
    assert (ids(second.records), second.newer_before, second.older_after) == (
        [r.bat.pk, r.saraa.pk],
        r.bat.pk,
        r.saraa.pk,
    )
    assert (ids(third.records), third.newer_before, third.older_after) == ([r.bold.pk], r.bold.pk, None)
    assert (ids(back.records), back.newer_before, back.older_after) == ([r.oyun.pk, r.nomin.pk], None, r.nomin.pk)


@pytest.mark.django_db
def test_pages_keep_the_search_criteria_and_an_unknown_position_gives_the_first_page(records):
    r = records
    department = register.search_records(organisation=r.tree.department)

    filtered = register.records_page(department, after=r.oyun.pk, size=1)
    unknown = register.records_page(department, after=10**9, size=1)
    nothing = register.records_page(register.search_records(name="Баатар"), size=1)

    assert (ids(filtered.records), filtered.newer_before, filtered.older_after) == (
        [r.nomin.pk],
        r.nomin.pk,
        r.nomin.pk,
    )
    assert (ids(unknown.records), unknown.newer_before, unknown.older_after) == ([r.oyun.pk], None, r.oyun.pk)
    assert nothing == register.RecordsPage(records=[], newer_before=None, older_after=None)


@pytest.mark.django_db
def test_a_record_is_found_by_its_id_and_lists_its_corrections(records):
    record = register.get_public_record(records.bold.pk)

    assert record == records.bold
    assert register.corrected_by_ids(record) == []
    assert register.public_content(record) == records.bold.content
    assert register.public_conclusion(record) is None


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [10**9, "abc", None, -1, 2**70])
def test_a_missing_record_is_not_found(pk):
    with pytest.raises(errors.ObjectNotFound):
        register.get_public_record(pk)


@pytest.mark.django_db
def test_a_withdrawn_record_shows_neither_content_nor_conclusion(records):
    record = register.get_public_record(records.oyun.pk)

    assert register.is_withdrawn(record)
    assert record.withdrawal_reason == WITHDRAWAL_REASON
    assert record.content != {}  # the snapshot keeps it; the register does not show it
    assert register.public_content(record) is None
    assert register.public_conclusion(record) is None


@pytest.mark.django_db
def test_the_export_gives_every_record_in_id_order_with_the_documented_fields(records):
    r = records

    rows = list(register.export_rows())

    assert [row["id"] for row in rows] == sorted([r.bold.pk, r.saraa.pk, r.bat.pk, r.nomin.pk, r.oyun.pk])
    assert all(tuple(row) == register.EXPORT_FIELDS for row in rows)
    by_id = {row["id"]: row for row in rows}
    bold = PublicSnapshot.objects.get(pk=r.bold.pk)
    assert by_id[r.bold.pk] == {
        "id": bold.pk,
        "kind": "annual",
        "year": 2024,
        "official_name": "Батын Болд",
        "organisation_id": r.tree.department.pk,
        "organisation": "Санхүүгийн хэлтэс",
        "position_title": "Хэлтсийн дарга",
        "published_at": register.isoformat(bold.published_at),
        "corrects_id": None,
        "withdrawn_at": None,
        "withdrawal_reason": "",
        "content": bold.content,
        "conclusion": None,
    }
    oyun = PublicSnapshot.objects.get(pk=r.oyun.pk)
    assert by_id[r.oyun.pk] | {"published_at": None} == {
        "id": oyun.pk,
        "kind": "significant_change",
        "year": 2025,
        "official_name": "Ганбатын Оюун",
        "organisation_id": r.tree.department.pk,
        "organisation": "Санхүүгийн хэлтэс",
        "position_title": "Хэлтсийн дарга",
        "published_at": None,
        "corrects_id": None,
        "withdrawn_at": register.isoformat(oyun.withdrawn_at),
        "withdrawal_reason": WITHDRAWAL_REASON,
        "content": None,
        "conclusion": None,
    }


def test_times_are_written_as_the_api_writes_them(settings):
    moment = datetime.datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=datetime.UTC)

    assert register.isoformat(moment) == "2025-03-04T13:06:07.890000+08:00"
    assert register.isoformat(None) is None
    settings.TIME_ZONE = "UTC"
    assert register.isoformat(moment) == "2025-03-04T05:06:07.890000Z"


@pytest.mark.django_db
def test_the_export_version_changes_with_each_publication_and_withdrawal(tree):
    empty = register.export_version()
    first = publish_declaration(tree, tree.department, name="Батын Болд", title="Хэлтсийн дарга")
    one = register.export_version()
    second = publish_declaration(tree, tree.aimag, name="Доржийн Сараа", title="Дарга", kind="appointment")
    two = register.export_version()
    services.declaration_withdraw_publication(
        actor=tree.supervisor, declaration_id=first.declaration_id, reason=WITHDRAWAL_REASON
    )
    withdrawn = register.export_version()
    first.refresh_from_db()

    assert empty == register.ExportVersion(count=0, max_id=None, withdrawn=0, last_modified=None)
    assert one == register.ExportVersion(count=1, max_id=first.pk, withdrawn=0, last_modified=first.published_at)
    assert two == register.ExportVersion(count=2, max_id=second.pk, withdrawn=0, last_modified=second.published_at)
    assert withdrawn == register.ExportVersion(count=2, max_id=second.pk, withdrawn=1, last_modified=first.withdrawn_at)
    etags = [version.etag("public-register.csv") for version in (empty, one, two, withdrawn)]
    assert len(set(etags)) == 4
    assert all(re.fullmatch(r'"[0-9a-f]{32}"', etag) for etag in etags)
    assert two.etag("public-register.csv") != two.etag("public-register.jsonl")
    assert register.export_version().etag("x") == withdrawn.etag("x")
    assert withdrawn.last_modified_timestamp == int(first.withdrawn_at.timestamp())
    assert empty.last_modified_timestamp is None


@pytest.mark.django_db
def test_the_register_reads_no_filing_table(records):
    filing_tables = [
        model._meta.db_table for model in (Declaration, DeclarationRevision, Notice, Conclusion, Official, Position)
    ]

    with CaptureQueriesContext(connection) as queries:
        found = register.search_records(
            name="бат", organisation=records.tree.aimag, position="дарга", year=2025, kind="significant_change"
        )
        register.records_page(found, size=1)
        record = register.get_public_record(records.oyun.pk)
        register.corrected_by_ids(record)
        list(register.export_rows())
        register.export_version()

    sql = "\n".join(query["sql"] for query in queries.captured_queries)
    assert "publicsnapshot" in sql
    assert [table for table in filing_tables if f'"{table}"' in sql or f"`{table}`" in sql] == []


# --- the publication policy -----------------------------------------------------------------------------


def _walk(section: SectionSpec, path: str):
    prefix = f"{path}[]" if section.many else path
    for spec in section.fields:
        yield f"{prefix}.{spec.name}", spec
    for sub in section.subsections:
        yield from _walk(sub, f"{prefix}.{sub.name}")


def every_field(form: FormSchema):
    """(path, field spec) of every field of the form, nested sections included."""
    for section in form.sections:
        yield from _walk(section, section.name)


def readme_policy() -> dict[tuple[str, str], str]:
    """The README's publication table: (record, field path) → "public" or "private"."""
    rows = POLICY_ROW.findall(README.read_text(encoding="utf-8"))
    table = {(record, path): flag for record, path, flag in rows}
    assert len(table) == len(rows), "a field is listed twice in the README's publication table"
    return table


def _readme_rows_for(record: str) -> dict[str, str]:
    return {path: flag for (kind, path), flag in readme_policy().items() if kind == record}


@pytest.mark.parametrize("version", sorted(FORMS))
def test_every_field_of_every_form_has_a_publication_flag(version):
    walked = list(every_field(FORMS[version]))

    undecided = [path for path, spec in walked if not isinstance(spec.public, bool)]
    assert undecided == []
    assert [(path, spec.public) for path, spec in walked] == field_policy(version)
    assert len({path for path, _spec in walked}) == len(walked)


@pytest.mark.parametrize("version", sorted(FORMS))
def test_the_readme_table_lists_every_form_field_with_its_flag(version):
    expected = {path: "public" if spec.public else "private" for path, spec in every_field(FORMS[version])}

    assert _readme_rows_for(f"declaration (form {version})") == expected


def test_the_readme_table_covers_only_declared_forms():
    documented = {record for record, _path in readme_policy()} - {"notice", "conclusion"}

    assert documented == {f"declaration (form {version})" for version in FORMS}


@pytest.mark.parametrize(
    ("record", "policy"), [("notice", NOTICE_FIELD_POLICY), ("conclusion", CONCLUSION_FIELD_POLICY)]
)
def test_the_readme_table_lists_every_notice_and_conclusion_field_with_its_flag(record, policy):
    assert all(isinstance(name, str) and isinstance(public, bool) for name, public in policy)
    assert len({name for name, _public in policy}) == len(policy)

    assert _readme_rows_for(record) == {name: "public" if public else "private" for name, public in policy}


def test_the_notice_and_conclusion_policies_name_real_fields():
    notice_fields = {field.name for field in Notice._meta.get_fields()}
    conclusion_fields = {field.name for field in Conclusion._meta.get_fields()}

    assert [name for name, _public in NOTICE_FIELD_POLICY if name not in notice_fields] == []
    # Every field a conclusion's author writes is decided; only the links and the author are not content.
    assert {name for name, _public in CONCLUSION_FIELD_POLICY} == conclusion_fields - {
        "id",
        "declaration",
        "notice",
        "author",
    }


@pytest.mark.django_db
def test_a_published_notice_holds_only_its_public_fields():
    notice = make_notice("acknowledged")

    public = {name for name, is_public in NOTICE_FIELD_POLICY if is_public}
    assert set(notice_public_content(notice)) == public


# What DESIGN §5 keeps private always, whatever the form says.
PRIVATE_KINDS = {
    FieldKind.PERSON_REGISTER_NUMBER,
    FieldKind.COMPANY_REGISTER_NUMBER,
    FieldKind.PHONE,
    FieldKind.EMAIL,
}
PRIVATE_NAMES = re.compile(r"register_number|birth|address|phone|email|account_number|plate|parcel")


@pytest.mark.parametrize("version", sorted(FORMS))
def test_what_the_design_keeps_private_is_private(version):
    leaking = [
        path
        for path, spec in every_field(FORMS[version])
        if spec.public
        and (spec.kind in PRIVATE_KINDS or PRIVATE_NAMES.search(spec.name) or path == "family_members[].full_name")
    ]

    assert leaking == []
    assert dict(NOTICE_FIELD_POLICY)["counterparty_register_number"] is False
    assert dict(CONCLUSION_FIELD_POLICY)["internal_notes"] is False
