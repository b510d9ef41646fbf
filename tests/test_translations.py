"""The translation catalogues: complete, well-formed, compiled, and actually used.

No database. The .po files are read by the small reader below (polib is not a dependency); the compiled .mo
files, which are committed, are read with the standard library's ``gettext``.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
LANGUAGES = ["mn", "en"]

# Python %-format placeholders (named or positional; "%%" is an escaped percent sign, not a placeholder)
# and str.format-style ones.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
BRACE_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
TYPOGRAPHIC_QUOTES = "“”«»„"


# --- a small .po reader -------------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def read_po(path: Path) -> list[Entry]:
    """Parse a .po file into entries; obsolete (``#~``) entries are skipped."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if target is not None:
            entries.append(current)
        current, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()  # A comment after a msgstr starts the next entry.
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            if not current.line:
                current.line = number
            kind = "msgstr" if keyword.startswith("msgstr") else keyword
            target = (kind, int(index) if index is not None else None)
            _append(current, target, "", start=True)
            _append(current, target, ast.literal_eval(literal))
        elif line.startswith('"') and target is not None:
            _append(current, target, ast.literal_eval(line))
        else:
            raise ValueError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int | None], text: str, *, start: bool = False) -> None:
    kind, index = target
    if kind == "msgstr" and index is not None:
        entry.msgstr_plural[index] = ("" if start else entry.msgstr_plural[index]) + text
    else:
        setattr(entry, kind, ("" if start else getattr(entry, kind) or "") + text)


def po_path(language: str, root: Path = LOCALE_DIR) -> Path:
    return root / language / "LC_MESSAGES" / "django.po"


def messages(language: str, root: Path = LOCALE_DIR) -> list[Entry]:
    return [entry for entry in read_po(po_path(language, root)) if not entry.is_header]


