"""Pages: notices (мэдэгдэл) — the official's own notices and their quick form, and the ЭБАТ's review.

The filer lists their notices (a committee member's notices waiting for them first), opens a draft with a
short form, changes it while it is a draft or returned, and submits it. The authorised official works the
notice review queue: takes a notice into review, resolves its red flags, records a conflict's resolution,
returns, acknowledges, refers or publishes it. Every change goes through ``workflow.notices``; every read
through ``workflow.policies``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from declarations import rules
from declarations.content import CHOICE_LABELS
from declarations.models import (
    CommitteeMember,
    CompanyHolder,
    ConflictHandling,
    Notice,
    NoticeCategory,
    NoticeOutcome,
    NoticeState,
    Position,
    RedFlag,
    RedFlagKind,
)
from workflow import errors, notices, policies

PAGE_SIZE = 50
N = NoticeState

# The fields of the quick form, as ``workflow.notices`` names them.
NOTICE_FIELDS = (
    "category",
    "title",
    "reference_number",
    "action_date",
    "counterparty_name",
    "counterparty_register_number",
    "outcome",
    "interest_nature",
    "proposed_handling",
    "handling_conditions",
)
# A committee member's notice keeps its category and matter (the tender's); the member declares the rest.
COMMITTEE_FIELDS = ("action_date", "outcome", "interest_nature", "proposed_handling", "handling_conditions")
FILER_ACTIONS = ("submit", "resubmit")
REVIEW_QUEUE_STATES = (N.SUBMITTED, N.UNDER_REVIEW, N.REFERRED)

DRAFT_SAVED = _("The draft notice was saved.")
SUBMITTED = _("The notice was submitted.")
SUBMITTED_LATE = _("The notice was submitted after its action date and is marked late.")
NOT_SUBMITTED = _("The notice was saved but not submitted: complete the fields marked below and submit it again.")
ACTION_DATE_HELP = _("The date of the contract, decision, meeting or evaluation; submit the notice before it.")
CHOOSE_CATEGORY = _("Choose a category")
CHOOSE_POSITION = _("Choose a position")
ALL_CATEGORIES = _("All categories")
ALL_STATES = _("All states")

# Each step of a notice's history, in words (the log keeps the step's code).
STEP_LABELS: dict[str, Any] = {
    "submit": _("Submitted"),
    "resubmit": _("Submitted again"),
    "start_review": _("Review started"),
    "return_for_correction": _("Returned for correction"),
    "acknowledge": _("Acknowledged"),
    "refer": _("Referred to the agency"),
    "assign_reviewer": _("Reviewer assigned"),
    "conclude": _("Concluded by the agency"),
    "publish": _("Published"),
    "withdraw_publication": _("Publication withdrawn"),
    "record_resolution": _("Resolution recorded"),
    "resolve_red_flag": _("Red flag resolved"),
}
MATCHED_ON_LABELS: dict[str, Any] = {
    "register_number": _("registration number"),
    "name": _("name"),
}

# An external committee member's name lives on their seat: annotated in the list's one query.
SEAT_NAME = Subquery(
    CommitteeMember.objects.filter(tender_id=OuterRef("tender_id"), user_id=OuterRef("filer_id")).values("full_name")[
        :1
    ]
)
OPEN_FLAGS = Coalesce(
    Subquery(
        RedFlag.objects.filter(notice_id=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("notice_id")
        .annotate(count=Count("pk"))
        .values("count")[:1],
        output_field=IntegerField(),
    ),
    Value(0),
)


def field_label(name: str) -> Any:
    """A notice field's label: the model's own name for it, capitalised, in the user's language."""
    try:
        field = Notice._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return capfirst(getattr(field, "verbose_name", name))


# --- forms ---------------------------------------------------------------------------------------------


def _text(max_length: int) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "fit", "maxlength": str(max_length)})


def _area() -> forms.Textarea:
    return forms.Textarea(attrs={"class": "fit", "rows": "4"})


class ServiceForm(forms.Form):
    """A form whose values a service checks: its ``InvalidInput`` goes next to the fields it names, the rest
    at the top of the form."""

    def add_service_errors(self, invalid: errors.InvalidInput, labels: Callable[[str], Any] = field_label) -> None:
        for name, problems in invalid.errors.items():
            if name in self.fields:
                self.add_error(name, [str(problem) for problem in problems])
            else:
                self.add_error(None, [f"{labels(name)}: {problem}" for problem in problems])


