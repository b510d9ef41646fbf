"""Back-office admin: organisations, officials, positions and notice categories are edited here; filings,
tenders and their committees are read-only, because they change only through the workflow services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from declarations.models import (
    Bidder,
    CommitteeMember,
    Conclusion,
    Declaration,
    DeclarationRevision,
    DeclaredCompany,
    Nomination,
    Notice,
    NoticeCategory,
    Official,
    Organisation,
    Position,
    PublicSnapshot,
    RedFlag,
    Tender,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by back-office users, never changed through the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user"]
    search_fields = ["full_name_search", "user__username"]
    raw_id_fields = ["user"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["official", "title", "organisation", "start_date", "end_date", "declaration_required"]
    list_filter = ["declaration_required"]
    search_fields = ["official__full_name_search", "title"]
    raw_id_fields = ["official", "organisation"]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["official", "kind", "year", "organisation", "state", "submitted_at"]
    list_filter = ["state", "kind", "year"]
    search_fields = ["official__full_name_search"]


@admin.register(DeclarationRevision)
class DeclarationRevisionAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "number", "form_version", "created_at", "content_hash"]


@admin.register(DeclaredCompany)
class DeclaredCompanyAdmin(ReadOnlyAdmin):
    list_display = ["name", "register_number", "holder", "relationship", "official"]
    search_fields = ["name_normalised", "register_number"]


@admin.register(PublicSnapshot)
class PublicSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["official_name", "kind", "year", "organisation_name", "published_at", "withdrawn_at"]


@admin.register(NoticeCategory)
class NoticeCategoryAdmin(admin.ModelAdmin):
    """The agency adds categories here; a category in use is retired (inactive), never deleted."""

    list_display = ["code", "name", "name_en", "is_active", "ordering"]
    list_editable = ["is_active", "ordering"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_en"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The code is how the API, the CSV import and the procurement committee name a category.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RedFlagInline(admin.TabularInline):
    model = RedFlag
    fields = readonly_fields = ("kind", "matched_on", "evidence", "resolved_at", "resolved_by", "resolution_reason")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "category", "official", "organisation", "state", "outcome", "is_late", "submitted_at"]
    list_filter = ["state", "category", "outcome", "is_late"]
    search_fields = ["title", "reference_number", "official__full_name_search"]
    list_select_related = ["category", "official", "organisation"]
    inlines = [RedFlagInline]


@admin.register(RedFlag)
class RedFlagAdmin(ReadOnlyAdmin):
    list_display = ["notice", "kind", "matched_on", "created_at", "resolved_at"]
    list_filter = ["kind", "matched_on"]


class BidderInline(admin.TabularInline):
    model = Bidder
    fields = readonly_fields = ("name", "register_number", "added_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    fk_name = "tender"
    fields = readonly_fields = ("full_name", "kind", "official", "is_recused", "replaced_by", "added_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    list_display = ["reference_number", "title", "organisation", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["reference_number", "title"]
    inlines = [BidderInline, CommitteeMemberInline]


@admin.register(Bidder)
class BidderAdmin(ReadOnlyAdmin):
    list_display = ["name", "register_number", "tender", "added_at"]
    search_fields = ["name_normalised", "register_number"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "kind", "tender", "is_recused", "replaced_by"]
    list_filter = ["kind", "is_recused"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["nominee", "position_title", "organisation", "state", "hr_officer", "created_at", "appointed_on"]
    list_filter = ["state"]
    search_fields = ["nominee__full_name_search", "position_title"]
    list_select_related = ["nominee", "organisation", "hr_officer"]


@admin.register(Conclusion)
class ConclusionAdmin(ReadOnlyAdmin):
    list_display = ["finding", "declaration", "notice", "legal_article", "author", "concluded_at"]
    list_filter = ["finding"]
    list_select_related = ["declaration__official", "notice", "author"]