def header(language: str) -> dict[str, str]:
    (entry,) = [entry for entry in read_po(po_path(language)) if entry.is_header]
    pairs = (line.split(":", 1) for line in entry.msgstr.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def placeholders(text: str, *, percent: bool = True) -> tuple[Counter[str], list[str]]:
    """Named placeholders as a multiset (a translation may reorder them); positional ones in order.

    ``percent`` is false for a message that is not %-formatted, where "%" is literal text ("Share (%)").
    """
    found = [m.group(0) for m in PERCENT_PLACEHOLDER.finditer(text) if m.group(0) != "%%"] if percent else []
    named = Counter(p for p in found if p.startswith("%(")) + Counter(BRACE_PLACEHOLDER.findall(text))
    positional = [p for p in found if not p.startswith("%(")]
    return named, positional


def is_percent_formatted(entry: Entry) -> bool:
    return "python-format" in entry.flags or "%(" in entry.msgid


# --- the catalogues ------------------------------------------------------------------------------------------


def test_reader_understands_the_po_format(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: mn\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Long %(x)s "\n"text"\nmsgstr "Урт %(x)s"\n\n'
        'msgctxt "menu"\nmsgid "One"\nmsgid_plural "Many"\nmsgstr[0] "Нэг"\nmsgstr[1] "Олон \\"х\\""\n'
        '#~ msgid "Old"\n#~ msgstr "Хуучин"\n',
        encoding="utf-8",
    )
    header_entry, long, plural = read_po(po)
    assert header_entry.is_header
    assert header_entry.msgstr == "Language: mn\n"
    assert (long.msgid, long.msgstr, long.flags) == ("Long %(x)s text", "Урт %(x)s", {"fuzzy", "python-format"})
    assert (plural.msgctxt, plural.msgid, plural.msgid_plural) == ("menu", "One", "Many")
    assert plural.translations == ["Нэг", 'Олон "х"']


def test_placeholder_helper():
    assert placeholders("%(b)s and %(a)d, 100%% sure") == (Counter({"%(b)s": 1, "%(a)d": 1}), [])
    assert placeholders("%s of %d") == (Counter(), ["%s", "%d"])
    assert placeholders("Share (%)", percent=False) == (Counter(), [])
    assert placeholders("{count} items") == (Counter({"{count}": 1}), [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_header(language):
    values = header(language)
    assert values["Language"] == language
    assert values["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert values["Content-Type"] == "text/plain; charset=UTF-8"
    assert values["Project-Id-Version"].startswith("coi-declarations")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_not_empty_and_has_unique_msgids(language):
    entries = messages(language)
    keys = [(entry.msgctxt, entry.msgid) for entry in entries]
    assert len(entries) > 100
    assert len(keys) == len(set(keys))


def test_both_languages_have_the_same_msgids():
    mn, en = ({(e.msgctxt, e.msgid, e.msgid_plural) for e in messages(language)} for language in LANGUAGES)
    assert mn == en


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated(language):
    untranslated = [
        str(entry)
        for entry in messages(language)
        if not all(text.strip() for text in entry.translations)
        or (entry.msgid_plural is not None and sorted(entry.msgstr_plural) != [0, 1])
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy(language):
    assert [str(entry) for entry in read_po(po_path(language)) if "fuzzy" in entry.flags] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    wrong = []
    for entry in messages(language):
        percent = is_percent_formatted(entry)
        singular = placeholders(entry.msgid, percent=percent)
        plural = placeholders(entry.msgid_plural, percent=percent) if entry.msgid_plural is not None else singular
        for index, text in enumerate(entry.translations):
            # Form 0 is used for n == 1 and may name the count or not; every other form follows msgid_plural.
            allowed = [singular, plural] if index == 0 else [plural]
            if placeholders(text, percent=percent) not in allowed:
                wrong.append(f"{entry} → {text!r}")
    assert wrong == []


def test_english_translations_are_the_source_text():
    different = [
        str(entry)
        for entry in messages("en")
        if entry.translations != ([entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural])
    ]
    assert different == []


def test_mongolian_translations_are_in_cyrillic_and_keep_the_quotes():
    wrong = []
    for entry in messages("mn"):
        source_quotes = sorted(c for c in entry.msgid if c in TYPOGRAPHIC_QUOTES)
        for text in entry.translations:
            if not CYRILLIC.search(text) or text == entry.msgid:
                wrong.append(f"{entry}: not translated into Mongolian: {text!r}")
            if sorted(c for c in text if c in TYPOGRAPHIC_QUOTES) != source_quotes or '"' in text:
                wrong.append(f"{entry}: quotes differ: {text!r}")
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_up_to_date(language):
    po = po_path(language)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info()["language"] == language
    assert compiled.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"

    expected: dict[object, str] = {}
    for entry in messages(language):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr
        else:
            expected.update({(key, index): text for index, text in enumerate(entry.translations)})
    # The parsed catalogue (stdlib internals, stable since Python 2): the exact set of compiled entries, so a
    # stale .mo fails whether an entry is missing, changed or left over.
    catalog: dict[object, str] = vars(compiled)["_catalog"]
    actual = {key: value for key, value in catalog.items() if key != ""}
    stale = sorted(str(key) for key in actual.keys() | expected.keys() if actual.get(key) != expected.get(key))
    assert stale == [], f"{mo} is stale: run `make messages` and commit the .mo"

    # The public API agrees, including plural selection.
    for entry in messages(language):
        if entry.msgctxt is not None:
            continue
        if entry.msgid_plural is None:
            assert compiled.gettext(entry.msgid) == entry.msgstr
        else:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr_plural[1]


# --- the running application -------------------------------------------------------------------------------


def test_key_strings_come_out_in_mongolian():
    from declarations import content
    from declarations.models import DeclarationKind, DeclarationState
    from workflow import errors

    cases = {
        errors.COMMENT_REQUIRED: ("Тайлбарыг заавал бичнэ.", "A comment is required."),
        errors.NOT_FOUND: ("Олдсонгүй.", "Not found."),
        DeclarationState.RETURNED.label: ("Засварлуулахаар буцаасан", "Returned for correction"),
        DeclarationState.UNDER_REVIEW.label: ("Хянаж байгаа", "Under review"),
        DeclarationState.WITHDRAWN.label: ("Нийтлэлийг цуцалсан", "Publication withdrawn"),
        DeclarationState.DISCARDED.label: ("Устгасан ноорог", "Discarded"),
        DeclarationKind.ANNUAL.label: ("Жил бүрийн", "Annual"),
        # Also in Django's own catalogue: the project's LOCALE_PATHS must win.
        content.MSG_REQUIRED: ("Энэ талбарыг заавал бөглөнө.", "This field is required."),
        content.MSG_PERSON_REGISTER_NUMBER: (
            "Кирилл үсгийн 2 тэмдэгт, араас нь 8 оронтой тоо бүхий регистрийн дугаар оруулна уу.",
            "Enter a registration number of two Cyrillic letters followed by 8 digits.",
        ),
        content.MSG_MNT_AMOUNT_REQUIRED: (
            "Гадаад валютын хувьд төгрөгөөр (MNT) илэрхийлсэн дүнг заавал оруулна.",
            "Amount in MNT is required for a foreign currency.",
        ),
    }
    for message, (mongolian, english) in cases.items():
        with translation.override("mn"):
            assert str(message) == mongolian
        with translation.override("en"):
            assert str(message) == english
        assert mongolian != english


def test_interpolated_and_plural_strings_in_mongolian():
    from declarations.content import MSG_TOO_MANY_ROWS, format_message
    from workflow import errors

    too_many = format_message(MSG_TOO_MANY_ROWS, max=50)
    with translation.override("mn"):
        assert str(too_many) == "Энэ жагсаалтад хамгийн ихдээ 50 мөр оруулна."
        assert str(errors.WRONG_STATE) % {"state": "Ноорог"} == ("“Ноорог” төлөвт энэ үйлдлийг хийх боломжгүй.")
        assert str(errors.YEAR_OUT_OF_RANGE) % {"min": 2000, "max": 2030} == (
            "2000 оноос 2030 он хүртэлх хугацааны он оруулна уу."
        )
        for count in (1, 3):
            assert (
                translation.ngettext("%(counter)s draft declaration", "%(counter)s draft declarations", count)
                % {"counter": count}
                == f"{count} ноорог мэдүүлэг"
            )
    with translation.override("en"):
        assert str(too_many) == "Ensure this list has at most 50 rows."
        assert translation.ngettext("%(counter)s draft declaration", "%(counter)s draft declarations", 3) == (
            "%(counter)s draft declarations"
        )


def test_language_names_are_translated():
    names = dict(django_settings.LANGUAGES)
    with translation.override("mn"):
        assert (str(names["mn"]), str(names["en"])) == ("Монгол", "Англи")


# --- the catalogue covers the source -------------------------------------------------------------------------

SOURCE_TREES = ["locale", "declarations", "workflow", "api", "web", "config"]


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq", "msgattrib")),
    reason="GNU gettext tools are not installed",
)
def test_catalogue_covers_every_extracted_message(tmp_path, monkeypatch, settings):
    """Extract the messages again, into a copy of the project, and check that nothing new is untranslated."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for tree in SOURCE_TREES:
        shutil.copytree(ROOT / tree, tmp_path / tree, ignore=ignore)
    shutil.copy2(ROOT / "manage.py", tmp_path / "manage.py")
    # makemessages writes into settings.LOCALE_PATHS: point it at the copy, never at the real catalogue.
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    monkeypatch.chdir(tmp_path)

    call_command(
        "makemessages",
        locale=LANGUAGES,
        ignore_patterns=[".venv/*", "tests/*", "bench/*"],
        verbosity=0,
    )

    for language in LANGUAGES:
        extracted = messages(language, tmp_path / "locale")
        assert extracted, "makemessages extracted nothing"
        missing = [str(entry) for entry in extracted if not all(text.strip() for text in entry.translations)]
        # msgmerge marks a new message "fuzzy" when it guesses a translation from a similar old one.
        guessed = [str(entry) for entry in extracted if "fuzzy" in entry.flags]
        assert missing == [], f"{language}: run makemessages and translate the new messages"
        assert guessed == [], f"{language}: check and unfuzzy the guessed translations"
