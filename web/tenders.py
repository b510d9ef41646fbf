"""Pages: tenders and their evaluation committees, for the procurement secretary (and, read-only, the members
and the reviewers who follow them).

The secretary opens a tender, registers its bidders, seats the committee (officials, and external members
invited by e-mail), recuses a member and seats the replacement, asks the members to declare, and clears the
committee once the clearing gate is open; then starts and closes the evaluation. The page shows each
member's notice only as ``policies.committee_notices`` gives it (state and outcome), and the gate's reasons
to those who follow the whole committee. Every change goes through ``workflow.tenders``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import add
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from declarations import rules
from declarations.models import CommitteeMember, MemberKind, Notice, Tender, TenderState
from web.notices import CHOOSE_POSITION, REFUSALS, ServiceForm
from workflow import errors, policies, tenders

PAGE_SIZE = 50
T = TenderState
# The committee stays cleared from clearing on: evaluating and closing come after it.
CLEARED_STATES = (T.CLEARED, T.EVALUATING, T.CLOSED)
GATE_STATES = (T.FORMING, T.DECLARING)
CHOOSE_OFFICIAL = _("Choose an official")

TENDER_OPENED = _("The tender was opened: you are its procurement secretary.")
BIDDER_ADDED = _("The bidder was added.")
MEMBER_ADDED = _("The member was added to the committee.")
MEMBER_RECUSED = _("The member was recused and the replacement seated.")
TRANSITION_DONE: dict[str, Any] = {
    "open_declarations": _("The members were asked to declare."),
    "clear": _("The committee was cleared."),
    "start_evaluation": _("The evaluation has started."),
    "close": _("The evaluation was closed."),
}
TRANSITION_LABELS: dict[str, Any] = {
    "open_declarations": _("Ask the members to declare"),
    "clear": _("Clear the committee"),
    "start_evaluation": _("Start the evaluation"),
    "close": _("Close the evaluation"),
}


# --- forms ---------------------------------------------------------------------------------------------


def _text(max_length: int, **attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "fit", "maxlength": str(max_length), **attrs})


class TenderForm(ServiceForm):
    position = forms.ChoiceField(label=_("Position"), widget=forms.Select(attrs={"class": "fit", "translate": "no"}))
    reference_number = forms.CharField(label=_("Reference number"), required=False, widget=_text(64))
    title = forms.CharField(label=_("Title"), required=False, widget=_text(255))

    def __init__(self, *args: Any, positions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.positions = {str(position.pk): position for position in positions}
        position_field = self.fields["position"]
        assert isinstance(position_field, forms.ChoiceField)
        position_field.choices = [
            ("", CHOOSE_POSITION),
            *((pk, f"{p.title} — {p.organisation.name}") for pk, p in self.positions.items()),
        ]


class BidderForm(ServiceForm):
    name = forms.CharField(label=_("Bidder's name"), required=False, widget=_text(255))
    register_number = forms.CharField(
        label=_("Company registration number"),
        required=False,
        help_text=_("7 digits; leave empty if the bidder has none."),
        widget=_text(7, inputmode="numeric"),
    )


class MemberForm(ServiceForm):
    """A committee seat: an official chosen from the list, or an external member's name and e-mail."""

    kind = forms.ChoiceField(label=_("Kind of member"), choices=MemberKind.choices)
    official = forms.ChoiceField(
        label=_("Official"), required=False, widget=forms.Select(attrs={"class": "fit", "translate": "no"})
    )
    full_name = forms.CharField(label=_("Full name"), required=False, widget=_text(255))
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        help_text=_("An external member is invited to the site at this address."),
        widget=forms.EmailInput(attrs={"class": "fit", "maxlength": "254"}),
    )

    def __init__(self, *args: Any, officials: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        official_field = self.fields["official"]
        assert isinstance(official_field, forms.ChoiceField)
        official_field.choices = [("", CHOOSE_OFFICIAL), *((str(o.pk), o.full_name) for o in officials)]

    def member_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "official_id": data["official"] or None,
            "full_name": data["full_name"],
            "email": data["email"],
        }


def _officials(user: Any) -> list[Any]:
    """The officials the user may seat: those the user may see (``policies.visible_officials``)."""
    return list(policies.visible_officials(user).only("pk", "full_name"))


# --- what the pages show -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    member: CommitteeMember
    notice: Notice | None
    replaced_by: CommitteeMember | None
    own: bool


@dataclass(frozen=True)
class TenderRow:
    tender: Tender
    clearing: str  # "cleared", "ready", "waiting", "" (the gate is not the user's to read)


