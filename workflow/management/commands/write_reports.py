"""Write every report for a year as CSV and XLSX into a directory, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils import translation
from tqdm import tqdm

from declarations.models import Organisation
from workflow import errors, report_files, reports


class _BarStream:
    """Hands tqdm's output to the command's stderr as it is (``OutputWrapper`` would end every write with a
    newline and break the bar's carriage returns)."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


class Command(BaseCommand):
    help = (
        "Write the notice statistics and the preliminary declarations report for the calendar year, and the "
        "compliance report of the year's campaign, each as CSV and XLSX, into a directory."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True, help="The campaign year, and the notices' period.")
        parser.add_argument(
            "--organisation", help="Code of the organisation whose subtree to report on. Default: the whole country."
        )
        parser.add_argument("--out", required=True, help="The directory to write into (created if missing).")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the headers. Default: %(default)s.",
        )

    def handle(self, *args: Any, year: int, organisation: str | None, out: str, language: str, **options: Any) -> None:
        verbosity = int(options.get("verbosity", 1))
        target = None
        if organisation is not None:
            target = Organisation.objects.filter(code=organisation).first()
            if target is None:
                raise CommandError(f"No organisation with the code {organisation!r}.")
        directory = Path(out)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create {out}: {error.strerror}.") from None
        steps = [(name, file_format) for name in reports.REPORTS for file_format in report_files.FILE_FORMATS]
        written: list[Path] = []
        try:
            reports.check_year(year)
        except errors.InvalidInput as invalid:
            raise CommandError(str(invalid)) from None
        built: dict[str, reports.Report] = {}
        with (
            translation.override(language),
            tqdm(steps, desc="reports", unit="file", file=_BarStream(self.stderr), disable=verbosity == 0) as progress,
        ):
            for name, file_format in progress:
                if name not in built:
                    built[name] = reports.build_report(name, organisation=target, year=year)
                report = built[name]
                path = directory / report_files.file_name(report, file_format)
                progress.set_postfix_str(path.name)
                try:
                    path.write_bytes(report_files.render(report, file_format))
                except OSError as error:
                    raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
                written.append(path)
        if verbosity >= 1:
            for path in written:
                self.stdout.write(str(path))