class NoticeForm(ServiceForm):
    """The short notice form; the service checks every value, this form only carries them."""

    position = forms.ChoiceField(label=_("Position"), widget=forms.Select(attrs={"class": "fit", "translate": "no"}))
    category = forms.ChoiceField(label=field_label("category"), required=False, widget=forms.Select({"class": "fit"}))
    title = forms.CharField(label=field_label("title"), required=False, widget=_text(255))
    reference_number = forms.CharField(label=field_label("reference_number"), required=False, widget=_text(64))
    action_date = forms.CharField(
        label=field_label("action_date"),
        required=False,
        help_text=ACTION_DATE_HELP,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    counterparty_name = forms.CharField(label=field_label("counterparty_name"), required=False, widget=_text(255))
    counterparty_register_number = forms.CharField(
        label=field_label("counterparty_register_number"), required=False, widget=_text(10)
    )
    outcome = forms.ChoiceField(
        label=field_label("outcome"), required=False, choices=NoticeOutcome.choices, widget=forms.RadioSelect
    )
    interest_nature = forms.CharField(label=field_label("interest_nature"), required=False, widget=_area())
    proposed_handling = forms.ChoiceField(
        label=field_label("proposed_handling"),
        required=False,
        choices=ConflictHandling.choices,
        widget=forms.RadioSelect,
    )
    handling_conditions = forms.CharField(label=field_label("handling_conditions"), required=False, widget=_area())

    def __init__(
        self, *args: Any, positions: Iterable[Position] | None = None, committee: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if positions is None:
            del self.fields["position"]
        else:
            self.positions = {str(position.pk): position for position in positions}
            position_field = self.fields["position"]
            assert isinstance(position_field, forms.ChoiceField)
            position_field.choices = [
                ("", CHOOSE_POSITION),
                *((pk, f"{p.title} — {p.organisation.name}") for pk, p in self.positions.items()),
            ]
        kept = COMMITTEE_FIELDS if committee else NOTICE_FIELDS
        for name in NOTICE_FIELDS:
            if name not in kept:
                del self.fields[name]
        if "category" in self.fields:
            category_field = self.fields["category"]
            assert isinstance(category_field, forms.ChoiceField)
            # Reference data, open to everyone signed in; named in the user's language.
            category_field.choices = [
                ("", CHOOSE_CATEGORY),
                *((c.code, c.display_name) for c in NoticeCategory.objects.filter(is_active=True)),
            ]

    def notice_fields(self) -> dict[str, Any]:
        """The typed values as the service's keyword arguments; an unchosen category is left out."""
        fields = {name: self.cleaned_data[name] for name in NOTICE_FIELDS if name in self.fields}
        if fields.get("category") == "":
            del fields["category"]
        return fields

    def conflict_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("interest_nature", "proposed_handling") if name in self.fields]


def notice_data(notice: Notice) -> dict[str, str]:
    """The notice's current values as the form's fields."""
    data = {name: getattr(notice, name) or "" for name in NOTICE_FIELDS}
    data["category"] = notice.category.code
    data["action_date"] = notice.action_date.isoformat() if notice.action_date else ""
    return data


class CommentForm(ServiceForm):
    comment = forms.CharField(label=_("Comment"), required=False, widget=_area())


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=_area())


class ResolutionForm(ServiceForm):
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=_area())


