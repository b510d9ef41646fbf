"""The PDF of a filed declaration or notice: who gets it, what it prints, in which language and font.

WeasyPrint takes a moment per document, so most tests replace it with a recorder of the HTML it would lay
out (``printed``) and check that HTML; two tests lay out real PDFs (``laid_out``) and read their text from
WeasyPrint's own page boxes (no PDF reader is installed) and their fonts from the PDF's bytes.
"""

from __future__ import annotations

import html
import re
import zlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from declarations.content import CHOICE_LABELS, FORM_2023, FieldKind, sample_content
from declarations.models import Declaration, DeclarationState, Notice, NoticeState, TenderState
from tests.factories import (
    OrganisationFactory,
    PositionFactory,
    assign_to_agency,
    make_agency_reviewer,
    make_declaration,
    make_reviewer,
)
from tests.notice_factories import (
    conflict_fields,
    declare,
    in_days,
    latest_notice,
    make_notice,
    make_tender,
)
from web import pdf
from workflow import services, tenders

S = DeclarationState
N = NoticeState
SCRIPT = "<script>alert(1)</script>"
FAKE_PDF = b"%PDF-1.7 recorded"
SHIPPED_FONTS = {"DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSans.ttf"}


# --- helpers and fixtures ----------------------------------------------------------------------------------------


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(page: str) -> str:
    """The page's text with its markup and its layout whitespace removed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def document_text(document: Any) -> list[str]:
    """The text of each laid-out page, margin boxes (the page numbers) included."""
    from weasyprint.formatting_structure import boxes

    return [
        " ".join(" ".join(box.text for box in page._page_box.descendants() if isinstance(box, boxes.TextBox)).split())
        for page in document.pages
    ]


def pdf_fonts(data: bytes) -> set[str]:
    """The names of the fonts a PDF embeds (its object streams are compressed, so inflate them first)."""
    inflated = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            inflated.append(zlib.decompressobj().decompress(data[match.end() : end]))
        except zlib.error:
            continue
    return {name.decode() for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", b"".join(inflated))}


@pytest.fixture
def printed(monkeypatch):
    """Stands in for WeasyPrint: records the HTML each PDF view would lay out and answers fixed bytes."""
    pages: list[str] = []

    def record(page: str) -> bytes:
        pages.append(page)
        return FAKE_PDF

    monkeypatch.setattr(pdf, "render_pdf", record)
    return pages


@pytest.fixture
def laid_out(monkeypatch):
    """Real PDFs, keeping each laid-out document and the fonts its URL fetcher served."""
    documents: list[Any] = []
    served: list[str] = []
    real_layout = pdf.layout

    def spy(page: str, *, fetcher: Any = None) -> Any:
        fetcher = fetcher or pdf.font_fetcher()
        document = real_layout(page, fetcher=fetcher)
        documents.append(document)
        served.extend(fetcher.served)
        return document

    monkeypatch.setattr(pdf, "layout", spy)
    return SimpleNamespace(documents=documents, served=served)


@pytest.fixture
def office():
    """An aimag office with a department: a filer there, an ЭБАТ of the aimag, and people outside."""
    aimag = OrganisationFactory(
        kind="governor_office", name="Дорноговь аймгийн ЗДТГ", name_en="Dornogovi Governor's Office"
    )
    department = OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс", name_en="Finance Department")
    position = PositionFactory(
        organisation=department, title="Хэлтсийн дарга", official__full_name="Батбаярын Тэмүүжин"
    )
    elsewhere = OrganisationFactory(name="Өмнөговь аймгийн ЗДТГ")
    return SimpleNamespace(
        department=department,
        position=position,
        filer=position.official.user,
        reviewer=make_reviewer(aimag),
        colleague=PositionFactory(organisation=department).official.user,
        other_reviewer=make_reviewer(elsewhere),
    )


def declaration_in(office: Any, state: str = S.SUBMITTED, **kwargs: Any) -> Declaration:
    return make_declaration(state, position=office.position, reviewer=office.reviewer, **kwargs)


def pdf_url(filing: Declaration | Notice) -> str:
    return f"/{'notices' if isinstance(filing, Notice) else 'declarations'}/{filing.pk}/pdf/"


# --- who gets the declaration's PDF ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["filer", "reviewer"])
def test_the_filer_and_the_ebat_in_scope_get_the_pdf(office, printed, who):
    declaration = declaration_in(office)

    response = signed_in(getattr(office, who)).get(pdf_url(declaration))

    assert response.status_code == 200
    assert response.content == FAKE_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="declaration-{declaration.pk}-1.pdf"'
    assert response["Cache-Control"] == "private"
    assert len(printed) == 1


@pytest.mark.django_db
def test_the_agency_reviewer_assigned_to_a_referred_declaration_gets_the_pdf(office, printed):
    declaration = declaration_in(office, S.REFERRED)
    agency = assign_to_agency(declaration)

    response = signed_in(agency).get(pdf_url(declaration))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="declaration-{declaration.pk}-1.pdf"'


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague", "other_reviewer", "agency reviewer without a grant"])
def test_anyone_else_signed_in_finds_no_pdf(office, printed, who):
    declaration = declaration_in(office, S.REFERRED)
    user = make_agency_reviewer() if who == "agency reviewer without a grant" else getattr(office, who)

    for url in (pdf_url(declaration), f"{pdf_url(declaration)}preview/"):
        assert signed_in(user).get(url).status_code == 404
    assert signed_in(office.filer).get(f"/declarations/{declaration.pk + 1000}/pdf/").status_code == 404
    assert printed == []
    declaration.refresh_from_db()
    assert (declaration.state, declaration.revisions.count()) == (S.REFERRED, 1)


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in(office, printed):
    declaration = declaration_in(office)

    response = Client().get(pdf_url(declaration))

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/declarations/{declaration.pk}/pdf/"
    assert printed == []


@pytest.mark.django_db
def test_the_pdf_answers_only_get_and_head(office, printed):
    declaration = declaration_in(office)

    assert signed_in(office.filer).post(pdf_url(declaration)).status_code == 405
    assert printed == []


# --- a draft, a returned declaration, a resubmission -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "This declaration has not been submitted yet, so there is nothing to print. The printable version "
            "shows the declaration as it was last submitted.",
        ),
        (
            "mn",
            "Энэ мэдүүлгийг хараахан илгээгээгүй тул хэвлэх зүйл алга. Хэвлэх хувилбарт мэдүүлгийг хамгийн сүүлд "
            "илгээсэн байдлаар нь харуулна.",
        ),
    ],
)
def test_a_draft_never_submitted_has_nothing_to_print(office, printed, language, message):
    draft = declaration_in(office, S.DRAFT)
    client = signed_in(office.filer)

    response = client.get(pdf_url(draft), HTTP_ACCEPT_LANGUAGE=language)
    preview = client.get(f"{pdf_url(draft)}preview/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 409
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert message in page_text(response.content.decode())
    assert preview.status_code == 200
    assert message in page_text(preview.content.decode())
    assert printed == []
    assert draft.revisions.count() == 0


@pytest.mark.django_db
def test_the_pdf_prints_the_latest_submission_never_the_working_copy(office, printed):
    declaration = declaration_in(office, S.RETURNED)
    filer = signed_in(office.filer)
    content = dict(declaration.content)
    content["gifts"] = [{**content["gifts"][0], "giver": "Шинэ бэлэг өгөгч"}]
    services.declaration_update_content(actor=office.filer, declaration_id=declaration.pk, content=content)

    returned = filer.get(pdf_url(declaration))
    services.declaration_resubmit(actor=office.filer, declaration_id=declaration.pk)
    resubmitted = filer.get(pdf_url(declaration))

    assert returned["Content-Disposition"] == f'inline; filename="declaration-{declaration.pk}-1.pdf"'
    assert "Монголын Худалдаа Аж Үйлдвэрийн Танхим" in printed[0]
    assert "Шинэ бэлэг өгөгч" not in printed[0]
    assert resubmitted["Content-Disposition"] == f'inline; filename="declaration-{declaration.pk}-2.pdf"'
    assert "Шинэ бэлэг өгөгч" in printed[1]
    assert "Монголын Худалдаа Аж Үйлдвэрийн Танхим" not in printed[1]


# --- what the declaration's printout shows -----------------------------------------------------------------------


def expected_value(kind: FieldKind, value: Any) -> list[str]:
    """How a filed value appears in the printout's HTML: as filed (escaped, one piece per line), or the label."""
    if kind == FieldKind.CHOICE:
        return [escape(str(CHOICE_LABELS[value]))]
    return [escape(line) for line in str(value).split("\n")]


