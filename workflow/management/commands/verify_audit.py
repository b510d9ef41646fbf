"""Verify the tamper-evident audit trail: the transition log's chains, the revisions and the public snapshots."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workflow import verification


def _anchor(text: str) -> verification.Anchor:
    try:
        return verification.Anchor.parse(text)
    except ValueError as error:
        raise CommandError(str(error)) from None


class Command(BaseCommand):
    help = (
        "Check every hash chain of the audit trail: each filing's transition log chain and its current state, "
        "the global chain, the frozen revisions and the public snapshots. Names the first broken row of each "
        "chain and exits with status 1 if anything is broken; prints what it checked otherwise."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="A global-chain head recorded earlier (printed at the end of every run); it must still be there.",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=verification.DEFAULT_CHUNK_SIZE,
            help="Rows fetched per round trip (memory stays bounded by it).",
        )

    def handle(self, *args: Any, anchor: list[str], chunk_size: int, **options: Any) -> None:
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        anchors = [_anchor(text) for text in anchor]
        report = verification.verify(
            chunk_size=chunk_size, anchors=anchors, on_problem=lambda problem: self.stderr.write(str(problem))
        )
        if not report.ok:
            raise CommandError(f"The audit trail is broken: {report.problem_count} problem(s) found.")
        self.stdout.write("The audit trail is intact. Checked:")
        for kind, number in report.checked.items():
            self.stdout.write(f"  {kind}: {number}")
        if report.head is not None:
            seq, hash_ = report.head
            self.stdout.write(
                f"Head of the global chain: {seq}:{hash_} (keep it; --anchor {seq}:{hash_} checks it later)"
            )
