"""E-mails sent after a transition commits; scheduled with ``transaction.on_commit`` by the services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from declarations.models import Declaration
from declarations.rules import PRELIMINARY, is_reviewer
from workflow.policies import reviewers_of


def _send(recipients: list[str], subject: str, body: str) -> None:
    recipients = sorted({address for address in recipients if address})
    if recipients:
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [r]) for r in recipients])


def _agency_supervisors() -> list[Any]:
    """The users who assign the agency's reviewers (the global ``assign_reviewers`` permission)."""
    permission = Permission.objects.get(codename="assign_reviewers", content_type__app_label="declarations")
    return list(
        get_user_model()
        .objects.filter(Q(user_permissions=permission) | Q(groups__permissions=permission), is_active=True)
        .distinct()
    )


def notify_submitted(declaration_id: int) -> None:
    """Tell who reviews it that a declaration waits: the organisation's authorised officials, or for a
    nominee's preliminary declaration the agency's supervisors, who assign it to a reviewer."""
    declaration = Declaration.objects.select_related("official", "organisation").get(pk=declaration_id)
    if declaration.kind == PRELIMINARY:
        recipients = [user.email for user in _agency_supervisors() if user.pk != declaration.official.user_id]
    else:
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
            "concluded": _("The agency concluded on your declaration"),
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


def notify_notice_submitted(notice_id: int) -> None:
    """Tell the organisation's authorised officials that a notice waits for review."""
    from declarations.models import Notice

    notice = Notice.objects.select_related("organisation", "filer", "category").get(pk=notice_id)
    with translation.override(settings.LANGUAGE_CODE):
        recipients = [u.email for u in reviewers_of(notice.organisation) if is_reviewer(notice, u)]
        _send(
            recipients,
            _("A notice waits for review"),
            _("A notice (%(category)s) was submitted in %(organisation)s: %(title)s.")
            % {
                "category": notice.category.display_name,
                "organisation": notice.organisation.name,
                "title": notice.title,
            },
        )


def notify_members_to_declare(tender_id: int) -> None:
    """Ask every active committee member to file their notice for the tender."""
    from declarations.models import Tender

    tender = Tender.objects.get(pk=tender_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            [member.user.email for member in tender.members.filter(is_recused=False).select_related("user")],
            _("Declare your interests for a tender"),
            _("Tender %(reference)s (%(title)s): file your notice before the evaluation.")
            % {"reference": tender.reference_number, "title": tender.title},
        )


def notify_referred(model_name: str, filing_id: int) -> None:
    """Tell the agency's supervisors that an organisation referred a filing to them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    permission = Permission.objects.get(codename="assign_reviewers", content_type__app_label="declarations")
    supervisors = (
        get_user_model()
        .objects.filter(Q(user_permissions=permission) | Q(groups__permissions=permission), is_active=True)
        .distinct()
    )
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            [user.email for user in supervisors],
            _("A filing was referred to the agency"),
            _("A %(kind)s (no. %(id)s) was referred to the agency for verification: assign a reviewer.")
            % {"kind": _("notice") if model_name == "notice" else _("declaration"), "id": filing_id},
        )


def notify_assigned(reviewer_id: int, model_name: str, filing_id: int) -> None:
    """Tell an agency reviewer that a filing was assigned to them."""
    reviewer = get_user_model().objects.get(pk=reviewer_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            [reviewer.email],
            _("A filing was assigned to you"),
            _("A %(kind)s (no. %(id)s) was assigned to you for review.")
            % {"kind": _("notice") if model_name == "notice" else _("declaration"), "id": filing_id},
        )