@pytest.mark.django_db
def test_the_printout_shows_every_section_label_and_every_declared_value(office, printed):
    declaration = declaration_in(office)

    signed_in(office.filer).get(pdf_url(declaration))
    page = printed[0]

    content = declaration.revisions.get().content
    for number, section in enumerate(FORM_2023.sections, 1):
        assert f"<h2>{number}. {escape(str(section.label))}</h2>" in page
        assert all(escape(str(spec.label)) in page for spec in section.fields), section.name
        records = content[section.name] if section.many else [content[section.name]]
        for record in records:
            for spec in section.fields:
                if record.get(spec.name) not in (None, ""):
                    for piece in expected_value(spec.kind, record[spec.name]):
                        assert piece in page, (section.name, spec.name)
            for sub in section.subsections:
                for company in record[sub.name]:
                    assert all(escape(str(company[spec.name])) in page for spec in sub.fields if spec.name in company)
    # The family members' companies are nested under each member, numbered after them.
    assert '<p class="nested-title">11.1.1. Companies</p>' in page
    assert '<p class="nested-title">11.2.1. Companies</p>' in page


@pytest.mark.django_db
def test_the_heading_block_names_the_filing(office, printed):
    declaration = declaration_in(office)
    revision = declaration.revisions.get()

    signed_in(office.filer).get(pdf_url(declaration))
    text = page_text(printed[0])

    assert "Declaration of private interests, assets and income" in text
    submitted = timezone.localtime(revision.created_at).strftime("%Y-%m-%d %H:%M")
    for expected in (
        f"Declaration number {declaration.pk}",
        f"Year {declaration.year}",
        "Kind of declaration Annual",
        "Name of the official Батбаярын Тэмүүжин",
        "Organisation Finance Department",
        "Position title Хэлтсийн дарга",
        f"Submitted on {submitted}",
        "Revision number 1",
        "State of the filing Submitted",
        f"Content hash {revision.content_hash}",
    ):
        assert expected in text
    assert "Corrects declaration number" not in text
    # The statement and signature block closes the form.
    assert text.endswith(
        "Date of signature This printout reproduces the declaration as it was submitted electronically; the "
        "revision number and the content hash identify that submission."
    )


