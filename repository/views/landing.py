"""Public dataset landing pages: latest and numbered versions."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from repository.selectors.catalogue import dataset_version_public
from repository.summary import summary_rows


@require_GET
def landing_page(request, accession: str, number: int | None = None):
    version = dataset_version_public(accession=accession, number=number)
    if version is None:
        raise Http404("No published dataset has this accession.")
    versions = version.dataset.versions.filter(published_at__isnull=False).order_by("-number")
    return render(request, "repository/landing_page.html", {
        "version": version, "dataset": version.dataset, "versions": versions,
        "summary_rows": summary_rows(version.summary),
    })
