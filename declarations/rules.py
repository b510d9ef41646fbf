"""Who may take a declaration's transitions: the predicates behind the state graph's ``permission=``.

The organisation-subtree scope of an authorised official (ЭБАТ) and per-object agency grants are
answered by the authentication backends through ``user.has_perm(REVIEW_PERMISSION, declaration)``;
the policy module in ``workflow`` implements that scope, so this module stays free of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from declarations.content import family_register_numbers

# django-fsm types a transition's permission as Callable[[Model, User], bool]; the predicates take the
# declaration as ``Declaration | Any`` to satisfy that signature while documenting what they expect.

if TYPE_CHECKING:
    from declarations.models import Declaration

REVIEW_PERMISSION = "declarations.review_declaration"
WITHDRAW_PUBLICATION_PERMISSION = "declarations.withdraw_publication"


def is_filer(declaration: Declaration | Any, user: Any) -> bool:
    """The user is the official who files this declaration (ownership is the foreign key)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and declaration.official.user_id == user.pk)


def is_relative_of_filer(declaration: Declaration | Any, user: Any) -> bool:
    """The user is listed as a family member in the declaration (separation of duties, DESIGN §4)."""
    official = getattr(user, "official", None) if getattr(user, "is_authenticated", False) else None
    if official is None or not official.register_number:
        return False
    return official.register_number.upper() in family_register_numbers(declaration.content or {})


def is_reviewer(declaration: Declaration | Any, user: Any) -> bool:
    """The user reviews this declaration: in scope, and neither its filer nor a relative listed in it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_filer(declaration, user) or is_relative_of_filer(declaration, user):
        return False
    return bool(user.has_perm(REVIEW_PERMISSION, declaration))


def can_withdraw_publication(declaration: Declaration | Any, user: Any) -> bool:
    """Only the agency's supervisors (a global permission) withdraw a publication."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.has_perm(WITHDRAW_PUBLICATION_PERMISSION))


def has_frozen_revision(declaration: Declaration | Any) -> bool:
    """A declaration can be published only from a revision frozen at submission."""
    return declaration.revisions.exists()