def clearing_of(user: Any, tender: Tender) -> str:
    """Whether the committee is cleared, or, for those who follow all of it, whether it may be cleared now."""
    if tender.state in CLEARED_STATES:
        return "cleared"
    if not policies.follows_whole_committee(user, tender):
        return ""
    return "waiting" if rules.committee_gate_problems(tender) else "ready"


def marked_names(sentence: str, names: list[str]) -> SafeString:
    """A sentence of the clearing gate with each member's name marked as filed data (``translate="no"``):
    the name stays in the language it was registered in, the sentence is in the user's."""
    names = sorted({name for name in names if name}, key=len, reverse=True)
    if not names:
        return escape(sentence)
    parts: list[SafeString] = []
    last = 0
    for match in re.finditer("|".join(map(re.escape, names)), sentence):
        parts.append(escape(sentence[last : match.start()]))
        parts.append(format_html('<span translate="no">{}</span>', match.group()))
        last = match.end()
    parts.append(escape(sentence[last:]))
    return reduce(add, parts)


def _visible_tender(user: Any, pk: int) -> Tender:
    try:
        return policies.get_visible_tender(user, pk)
    except errors.ObjectNotFound:
        raise Http404 from None


def _managed_tender(user: Any, pk: int) -> Tender:
    """A tender whose committee the user manages; one they only follow or sit on is not found here."""
    tender = _visible_tender(user, pk)
    if not rules.manages_committee(tender, user):
        raise Http404
    return tender


# --- pages ---------------------------------------------------------------------------------------------


@require_safe
@login_required
def tender_list(request: HttpRequest) -> HttpResponse:
    """The tenders the user may see, newest first, with their state and whether the committee is cleared."""
    # The clearing gate reads members and notices from memory.
    queryset = policies.visible_tenders(request.user).prefetch_related("members", "notices__red_flags")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [TenderRow(tender=tender, clearing=clearing_of(request.user, tender)) for tender in page]
    return render(request, "web/tenders/list.html", {"page": page, "rows": rows, "query": ""})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def tender_new(request: HttpRequest) -> HttpResponse:
    """Open a tender for an organisation where the user holds a position; they become its secretary."""
    positions = list(policies.own_positions(request.user).order_by("-start_date", "pk"))
    if request.method != "POST":
        initial = {"position": str(positions[0].pk)} if len(positions) == 1 else {}
        form = TenderForm(initial=initial, positions=positions)
        return render(request, "web/tenders/new.html", {"form": form, "has_positions": bool(positions)})
    form = TenderForm(request.POST, positions=positions)
    if form.is_valid():
        position = form.positions[form.cleaned_data["position"]]
        try:
            tender = tenders.tender_create(
                actor=request.user,
                organisation=position.organisation,
                reference_number=form.cleaned_data["reference_number"],
                title=form.cleaned_data["title"],
            )
        except errors.InvalidInput as invalid:
            form.add_service_errors(invalid)
        except errors.ActionForbidden as refusal:
            form.add_error("position", str(refusal.message))
        except errors.StateConflict as conflict:
            form.add_error("reference_number", str(conflict.message))
        else:
            messages.success(request, TENDER_OPENED)
            return redirect("web:tender_detail", pk=tender.pk)
    return render(request, "web/tenders/new.html", {"form": form, "has_positions": bool(positions)})


def _detail_page(
    request: HttpRequest,
    tender: Tender,
    *,
    bidder_form: BidderForm | None = None,
    member_form: MemberForm | None = None,
) -> HttpResponse:
    user = request.user
    latest, whole = policies.committee_notices(user, tender)
    members = list(tender.members.all())
    by_pk = {member.pk: member for member in members}
    manages = rules.manages_committee(tender, user)
    changeable = manages and tender.state in tenders.CHANGEABLE_STATES
    officials = _officials(user) if changeable else []
    gate = rules.committee_gate_problems(tender) if whole and tender.state in GATE_STATES else None
    context = {
        "tender": tender,
        "bidders": list(tender.bidders.all()),
        "members": [
            MemberRow(
                member=member,
                notice=latest.get(member.user_id),
                replaced_by=by_pk.get(member.replaced_by_id) if member.replaced_by_id else None,
                own=member.user_id == user.pk,
            )
            for member in members
        ],
        "follows_whole": whole,
        "gate": [marked_names(problem, [member.full_name for member in members]) for problem in gate]
        if gate is not None
        else None,
        "cleared": tender.state in CLEARED_STATES,
        "manages": manages,
        "changeable": changeable,
        "asks_again": changeable and tender.state in tenders.DECLARING_STATES,
        "actions": [(name, TRANSITION_LABELS[name]) for name in tenders.available_tender_transitions(tender, user)],
        "bidder_form": bidder_form or BidderForm(auto_id="id_bidder_%s"),
        "member_form": member_form or MemberForm(officials=officials, auto_id="id_member_%s"),
    }
    return render(request, "web/tenders/detail.html", context)


