"""The API shows nothing of registered (unreleased) or withdrawn datasets, nor unpublished versions.

A registered dataset does not exist for the public (404); a withdrawn one is Gone (410).
"""

import pytest

from repository.models import DatasetStatus
from tests.repository.api_factories import populated_version
from tests.repository.factories import DatasetVersionFactory

SUFFIXES = ["", "versions/", "versions/1/", "versions/1/samples/", "versions/1/images/",
            "versions/1/observations/", "versions/1/annotations/"]


@pytest.mark.parametrize(("status", "expected"), [(DatasetStatus.REGISTERED, 404), (DatasetStatus.WITHDRAWN, 410)])
def test_hidden_dataset_is_not_listed_and_every_endpoint_is_404_or_410(client, db, status, expected):
    hidden = populated_version(title="Secret cohort", dataset__status=status,
                               facet_values=[("species", "Homo sapiens")])
    accession = hidden.dataset.accession
    assert client.get("/api/v1/datasets/").json()["results"] == []
    assert client.get("/api/v1/datasets/", {"q": "Secret"}).json()["results"] == []
    facets = {f["name"]: f["values"] for f in client.get("/api/v1/datasets/facets/").json()}
    assert facets["species"] == []
    for suffix in SUFFIXES:
        response = client.get(f"/api/v1/datasets/{accession}/{suffix}")
        assert response.status_code == expected, suffix
        assert "Secret" not in response.content.decode()


def test_unpublished_version_of_a_released_dataset_is_404(client, db):
    published = DatasetVersionFactory()
    DatasetVersionFactory(dataset=published.dataset, number=2, published_at=None, make_latest=False)
    accession = published.dataset.accession
    assert client.get(f"/api/v1/datasets/{accession}/versions/1/").status_code == 200
    assert client.get(f"/api/v1/datasets/{accession}/versions/2/").status_code == 404
    versions = client.get(f"/api/v1/datasets/{accession}/versions/").json()["results"]
    assert [v["version"] for v in versions] == [1]
