"""Page views: the entry page shows where to go and, for a signed-in user, what waits for them."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_safe

from workflow import dashboard


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What the site is and how to sign in; for a signed-in user, what waits for them in each of their roles."""
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        context["summary"] = dashboard.home_summary(request.user)
    return render(request, "web/home.html", context)


class InvitationView(auth_views.PasswordResetConfirmView):
    """An invited person (an external committee member) chooses the password of the account made for them.

    Django's password-reset confirmation: the token in the link is checked, moved to the session and
    replaced in the address, and stops working once the password is set.
    """

    template_name = "web/invitation.html"
    success_url = reverse_lazy("web:invitation_done")


def invitation_done(request: HttpRequest) -> HttpResponse:
    return render(request, "web/invitation_done.html")