@pytest.mark.django_db
def test_a_correction_names_the_declaration_it_corrects(office, printed):
    original = declaration_in(office, S.ACCEPTED)
    correction = services.declaration_create_correction(actor=office.filer, corrects_id=original.pk)
    services.declaration_submit(actor=office.filer, declaration_id=correction.pk)

    signed_in(office.filer).get(pdf_url(correction))

    assert f"Corrects declaration number {original.pk}" in page_text(printed[0])


@pytest.mark.django_db
def test_an_empty_section_says_nothing_was_declared(office, printed):
    content = sample_content(full_name="Батбаярын Тэмүүжин")
    content["vehicles"] = []
    content["gifts"] = []
    declaration = declaration_in(office, content=content)

    signed_in(office.filer).get(pdf_url(declaration))
    text = page_text(printed[0])

    assert "5. Vehicles Nothing declared. 6. Bank accounts" in text
    assert "10. Gifts Nothing declared. 11. Family members" in text
    # The child's empty list of companies, nested under the second family member.
    assert "11.2.1. Companies Nothing declared." in text
    assert text.count("Nothing declared.") == 3


@pytest.mark.django_db
def test_html_in_a_filed_value_is_printed_as_text(office, printed):
    office.position.official.full_name = f"{SCRIPT} Батбаярын Тэмүүжин"
    office.position.official.save()
    content = sample_content(full_name=f"{SCRIPT} Батбаярын Тэмүүжин")
    content["gifts"][0]["description"] = f'<img src="x" onerror="alert(2)">{SCRIPT}'
    declaration = declaration_in(office, content=content)

    signed_in(office.filer).get(pdf_url(declaration))
    page = printed[0]

    assert "<script" not in page
    assert "<img" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4  # heading, personal data, gift, signature
    assert "&lt;img src=&quot;x&quot; onerror=&quot;alert(2)&quot;&gt;" in page


