"""E-mails sent after a transition commits; scheduled with ``transaction.on_commit`` by the services."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import translation
from django.utils.translation import gettext as _

from declarations.models import Declaration
from declarations.rules import is_reviewer
from workflow.policies import reviewers_of


def _send(recipients: list[str], subject: str, body: str) -> None:
    recipients = sorted({address for address in recipients if address})
    if recipients:
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [r]) for r in recipients])


def notify_submitted(declaration_id: int) -> None:
    """Tell the organisation's authorised officials who may review it that a declaration waits for review."""
    declaration = Declaration.objects.select_related("official", "organisation").get(pk=declaration_id)
    # Separation of duties: neither the filer nor a relative listed in the filing is asked to review it.
    recipients = [user.email for user in reviewers_of(declaration.organisation) if is_reviewer(declaration, user)]
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            recipients,
            _("A declaration waits for review"),
            _("%(official)s submitted a declaration (%(kind)s, %(year)s) in %(organisation)s.")
            % {
                "official": declaration.official.full_name,
                "kind": declaration.get_kind_display(),
                "year": declaration.year,
                "organisation": declaration.organisation.name,
            },
        )


def notify_filer(declaration_id: int, event: str) -> None:
    """Tell the filer that their declaration was returned, accepted or published."""
    declaration = Declaration.objects.select_related("official__user").get(pk=declaration_id)
    with translation.override(settings.LANGUAGE_CODE):
        subjects = {
            "returned": _("Your declaration was returned for correction"),
            "accepted": _("Your declaration was accepted"),
            "published": _("Your declaration was published"),
        }
        _send(
            [declaration.official.user.email],
            subjects[event],
            _("Declaration %(kind)s, %(year)s: %(state)s.")
            % {
                "kind": declaration.get_kind_display(),
                "year": declaration.year,
                "state": declaration.get_state_display(),
            },
        )
