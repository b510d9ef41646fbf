"""Print the state graphs as Mermaid diagrams (the README embeds this output)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from workflow.graphs import GRAPHS, mermaid


class Command(BaseCommand):
    help = "Print the state graph of each filing type as a Mermaid diagram."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("graph", nargs="?", choices=sorted(GRAPHS), default="declaration")

    def handle(self, *args: Any, graph: str, **options: Any) -> None:
        self.stdout.write(mermaid(GRAPHS[graph]))
