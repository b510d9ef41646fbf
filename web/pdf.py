"""The PDF of a filed declaration or notice, on demand (DESIGN §10: a PDF when wanted, not a required printout).

A declaration prints its latest frozen revision as the official form lays it out: a heading block, each
section of the form schema numbered with a table of its rows, and a declaration and signature block. A notice
prints its matter, its declared outcome and, for a committee member, the tender's bidders. The PDF is in the
user's language (the page language); filed values are printed as filed.

The same template renders an HTML preview (``…/pdf/preview/``), which is also what the page-language checks
read. WeasyPrint lays out the PDF from the template with the fonts shipped in ``web/static/web/fonts`` and
fetches nothing else: its URL fetcher serves those font files only, never the network.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from declarations.content import CHOICE_LABELS, FieldKind, FieldSpec, FormSchema, SectionSpec, UnknownFormVersion
from declarations.content import get_form as form_schema
from declarations.models import Declaration, DeclarationRevision, Notice, Organisation
from web.content import NO, YES, form_of
from workflow import policies, printing
from workflow.errors import ObjectNotFound

STATIC_DIR = Path(__file__).resolve().parent / "static" / "web"
FONT_DIR = STATIC_DIR / "fonts"
STYLESHEET = STATIC_DIR / "pdf.css"

PAGE_NUMBER = _("Page %(page)s of %(pages)s")
EMPTY = "—"


# --- the document's content -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One printed value: ``filed`` when it is printed as filed (the filer's language), not a translated label."""

    value: Any
    filed: bool = True

    @property
    def empty(self) -> bool:
        return self.value in (None, "")


@dataclass(frozen=True)
class Line:
    """A labelled value of a one-record table (the heading block, a single-object section, a notice)."""

    label: Any
    cell: Cell


@dataclass(frozen=True)
class TableRow:
    cells: list[Cell]
    subtables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class Table:
    """A numbered section of the form: its columns labelled from the schema, a row per declared record."""

    number: str
    label: Any
    many: bool
    columns: list[Any]
    rows: list[TableRow]

    @property
    def lines(self) -> list[Line]:
        """A single-object section as label–value lines."""
        if not self.rows:
            return []
        return [Line(label, cell) for label, cell in zip(self.columns, self.rows[0].cells, strict=True)]


def _cell(spec: FieldSpec, value: Any) -> Cell:
    if value in (None, ""):
        return Cell("")
    if spec.kind == FieldKind.CHOICE and value in CHOICE_LABELS:
        return Cell(CHOICE_LABELS[value], filed=False)
    if spec.kind == FieldKind.BOOLEAN:
        return Cell(YES if value else NO, filed=False)
    return Cell(value)


def _row(spec: SectionSpec, record: dict[str, Any], number: str) -> TableRow:
    return TableRow(
        cells=[_cell(field_spec, record.get(field_spec.name)) for field_spec in spec.fields],
        subtables=[
            _table(sub, record.get(sub.name), f"{number}.{index}") for index, sub in enumerate(spec.subsections, 1)
        ],
    )


def _table(spec: SectionSpec, value: Any, number: str) -> Table:
    if spec.many:
        records = [record for record in value if isinstance(record, dict)] if isinstance(value, list) else []
    else:
        records = [value] if isinstance(value, dict) and value else []
    return Table(
        number=number,
        label=spec.label,
        many=spec.many,
        columns=[field_spec.label for field_spec in spec.fields],
        rows=[_row(spec, record, f"{number}.{index}") for index, record in enumerate(records, 1)],
    )


def _form(revision: DeclarationRevision) -> FormSchema:
    try:
        return form_schema(revision.form_version)
    except UnknownFormVersion:
        return form_of(revision.content)


def declaration_tables(revision: DeclarationRevision) -> list[Table]:
    """The revision's content as the form's numbered sections, with the schema's labels."""
    content = revision.content if isinstance(revision.content, dict) else {}
    return [
        _table(spec, content.get(spec.name), str(number)) for number, spec in enumerate(_form(revision).sections, 1)
    ]


def _organisation_name(organisation: Organisation) -> str:
    """The organisation as registered; its English name on an English printout when it has one."""
    english = (get_language() or "").startswith("en")
    return organisation.name_en if english and organisation.name_en else organisation.name


def _label(model: type[Model], name: str) -> Any:
    return getattr(model._meta.get_field(name), "verbose_name", name)


def _notice_line(notice: Notice, name: str) -> Line:
    display = getattr(notice, f"get_{name}_display", None)
    value = getattr(notice, name)
    if isinstance(value, datetime.date):
        value = value.isoformat()  # as filed, like the dates of a declaration's content
    cell = Cell(display(), filed=False) if display is not None and value else Cell(value)
    return Line(_label(Notice, name), cell)


def notice_sections(notice: Notice) -> dict[str, list[Line]]:
    """A notice's fields in the order of the form: the matter, then the declared interest and its handling."""
    matter = [Line(_label(Notice, "category"), Cell(notice.category.display_name, filed=False))]
    if notice.tender is not None:
        matter += [
            Line(_label(Notice, "tender"), Cell(f"{notice.tender.reference_number} {notice.tender.title}")),
            Line(_label(Notice, "is_supplementary"), Cell(YES if notice.is_supplementary else NO, filed=False)),
        ]
    names = ("title", "reference_number", "action_date", "counterparty_name", "counterparty_register_number")
    matter += [_notice_line(notice, name) for name in names]
    interest = [
        _notice_line(notice, name)
        for name in ("outcome", "interest_nature", "proposed_handling", "handling_conditions", "resolution")
    ]
    return {"matter": matter, "interest": interest}