@pytest.mark.django_db
def test_the_printout_is_in_the_users_language_and_the_filed_values_as_filed(office, printed):
    declaration = declaration_in(office)
    client = signed_in(office.filer)

    client.get(pdf_url(declaration), HTTP_ACCEPT_LANGUAGE="mn")
    client.get(pdf_url(declaration), HTTP_ACCEPT_LANGUAGE="en")
    mongolian, english = (page_text(page) for page in printed)

    assert '<html lang="mn">' in printed[0]
    assert "Хувийн ашиг сонирхол, хөрөнгө, орлогын мэдүүлэг" in mongolian
    assert "Байгууллага Санхүүгийн хэлтэс" in mongolian
    assert "Сангийн яам" in mongolian
    with translation.override("mn"):
        assert f"4. {FORM_2023.sections[3].label}" in mongolian
        assert str(CHOICE_LABELS["apartment"]) in mongolian
    assert "Declaration" not in mongolian
    assert '<html lang="en">' in printed[1]
    assert "Declaration of private interests, assets and income" in english
    assert "4. Real estate" in english
    assert "Apartment" in english
    assert "Сангийн яам" in english  # filed values as filed


# --- real PDFs ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_is_laid_out_in_mongolian_with_the_shipped_fonts(office, laid_out):
    office.position.official.full_name = f"{SCRIPT} Батбаярын Тэмүүжин"
    office.position.official.save()
    declaration = declaration_in(office)

    response = signed_in(office.filer).get(pdf_url(declaration), HTTP_ACCEPT_LANGUAGE="mn")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pages = document_text(laid_out.documents[0])
    assert len(pages) > 1
    for number, text in enumerate(pages, 1):
        assert text.endswith(f"Хуудас {number} / {len(pages)}")
    text = " ".join(pages)
    assert "Хувийн ашиг сонирхол, хөрөнгө, орлогын мэдүүлэг" in text
    assert f"{SCRIPT} Батбаярын Тэмүүжин" in text  # printed as text, never interpreted
    assert "Улаанбаатар хот, Сүхбаатар дүүрэг" in text
    # Every glyph comes from the shipped DejaVu fonts: nothing fell back to another font.
    fonts = pdf_fonts(response.content)
    assert {name.split("+")[-1] for name in fonts} == {"DejaVu-Serif", "DejaVu-Serif-Bold", "DejaVu-Sans"}
    assert set(laid_out.served) == SHIPPED_FONTS


