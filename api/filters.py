"""Query filters for the declaration lists."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from declarations.models import Declaration, DeclarationKind, DeclarationState, Organisation

MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    """A whole number within bounds: ``2025.5`` or an id beyond the column's range is a 400, not a guess."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.INT)
class OrganisationSubtreeFilter(filters.ModelChoiceFilter):
    """An organisation id; the filter keeps the declarations of that organisation and everything under it."""


class DeclarationFilter(filters.FilterSet):
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