# --- rendering --------------------------------------------------------------------------------------------------


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def page_number_css() -> str:
    """The footer's “Page X of Y” in the active language, from CSS page counters."""
    tokens = []
    for part in re.split(r"(%\(pages?\)s)", str(PAGE_NUMBER)):
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(_css_string(part))
    return f"@page {{ @bottom-right {{ content: {' '.join(tokens)}; }} }}"


def shipped_font(url: str) -> Path | None:
    """The shipped font file a ``file:`` URL names; ``None`` for any other URL (the network, any other file)."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        return None
    candidate = Path(url2pathname(parts.path)).resolve()
    if candidate.parent != FONT_DIR.resolve() or candidate.suffix != ".ttf" or not candidate.is_file():
        return None
    return candidate


def font_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves the shipped fonts and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ShippedFontFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",))
            self.served: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            font = shipped_font(url)
            if font is None:
                raise ValueError(f"Refused to fetch {url!r}: a printout uses only the shipped fonts.")
            self.served.append(font.name)
            return URLFetcherResponse(url, body=font.read_bytes(), headers={"Content-Type": "font/ttf"})

    return ShippedFontFetcher()


def layout(html: str, *, fetcher: Any = None) -> Any:
    """Lay the printout's HTML out as A4 pages with the shipped fonts (a WeasyPrint document)."""
    # Imported on use: WeasyPrint loads Pango and HarfBuzz, which only the printouts need.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = fetcher or font_fetcher()
    fonts = FontConfiguration()  # the document keeps it: the fonts it loaded stay until the PDF is written
    base_url = FONT_DIR.as_uri() + "/"
    stylesheets = [
        CSS(filename=str(STYLESHEET), url_fetcher=fetcher, font_config=fonts),
        CSS(string=page_number_css(), base_url=base_url, url_fetcher=fetcher, font_config=fonts),
    ]
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=stylesheets, font_config=fonts)


def render_pdf(html: str) -> bytes:
    """The printout's HTML as a PDF."""
    pdf: bytes = layout(html).write_pdf()
    return pdf


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _declaration_context(declaration: Declaration, revision: DeclarationRevision, *, for_pdf: bool) -> dict[str, Any]:
    return {
        "layout": "web/pdf/_document.html" if for_pdf else "web/base.html",
        "for_pdf": for_pdf,
        "declaration": declaration,
        "revision": revision,
        "organisation_name": _organisation_name(declaration.organisation),
        "tables": declaration_tables(revision),
    }


def _notice_context(notice: Notice, *, for_pdf: bool) -> dict[str, Any]:
    sections = notice_sections(notice)
    return {
        "layout": "web/pdf/_document.html" if for_pdf else "web/base.html",
        "for_pdf": for_pdf,
        "notice": notice,
        "filer_name": printing.notice_filer_name(notice),
        "organisation_name": _organisation_name(notice.organisation),
        "matter": sections["matter"],
        "interest": sections["interest"],
        "bidders": printing.declared_bidders(notice),
    }


def _visible_declaration(request: HttpRequest, pk: int) -> Declaration:
    try:
        return policies.get_visible_declaration(request.user, pk)
    except ObjectNotFound:
        raise Http404 from None


def _visible_notice(request: HttpRequest, pk: int) -> Notice:
    try:
        return policies.get_visible_notice(request.user, pk)
    except ObjectNotFound:
        raise Http404 from None


def _not_filed(request: HttpRequest, filing: str, *, status: int) -> HttpResponse:
    """Nothing was submitted yet, so there is nothing to print: a page that says so."""
    return render(request, "web/pdf/not_filed.html", {"filing": filing}, status=status)


# --- views ------------------------------------------------------------------------------------------------------


@require_safe
@login_required
@cache_control(private=True)
def declaration_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The declaration's latest frozen revision as a PDF; 409 with an explanation for a draft never submitted."""
    declaration = _visible_declaration(request, pk)
    revision = printing.latest_revision(declaration)
    if revision is None:
        return _not_filed(request, "declaration", status=409)
    html = render_to_string(
        "web/pdf/declaration.html", _declaration_context(declaration, revision, for_pdf=True), request=request
    )
    return _pdf_response(render_pdf(html), f"declaration-{declaration.pk}-{revision.number}.pdf")


@require_safe
@login_required
@cache_control(private=True)
def declaration_pdf_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the declaration's PDF prints, as a web page."""
    declaration = _visible_declaration(request, pk)
    revision = printing.latest_revision(declaration)
    if revision is None:
        return _not_filed(request, "declaration", status=200)
    return render(request, "web/pdf/declaration.html", _declaration_context(declaration, revision, for_pdf=False))


@require_safe
@login_required
@cache_control(private=True)
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The submitted notice as a PDF; 409 with an explanation for a draft."""
    notice = _visible_notice(request, pk)
    if not printing.notice_is_filed(notice):
        return _not_filed(request, "notice", status=409)
    html = render_to_string("web/pdf/notice.html", _notice_context(notice, for_pdf=True), request=request)
    return _pdf_response(render_pdf(html), f"notice-{notice.pk}.pdf")


@require_safe
@login_required
@cache_control(private=True)
def notice_pdf_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the notice's PDF prints, as a web page."""
    notice = _visible_notice(request, pk)
    if not printing.notice_is_filed(notice):
        return _not_filed(request, "notice", status=200)
    return render(request, "web/pdf/notice.html", _notice_context(notice, for_pdf=False))


urlpatterns: list[URLPattern] = [
    path("declarations/<int:pk>/pdf/", declaration_pdf, name="declaration_pdf"),
    path("declarations/<int:pk>/pdf/preview/", declaration_pdf_preview, name="declaration_pdf_preview"),
    path("notices/<int:pk>/pdf/", notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/pdf/preview/", notice_pdf_preview, name="notice_pdf_preview"),
]
