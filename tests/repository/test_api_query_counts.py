"""The number of queries per API request does not grow with the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.repository.api_factories import AnnotationFactory, ImageFactory, ObservationFactory, SlideFactory
from tests.repository.factories import DatasetVersionFactory

CONTENTS = {
    "samples": SlideFactory,  # each slide brings its being, case, specimen, block and staining
    "images": ImageFactory,
    "annotations": AnnotationFactory,
    "observations": ObservationFactory,
}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    return len(queries)


def test_dataset_list(client, db):
    url = "/api/v1/datasets/"
    for _ in range(2):
        DatasetVersionFactory(facet_values=[("species", "Homo sapiens")])
    few = count_queries(client, url)
    for _ in range(13):
        DatasetVersionFactory(facet_values=[("species", "Homo sapiens"), ("stain", "H&E")])
    assert count_queries(client, url) == few
    versions_url = f"/api/v1/datasets/{DatasetVersionFactory().dataset.accession}/versions/"
    assert count_queries(client, versions_url) <= 3


@pytest.mark.parametrize("name", list(CONTENTS))
def test_version_contents(client, db, name):
    version = DatasetVersionFactory()
    url = f"/api/v1/datasets/{version.dataset.accession}/versions/1/{name}/"
    for _ in range(2):
        CONTENTS[name](version=version)
    few = count_queries(client, url)
    for _ in range(13):
        CONTENTS[name](version=version)
    assert count_queries(client, url) == few
