"""The one policy module: who sees which filings, who reviews what, and the guardian grants behind it.

Every list and every single object is fetched through these selectors. An object the user may not see
raises ``ObjectNotFound`` exactly like a missing one; capability checks live on the state graph
(``declarations.rules``) and reach the scope defined here through ``ReviewScopeBackend``.
"""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import NotSupportedError
from django.db.models import BooleanField, Exists, F, Func, Model, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from declarations.models import (
    CommitteeMember,
    Declaration,
    DeclarationGroupObjectPermission,
    DeclarationState,
    DeclarationUserObjectPermission,
    Nomination,
    Notice,
    NoticeGroupObjectPermission,
    NoticeState,
    NoticeUserObjectPermission,
    Obligation,
    Official,
    Organisation,
    OrganisationGroupObjectPermission,
    Position,
    Tender,
    TenderUserObjectPermission,
)
from declarations.rules import (
    AGENCY_REVIEW_PERMISSION,
    MANAGE_COMMITTEE_PERMISSION,
    MANAGE_NOMINATIONS_PERMISSION,
    PRELIMINARY,
    REVIEW_NOTICE_PERMISSION,
    REVIEW_PERMISSION,
    WAIVE_OBLIGATION_PERMISSION,
    is_agency_reviewer,
    is_reviewer,
)
from workflow.audit import history_for
from workflow.errors import ObjectNotFound
from workflow.models import Notification

User = get_user_model()
M = TypeVar("M", bound=Model)
AnyUser = AbstractBaseUser | AnonymousUser

REVIEW_FILINGS_PERMISSION = "declarations.review_filings"
VIEW_ALL_PERMISSION = "declarations.view_all_declarations"
REVIEW_QUEUE_STATES = (DeclarationState.SUBMITTED, DeclarationState.UNDER_REVIEW)
AGENCY_QUEUE_STATES = (*REVIEW_QUEUE_STATES, DeclarationState.REFERRED)


def _is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _has_global_perm(user: Any, perm: str) -> bool:
    """Model-level permission only (agency supervisors, administrators); object grants do not count."""
    return _is_active_user(user) and (user.is_superuser or ModelBackend().has_perm(user, perm))


def _holds_post_in_granted_organisation(user: Any, today: datetime.date) -> Exists:
    """The user holds a post in the organisation (``OuterRef("pk")``) that has not ended by ``today``."""
    return Exists(Position.objects.filter(organisation=OuterRef("pk"), official__user=user).exclude(end_date__lt=today))


def reviewer_organisation_paths(user: Any) -> tuple[str, ...]:
    """Materialised paths of the organisations whose subtrees the user reviews (cached on the user).

    An authorised official (ЭБАТ) is one of the organisation's own officials: an organisation grant counts only
    while its holder holds a post in that organisation, so the scope ends the day after the post's end date,
    with no job to run and whoever recorded the end date. The cache is for one day (a request's user object
    lives for one request; a long-lived one, in a task, is asked again after midnight).
    """
    if not _is_active_user(user):
        return ()
    today = timezone.localdate()
    cached = getattr(user, "_review_scope_paths", None)
    if cached is None or cached[0] != today:
        organisations = get_objects_for_user(
            user,
            REVIEW_FILINGS_PERMISSION,
            klass=Organisation,
            accept_global_perms=False,
            with_superuser=False,
        ).filter(_holds_post_in_granted_organisation(user, today))
        cached = (today, tuple(sorted(organisations.values_list("path", flat=True))))
        user._review_scope_paths = cached
    return cached[1]


def _subtree_q(paths: tuple[str, ...], field: str) -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": path}) for path in paths), Q(pk__in=[]))


def _granted_declaration_ids_q(user: Any) -> Q:
    """Declarations granted to the user one by one (the agency's per-filing review assignments)."""
    direct = DeclarationUserObjectPermission.objects.filter(
        user=user, permission__codename="review_declaration"
    ).values("content_object_id")
    through_groups = DeclarationGroupObjectPermission.objects.filter(
        group__user=user, permission__codename="review_declaration"
    ).values("content_object_id")
    return Q(pk__in=direct) | Q(pk__in=through_groups)