@pytest.mark.django_db
def test_the_committee_notice_pdf_is_laid_out_in_english_with_the_bidders(office, laid_out):
    tender = make_tender(
        TenderState.DECLARING,
        organisation=office.department,
        members=[office.position],
        bidders=[("Хөх Тэнгэр Констракшн ХХК", "6012345"), ("Алтан Зам ХХК", "6054321")],
    )
    notice = declare(latest_notice(tender.members.get()))

    response = signed_in(office.filer).get(pdf_url(notice), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="notice-{notice.pk}.pdf"'
    assert response["Cache-Control"] == "private"
    assert response.content.startswith(b"%PDF-")
    pages = document_text(laid_out.documents[0])
    assert pages[-1].endswith(f"Page {len(pages)} of {len(pages)}")
    text = " ".join(pages)
    assert "Notice of (no) conflict of interest" in text
    assert "3. Bidders of the tender" in text
    assert "1 Хөх Тэнгэр Констракшн ХХК 6012345 2 Алтан Зам ХХК 6054321" in text
    assert {name.split("+")[-1] for name in pdf_fonts(response.content)} <= {
        "DejaVu-Serif",
        "DejaVu-Serif-Bold",
        "DejaVu-Sans",
    }


# --- notices -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["filer", "reviewer"])
def test_the_filer_and_the_ebat_get_the_notice_pdf(office, printed, who):
    notice = make_notice(N.SUBMITTED, position=office.position)

    response = signed_in(getattr(office, who)).get(pdf_url(notice))

    assert response.status_code == 200
    assert response.content == FAKE_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="notice-{notice.pk}.pdf"'
    assert response["Cache-Control"] == "private"


@pytest.mark.django_db
def test_the_agency_reviewer_assigned_to_a_referred_notice_gets_its_pdf(office, printed):
    notice = make_notice(N.REFERRED, position=office.position, reviewer=office.reviewer)
    agency = assign_to_agency(notice)

    assert signed_in(agency).get(pdf_url(notice)).status_code == 200
    assert signed_in(make_agency_reviewer()).get(pdf_url(notice)).status_code == 404


@pytest.mark.django_db
def test_a_notice_pdf_is_refused_to_anyone_else(office, printed):
    tender = make_tender(TenderState.DECLARING, organisation=office.department, members=[office.position])
    notice = declare(latest_notice(tender.members.get()))

    # The procurement secretary follows the committee's states, not the notices themselves.
    assert signed_in(tender.secretary).get(pdf_url(notice)).status_code == 404
    assert signed_in(office.colleague).get(pdf_url(notice)).status_code == 404
    assert signed_in(office.other_reviewer).get(pdf_url(notice)).status_code == 404
    anonymous = Client().get(pdf_url(notice))
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/login/?next=/notices/{notice.pk}/pdf/")
    assert printed == []
    notice.refresh_from_db()
    assert notice.state == N.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "This notice has not been submitted yet, so there is nothing to print. The printable version shows "
            "the notice as submitted.",
        ),
        (
            "mn",
            "Энэ мэдэгдэл тайлбарыг хараахан илгээгээгүй тул хэвлэх зүйл алга. Хэвлэх хувилбарт мэдэгдэл "
            "тайлбарыг илгээсэн байдлаар нь харуулна.",
        ),
    ],
)
def test_a_draft_notice_has_nothing_to_print(office, printed, language, message):
    draft = make_notice(N.DRAFT, position=office.position)

    response = signed_in(office.filer).get(pdf_url(draft), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 409
    assert message in page_text(response.content.decode())
    assert printed == []


@pytest.mark.django_db
def test_the_notice_printout_shows_the_matter_the_outcome_and_its_handling(office, printed):
    notice = make_notice(
        N.SUBMITTED,
        position=office.position,
        **conflict_fields(
            action_date=in_days(-3),
            counterparty_name="Говь-Алт ХХК",
            counterparty_register_number="2345678",
            proposed_handling="continue_with_conditions",
            handling_conditions=f"Шийдвэрийг хамтран гаргана. {SCRIPT}",
        ),
    )

    signed_in(office.reviewer).get(pdf_url(notice))
    text = page_text(printed[0])

    for expected in (
        f"Notice number {notice.pk}",
        "Name of the official Батбаярын Тэмүүжин",
        "Organisation Finance Department",
        "Submitted after the action date Yes, filed late",
        "State of the filing Submitted",
        "1. The matter Category Concluding a contract",
        "Matter Замын засварын гэрээ Reference number ГЭ-2025/017",
        f"Action date {in_days(-3)}",
        "Counterparty name Говь-Алт ХХК Counterparty registration number 2345678",
        "2. Conflict of interest and its handling Declared outcome Conflict of interest",
        "Nature of the interest Гэрээлэгч компанийн 25 хувийг эзэмшдэг.",
        "Proposed handling Continuing under conditions",
        f"Conditions Шийдвэрийг хамтран гаргана. {SCRIPT}",
        "Reviewer's resolution —",
    ):
        assert expected in text, expected
    assert "&lt;script&gt;" in printed[0]
    assert "<script" not in printed[0]
    assert "Bidders of the tender" not in text


@pytest.mark.django_db
def test_a_committee_notice_lists_the_bidders_it_was_submitted_against(office, printed):
    tender = make_tender(
        TenderState.DECLARING,
        organisation=office.department,
        members=[office.position],
        bidders=[("Хөх Тэнгэр Констракшн ХХК", "6012345")],
    )
    first = declare(latest_notice(tender.members.get()))
    tenders.tender_add_bidder(actor=tender.secretary, tender_id=tender.pk, name="Алтан Зам ХХК", register_number="")
    supplementary = declare(latest_notice(tender.members.get()))
    client = signed_in(office.filer)

    client.get(pdf_url(first))
    client.get(pdf_url(supplementary))
    original, later = (page_text(page) for page in printed)

    assert supplementary.is_supplementary
    assert f"Tender {tender.reference_number} {tender.title} Supplementary No" in original
    assert "1 Хөх Тэнгэр Констракшн ХХК 6012345 Statement of the official" in original
    assert "Алтан Зам ХХК" not in original
    assert "Supplementary Yes" in later
    assert "1 Хөх Тэнгэр Констракшн ХХК 6012345 2 Алтан Зам ХХК — Statement of the official" in later


@pytest.mark.django_db
def test_an_external_committee_members_notice_names_them_as_registered(office, printed):
    tender = make_tender(
        TenderState.DECLARING,
        organisation=office.department,
        members=[],
        externals=[("Иргэн Болдын Сүхээ", "sukhee@example.mn")],
    )
    member = tender.members.get()
    notice = declare(latest_notice(member))

    signed_in(member.user).get(pdf_url(notice))

    assert notice.official_id is None
    assert "Name of the official Иргэн Болдын Сүхээ" in page_text(printed[0])


# --- the URL fetcher and the page numbers ------------------------------------------------------------------------


def test_the_fetcher_serves_only_the_shipped_fonts():
    fonts = pdf.FONT_DIR.resolve()
    fetcher = pdf.font_fetcher()

    served = fetcher.fetch((fonts / "DejaVuSerif.ttf").as_uri())

    assert served.read() == (fonts / "DejaVuSerif.ttf").read_bytes()
    assert fetcher.served == ["DejaVuSerif.ttf"]
    for refused in (
        "http://example.com/DejaVuSerif.ttf",
        "https://example.com/font.ttf",
        "data:font/ttf;base64,AAAA",
        "file:///etc/passwd",
        (fonts / "LICENSE.txt").as_uri(),
        (fonts.parent / "pdf.css").as_uri(),
        f"{fonts.as_uri()}/../fonts/../pdf.css",
        f"file://example.com{fonts}/DejaVuSerif.ttf",
        f"{(fonts / 'DejaVuSerif.ttf').as_uri()}?v=1",
    ):
        assert pdf.shipped_font(refused) is None, refused
        with pytest.raises(ValueError, match="only the shipped fonts"):
            fetcher.fetch(refused)
    assert fetcher.served == ["DejaVuSerif.ttf"]
    assert {path.name for path in fonts.iterdir()} == {*SHIPPED_FONTS, "LICENSE.txt"}
    assert "Bitstream Vera" in (fonts / "LICENSE.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "css"),
    [
        ("en", '@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); } }'),
        ("mn", '@page { @bottom-right { content: "Хуудас " counter(page) " / " counter(pages); } }'),
    ],
)
def test_the_page_numbers_are_in_the_users_language(language, css):
    with translation.override(language):
        assert pdf.page_number_css() == css


def test_a_quote_in_the_page_number_text_cannot_break_out_of_the_css_string(monkeypatch):
    monkeypatch.setattr(pdf, "PAGE_NUMBER", 'P" } body { x: "%(page)s\\')

    assert pdf.page_number_css() == '@page { @bottom-right { content: "P\\" } body { x: \\"" counter(page) "\\\\"; } }'


@pytest.mark.django_db
def test_the_printout_reads_a_constant_number_of_queries(office, printed, django_assert_max_num_queries):
    declaration = declaration_in(office)
    client = signed_in(office.filer)

    # The session, the user, their permissions and review scope, the declaration, its revision: none per row.
    with django_assert_max_num_queries(7):
        assert client.get(pdf_url(declaration)).status_code == 200


@pytest.mark.django_db
def test_the_preview_shows_the_printout_as_a_web_page_with_a_link_to_the_pdf(office, printed):
    declaration = declaration_in(office)

    response = signed_in(office.filer).get(f"{pdf_url(declaration)}preview/")
    page = response.content.decode()

    assert response.status_code == 200
    assert response["Cache-Control"] == "private"
    assert f'<a id="open-pdf" href="/declarations/{declaration.pk}/pdf/">Open the printable version</a>' in page
    assert '<link rel="stylesheet" href="/static/web/pdf.css">' in page
    assert "<h2>11. Family members</h2>" in page
    assert " style=" not in page.split('<main id="content">')[1]
    assert printed == []