class QueueFilterForm(forms.Form):
    category = forms.ChoiceField(label=field_label("category"), required=False, widget=forms.Select({"class": "fit"}))
    state = forms.ChoiceField(label=field_label("state"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category_field = self.fields["category"]
        state_field = self.fields["state"]
        assert isinstance(category_field, forms.ChoiceField)
        assert isinstance(state_field, forms.ChoiceField)
        category_field.choices = [
            ("", ALL_CATEGORIES),
            *((c.code, c.display_name) for c in NoticeCategory.objects.all()),
        ]
        state_field.choices = [("", ALL_STATES), *((state.value, state.label) for state in REVIEW_QUEUE_STATES)]


# --- what the pages show -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One labelled value; ``data`` marks filed data, shown in the language it was filed in."""

    label: Any
    value: Any
    data: bool = True


def notice_items(notice: Notice) -> list[Item]:
    """The notice's own fields, in the form's order, leaving out the empty ones."""
    items = [
        Item(field_label("category"), notice.category.display_name, data=False),
        Item(field_label("organisation"), notice.organisation.name),
        Item(field_label("title"), notice.title),
        Item(field_label("reference_number"), notice.reference_number),
        Item(field_label("action_date"), notice.action_date.isoformat() if notice.action_date else ""),
        Item(field_label("counterparty_name"), notice.counterparty_name),
        Item(field_label("counterparty_register_number"), notice.counterparty_register_number),
        Item(field_label("outcome"), notice.get_outcome_display() if notice.outcome else "", data=False),
        Item(field_label("interest_nature"), notice.interest_nature),
        Item(
            field_label("proposed_handling"),
            notice.get_proposed_handling_display() if notice.proposed_handling else "",
            data=False,
        ),
        Item(field_label("handling_conditions"), notice.handling_conditions),
        Item(field_label("resolution"), notice.resolution),
    ]
    return [item for item in items if item.value]


@dataclass(frozen=True)
class FlagView:
    flag: RedFlag
    kind: Any
    items: list[Item]


def flag_views(flags: Iterable[RedFlag]) -> list[FlagView]:
    """Each red flag with its evidence: the declared company, whose it is, and what it matched."""
    views = []
    for flag in flags:
        evidence = flag.evidence or {}
        holder = evidence.get("holder", "")
        relationship = evidence.get("relationship", "")
        items = [
            Item(_("Declared company"), evidence.get("company_name", "")),
            Item(
                _("Held by"),
                CompanyHolder(holder).label if holder in CompanyHolder.values else holder,
                data=holder not in CompanyHolder.values,
            ),
            Item(
                _("Family relationship"),
                CHOICE_LABELS.get(relationship, relationship),
                data=relationship not in CHOICE_LABELS,
            ),
            Item(_("Matched on"), MATCHED_ON_LABELS.get(flag.matched_on, flag.matched_on), data=False),
            Item(_("Matched name"), evidence.get("matched_name", "")),
            Item(_("Matched registration number"), evidence.get("matched_register_number", "")),
        ]
        kind = RedFlagKind(flag.kind).label if flag.kind in RedFlagKind.values else flag.kind
        views.append(FlagView(flag=flag, kind=kind, items=[item for item in items if item.value]))
    return views


@dataclass(frozen=True)
class Step:
    transition: str
    at: Any
    label: Any
    state: Any
    actor: str
    comment: str


def history_steps(user: Any, notice: Notice) -> list[Step]:
    """The notice's history as the user may read it (``policies.history_for_user``), in words."""
    steps = []
    for entry in policies.history_for_user(user, notice):
        actor = entry.actor
        official = getattr(actor, "official", None) if actor is not None else None
        name = official.full_name if official is not None else (actor.get_username() if actor is not None else "")
        state = N(entry.to_state).label if entry.to_state in N.values else entry.to_state
        steps.append(
            Step(
                transition=entry.transition,
                at=timezone.localtime(entry.at),
                label=STEP_LABELS.get(entry.transition, entry.transition),
                state=state,
                actor=name,
                comment=entry.comment,
            )
        )
    return steps


def filer_name(notice: Notice) -> str:
    """The official's name; an external committee member's is the one on their seat."""
    if notice.official is not None:
        return notice.official.full_name
    seat_name = getattr(notice, "seat_name", None)
    if seat_name is None and notice.tender_id is not None:
        seat_name = (
            CommitteeMember.objects.filter(tender_id=notice.tender_id, user_id=notice.filer_id)
            .values_list("full_name", flat=True)
            .first()
        )
    return seat_name or notice.filer.get_username()


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _refused(request: HttpRequest, refusal: Exception) -> None:
    messages.error(request, str(getattr(refusal, "message", refusal)))


REFUSALS = (errors.ActionForbidden, errors.TransitionNotAllowed, errors.StateConflict)


# --- the filer's pages ---------------------------------------------------------------------------------


def _own_notice(user: Any, pk: int) -> Notice:
    """The user's own notice; another's, even one they review, is not found here (see the review page)."""
    try:
        notice = policies.get_visible_notice(user, pk)
    except errors.ObjectNotFound:
        raise Http404 from None
    if notice.filer_id != user.pk:
        raise Http404
    return notice


@require_safe
@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """The user's notices, newest first; the committee notices waiting for them first of all."""
    own = policies.visible_notices(request.user).filter(filer_id=request.user.pk)
    waiting = own.filter(tender__isnull=False, state__in=notices.EDITABLE_STATES).order_by("pk")
    context = {"waiting": list(waiting), "page": _page(request, own)}
    return render(request, "web/notices/list.html", context)


def _form_page(
    request: HttpRequest, form: NoticeForm, notice: Notice | None, *, has_positions: bool = True
) -> HttpResponse:
    context = {
        "form": form,
        "notice": notice,
        "tender": notice.tender if notice is not None else None,
        "bidders": list(notice.tender.bidders.all()) if notice is not None and notice.tender else [],
        "action_url": reverse("web:notice_edit", args=[notice.pk]) if notice else reverse("web:notice_new"),
        "has_positions": has_positions,
    }
    return render(request, "web/notices/form.html", context)


def _submit(request: HttpRequest, notice: Notice, form: NoticeForm, name: str | None = None) -> HttpResponse:
    """Submit (or resubmit) the notice; one that is not complete yet is shown in its form with the errors."""
    name = name or ("resubmit" if notice.state == N.RETURNED else "submit")
    try:
        submitted = notices.NOTICE_TRANSITION_SERVICES[name](actor=request.user, notice_id=notice.pk)
    except errors.InvalidInput as invalid:
        form.add_service_errors(invalid)
        messages.warning(request, NOT_SUBMITTED)
        return _form_page(request, form, notice)
    except REFUSALS as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, SUBMITTED_LATE if submitted.is_late else SUBMITTED)
    return redirect("web:notice_detail", pk=notice.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    """The quick form: save a draft, or save and submit it in one step."""
    positions = list(policies.own_positions(request.user).order_by("-start_date", "pk"))
    if not positions:
        return _form_page(request, NoticeForm(), None, has_positions=False)
    if request.method != "POST":
        initial = {"position": str(positions[0].pk)} if len(positions) == 1 else {}
        return _form_page(request, NoticeForm(initial=initial, positions=positions), None)
    form = NoticeForm(request.POST, positions=positions)
    if not form.is_valid():
        return _form_page(request, form, None)
    position = form.positions[form.cleaned_data["position"]]
    try:
        notice = notices.notice_create(actor=request.user, organisation=position.organisation, **form.notice_fields())
    except errors.InvalidInput as invalid:
        form.add_service_errors(invalid)
        return _form_page(request, form, None)
    except errors.ActionForbidden as refusal:
        form.add_error("position", str(refusal.message))
        return _form_page(request, form, None)
    if request.POST.get("action") == "submit":
        # The draft is kept whatever the submission says; its form shows what is still missing.
        draft_form = NoticeForm(request.POST)
        draft_form.is_valid()
        return _submit(request, notice, draft_form)
    messages.success(request, DRAFT_SAVED)
    return redirect("web:notice_detail", pk=notice.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft or returned notice; save it, or save and submit it."""
    notice = _own_notice(request.user, pk)
    committee = notice.tender_id is not None
    if notice.state not in notices.EDITABLE_STATES:
        messages.error(request, notices.NOTICE_NOT_EDITABLE)
        return redirect("web:notice_detail", pk=notice.pk)
    if request.method != "POST":
        return _form_page(request, NoticeForm(initial=_initial(notice), committee=committee), notice)
    form = NoticeForm(request.POST, committee=committee)
    if not form.is_valid():
        return _form_page(request, form, notice)
    try:
        notice = notices.notice_update(actor=request.user, notice_id=notice.pk, **form.notice_fields())
    except errors.InvalidInput as invalid:
        form.add_service_errors(invalid)
        return _form_page(request, form, notice)
    except REFUSALS as refusal:
        _refused(request, refusal)
        return redirect("web:notice_detail", pk=notice.pk)
    if request.POST.get("action") == "submit":
        return _submit(request, notice, form)
    messages.success(request, DRAFT_SAVED)
    return redirect("web:notice_detail", pk=notice.pk)


def _initial(notice: Notice) -> dict[str, str]:
    initial = notice_data(notice)
    if notice.tender_id is not None and not initial["action_date"]:
        # A committee member declares before the evaluation: today, unless they say otherwise.
        initial["action_date"] = timezone.localdate().isoformat()
    return initial


@require_safe
@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice, its state, red flags and history; a committee member declares here, on the tender's page."""
    notice = _own_notice(request.user, pk)
    available = notices.available_notice_transitions(notice, request.user)
    editable = notice.state in notices.EDITABLE_STATES
    steps = history_steps(request.user, notice)
    returns = [step for step in steps if step.transition == "return_for_correction"]
    context = {
        "notice": notice,
        "items": notice_items(notice),
        "flags": [(view, None) for view in flag_views(notice.red_flags.all())],
        "steps": steps,
        "return_note": returns[-1] if notice.state == N.RETURNED and returns else None,
        "editable": editable,
        "actions": [name for name in FILER_ACTIONS if name in available],
        "tender": notice.tender,
        "bidders": list(notice.tender.bidders.all()) if notice.tender else [],
        "committee_form": NoticeForm(initial=_initial(notice), committee=True)
        if editable and notice.tender_id
        else None,
    }
    return render(request, "web/notices/detail.html", context)


@require_POST
@login_required
def notice_filer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit or resubmit from the notice's page; an incomplete notice opens in its form with the errors."""
    notice = _own_notice(request.user, pk)
    form = NoticeForm(notice_data(notice), committee=notice.tender_id is not None)
    form.is_valid()
    return _submit(request, notice, form, action)


# --- the reviewer's pages ------------------------------------------------------------------------------


def _reviewed_notice(user: Any, pk: int) -> Notice:
    """A notice the user reviews (an ЭБАТ in scope, or the agency); their own, or anyone else's, is not found."""
    try:
        notice = policies.get_visible_notice(user, pk)
    except errors.ObjectNotFound:
        raise Http404 from None
    if not (rules.is_reviewer(notice, user) or rules.is_agency_reviewer(notice, user)):
        raise Http404
    return notice


@require_safe
@login_required
def notice_review_queue(request: HttpRequest) -> HttpResponse:
    """The notices waiting for the reviewer, oldest submission first, with counts per state and filters."""
    queue = policies.notice_review_queue_for(request.user)
    counted = dict(queue.order_by().values_list("state").annotate(count=Count("pk")))
    counts = [(state.label, counted.get(state.value, 0)) for state in REVIEW_QUEUE_STATES]
    form = QueueFilterForm(request.GET or None)
    rows = queue
    if form.is_valid():
        if form.cleaned_data["category"]:
            rows = rows.filter(category__code=form.cleaned_data["category"])
        if form.cleaned_data["state"]:
            rows = rows.filter(state=form.cleaned_data["state"])
    rows = rows.annotate(seat_name=SEAT_NAME, open_flags=OPEN_FLAGS)
    page = _page(request, rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "counts": counts,
        "form": form,
        "page": page,
        "rows": [(notice, filer_name(notice)) for notice in page],
        "query": query.urlencode(),
    }
    return render(request, "web/notices/review_queue.html", context)


def _review_page(request: HttpRequest, notice: Notice, **forms_given: Any) -> HttpResponse:
    available = notices.available_notice_transitions(notice, request.user)
    # Return and acknowledge share their source state and role: a reviewer who may return the notice may
    # try to acknowledge it, and a refusal says what is missing (a resolution, a flag's reason).
    reviewing = "return_for_correction" in available
    flags = list(notice.red_flags.all())
    flag_forms = {
        flag.pk: forms_given.get(f"flag_{flag.pk}") or ReasonForm(auto_id=f"id_flag{flag.pk}_%s")
        for flag in flags
        if reviewing and flag.resolved_at is None
    }
    context = {
        "notice": notice,
        "filer_name": filer_name(notice),
        "items": notice_items(notice),
        "flags": [(view, flag_forms.get(view.flag.pk)) for view in flag_views(flags)],
        "steps": history_steps(request.user, notice),
        "tender": notice.tender,
        "bidders": list(notice.tender.bidders.all()) if notice.tender else [],
        "can_start": "start_review" in available,
        "can_publish": "publish" in available,
        "can_refer": "refer" in available,
        "reviewing": reviewing,
        "return_form": forms_given.get("return_for_correction") or CommentForm(auto_id="id_return_%s"),
        "acknowledge_form": forms_given.get("acknowledge") or CommentForm(auto_id="id_acknowledge_%s"),
        "refer_form": forms_given.get("refer") or ReasonForm(auto_id="id_refer_%s"),
        "resolution_form": forms_given.get("record_resolution")
        or ResolutionForm(initial={"resolution": notice.resolution}, auto_id="id_resolution_%s"),
    }
    return render(request, "web/notices/review.html", context)


@require_safe
@login_required
def notice_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, _reviewed_notice(request.user, pk))


@dataclass(frozen=True)
class ReviewAction:
    form: type[ServiceForm] | None
    auto_id: str
    run: Callable[[Any, int, dict[str, Any]], Any]
    done: Any


REVIEW_ACTIONS: dict[str, ReviewAction] = {
    "start_review": ReviewAction(
        None,
        "",
        lambda actor, pk, data: notices.notice_start_review(actor=actor, notice_id=pk),
        _("The review has started."),
    ),
    "return_for_correction": ReviewAction(
        CommentForm,
        "id_return_%s",
        lambda actor, pk, data: notices.notice_return_for_correction(
            actor=actor, notice_id=pk, comment=data["comment"]
        ),
        _("The notice was returned to its filer for correction."),
    ),
    "acknowledge": ReviewAction(
        CommentForm,
        "id_acknowledge_%s",
        lambda actor, pk, data: notices.notice_acknowledge(actor=actor, notice_id=pk, comment=data["comment"]),
        _("The notice was acknowledged."),
    ),
    "refer": ReviewAction(
        ReasonForm,
        "id_refer_%s",
        lambda actor, pk, data: notices.notice_refer(actor=actor, notice_id=pk, reason=data["reason"]),
        _("The notice was referred to the agency."),
    ),
    "record_resolution": ReviewAction(
        ResolutionForm,
        "id_resolution_%s",
        lambda actor, pk, data: notices.notice_record_resolution(
            actor=actor, notice_id=pk, resolution=data["resolution"]
        ),
        _("The resolution was recorded."),
    ),
    "publish": ReviewAction(
        None,
        "",
        lambda actor, pk, data: notices.notice_publish(actor=actor, notice_id=pk),
        _("The notice was published."),
    ),
}
FLAG_RESOLVED = _("The red flag was resolved.")


@require_POST
@login_required
def notice_review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One reviewer's step; a missing comment or reason shows next to its field, the text typed kept."""
    notice = _reviewed_notice(request.user, pk)
    step = REVIEW_ACTIONS[action]
    form = step.form(request.POST, auto_id=step.auto_id) if step.form else None
    data = form.cleaned_data if form is not None and form.is_valid() else {}
    try:
        step.run(request.user, notice.pk, data)
    except errors.InvalidInput as invalid:
        assert isinstance(form, ServiceForm)
        form.add_service_errors(invalid)
        return _review_page(request, notice, **{action: form})
    except REFUSALS as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, step.done)
    return redirect("web:notice_review", pk=notice.pk)


@require_POST
@login_required
def notice_resolve_flag(request: HttpRequest, pk: int, flag_id: int) -> HttpResponse:
    """Resolve one red flag with a written reason."""
    notice = _reviewed_notice(request.user, pk)
    form = ReasonForm(request.POST, auto_id=f"id_flag{flag_id}_%s")
    form.is_valid()
    try:
        notices.notice_resolve_flag(
            actor=request.user, notice_id=notice.pk, flag_id=flag_id, reason=form.cleaned_data["reason"]
        )
    except errors.ObjectNotFound:
        raise Http404 from None
    except errors.InvalidInput as invalid:
        form.add_service_errors(invalid)
        return _review_page(request, notice, **{f"flag_{flag_id}": form})
    except REFUSALS as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, FLAG_RESOLVED)
    return redirect("web:notice_review", pk=notice.pk)


urlpatterns: list[URLPattern] = [
    path("notices/", notice_list, name="notices"),
    path("notices/new/", notice_new, name="notice_new"),
    path("notices/<int:pk>/", notice_detail, name="notice_detail"),
    path("notices/<int:pk>/edit/", notice_edit, name="notice_edit"),
    *(
        path(f"notices/<int:pk>/{action}/", notice_filer_action, {"action": action}, name=f"notice_{action}")
        for action in FILER_ACTIONS
    ),
    path("review/notices/", notice_review_queue, name="notice_review_queue"),
    path("review/notices/<int:pk>/", notice_review, name="notice_review"),
    *(
        path(
            f"review/notices/<int:pk>/{action}/",
            notice_review_action,
            {"action": action},
            name=f"notice_review_{action}",
        )
        for action in REVIEW_ACTIONS
    ),
    path(
        "review/notices/<int:pk>/flags/<int:flag_id>/resolve/", notice_resolve_flag, name="notice_review_resolve_flag"
    ),
]