def _granted_notice_ids_q(user: Any) -> Q:
    """Notices granted to the user one by one (the agency's per-filing review assignments)."""
    direct = NoticeUserObjectPermission.objects.filter(user=user, permission__codename="review_notice").values(
        "content_object_id"
    )
    through_groups = NoticeGroupObjectPermission.objects.filter(
        group__user=user, permission__codename="review_notice"
    ).values("content_object_id")
    return Q(pk__in=direct) | Q(pk__in=through_groups)


def sees_all_declarations(user: Any) -> bool:
    """Agency supervisors and administrators: a global permission to see, or to review, every filing."""
    return _has_global_perm(user, VIEW_ALL_PERMISSION) or _has_global_perm(user, REVIEW_PERMISSION)


def visible_declarations(user: Any) -> QuerySet[Declaration]:
    """Every declaration the user may see: their own, those in their review scope, those granted."""
    queryset = Declaration.objects.select_related("official", "organisation", "position")
    if not _is_active_user(user):
        return queryset.none()
    if sees_all_declarations(user):
        return queryset.all()
    visible = Q(official__user=user) | _granted_declaration_ids_q(user)
    paths = reviewer_organisation_paths(user)
    if paths:
        # A nominee's preliminary declaration is the agency's: an organisation grant does not reach it.
        visible |= _subtree_q(paths, "organisation__path") & ~Q(kind=PRELIMINARY)
    return queryset.filter(visible)


def _get_visible(queryset: QuerySet[M], pk: Any, *, for_update: bool = False) -> M:
    """One object of a visibility queryset, locked if asked; invisible and missing are the same answer."""
    if for_update:
        queryset = queryset.select_for_update(of=("self",), no_key=True)
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise ObjectNotFound from None


def get_visible_declaration(user: Any, pk: Any, *, for_update: bool = False) -> Declaration:
    """Fetch and authorise in one call: a declaration the user may not see is not found."""
    return _get_visible(visible_declarations(user), pk, for_update=for_update)


def review_queue_for(user: Any) -> QuerySet[Declaration]:
    """The declarations waiting for this reviewer: submitted or under review, in scope, not their own."""
    queryset = Declaration.objects.select_related("official", "organisation", "position").filter(
        state__in=AGENCY_QUEUE_STATES
    )
    if not _is_active_user(user):
        return queryset.none()
    if _has_global_perm(user, REVIEW_PERMISSION):
        scope = Q()
    else:
        # The agency's assignments wait in review and once referred; an organisation's authorised
        # officials review their subtree's declarations, never a nominee's preliminary one.
        scope = _granted_declaration_ids_q(user)
        paths = reviewer_organisation_paths(user)
        if paths:
            scope |= _subtree_q(paths, "organisation__path") & Q(state__in=REVIEW_QUEUE_STATES) & ~Q(kind=PRELIMINARY)
    queryset = queryset.filter(scope).exclude(official__user=user)
    register_number = getattr(getattr(user, "official", None), "register_number", "")
    if register_number:
        # Separation of duties (DESIGN §4): nobody reviews a filing that lists them as a family member.
        queryset = queryset.exclude(ListsFamilyMember(F("content"), Value(register_number)))
    return queryset.order_by("submitted_at", "pk")