@require_safe
@login_required
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _visible_tender(request.user, pk))


@require_POST
@login_required
def tender_add_bidder(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a bidder; a missing name or a bad number shows next to its field."""
    tender = _visible_tender(request.user, pk)
    form = BidderForm(request.POST, auto_id="id_bidder_%s")
    form.is_valid()
    try:
        tenders.tender_add_bidder(
            actor=request.user,
            tender_id=tender.pk,
            name=form.cleaned_data["name"],
            register_number=form.cleaned_data["register_number"],
        )
    except errors.InvalidInput as invalid:
        form.add_service_errors(invalid)
    except errors.StateConflict as conflict:
        form.add_error(None, str(conflict.message))
    except REFUSALS as refusal:
        messages.error(request, str(refusal.message))
        return redirect("web:tender_detail", pk=tender.pk)
    else:
        messages.success(request, BIDDER_ADDED)
        return redirect("web:tender_detail", pk=tender.pk)
    return _detail_page(request, _visible_tender(request.user, pk), bidder_form=form)


@require_POST
@login_required
def tender_add_member(request: HttpRequest, pk: int) -> HttpResponse:
    """Seat a member: an official, or an external member invited by e-mail."""
    tender = _visible_tender(request.user, pk)
    form = MemberForm(request.POST, officials=_officials(request.user), auto_id="id_member_%s")
    if form.is_valid():
        try:
            tenders.tender_add_member(actor=request.user, tender_id=tender.pk, **form.member_arguments())
        except errors.InvalidInput as invalid:
            form.add_service_errors(invalid)
        except errors.StateConflict as conflict:
            form.add_error(None, str(conflict.message))
        except REFUSALS as refusal:
            messages.error(request, str(refusal.message))
            return redirect("web:tender_detail", pk=tender.pk)
        else:
            messages.success(request, MEMBER_ADDED)
            return redirect("web:tender_detail", pk=tender.pk)
    return _detail_page(request, _visible_tender(request.user, pk), member_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def tender_recuse_member(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    """Recuse a member who declared a conflict and seat the replacement, who then files a notice."""
    tender = _managed_tender(request.user, pk)
    member = next((member for member in tender.members.all() if member.pk == member_id), None)
    if member is None:
        raise Http404
    officials = _officials(request.user)
    if request.method != "POST":
        form = MemberForm(officials=officials)
    else:
        form = MemberForm(request.POST, officials=officials)
        if form.is_valid():
            try:
                tenders.tender_recuse_member(
                    actor=request.user, tender_id=tender.pk, member_id=member.pk, **form.member_arguments()
                )
            except errors.InvalidInput as invalid:
                form.add_service_errors(invalid)
            except REFUSALS as refusal:
                form.add_error(None, str(refusal.message))
            else:
                messages.success(request, MEMBER_RECUSED)
                return redirect("web:tender_detail", pk=tender.pk)
    context = {"tender": tender, "member": member, "form": form}
    return render(request, "web/tenders/recuse.html", context)


@require_POST
@login_required
def tender_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Ask the members to declare, clear the committee, start or close the evaluation; a refusal says why."""
    tender = _visible_tender(request.user, pk)
    service: Callable[..., Tender] = tenders.TENDER_TRANSITION_SERVICES[action]
    try:
        service(actor=request.user, tender_id=tender.pk)
    except REFUSALS as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, TRANSITION_DONE[action])
    return redirect("web:tender_detail", pk=tender.pk)


urlpatterns: list[URLPattern] = [
    path("tenders/", tender_list, name="tenders"),
    path("tenders/new/", tender_new, name="tender_new"),
    path("tenders/<int:pk>/", tender_detail, name="tender_detail"),
    path("tenders/<int:pk>/bidders/", tender_add_bidder, name="tender_add_bidder"),
    path("tenders/<int:pk>/members/", tender_add_member, name="tender_add_member"),
    path("tenders/<int:pk>/members/<int:member_id>/recuse/", tender_recuse_member, name="tender_recuse_member"),
    *(
        path(f"tenders/<int:pk>/{action}/", tender_transition, {"action": action}, name=f"tender_{action}")
        for action in tenders.TENDER_TRANSITIONS
    ),
]
