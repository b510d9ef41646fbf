"""Page views: the entry page shows where to go and, for a signed-in user, what waits for them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from declarations.models import DeclarationState
from workflow import policies


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        own = policies.visible_declarations(request.user).filter(official__user=request.user)
        context["returned_count"] = own.filter(state=DeclarationState.RETURNED).count()
        context["draft_count"] = own.filter(state=DeclarationState.DRAFT).count()
        context["queue_count"] = policies.review_queue_for(request.user).count()
    return render(request, "web/home.html", context)