class ListsFamilyMember(Func):
    """Whether a declaration's content lists the registration number among its family members.

    JSON containment has no portable lookup (``__contains`` is unsupported on SQLite), so each database
    gets its own SQL. Registration numbers in content are upper-cased by validation, as on ``Official``.
    """

    arity = 2
    output_field = BooleanField()

    def _compile_arguments(self, compiler: Any) -> tuple[str, tuple[Any, ...], str, tuple[Any, ...]]:
        content_sql, content_params = compiler.compile(self.source_expressions[0])
        number_sql, number_params = compiler.compile(self.source_expressions[1])
        return content_sql, tuple(content_params), number_sql, tuple(number_params)

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError("ListsFamilyMember is implemented for SQLite and PostgreSQL only.")

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        content, content_params, number, number_params = self._compile_arguments(compiler)
        # Only compiled SQL fragments are interpolated; values travel as parameters.
        sql = (
            f"EXISTS (SELECT 1 FROM json_each({content}, '$.family_members') AS member"  # noqa: S608
            f" WHERE json_extract({content}, member.fullkey || '.register_number') = {number})"
        )
        return sql, (*content_params, *content_params, *number_params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        content, content_params, number, number_params = self._compile_arguments(compiler)
        sql = (
            f"COALESCE(({content} -> 'family_members')"
            f" @> jsonb_build_array(jsonb_build_object('register_number', ({number})::text)), false)"
        )
        return sql, (*content_params, *number_params)


# --- Notices and tenders ---------------------------------------------------------------------------

NOTICE_QUEUE_STATES = (NoticeState.SUBMITTED, NoticeState.UNDER_REVIEW)


def sees_all_notices(user: Any) -> bool:
    """Agency supervisors and administrators."""
    return _has_global_perm(user, VIEW_ALL_PERMISSION) or _has_global_perm(user, REVIEW_NOTICE_PERMISSION)


def _managed_tender_grants(user: Any) -> QuerySet[Any]:
    return TenderUserObjectPermission.objects.filter(user=user, permission__codename="manage_committee").values(
        "content_object_id"
    )


def managed_tender_ids(user: Any) -> frozenset[int]:
    """Ids of the tenders whose committee the user manages (cached on the user object)."""
    if not _is_active_user(user):
        return frozenset()
    cached = getattr(user, "_managed_tender_ids", None)
    if cached is None:
        cached = frozenset(_managed_tender_grants(user).values_list("content_object_id", flat=True))
        user._managed_tender_ids = cached
    return cached


def visible_notices(user: Any) -> QuerySet[Notice]:
    """Notices the user may see: their own and those in their review scope.

    The procurement secretary follows the committee's notices through ``committee_notices`` (state and
    outcome); the notice itself (the interest declared, the red flags' evidence naming family members)
    is for its filer and its reviewers.
    """
    queryset = Notice.objects.select_related("category", "organisation", "official", "filer", "tender")
    if not _is_active_user(user):
        return queryset.none()
    if sees_all_notices(user):
        return queryset.all()
    visible = Q(filer=user) | _granted_notice_ids_q(user)
    paths = reviewer_organisation_paths(user)
    if paths:
        visible |= _subtree_q(paths, "organisation__path")
    return queryset.filter(visible)


def get_visible_notice(user: Any, pk: Any, *, for_update: bool = False) -> Notice:
    """Fetch and authorise in one call: a notice the user may not see is not found."""
    return _get_visible(visible_notices(user), pk, for_update=for_update)


def notice_review_queue_for(user: Any) -> QuerySet[Notice]:
    """Notices waiting for this reviewer: submitted or under review in scope, or referred and assigned to
    them by the agency; never their own."""
    queryset = visible_notices(user).filter(state__in=(*NOTICE_QUEUE_STATES, NoticeState.REFERRED))
    if not _is_active_user(user):
        return queryset
    if not _has_global_perm(user, REVIEW_NOTICE_PERMISSION):
        subtree = _subtree_q(reviewer_organisation_paths(user), "organisation__path")
        queryset = queryset.filter((subtree & Q(state__in=NOTICE_QUEUE_STATES)) | _granted_notice_ids_q(user))
    return queryset.exclude(filer=user).order_by("submitted_at", "pk")


def visible_tenders(user: Any) -> QuerySet[Tender]:
    """Tenders the user may see: managed by them, with them on the committee, or in their review scope."""
    queryset = Tender.objects.select_related("organisation", "secretary")
    if not _is_active_user(user):
        return queryset.none()
    if sees_all_notices(user):
        return queryset.all()
    seated = CommitteeMember.objects.filter(user=user).values("tender_id")
    visible = Q(pk__in=_managed_tender_grants(user)) | Q(pk__in=seated)
    paths = reviewer_organisation_paths(user)
    if paths:
        visible |= _subtree_q(paths, "organisation__path")
    return queryset.filter(visible)


def get_visible_tender(user: Any, pk: Any, *, for_update: bool = False) -> Tender:
    """Fetch and authorise in one call: one the user may not see is not found."""
    return _get_visible(visible_tenders(user), pk, for_update=for_update)


def follows_whole_committee(user: Any, tender: Tender) -> bool:
    """The secretary, the reviewers in scope and the agency follow every member; a member only themself."""
    if not _is_active_user(user):
        return False
    if sees_all_notices(user) or tender.pk in managed_tender_ids(user):
        return True
    organisation_path = tender.organisation.path
    return any(organisation_path.startswith(path) for path in reviewer_organisation_paths(user))


def committee_notices(user: Any, tender: Tender) -> tuple[dict[int, Notice], bool]:
    """Each member's latest notice for the tender (by filer account) as far as the user follows the
    committee, and whether the user follows all of it (and so may read the clearing gate, whose sentences
    say who declared a conflict). Only the state, outcome and supplementary flag are loaded.
    """
    whole = follows_whole_committee(user, tender)
    notices = tender.notices.order_by("pk").only("id", "filer_id", "state", "outcome", "is_supplementary")
    if not whole:
        notices = notices.filter(filer_id=getattr(user, "pk", None)) if _is_active_user(user) else notices.none()
    return {notice.filer_id: notice for notice in notices}, whole


def grant_committee_manager(*, tender: Tender, user: Any) -> None:
    """Make the user the procurement secretary of the tender (a per-object grant)."""
    assign_perm(MANAGE_COMMITTEE_PERMISSION, user, tender)
    user.__dict__.pop("_perm_cache", None)
    user.__dict__.pop("_managed_tender_ids", None)


def visible_notifications(user: Any) -> QuerySet[Notification]:
    """The user's own in-app notifications, newest first; nobody's for an anonymous or inactive user."""
    if not _is_active_user(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def get_visible_notification(user: Any, pk: Any, *, for_update: bool = False) -> Notification:
    """One of the user's own notifications; another's, or a missing one, is not found."""
    return _get_visible(visible_notifications(user), pk, for_update=for_update)


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisation tree is public information for signed-in users."""
    if not _is_active_user(user):
        return Organisation.objects.none()
    return Organisation.objects.all()


def visible_officials(user: Any) -> QuerySet[Official]:
    """The user themself and the officials who hold a position in the user's review scope."""
    if not _is_active_user(user):
        return Official.objects.none()
    if sees_all_declarations(user):
        return Official.objects.all()
    paths = reviewer_organisation_paths(user)
    in_scope = Position.objects.filter(_subtree_q(paths, "organisation__path")).values("official_id")
    return Official.objects.filter(Q(user=user) | Q(pk__in=in_scope))


def visible_positions(user: Any) -> QuerySet[Position]:
    """The user's own positions and the positions in the user's review scope."""
    queryset = Position.objects.select_related("official", "organisation")
    if not _is_active_user(user):
        return queryset.none()
    if sees_all_declarations(user):
        return queryset.all()
    paths = reviewer_organisation_paths(user)
    return queryset.filter(Q(official__user=user) | _subtree_q(paths, "organisation__path"))


def own_positions(user: Any) -> QuerySet[Position]:
    """The positions the user holds, newest first."""
    return visible_positions(user).filter(official__user=user) if _is_active_user(user) else Position.objects.none()


def get_visible_position(user: Any, pk: Any) -> Position:
    return _get_visible(visible_positions(user), pk)


def reviewers_group(organisation: Organisation) -> Group:
    """The group of an organisation's authorised officials (ЭБАТ); it holds the subtree grant."""
    group, _created = Group.objects.get_or_create(name=f"reviewers:{organisation.code}")
    assign_perm(REVIEW_FILINGS_PERMISSION, group, organisation)
    return group


def grant_organisation_reviewer(*, organisation: Organisation, user: Any) -> None:
    """Make the user an authorised official (ЭБАТ) of the organisation and its subtree."""
    reviewers_group(organisation).user_set.add(user)
    forget_cached_scope(user)


def revoke_organisation_reviewer(*, organisation: Organisation, user: Any) -> None:
    """Remove the user's ЭБАТ scope over the organisation, effective immediately."""
    reviewers_group(organisation).user_set.remove(user)
    remove_perm(REVIEW_FILINGS_PERMISSION, user, organisation)
    forget_cached_scope(user)


def reviewers_of(organisation: Organisation) -> QuerySet[Any]:
    """Active users who review the organisation: grants on it or on any organisation above it, each counted
    while its holder holds a post in the granted organisation (``reviewer_organisation_paths``)."""
    post_held = Position.objects.filter(
        official__user=OuterRef(OuterRef("pk")), organisation=OuterRef("content_object_id")
    ).exclude(end_date__lt=timezone.localdate())
    grants = OrganisationGroupObjectPermission.objects.filter(
        content_object_id__in=organisation.ancestors_and_self_ids(),
        permission__codename="review_filings",
        group__user=OuterRef("pk"),
    ).filter(Exists(post_held))
    return User.objects.filter(Exists(grants), is_active=True)


class ReviewScopeBackend(BaseBackend):
    """Answers ``user.has_perm("declarations.review_declaration", declaration)`` for the state graph.

    A user reviews a declaration when they hold the global permission (agency supervisors, accepted
    explicitly here), when their organisation grant covers the declaration's organisation, or when the
    declaration was granted to them directly. The answer is authoritative: outside that scope it raises
    ``PermissionDenied`` so no later backend answers differently. It answers
    ``declarations.manage_committee`` on a tender the same way, from the user's tender grants. The user's
    scope is read once per user object, so checking every row of a page costs no query per row. It
    authenticates nobody.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if perm == REVIEW_PERMISSION and isinstance(obj, Declaration):
            in_scope = _is_active_user(user_obj) and reviews_declaration(user_obj, obj)
        elif perm == REVIEW_NOTICE_PERMISSION and isinstance(obj, Notice):
            in_scope = _is_active_user(user_obj) and reviews_notice(user_obj, obj)
        elif perm == MANAGE_COMMITTEE_PERMISSION and isinstance(obj, Tender):
            in_scope = obj.pk in managed_tender_ids(user_obj)
        elif perm == AGENCY_REVIEW_PERMISSION and isinstance(obj, Declaration | Notice):
            in_scope = _is_active_user(user_obj) and reviews_as_agency(user_obj, obj)
        elif perm == WAIVE_OBLIGATION_PERMISSION and isinstance(obj, Obligation):
            in_scope = _is_active_user(user_obj) and waives_obligation_in_scope(user_obj, obj)
        else:
            return False
        if in_scope:
            return True
        raise PermissionDenied


def reviews_as_agency(user: Any, filing: Declaration | Notice) -> bool:
    """The agency's scope over one filing: its supervisors' global permission, or the filing assigned to the
    reviewer (a per-object grant). An organisation grant never counts."""
    if isinstance(filing, Notice):
        return _has_global_perm(user, REVIEW_NOTICE_PERMISSION) or filing.pk in granted_notice_ids(user)
    return _has_global_perm(user, REVIEW_PERMISSION) or filing.pk in granted_declaration_ids(user)


def reviews_notice(user: Any, notice: Notice) -> bool:
    """Whether the notice is in the user's review scope: the agency's, or an organisation grant."""
    if reviews_as_agency(user, notice):
        return True
    organisation_path = notice.organisation.path
    return any(organisation_path.startswith(path) for path in reviewer_organisation_paths(user))


def reviews_declaration(user: Any, declaration: Declaration) -> bool:
    """Whether the declaration is in the user's review scope (the roles' exclusions are in ``rules``).

    A preliminary declaration (ХАСУМ) is the agency's alone: an organisation grant does not reach it.
    """
    if reviews_as_agency(user, declaration):
        return True
    if declaration.kind == PRELIMINARY:
        return False
    organisation_path = declaration.organisation.path
    return any(organisation_path.startswith(path) for path in reviewer_organisation_paths(user))


def granted_declaration_ids(user: Any) -> frozenset[int]:
    """Ids of the declarations granted to the user one by one (cached on the user object)."""
    if not _is_active_user(user):
        return frozenset()
    cached = getattr(user, "_review_granted_ids", None)
    if cached is None:
        cached = frozenset(Declaration.objects.filter(_granted_declaration_ids_q(user)).values_list("pk", flat=True))
        user._review_granted_ids = cached
    return cached


# Steps whose comment is internal to the reviewers: the referral's reason and the assigned reviewer.
INTERNAL_STEPS = ("refer", "assign_reviewer")


def history_for_user(user: Any, filing: Declaration | Notice) -> list[Any]:
    """The filing's history as this user may read it: the filer sees every step and its state, but not
    the comments of the internal steps (the referral's reason, who the agency assigned)."""
    entries = list(history_for(filing).select_related("actor__official"))
    if is_reviewer(filing, user) or is_agency_reviewer(filing, user) or sees_all_declarations(user):
        return entries
    for entry in entries:
        if entry.transition in INTERNAL_STEPS:
            entry.comment = ""
    return entries


def sees_internal_notes(user: Any, filing: Declaration | Notice) -> bool:
    """The agency reviewer's internal notes on a conclusion are for the agency: never the filer, nor the ЭБАТ."""
    return _is_active_user(user) and reviews_as_agency(user, filing)


def granted_notice_ids(user: Any) -> frozenset[int]:
    """Ids of the notices granted to the user one by one (cached on the user object)."""
    if not _is_active_user(user):
        return frozenset()
    cached = getattr(user, "_review_granted_notice_ids", None)
    if cached is None:
        cached = frozenset(Notice.objects.filter(_granted_notice_ids_q(user)).values_list("pk", flat=True))
        user._review_granted_notice_ids = cached
    return cached


def forget_cached_scope(user: Any) -> None:
    """Drop the scope cached on a user object after its grants change."""
    user.__dict__.pop("_review_scope_paths", None)
    user.__dict__.pop("_review_granted_ids", None)
    user.__dict__.pop("_review_granted_notice_ids", None)
    user.__dict__.pop("_managed_tender_ids", None)


# --- Nominations ------------------------------------------------------------------------------------
# Imported here, not at the top, because this section was appended while the module's head was being
# edited in parallel; move them up when the two are merged.


def _managed_organisation_ids(user: Any) -> QuerySet[Any]:
    """The organisations where the user is an HR officer (guardian grants on the organisation itself)."""
    return get_objects_for_user(
        user, MANAGE_NOMINATIONS_PERMISSION, klass=Organisation, accept_global_perms=False, with_superuser=False
    ).values("pk")


def visible_nominations(user: Any) -> QuerySet[Nomination]:
    """Nominations the user may see: the organisation's HR officers, the nominee, the agency's supervisors
    (a global permission) and the agency reviewer assigned to the nomination's preliminary declaration.

    An organisation's authorised officials (ЭБАТ) do not see nominations: the agency reviews the ХАСУМ.
    """
    queryset = Nomination.objects.select_related("nominee", "organisation", "hr_officer", "position")
    if not _is_active_user(user):
        return queryset.none()
    if sees_all_declarations(user):
        return queryset.all()
    assigned = Declaration.objects.filter(_granted_declaration_ids_q(user), nomination__isnull=False).values(
        "nomination_id"
    )
    visible = Q(nominee__user=user) | Q(organisation__in=_managed_organisation_ids(user)) | Q(pk__in=assigned)
    return queryset.filter(visible)


def get_visible_nomination(user: Any, pk: Any, *, for_update: bool = False) -> Nomination:
    """Fetch and authorise in one call: a nomination the user may not see is not found."""
    return _get_visible(visible_nominations(user), pk, for_update=for_update)


def grant_hr_officer(*, organisation: Organisation, user: Any) -> None:
    """Make the user an HR officer of the organisation: they register its nominees and record appointments."""
    assign_perm(MANAGE_NOMINATIONS_PERMISSION, user, organisation)
    user.__dict__.pop("_perm_cache", None)
    forget_cached_scope(user)


# --- Reports ----------------------------------------------------------------------------------------


def runs_national_reports(user: Any) -> bool:
    """The agency's supervisors and administrators run every report, for the whole country too."""
    return sees_all_declarations(user)


def get_report_organisation(user: Any, pk: Any) -> Organisation:
    """The organisation whose subtree a report covers: any for the agency, one within the ЭБАТ's own subtrees
    otherwise. One out of scope is not found, exactly like a missing one."""
    if not _is_active_user(user):
        raise ObjectNotFound
    queryset = Organisation.objects.all()
    if not runs_national_reports(user):
        queryset = queryset.filter(_subtree_q(reviewer_organisation_paths(user), "path"))
    return _get_visible(queryset, pk)


# --- Filing obligations -------------------------------------------------------------------------------


def visible_obligations(user: Any) -> QuerySet[Obligation]:
    """Obligations the user may see: their own, those of the ЭБАТ's organisation subtrees (a nominee's
    preliminary one excepted, as its ХАСУМ), and every one for the agency's supervisors."""
    queryset = Obligation.objects.select_related("official", "organisation", "position")
    if not _is_active_user(user):
        return queryset.none()
    if sees_all_declarations(user):
        return queryset.all()
    visible = Q(official__user=user)
    paths = reviewer_organisation_paths(user)
    if paths:
        visible |= _subtree_q(paths, "organisation__path") & ~Q(kind=PRELIMINARY)
    return queryset.filter(visible)


def get_visible_obligation(user: Any, pk: Any, *, for_update: bool = False) -> Obligation:
    """Fetch and authorise in one call: an obligation the user may not see is not found."""
    return _get_visible(visible_obligations(user), pk, for_update=for_update)


def waives_obligation_in_scope(user: Any, obligation: Obligation) -> bool:
    """Who may waive an obligation: an ЭБАТ whose organisation grant covers its organisation (not a nominee's
    preliminary one), or the agency with the global review permission; never the obligation's own official.
    The scope is the one cached on the user, so a page of obligations costs no query per row."""
    if obligation.official.user_id == user.pk:
        return False
    if _has_global_perm(user, REVIEW_PERMISSION):
        return True
    if obligation.kind == PRELIMINARY:
        return False
    organisation_path = obligation.organisation.path
    return any(organisation_path.startswith(path) for path in reviewer_organisation_paths(user))


def reports_significant_change(user: Any, position: Position) -> bool:
    """The official holding the position, or an ЭБАТ whose scope covers its organisation, reports a change."""
    if not _is_active_user(user):
        return False
    if position.official.user_id == user.pk or _has_global_perm(user, REVIEW_PERMISSION):
        return True
    organisation_path = position.organisation.path
    return any(organisation_path.startswith(path) for path in reviewer_organisation_paths(user))


def opens_campaigns(user: Any) -> bool:
    """Opening a year's annual campaign covers the whole country: administrators and holders of the global
    ``add_campaign`` permission (the Campaign admin's own permission)."""
    return _has_global_perm(user, "declarations.add_campaign")


# --- The site's menu ----------------------------------------------------------------------------------


def site_roles(user: Any) -> frozenset[str]:
    """The roles whose pages the user's menu offers (cached on the user object): ``official`` (files
    declarations and notices, and may open tenders), ``reviewer`` (an ЭБАТ's scope, the agency's global
    review or filings the agency assigned). Each page still authorises on its own; this only decides links."""
    if not _is_active_user(user):
        return frozenset()
    cached = getattr(user, "_site_roles", None)
    if cached is None:
        roles = set()
        if Official.objects.filter(user=user).exists():
            roles.add("official")
        if reviewer_organisation_paths(user) or sees_all_declarations(user) or granted_declaration_ids(user):
            roles.add("reviewer")
        cached = frozenset(roles)
        user._site_roles = cached
    return cached
