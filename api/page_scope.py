"""Answer the review-scope question for a whole list page at once, so a page costs the same at any size.

``services.available_transitions`` asks ``user.has_perm("declarations.review_declaration", row)`` for every
transition a row's state allows. The authentication backends answer it with up to three queries per
row for a user whose scope is not an organisation subtree (an agency supervisor, a reviewer holding
per-filing grants): ``ReviewScopeBackend`` looks the grant up, then guardian looks it up again. This
module answers the same question for the page from the policy module's own selectors, in at most one
query, and leaves every other check to the real user.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from declarations.models import Declaration
from declarations.rules import REVIEW_PERMISSION
from workflow import policies


class PageActor:
    """The request user, with ``has_perm(REVIEW_PERMISSION, row)`` precomputed for the rows of one page.

    The scope is the one ``policies.ReviewScopeBackend`` grants: the global permission, an organisation
    subtree, or a per-filing grant. ``tests/api`` checks that every row's ``available_transitions`` in a
    list equals the detail's, which asks the backends themselves.
    """

    def __init__(self, user: Any, declarations: Iterable[Declaration]) -> None:
        self._user = user
        rows = list(declarations)
        self._page_ids = {row.pk for row in rows}
        self._reviewed = self._reviewed_ids(user, rows)

    @staticmethod
    def _reviewed_ids(user: Any, rows: list[Declaration]) -> set[int]:
        if not rows or not getattr(user, "is_authenticated", False) or not user.is_active:
            return set()
        if user.has_perm(REVIEW_PERMISSION):  # the global permission (and superusers)
            return {row.pk for row in rows}
        paths = policies.reviewer_organisation_paths(user)
        in_subtree = {row.pk for row in rows if row.organisation.path.startswith(paths)} if paths else set()
        rest = [row.pk for row in rows if row.pk not in in_subtree]
        granted = (
            set(policies.visible_declarations_granted(user).filter(pk__in=rest).values_list("pk", flat=True))
            if rest
            else set()
        )
        return in_subtree | granted

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if perm == REVIEW_PERMISSION and isinstance(obj, Declaration) and obj.pk in self._page_ids:
            return obj.pk in self._reviewed
        return bool(self._user.has_perm(perm, obj))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._user, name)
