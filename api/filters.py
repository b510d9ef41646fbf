"""Query filters for the declaration, notice and tender lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from declarations.models import (
    Declaration,
    DeclarationKind,
    DeclarationState,
    Notice,
    NoticeCategory,
    NoticeOutcome,
    NoticeState,
    Organisation,
    Tender,
    TenderState,
)

MAX_ID = 2**63 - 1


BLANK_PARAMETER = _("Give this parameter a value, or leave it out.")


class StrictFilterForm(forms.Form):
    """A filter form that refuses a parameter sent empty (``?kind=``) unless it is free text: the schema
    documents an enum, a number or a date there, and django-filter would quietly drop the filter."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) or name not in self.data or name in self.errors:
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            if any(value == "" for value in values):
                self.add_error(name, BLANK_PARAMETER)
        return cleaned


class StrictFilterSet(filters.FilterSet):
    """The work lists' filter sets (declarations, notices, tenders, obligations): an empty enum, number or
    date parameter is a 400 naming it. The public register and the inbox keep "empty means any"."""

    def get_form_class(self) -> type[forms.Form]:
        form_class: type[forms.Form] = super().get_form_class()
        return type(form_class.__name__, (StrictFilterForm, form_class), {})


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    """A whole number within bounds: ``2025.5`` or an id beyond the column's range is a 400, not a guess."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.INT)
class OrganisationSubtreeFilter(filters.ModelChoiceFilter):
    """An organisation id; the filter keeps the declarations of that organisation and everything under it."""


class DeclarationFilter(StrictFilterSet):
    state = filters.MultipleChoiceFilter(choices=DeclarationState.choices)
    kind = filters.ChoiceFilter(choices=DeclarationKind.choices)
    year = IntegerFilter(min_value=1, max_value=9999)
    official = IntegerFilter(field_name="official_id", min_value=1, max_value=MAX_ID)
    organisation = OrganisationSubtreeFilter(
        queryset=Organisation.objects.all(),
        method="filter_subtree",
        label=_("Organisation and everything under it"),
    )
    submitted_after = filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = Declaration
        fields = ["state", "kind", "year", "official", "organisation"]

    def filter_subtree(self, queryset: QuerySet[Declaration], name: str, value: Organisation) -> QuerySet[Declaration]:
        return queryset.filter(organisation__path__startswith=value.path)


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanChoiceFilter(filters.ChoiceFilter):
    """``true`` or ``false``: anything else is a 400, where django-filter's boolean would ignore the filter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, choices=[("true", "true"), ("false", "false")], **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")


@extend_schema_field(OpenApiTypes.STR)
class CategoryFilter(filters.ModelChoiceFilter):
    """A notice category's code; retired (inactive) categories still filter the notices filed under them."""


class NoticeFilter(StrictFilterSet):
    """The filters of the notice list and of the ЭБАТ's notice queue."""

    state = filters.MultipleChoiceFilter(choices=NoticeState.choices)
    category = CategoryFilter(queryset=NoticeCategory.objects.all(), to_field_name="code")
    outcome = filters.ChoiceFilter(choices=NoticeOutcome.choices)
    is_late = BooleanChoiceFilter()
    tender = IntegerFilter(field_name="tender_id", min_value=1, max_value=MAX_ID)
    organisation = OrganisationSubtreeFilter(
        queryset=Organisation.objects.all(),
        method="filter_subtree",
        label=_("Organisation and everything under it"),
    )
    action_date_after = filters.DateFilter(field_name="action_date", lookup_expr="gte")
    action_date_before = filters.DateFilter(field_name="action_date", lookup_expr="lt")
    submitted_after = filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = Notice
        fields = ["state", "category", "outcome", "is_late", "tender", "organisation"]

    def filter_subtree(self, queryset: QuerySet[Notice], name: str, value: Organisation) -> QuerySet[Notice]:
        return queryset.filter(organisation__path__startswith=value.path)


class TenderFilter(StrictFilterSet):
    state = filters.MultipleChoiceFilter(choices=TenderState.choices)
    organisation = OrganisationSubtreeFilter(
        queryset=Organisation.objects.all(),
        method="filter_subtree",
        label=_("Organisation and everything under it"),
    )

    class Meta:
        model = Tender
        fields = ["state", "organisation"]

    def filter_subtree(self, queryset: QuerySet[Tender], name: str, value: Organisation) -> QuerySet[Tender]:
        return queryset.filter(organisation__path__startswith=value.path)
