"""The public register's API: search, one record, the open-data export, for anyone and read-only; nothing
private ever leaves, and an anonymous visitor reaches nothing else of the API."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern
from django.utils.http import http_date
from rest_framework.test import APIClient

from api import urls as api_urls
from declarations.content import field_policy, sample_content
from declarations.models import Declaration, Notice, PublicSnapshot, Tender
from tests.factories import (
    TRANSITION_ARGS,
    PositionFactory,
    assign_to_agency,
    make_declaration,
)
from tests.notice_factories import conflict_fields, make_notice
from tests.register_factories import publish_declaration
from workflow import notices, register, services
from workflow.models import TransitionLog

LIST = "/api/v1/register/"
CSV = "/api/v1/register/export.csv"
JSONL = "/api/v1/register/export.jsonl"
WITHDRAWAL_REASON = TRANSITION_ARGS["withdraw_publication"]["reason"]
CONCLUSION = TRANSITION_ARGS["conclude"]


def detail(pk: Any) -> str:
    return f"/api/v1/register/{pk}/"


def absolute(path: str) -> str:
    return f"http://testserver{path}"


# --- records ----------------------------------------------------------------------------------------------


def result_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def snapshot_rows() -> list[dict[str, Any]]:
    return list(PublicSnapshot.objects.order_by("pk").values())


# --- search -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_searches_the_register_newest_first(api_client, records):
    r = records
    bold = PublicSnapshot.objects.get(pk=r.bold.pk)

    response = api_client.get(LIST)

    assert result_ids(response) == [r.oyun.pk, r.nomin.pk, r.bat.pk, r.saraa.pk, r.bold.pk]
    body = response.json()
    assert (body["next"], body["previous"]) == (None, None)
    assert body["results"][-1] == {
        "id": bold.pk,
        "url": absolute(detail(bold.pk)),
        "kind": "annual",
        "kind_display": "Annual",
        "year": 2024,
        "official_name": "Батын Болд",
        "organisation": r.tree.department.pk,
        "organisation_name": "Санхүүгийн хэлтэс",
        "position_title": "Хэлтсийн дарга",
        "published_at": register.isoformat(bold.published_at),
        "corrects": None,
        "withdrawn_at": None,
    }
    oyun = PublicSnapshot.objects.get(pk=r.oyun.pk)
    assert body["results"][0]["withdrawn_at"] == register.isoformat(oyun.withdrawn_at)
    assert "content" not in body["results"][0]
    assert response["Cache-Control"] == "public, max-age=60"


SEARCHES = [
    ({"q": "бат"}, ["oyun", "bat", "bold"]),
    ({"q": "БОЛД"}, ["bat", "bold"]),
    ({"q": "Баатар"}, []),
    ({"organisation": "aimag"}, ["oyun", "nomin", "saraa", "bold"]),
    ({"organisation": "department"}, ["oyun", "nomin", "bold"]),
    ({"organisation": "elsewhere"}, ["bat"]),
    ({"position": "ДАРГА"}, ["oyun", "bold"]),
    ({"position": "мэргэжилтэн"}, ["nomin", "saraa"]),
    ({"year": "2024"}, ["bold"]),
    ({"year": "2023"}, ["nomin"]),
    ({"kind": "annual"}, ["bat", "bold"]),
    ({"kind": "notice"}, ["nomin"]),
    ({"kind": "preliminary"}, []),
    ({"q": "бат", "kind": "annual", "year": "2025"}, ["bat"]),
    ({"organisation": "aimag", "position": "дарга", "year": "2024"}, ["bold"]),
    ({"q": "", "position": "", "kind": "", "year": ""}, ["oyun", "nomin", "bat", "saraa", "bold"]),
]


@pytest.mark.django_db
def test_each_filter_narrows_the_search(api_client, records):
    def search(params):
        if "organisation" in params:
            params = {**params, "organisation": getattr(records.tree, params["organisation"]).pk}
        return result_ids(api_client.get(LIST, params))

    found = {repr(params): search(params) for params, _expected in SEARCHES}

    assert found == {repr(params): [getattr(records, name).pk for name in expected] for params, expected in SEARCHES}


@pytest.mark.django_db
def test_the_search_is_paginated_by_cursor(api_client, records):
    r = records

    first = api_client.get(LIST, {"page_size": 2})
    second = api_client.get(first.json()["next"])
    third = api_client.get(second.json()["next"])
    back = api_client.get(third.json()["previous"])

    assert result_ids(first) == [r.oyun.pk, r.nomin.pk]
    assert result_ids(second) == [r.bat.pk, r.saraa.pk]
    assert result_ids(third) == [r.bold.pk]
    assert third.json()["next"] is None
    assert first.json()["previous"] is None
    assert result_ids(back) == [r.bat.pk, r.saraa.pk]


@pytest.mark.django_db
def test_the_cursor_keeps_the_filters(api_client, records):
    r = records

    first = api_client.get(LIST, {"organisation": r.tree.department.pk, "page_size": 2})
    second = api_client.get(first.json()["next"])

    assert result_ids(first) == [r.oyun.pk, r.nomin.pk]
    assert result_ids(second) == [r.bold.pk]


BAD_FILTERS = [
    ({"year": "abc"}, "year", "Enter a whole number."),
    ({"year": "2025.5"}, "year", "Enter a whole number."),
    ({"year": "0"}, "year", "Ensure this value is greater than or equal to 1."),
    ({"year": "10000"}, "year", "Ensure this value is less than or equal to 9999."),
    ({"kind": "leaving"}, "kind", "Select a valid choice. leaving is not one of the available choices."),
    (
        {"organisation": "999999"},
        "organisation",
        "Select a valid choice. That choice is not one of the available choices.",
    ),
    (
        {"organisation": "abc"},
        "organisation",
        "Select a valid choice. That choice is not one of the available choices.",
    ),
    ({"q": "я" * 256}, "q", "Ensure this value has at most 255 characters (it has 256)."),
    ({"position": "я" * 300}, "position", "Ensure this value has at most 255 characters (it has 300)."),
    ({"cursor": "not-a-cursor"}, "cursor", "The cursor is invalid; follow the next and previous links as given."),
]


@pytest.mark.django_db
def test_a_bad_filter_value_answers_400_naming_the_field_and_the_reason(api_client, records):
    before = snapshot_rows()

    answers = {repr(params): api_client.get(LIST, params) for params, _field, _message in BAD_FILTERS}

    assert {key: (response.status_code, response.json()) for key, response in answers.items()} == {
        repr(params): (400, {"detail": "The input is invalid.", "code": "invalid", "errors": {field: [message]}})
        for params, field, message in BAD_FILTERS
    }
    assert snapshot_rows() == before


# --- one record -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_record_shows_its_public_content(api_client, records):
    bold = PublicSnapshot.objects.get(pk=records.bold.pk)

    response = api_client.get(detail(bold.pk))

    assert response.status_code == 200
    assert response.json() == {
        "id": bold.pk,
        "url": absolute(detail(bold.pk)),
        "kind": "annual",
        "kind_display": "Annual",
        "year": 2024,
        "official_name": "Батын Болд",
        "organisation": records.tree.department.pk,
        "organisation_name": "Санхүүгийн хэлтэс",
        "position_title": "Хэлтсийн дарга",
        "published_at": register.isoformat(bold.published_at),
        "corrects": None,
        "withdrawn_at": None,
        "content": bold.content,
        "conclusion": None,
        "corrected_by": [],
        "tombstone": None,
    }
    assert response.json()["content"]["business_interests"] == [
        {"company_name": "Говь-Алт ХХК", "role": "shareholder", "share_percent": "25.00", "acquired_on": "2016-04-20"}
    ]
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.django_db
def test_a_notice_record_shows_the_notices_public_fields(api_client, records):
    nomin = PublicSnapshot.objects.get(pk=records.nomin.pk)

    body = api_client.get(detail(nomin.pk)).json()

    assert (body["kind"], body["kind_display"], body["year"]) == ("notice", "Notice of (no) conflict of interest", 2023)
    assert body["content"] == {
        "category": "contract",
        "title": "Замын засварын гэрээ",
        "reference_number": "ГЭ-2025/017",
        "action_date": "2023-06-01",
        "counterparty_name": "",
        "outcome": "no_conflict",
        "proposed_handling": "",
        "is_late": True,
        "is_supplementary": False,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/register/999999/", "/api/v1/register/0/", "/api/v1/register/abc/"])
def test_a_missing_record_answers_404(api_client, records, path):
    response = api_client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_a_correction_and_the_original_link_to_each_other(api_client, tree):
    position = PositionFactory(organisation=tree.department, title="Хэлтсийн дарга", official__full_name="Батын Болд")
    original = make_declaration("published", position=position, reviewer=tree.reviewer)
    filer = position.official.user
    correction = services.declaration_create_correction(actor=filer, corrects_id=original.pk)
    for name, actor in [("submit", filer), ("start_review", tree.reviewer), ("accept", tree.reviewer)]:
        services.TRANSITION_SERVICES[name](actor=actor, declaration_id=correction.pk)
    services.declaration_publish(actor=tree.reviewer, declaration_id=correction.pk)
    original_record = PublicSnapshot.objects.get(declaration=original)
    correction_record = PublicSnapshot.objects.get(declaration=correction)

    original_body = api_client.get(detail(original_record.pk)).json()
    correction_body = api_client.get(detail(correction_record.pk)).json()
    listed = {item["id"]: item["corrects"] for item in api_client.get(LIST).json()["results"]}

    link_to_original = {"id": original_record.pk, "url": absolute(detail(original_record.pk))}
    link_to_correction = {"id": correction_record.pk, "url": absolute(detail(correction_record.pk))}
    assert (original_body["corrects"], original_body["corrected_by"]) == (None, [link_to_correction])
    assert (correction_body["corrects"], correction_body["corrected_by"]) == (link_to_original, [])
    assert listed == {correction_record.pk: link_to_original, original_record.pk: None}


@pytest.mark.django_db
def test_a_withdrawn_record_is_a_tombstone_without_content(api_client, records):
    oyun = PublicSnapshot.objects.get(pk=records.oyun.pk)

    response = api_client.get(detail(oyun.pk))

    body = response.json()
    assert body["tombstone"] == {"withdrawn_at": register.isoformat(oyun.withdrawn_at), "reason": WITHDRAWAL_REASON}
    assert body["withdrawn_at"] == register.isoformat(oyun.withdrawn_at)
    assert (body["content"], body["conclusion"]) == (None, None)
    # Not a single public value of the withdrawn content is in the answer.
    assert "Говь-Алт ХХК".encode() not in response.content
    assert "Сангийн яам".encode() not in response.content


@pytest.mark.django_db
def test_a_concluded_filing_shows_the_public_part_of_the_conclusion(api_client, tree):
    position = PositionFactory(organisation=tree.department)
    declaration = make_declaration("concluded", position=position, reviewer=tree.reviewer, supervisor=tree.supervisor)
    services.declaration_publish(actor=tree.reviewer, declaration_id=declaration.pk)
    record = PublicSnapshot.objects.get(declaration=declaration)
    concluded_at = declaration.conclusions.get().concluded_at

    body = api_client.get(detail(record.pk)).json()

    assert body["conclusion"] == {
        "finding": "no_violation",
        "legal_article": CONCLUSION["legal_article"],
        "reasoning": CONCLUSION["reasoning"],
        "concluded_at": concluded_at.isoformat(),
    }


# --- open to everyone, read-only ------------------------------------------------------------------------


def register_paths(records) -> list[str]:
    return [LIST, detail(records.bold.pk), CSV, JSONL]


@pytest.mark.django_db
def test_the_register_needs_no_authentication_and_ignores_a_bad_token(records):
    anonymous = {path: APIClient().get(path).status_code for path in register_paths(records)}
    bad_token = {
        path: APIClient().get(path, HTTP_AUTHORIZATION="Token not-a-real-token").status_code
        for path in register_paths(records)
    }

    assert anonymous == bad_token == dict.fromkeys(register_paths(records), 200)


@pytest.mark.django_db
def test_the_register_is_read_only(records):
    client = APIClient()
    client.force_login(records.tree.supervisor)
    before = snapshot_rows()

    answers = {
        (path, method): getattr(client, method)(path, {"content": {}}, format="json")
        for path in register_paths(records)
        for method in ("post", "put", "patch", "delete", "options")
    }

    assert {key: (response.status_code, response.json(), response["Allow"]) for key, response in answers.items()} == {
        (path, method): (
            405,
            {"detail": f'Method "{method.upper()}" not allowed.', "code": "method_not_allowed"},
            "GET, HEAD",
        )
        for path, method in answers
    }
    assert snapshot_rows() == before


# --- the open-data export ---------------------------------------------------------------------------------


def streamed(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def parse_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def parse_jsonl(body: bytes) -> list[dict[str, Any]]:
    text = body.decode("utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def api_view(client, pk: int) -> dict[str, Any]:
    """A record as the API shows it, in the export's terms."""
    body = client.get(detail(pk)).json()
    return {
        "id": body["id"],
        "kind": body["kind"],
        "year": body["year"],
        "official_name": body["official_name"],
        "organisation_id": body["organisation"],
        "organisation": body["organisation_name"],
        "position_title": body["position_title"],
        "published_at": body["published_at"],
        "corrects_id": body["corrects"]["id"] if body["corrects"] else None,
        "withdrawn_at": body["withdrawn_at"],
        "withdrawal_reason": body["tombstone"]["reason"] if body["tombstone"] else "",
        "content": body["content"],
        "conclusion": body["conclusion"],
    }


