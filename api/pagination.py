"""Keyset (cursor) pagination: stable pages under concurrent inserts, no COUNT(*) over the table."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

INVALID_CURSOR = _("The cursor is invalid; follow the next and previous links as given.")


class ValidatedCursorPagination(CursorPagination):
    """A cursor pagination that answers 400 for a cursor it did not issue, instead of a 404 or a 500.

    DRF decodes the cursor but puts its position into the query unchecked, so a hand-made position
    ("p=abc") reaches the database as a date or an id and fails there.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    _model: type[Model]

    def paginate_queryset(self, queryset: QuerySet[Any], request: Request, view: Any = None) -> list[Any] | None:
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise self._invalid() from None
        if cursor is not None and cursor.position is not None:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
            assert isinstance(field, Field)  # the orderings above name concrete columns
            try:
                value = field.to_python(cursor.position)
            except (DjangoValidationError, ValueError, TypeError, OverflowError):
                raise self._invalid() from None
            if value is None or (isinstance(value, datetime.datetime) and timezone.is_naive(value)):
                raise self._invalid()
        return cursor

    def _invalid(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [INVALID_CURSOR]})


class CreatedCursorPagination(ValidatedCursorPagination):
    ordering = ("-created_at", "-id")


class QueueCursorPagination(ValidatedCursorPagination):
    """The review queue: oldest submission first, so nothing waits forever."""

    ordering = ("submitted_at", "id")


class IdCursorPagination(ValidatedCursorPagination):
    ordering = ("id",)


class CategoryCursorPagination(ValidatedCursorPagination):
    """Notice categories in the agency's order."""

    ordering = ("ordering", "code")
