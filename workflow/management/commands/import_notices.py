"""Import notices from a CSV file for an organisation: all rows or none (the format is in the README)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from declarations.models import Organisation
from workflow import errors
from workflow.notice_import import import_notices


class Command(BaseCommand):
    help = (
        "Import the notices an organisation's officials filed on paper or in another system from a UTF-8 CSV "
        "file; every row is checked and nothing is imported if one is wrong."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument("--organisation", required=True, help="Code of the organisation the notices belong to.")
        parser.add_argument("--user", required=True, help="Username of the authorised official (ЭБАТ) importing.")

    def handle(self, *args: Any, path: str, organisation: str, user: str, **options: Any) -> None:
        target = Organisation.objects.filter(code=organisation).first()
        if target is None:
            raise CommandError(f"No organisation with the code {organisation!r}.")
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No user with the username {user!r}.")
        try:
            with open(path, encoding="utf-8", newline="") as stream:
                result = import_notices(actor=actor, organisation=target, stream=stream)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except errors.ActionForbidden as error:
            raise CommandError(str(error.message)) from None
        except errors.InvalidInput as invalid:
            count = 0
            for key, messages in invalid.errors.items():
                for message in messages:
                    self.stderr.write(f"{key}: {message}")
                    count += 1
            raise CommandError(f"Nothing was imported: {count} error(s).") from None
        self.stdout.write(f"Imported {result.created} notice(s).")
