"""The public catalogue: search, facets, sorting and pagination."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from repository.selectors.catalogue import (
    FACETS,
    SORTS,
    catalogue_facet_counts,
    dataset_catalogue,
)

PAGE_SIZE = 20


@require_GET
def catalogue(request):
    q = request.GET.get("q", "")
    sort = request.GET.get("sort", "newest")
    filters = {facet: request.GET.getlist(facet) for facet in FACETS if request.GET.getlist(facet)}
    versions = dataset_catalogue(q=q, filters=filters, sort=sort)
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    facets = [
        {"name": name, "label": FACETS[name], "values": [
            {"value": value, "count": count, "selected": value in filters.get(name, [])}
            for value, count in values
        ]}
        for name, values in catalogue_facet_counts(versions).items()
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "repository/catalogue.html", {
        "page": page, "q": q, "sort": sort, "sorts": SORTS, "facets": facets,
        "filters": filters, "query_without_page": query.urlencode(),
    })
