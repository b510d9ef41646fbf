"""The main menu: the links a signed-in user's roles call for, computed once per request when rendered.

Which roles a user holds is the policy module's answer (``workflow.policies``); this only names the links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from workflow import policies


@dataclass(frozen=True)
class Link:
    url: str
    label: Any


def menu_for(user: Any) -> list[Link]:
    """The links of the main menu for ``user``, in the order they show."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = policies.site_roles(user)
    links: list[Link] = []
    if "official" in roles:
        links += [
            Link(reverse("web:declarations"), _("My declarations")),
            Link(reverse("web:notices"), _("My notices")),
            Link(reverse("web:tenders"), _("Tenders")),
        ]
    if "reviewer" in roles:
        links += [
            Link(reverse("web:review_queue"), _("Declarations to review")),
            Link(reverse("web:notice_review_queue"), _("Notices to review")),
            Link(reverse("web:dashboard"), _("Campaign")),
        ]
    links.append(Link(reverse("web:inbox"), _("Notifications")))
    return links


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``menu``, evaluated only if a template prints it."""
    return {"menu": SimpleLazyObject(lambda: menu_for(request.user))}
