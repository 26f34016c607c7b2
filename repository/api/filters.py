"""Query parameters of the API lists, as input serializers.

The catalogue parameters mirror the HTML catalogue: one repeatable parameter
per facet in `FACETS` (values within a facet are OR-ed, facets are AND-ed),
`q` for full-text search and `ordering` for one of the catalogue sorts.
Filtering itself is done by `dataset_catalogue`, never here.
"""

from __future__ import annotations

from rest_framework import serializers

from repository.selectors.api import SAMPLE_HIERARCHY
from repository.selectors.catalogue import FACETS, SORTS


class CatalogueQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=500,
                              help_text="Full-text search over title, description and keywords.")
    ordering = serializers.ChoiceField(
        choices=list(SORTS), required=False, default="newest",
        help_text="newest / oldest (publication time), title, or images (most images first).",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for facet, label in FACETS.items():
            fields[facet] = serializers.ListField(
                child=serializers.CharField(max_length=255), required=False, default=list,
                help_text=f"{label}: repeat the parameter to match any of several values.",
            )
        return fields

    def catalogue_arguments(self) -> dict:
        """The validated parameters as keyword arguments of `dataset_catalogue`."""
        data = self.validated_data
        return {
            "q": data["q"],
            "sort": data["ordering"],
            "filters": {facet: data[facet] for facet in FACETS if data[facet]},
        }


class SampleQuerySerializer(serializers.Serializer):
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=SAMPLE_HIERARCHY), required=False, default=list,
        help_text="Only samples of these kinds (repeatable). Without it, all kinds, root to leaf.",
    )
