"""Query filters for the declaration lists."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from declarations.models import Declaration, DeclarationKind, DeclarationState, Organisation


class DeclarationFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=DeclarationState.choices)
    kind = filters.ChoiceFilter(choices=DeclarationKind.choices)
    year = filters.NumberFilter()
    official = filters.NumberFilter(field_name="official_id")
    organisation = filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        method="filter_subtree",
        label=_("Organisation and everything under it"),
    )
    submitted_after = filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = Declaration
        fields = ["state", "kind", "year", "official", "organisation"]

    def filter_subtree(
        self, queryset: QuerySet[Declaration], name: str, value: Organisation
    ) -> QuerySet[Declaration]:
        return queryset.filter(organisation__path__startswith=value.path)
