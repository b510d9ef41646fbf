"""The inbox: the signed-in user's notifications, unread first, and marking them read.

Reads through ``workflow.policies`` and writes through ``workflow.inbox``: another user's notification is not
found (404), exactly like a missing one, and nothing changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from workflow import inbox, policies
from workflow.errors import ObjectNotFound

PAGE_SIZE = 20

MARKED_READ = _("The notification is marked as read.")
NOTHING_UNREAD = _("You have no unread notification.")


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}"


@login_required
@require_safe
def inbox_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, unread first, each group newest first, a page at a time."""
    notifications = inbox.unread_first(policies.visible_notifications(request.user))
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_count": inbox.unread_count(request.user),
        "previous_url": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
        "next_url": _page_url(request, page.next_page_number()) if page.has_next() else None,
    }
    return render(request, "web/inbox/inbox.html", context)


def _safe_link(request: HttpRequest, link: str) -> str | None:
    """The notification's link when it is a path on this site (it always should be), else None."""
    if link.startswith("/") and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return link
    return None


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read, then follow its link (or return to the inbox)."""
    try:
        notification = inbox.notification_mark_read(actor=request.user, notification_id=pk)
    except ObjectNotFound:
        raise Http404 from None
    messages.success(request, MARKED_READ)
    link = _safe_link(request, notification.link)
    return HttpResponseRedirect(link) if link else redirect("web:inbox")


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    """Mark every unread notification of the user read."""
    marked = inbox.notifications_mark_all_read(actor=request.user)
    if marked:
        message = ngettext(
            "%(count)d notification is marked as read.", "%(count)d notifications are marked as read.", marked
        ) % {"count": marked}
        messages.success(request, message)
    else:
        messages.info(request, NOTHING_UNREAD)
    return HttpResponseRedirect(reverse("web:inbox"))


urlpatterns: list[URLPattern] = [
    path("inbox/", inbox_list, name="inbox"),
    path("inbox/read-all/", inbox_mark_all_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", inbox_mark_read, name="inbox_mark_read"),
]
