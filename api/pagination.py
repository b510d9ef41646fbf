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
INVALID_PAGE_SIZE = _("Enter a whole number of at least 1, once; a page holds at most %(max)d rows.")


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

    def get_page_size(self, request: Request) -> int:
        """The ``page_size`` asked for, at most ``max_page_size``; anything but one whole number from 1 is a 400.

        DRF falls back to the default size for a value it cannot read, so a typo would go unnoticed.
        """
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        if len(values) > 1 or not values[0].isascii() or not values[0].isdigit() or int(values[0]) < 1:
            raise ValidationError({self.page_size_query_param: [INVALID_PAGE_SIZE % {"max": self.max_page_size}]})
        return min(int(values[0]), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = f"Number of results to return per page, at most {self.max_page_size}."
        return parameters

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
