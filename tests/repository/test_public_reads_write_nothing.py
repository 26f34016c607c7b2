"""Anonymous GETs of every public page, file and API endpoint write nothing: no row, no stored object."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from repository import urls as repository_urls
from repository.api import urls as api_urls
from repository.models import DatasetStatus
from repository.services import dataset_import
from repository.services.datasets import dataset_status_change
from repository.services.public_exports import public_export_build
from tests.access.factories import OrganisationFactory

WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "CREATE", "ALTER", "DROP")
NOT_COVERED_HERE = {"healthz"}  # anonymous /healthz is tests/bigpicture/test_healthz.py's subject


def _files(root) -> set[str]:
    return {os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names}


@pytest.fixture
def public_site(db, local_storage, bundle_builder, tmp_path):
    """A released version with its zip built, one without a zip yet, and a withdrawn dataset."""
    released = dataset_import(bundle_dir=bundle_builder.write()).version
    public_export_build(version_id=released.pk)
    bundle_builder.find("dataset", "DATASET/TITLE").text = "A second version, its zip not built yet"
    unbuilt = dataset_import(bundle_dir=bundle_builder.write()).version
    withdrawn = dataset_import(bundle_dir=type(bundle_builder)(tmp_path / "other").write(),
                               organisation=OrganisationFactory()).version
    dataset_status_change(dataset=withdrawn.dataset, status=DatasetStatus.WITHDRAWN, reason="Consent withdrawn.")
    return released, unbuilt, withdrawn


def _paths(released, unbuilt, withdrawn) -> list[str]:
    a, gone = released.dataset.accession, withdrawn.dataset.accession
    sample = released.summary["sample_images"][0]["name"]
    per_version = ["", "metaflex.zip", "datacite.xml", "cite.txt", "cite.bib", "cite.ris"]
    api_version = ["", "samples/", "images/", "observations/", "annotations/"]
    return [
        "/", "/datasets/", "/datasets/?q=skin&species=Homo+sapiens&sort=title", "/statistics/",
        "/statistics/organisations.csv", "/statistics/growth.csv", "/statistics/stains.csv",
        "/statistics/species.csv", f"/media/public/{sample}",
        *(f"/datasets/{a}/{name}" for name in per_version),
        *(f"/datasets/{a}/v/1/{name}" for name in per_version),
        *(f"/datasets/{gone}/{name}" for name in per_version),
        f"/datasets/{a}/v/{unbuilt.number}/metaflex.zip",
        "/datasets/bp-dataset-zzzzzz-zzzzzz/", "/media/public/nothing.jpg",
        "/api/v1/datasets/", "/api/v1/datasets/facets/", f"/api/v1/datasets/{a}/", f"/api/v1/datasets/{a}/versions/",
        *(f"/api/v1/datasets/{a}/versions/1/{name}" for name in api_version),
        f"/api/v1/datasets/{gone}/", "/api/schema/", "/api/docs/",
    ]


def test_anonymous_reads_write_nothing(client, public_site, local_storage):
    paths = _paths(*public_site)
    stored = _files(local_storage)
    statuses = {}
    with CaptureQueriesContext(connection) as queries:
        for path in paths:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
            statuses[path] = response.status_code
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert _files(local_storage) == stored
    assert not client.cookies.get("sessionid")
    # The reads cover the answers that matter: served, not yet built, withdrawn, unknown.
    assert {200, 404, 410, 503} <= set(statuses.values()), statuses
    assert statuses[f"/datasets/{public_site[0].dataset.accession}/v/1/metaflex.zip"] == 200


def test_every_public_url_is_read_above(public_site):
    named = {f"{urls.app_name}:{pattern.name}" for urls in (repository_urls, api_urls)
             for pattern in urls.urlpatterns}
    visited = {f"{match.namespace}:{match.url_name}" for path in _paths(*public_site)
               if (match := resolve(path.split("?")[0])).namespace}
    assert named - visited - NOT_COVERED_HERE == set()
