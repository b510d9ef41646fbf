"""Open a declared year's annual campaign: one annual obligation per position that requires a declaration."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workflow import errors, obligations


class Command(BaseCommand):
    help = (
        "Open the annual declaration campaign for a declared year (e.g. 2025, filed by 15 February 2026): "
        "create the annual obligation of every official holding a position that requires a declaration. "
        "Running it again creates only what is missing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int, help="The declared year.")
        parser.add_argument("--user", help="Username of the administrator opening it (default: the system).")

    def handle(self, *args: Any, year: int, user: str | None, **options: Any) -> None:
        actor = None
        if user is not None:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user with the username {user!r}.")
        try:
            result = obligations.open_campaign(actor=actor, year=year)
        except errors.ActionForbidden as error:
            raise CommandError(str(error.message)) from None
        except errors.StateConflict as error:
            raise CommandError(str(error.message)) from None
        except errors.InvalidInput as invalid:
            raise CommandError(" ".join(str(m) for messages in invalid.errors.values() for m in messages)) from None
        self.stdout.write(
            f"Created {result.created} obligation(s) for {result.campaign.year}, due "
            f"{result.campaign.due_date.isoformat()}; {result.fulfilled} already filed."
        )
