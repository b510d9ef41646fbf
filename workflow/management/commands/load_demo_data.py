"""Load the demo organisation tree, officials and filings in every state (the embedded default)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workflow import demo
from workflow.errors import WorkflowError


class Command(BaseCommand):
    help = (
        "Load demo data: an aimag governor's office with departments, agencies and soums, officials, "
        "and declarations in every state, created through the workflow services."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds an organisation.",
        )
        parser.add_argument(
            "--officials",
            type=int,
            default=demo.DEFAULT_OFFICIALS,
            help=f"Number of officials (default {demo.DEFAULT_OFFICIALS}, at least {demo.MIN_OFFICIALS}).",
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Random seed (default %(default)s).")

    def handle(self, *args: Any, if_empty: bool, officials: int, seed: int, **options: Any) -> None:
        if officials < demo.MIN_OFFICIALS:
            raise CommandError(f"--officials must be at least {demo.MIN_OFFICIALS}.")
        if if_empty and demo.demo_data_present():
            self.stdout.write("The database already holds organisations: demo data not loaded.")
            return
        try:
            summary = demo.load_demo(officials=officials, seed=seed)
        except demo.DemoDataExists as error:
            raise CommandError(f"{error} Use --if-empty to skip loading, or start from an empty database.") from None
        except WorkflowError as error:
            raise CommandError(f"Loading the demo failed, nothing was written: {error}") from error
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write("Logins: manage.py demo_logins")
