"""Back-office admin: organisations, officials and positions are edited here; filings are read-only,
because their state and content change only through the transition services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from declarations.models import (
    Declaration,
    DeclarationRevision,
    DeclaredCompany,
    Official,
    Organisation,
    Position,
    PublicSnapshot,
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
