"""Reads behind the filer's own pages: their declarations, what they still owe, what a new one starts from.

Built on the policy module's visibility querysets, narrowed to the user's own filings: another person's
declaration is not found here even when the user may review it (the reviewer works from their own pages).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from declarations.content import ContentError, validate_content
from declarations.models import Declaration, DeclarationState, Obligation
from workflow import obligations, policies, services
from workflow.errors import ObjectNotFound

S = DeclarationState
#: The states whose declaration a new one is pre-filled from, and which a correction can start from.
FINAL_STATES = (S.ACCEPTED, S.PUBLISHED)


def own_declarations(user: Any) -> QuerySet[Declaration]:
    """The user's own declarations (discarded drafts left out), the newest year first."""
    if not getattr(user, "is_authenticated", False):
        return Declaration.objects.none()
    return (
        policies.visible_declarations(user)
        .filter(official__user=user)
        .exclude(state=S.DISCARDED)
        .order_by("-year", "-created_at", "-pk")
    )


def get_own_declaration(user: Any, pk: Any) -> Declaration:
    """One of the user's own declarations; anyone else's, or a missing one, is ``ObjectNotFound``."""
    declaration = policies.get_visible_declaration(user, pk)
    if declaration.official.user_id != getattr(user, "pk", None):
        raise ObjectNotFound
    return declaration


def own_pending_obligations(user: Any) -> QuerySet[Obligation]:
    """The user's filing obligations still to be met (open or overdue), the earliest due first."""
    if not getattr(user, "is_authenticated", False):
        return Obligation.objects.none()
    return (
        policies.visible_obligations(user)
        .filter(official__user=user, state__in=obligations.PENDING_STATES)
        .order_by("due_date", "pk")
    )


def prefill_source(user: Any) -> Declaration | None:
    """The accepted declaration whose last revision a new declaration of the user starts from, if any.

    The same choice as ``services.declaration_create`` makes (``_prefill_content``), so the page can say
    what the new draft will contain before it is created.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    revision = (
        services.prefill_revisions(official__user=user).select_related("declaration__position__organisation").first()
    )
    return revision.declaration if revision is not None else None


def submission_problems(declaration: Declaration) -> list[ContentError]:
    """What a submission would refuse in the declaration's working copy: the complete validation it runs."""
    result = validate_content(
        declaration.content, form_version=declaration.form_version, complete=True, today=services.local_today()
    )
    return result.errors