def csv_as_values(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row with its cells read back as values: numbers, JSON objects, empty cells as null."""
    values: dict[str, Any] = dict(row)
    for name in ("id", "year", "organisation_id", "corrects_id"):
        values[name] = int(row[name]) if row[name] else None
    for name in ("withdrawn_at", "content", "conclusion"):
        values[name] = row[name] or None
    for name in ("content", "conclusion"):
        values[name] = json.loads(values[name]) if values[name] else None
    return values


@pytest.mark.django_db
def test_both_exports_carry_the_same_records_and_values_as_the_api(api_client, records):
    expected_ids = sorted(PublicSnapshot.objects.values_list("pk", flat=True))
    expected = [api_view(api_client, pk) for pk in expected_ids]

    csv_response = api_client.get(CSV)
    jsonl_response = api_client.get(JSONL)
    csv_rows = parse_csv(streamed(csv_response))
    jsonl_rows = parse_jsonl(streamed(jsonl_response))

    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == 'attachment; filename="public-register.csv"'
    assert jsonl_response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert jsonl_response["Content-Disposition"] == 'attachment; filename="public-register.jsonl"'
    assert [list(row) for row in csv_rows] == [list(register.EXPORT_FIELDS)] * len(expected_ids)
    assert [list(row) for row in jsonl_rows] == [list(register.EXPORT_FIELDS)] * len(expected_ids)
    assert [csv_as_values(row) for row in csv_rows] == expected
    assert jsonl_rows == expected
    withdrawn = next(row for row in jsonl_rows if row["id"] == records.oyun.pk)
    assert (withdrawn["content"], withdrawn["withdrawal_reason"]) == (None, WITHDRAWAL_REASON)


@pytest.mark.django_db
def test_the_export_of_an_empty_register_is_its_header(api_client):
    response = api_client.get(CSV)

    assert streamed(response).decode("utf-8-sig") == ",".join(register.EXPORT_FIELDS) + "\r\n"
    assert "Last-Modified" not in response
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert streamed(api_client.get(JSONL)) == b""


@pytest.mark.django_db
@pytest.mark.parametrize("path", [CSV, JSONL])
def test_the_export_answers_a_conditional_request_with_304(api_client, records, path):
    first = api_client.get(path)
    streamed(first)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    by_etag = api_client.get(path, HTTP_IF_NONE_MATCH=etag)
    by_date = api_client.get(path, HTTP_IF_MODIFIED_SINCE=last_modified)
    stale_etag = api_client.get(path, HTTP_IF_NONE_MATCH='"0123456789abcdef0123456789abcdef"')
    stale_date = api_client.get(path, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT")

    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    oyun = PublicSnapshot.objects.get(pk=records.oyun.pk)
    assert last_modified == http_date(int(oyun.withdrawn_at.timestamp()))
    for response in (by_etag, by_date):
        assert response.status_code == 304
        assert response.content == b""
        assert (response["ETag"], response["Last-Modified"]) == (etag, last_modified)
    assert first["Cache-Control"] == "public, no-cache"
    assert streamed(stale_etag) == streamed(api_client.get(path))
    assert stale_date.status_code == 200


@pytest.mark.django_db
def test_the_etag_changes_after_a_publication_and_after_a_withdrawal(api_client, records):
    tree = records.tree
    before = {path: api_client.get(path)["ETag"] for path in (CSV, JSONL)}
    publish_declaration(tree, tree.aimag, name="Цэрэнгийн Туяа", title="Дарга", year=2022)
    published = {path: api_client.get(path)["ETag"] for path in (CSV, JSONL)}
    services.declaration_withdraw_publication(
        actor=tree.supervisor, declaration_id=records.bold.declaration_id, reason=WITHDRAWAL_REASON
    )
    withdrawn = {path: api_client.get(path)["ETag"] for path in (CSV, JSONL)}

    assert len({*before.values(), *published.values(), *withdrawn.values()}) == 6
    assert api_client.get(CSV, HTTP_IF_NONE_MATCH=before[CSV]).status_code == 200
    assert api_client.get(CSV, HTTP_IF_NONE_MATCH=published[CSV]).status_code == 200
    assert api_client.get(CSV, HTTP_IF_NONE_MATCH=withdrawn[CSV]).status_code == 304
    rows = {row["id"]: row for row in parse_jsonl(streamed(api_client.get(JSONL)))}
    assert (rows[records.bold.pk]["content"], rows[records.bold.pk]["withdrawal_reason"]) == (None, WITHDRAWAL_REASON)


# --- nothing private leaves -------------------------------------------------------------------------------

# Distinctive values for every private field of the form (valid, so that the filing can be submitted).
PRIVATE_CONTENT = {
    "personal": {
        "register_number": "ФЦ73519246",
        "birth_date": "1967-11-23",
        "address": "Нууцлаг гудамж, 4417-р байр",
        "phone": "88447711",
        "email": "nuuts.khayag@example.mn",
    },
    "business_interests": [{"company_register_number": "6543217"}],
    "real_estate": [
        {"address": "Далд хороолол, 93-р байр 7 тоот"},
        {"address": "Тэрэлжийн нууц ам", "parcel_number": "1860771199"},
    ],
    "vehicles": [{"plate_number": "4417ЖЮХ"}],
    "bank_accounts": [{"account_number": "5099887766"}, {"account_number": "1105771122"}],
    "securities": [{"issuer_register_number": "2087719"}],
    "family_members": [
        {
            "full_name": "Нууцын Далдсүрэн",
            "register_number": "ЧШ93091717",
            "birth_date": "1993-09-17",
            "companies": [{"company_register_number": "5998877"}],
        },
        {"full_name": "Далдын Нууцаа", "register_number": "ЧШ15013131", "birth_date": "2015-01-31"},
    ],
}


def _overlay(content: Any, private: Any) -> Any:
    if isinstance(private, dict):
        return {**content, **{key: _overlay(content.get(key), value) for key, value in private.items()}}
    if isinstance(private, list):
        return [_overlay(row, change) for row, change in zip(content, private, strict=False)] + content[len(private) :]
    return private


def marked_content(full_name: str) -> dict[str, Any]:
    return _overlay(sample_content(full_name=full_name, companies=[("Ил Тод Уурхай ХХК", "6543217")]), PRIVATE_CONTENT)


def private_values(content: dict[str, Any]) -> set[str]:
    """Every value of a private field in the content, found through the form's field policy."""
    found: set[str] = set()

    def walk(value: Any, parts: list[str], private: bool) -> None:
        if not parts:
            if private and value not in (None, ""):
                found.add(str(value))
            return
        head, rest = parts[0], parts[1:]
        if head.endswith("[]"):
            for row in value.get(head[:-2], []) if isinstance(value, dict) else []:
                walk(row, rest, private)
        elif isinstance(value, dict) and head in value:
            walk(value[head], rest, private)

    for path, public in field_policy("2023"):
        walk(content, path.split("."), not public)
    return found


def encodings(marker: str) -> list[bytes]:
    """The marker as raw UTF-8, as JSON escapes it and as HTML escapes it."""
    return sorted({marker.encode(), json.dumps(marker)[1:-1].encode(), html.escape(marker).encode()})


@pytest.mark.django_db
def test_no_private_value_reaches_the_register(tree):
    markers: set[str] = set()

    # A declaration referred to the agency, concluded with internal notes, published.
    position = PositionFactory(
        organisation=tree.department, title="Хэлтсийн дарга", official__full_name="Ил Тодын Болд"
    )
    declaration = make_declaration(
        "referred", position=position, reviewer=tree.reviewer, content=marked_content("Ил Тодын Болд")
    )
    agency_reviewer = assign_to_agency(declaration, supervisor=tree.supervisor)
    services.declaration_conclude(
        actor=agency_reviewer, declaration_id=declaration.pk, **CONCLUSION, internal_notes="ДОТООД-ТЭМДЭГЛЭЛ-Д-551"
    )
    services.declaration_publish(actor=tree.reviewer, declaration_id=declaration.pk)
    # Its correction, published; and another official's declaration, published then withdrawn.
    filer = position.official.user
    correction = services.declaration_create_correction(actor=filer, corrects_id=declaration.pk)
    for name, actor in [("submit", filer), ("start_review", tree.reviewer), ("accept", tree.reviewer)]:
        services.TRANSITION_SERVICES[name](actor=actor, declaration_id=correction.pk)
    services.declaration_publish(actor=tree.reviewer, declaration_id=correction.pk)
    withdrawn_position = PositionFactory(organisation=tree.aimag, official__full_name="Ил Тодын Сараа")
    withdrawn = make_declaration(
        "withdrawn",
        position=withdrawn_position,
        reviewer=tree.reviewer,
        supervisor=tree.supervisor,
        content=marked_content("Ил Тодын Сараа"),
    )
    # A notice of a conflict continued under conditions, with the reviewer's resolution, published.
    notice_position = PositionFactory(organisation=tree.department, official__full_name="Ил Тодын Номин")
    conflicted = make_notice(
        "under_review",
        position=notice_position,
        reviewer=tree.reviewer,
        **conflict_fields(
            counterparty_name="Тод Түнш ХХК",
            counterparty_register_number="8877665",
            interest_nature="НУУЦ-СОНИРХОЛ: дүүгийн компани",
            proposed_handling="continue_with_conditions",
            handling_conditions="НУУЦ-НӨХЦӨЛ: хурлын тэмдэглэлд",
        ),
    )
    notices.notice_record_resolution(
        actor=tree.reviewer, notice_id=conflicted.pk, resolution="НУУЦ-ШИЙДВЭР: хяналтад авав"
    )
    notices.notice_acknowledge(actor=tree.reviewer, notice_id=conflicted.pk)
    notices.notice_publish(actor=tree.reviewer, notice_id=conflicted.pk)
    # A notice referred to the agency, concluded with internal notes, published.
    referred = make_notice("referred", position=notice_position, reviewer=tree.reviewer, title="Ил тод шалгалт")
    assign_to_agency(referred, supervisor=tree.supervisor, agency=agency_reviewer)
    notices.notice_conclude(
        actor=agency_reviewer, notice_id=referred.pk, **CONCLUSION, internal_notes="ДОТООД-ТЭМДЭГЛЭЛ-М-662"
    )
    notices.notice_publish(actor=tree.reviewer, notice_id=referred.pk)

    for filing in (declaration, withdrawn):
        markers |= private_values(filing.revisions.get().content)
    markers |= {
        "8877665",
        "НУУЦ-СОНИРХОЛ: дүүгийн компани",
        "НУУЦ-НӨХЦӨЛ: хурлын тэмдэглэлд",
        "НУУЦ-ШИЙДВЭР: хяналтад авав",
        "ДОТООД-ТЭМДЭГЛЭЛ-Д-551",
        "ДОТООД-ТЭМДЭГЛЭЛ-М-662",
    }
    for official in (position.official, withdrawn_position.official, notice_position.official):
        markers |= {official.register_number, official.user.email}
    # The test would prove nothing if the markers were not there to leak.
    assert {
        "ФЦ73519246",
        "1967-11-23",
        "88447711",
        "nuuts.khayag@example.mn",
        "1860771199",
        "4417ЖЮХ",
        "5099887766",
        "2087719",
        "6543217",
        "5998877",
        "Нууцын Далдсүрэн",
        "Далдын Нууцаа",
        "ЧШ93091717",
        "1993-09-17",
    } <= markers
    assert len(PublicSnapshot.objects.all()) == 5

    api, web = APIClient(), Client()
    pks = list(PublicSnapshot.objects.values_list("pk", flat=True))
    bodies = {
        "list": api.get(LIST).content,
        "search for a relative": api.get(LIST, {"q": "Далдсүрэн"}).content,
        "csv": streamed(api.get(CSV)),
        "jsonl": streamed(api.get(JSONL)),
        "page": web.get("/register/").content,
        **{f"record {pk}": api.get(detail(pk)).content for pk in pks},
        **{f"page {pk}": web.get(f"/register/{pk}/").content for pk in pks},
    }

    leaks = {
        name: found
        for name, body in bodies.items()
        if (found := [marker for marker in sorted(markers) if any(form in body for form in encodings(marker))])
    }
    assert leaks == {}
    assert json.loads(bodies["search for a relative"])["results"] == []
    # ... and the public values are there: the test looks at real pages.
    for name in ("jsonl", "csv", f"page {PublicSnapshot.objects.get(declaration=declaration).pk}"):
        assert "Ил Тод Уурхай ХХК".encode() in bodies[name], name
        assert CONCLUSION["reasoning"].encode() in bodies[name], name
    assert "Тод Түнш ХХК".encode() in bodies["jsonl"]


# --- anonymous visitors reach the register and nothing else ------------------------------------------------

# Open to everyone besides the register: the API's documentation and the token exchange (a sign-in).
PUBLIC_API = {"register-list", "register-detail", "register-export-csv", "register-export-jsonl"}
DOCUMENTATION = {"schema", "swagger-ui", "redoc", "token", "not-found"}


def api_paths() -> dict[str, str]:
    """Every named API route, with 1 for each of its parameters."""
    paths = {}
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in DOCUMENTATION:
            continue
        route = re.sub(r"<(?:\w+:)?\w+>", "1", str(pattern.pattern))
        paths[pattern.name] = f"/api/v1/{route}"
    return paths


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_401_from_every_other_endpoint(records):
    def footprint():
        return {
            model.__name__: list(model.objects.order_by("pk").values_list("pk", flat=True))
            for model in (Declaration, Notice, Tender, PublicSnapshot, TransitionLog)
        }

    before = footprint()
    client = APIClient()
    paths = api_paths()

    answers = {
        (name, method): getattr(client, method)(path, {}, format="json").status_code
        for name, path in paths.items()
        if name not in PUBLIC_API
        for method in ("get", "post", "patch", "delete")
    }

    assert len(paths) - len(PUBLIC_API) >= 30
    assert {key: status for key, status in answers.items() if status != 401} == {}
    paths["register-detail"] = detail(records.bold.pk)
    assert {name: client.get(paths[name]).status_code for name in PUBLIC_API} == dict.fromkeys(PUBLIC_API, 200)
    assert footprint() == before
