"""Reads for the public statistics page: counts over public dataset versions.

Only listed versions count (the latest version of every released or deprecated
dataset; see `repository.selectors.visibility`). Every table is one grouped query, so the number of queries does not
grow with the number of datasets.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from repository.models import DatasetFacet, DatasetVersion
from repository.selectors.visibility import listed_versions

# Facet tables on the page: DatasetFacet.facet → label.
STATISTICS_FACETS = {"stain": "Stain", "species": "Species"}


def counted_versions() -> QuerySet[DatasetVersion]:
    return listed_versions().order_by()


def statistics_totals() -> dict[str, int]:
    totals = counted_versions().aggregate(
        datasets=Count("pk"),
        wsis=Coalesce(Sum("images_count"), 0),
        total_bytes=Coalesce(Sum("total_bytes"), 0),
        organisations=Count("dataset__organisation", distinct=True),
    )
    return {key: int(value or 0) for key, value in totals.items()}


def organisation_statistics() -> list[dict]:
    """Datasets, WSIs and bytes per organisation, most WSIs first."""
    rows = (counted_versions()
            .values(organisation=F("dataset__organisation__name"), country=F("dataset__organisation__country"))
            .annotate(datasets=Count("pk"), wsis=Sum("images_count"), total_bytes=Sum("total_bytes"))
            .order_by("-wsis", "organisation"))
    return [{**row, "organisation": row["organisation"] or "", "country": row["country"] or ""} for row in rows]


def _month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def growth_by_month(*, until: date | None = None) -> list[dict]:
    """New and cumulative datasets and WSIs per month, every month from the first to `until`.

    A dataset counts in the month it was first published; its WSIs are those of
    its latest version.
    """
    first_published = (DatasetVersion.objects.filter(dataset_id=OuterRef("dataset_id"), published_at__isnull=False)
                       .order_by("published_at").values("published_at")[:1])
    rows = (counted_versions()
            .annotate(month=TruncMonth(Subquery(first_published)))
            .values("month")
            .annotate(datasets=Count("pk"), wsis=Sum("images_count"))
            .order_by("month"))
    by_month = {_month_index(timezone.localtime(row["month"]).date() if timezone.is_aware(row["month"])
                             else row["month"].date()): row for row in rows}
    if not by_month:
        return []
    last = _month_index(until or timezone.localdate())
    series, datasets_total, wsis_total = [], 0, 0
    for index in range(min(by_month), max(last, max(by_month)) + 1):
        row = by_month.get(index, {})
        datasets_total += row.get("datasets", 0)
        wsis_total += row.get("wsis") or 0
        series.append({
            "month": date(index // 12, index % 12 + 1, 1),
            "datasets": row.get("datasets", 0), "wsis": row.get("wsis") or 0,
            "cumulative_datasets": datasets_total, "cumulative_wsis": wsis_total,
        })
    return series


def facet_statistics(facet: str) -> list[dict]:
    """Datasets with each value of a facet, and the WSIs of those datasets, most datasets first.

    A dataset with several values (two stains, say) counts under each of them.
    """
    return list(DatasetFacet.objects
                .filter(facet=facet, version_id__in=counted_versions().values("pk"))
                .values("value")
                .annotate(datasets=Count("version_id"), wsis=Sum("version__images_count"))
                .order_by("-datasets", "-wsis", "value"))
