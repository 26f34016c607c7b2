"""Reads for the public catalogue: search, facet filters and counts, sorting.

Only listed versions are searched (see `repository.selectors.visibility`). Facet
counts come from `DatasetFacet` in one grouped query, so the number of queries
does not grow with the result size.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, Q, QuerySet

from repository.models import DatasetFacet, DatasetVersion
from repository.selectors.visibility import listed_versions

FACETS = {
    "species": "Species",
    "anatomical_site": "Anatomical site",
    "stain": "Stain",
    "diagnosis": "Diagnosis",
    "specimen_type": "Specimen type",
    "clinical": "Clinical or non-clinical",
    "access_type": "Access type",
    "organisation": "Organisation",
    "year": "Year",
}
SORTS = {
    "newest": "-published_at",
    "oldest": "published_at",
    "title": "title",
    "images": "-images_count",
}


def _text_search(queryset: QuerySet, q: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset.filter(search_vector=SearchQuery(q, config="english", search_type="websearch"))
    condition = Q()
    for word in q.split():
        condition &= Q(search_text__icontains=word)
    return queryset.filter(condition)


def dataset_catalogue(*, q: str = "", filters: dict[str, list[str]] | None = None,
                      sort: str = "newest") -> QuerySet[DatasetVersion]:
    queryset = listed_versions()
    if q.strip():
        queryset = _text_search(queryset, q.strip())
    for facet, values in (filters or {}).items():
        if facet in FACETS and values:
            queryset = queryset.filter(pk__in=DatasetFacet.objects.filter(facet=facet, value__in=values)
                                       .values("version_id"))
    return queryset.select_related("dataset", "dataset__organisation").order_by(SORTS.get(sort, SORTS["newest"]), "pk")


def catalogue_facet_counts(queryset: QuerySet[DatasetVersion]) -> dict[str, list[tuple[str, int]]]:
    rows = (DatasetFacet.objects.filter(version_id__in=queryset.order_by().values("pk"))
            .values("facet", "value").annotate(count=Count("id")).order_by("facet", "-count", "value"))
    counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        counts[row["facet"]].append((row["value"], row["count"]))
    return {facet: counts.get(facet, []) for facet in FACETS}

