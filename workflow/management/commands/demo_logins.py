"""Print the demo logins (role, username, password) and the addresses to open."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from workflow import demo


class Command(BaseCommand):
    help = "Print one login per role of the demo data, with the demo password and the addresses to open."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--base-url", default=demo.BASE_URL, help="Default: %(default)s")

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        try:
            lines = demo.demo_login_lines(base_url)
        except DatabaseError:  # not migrated yet
            lines = ["The demo data is not loaded: run `make demo` first."]
        for line in lines:
            self.stdout.write(line)
