"""/api/v1/datasets/ lists released datasets, filtered, searched and ordered like the catalogue."""

import pytest

from repository.models import DatasetStatus
from tests.repository.factories import DatasetVersionFactory

URL = "/api/v1/datasets/"


@pytest.fixture
def catalogue(db):
    breast = DatasetVersionFactory(title="Breast biopsies", description="Invasive ductal carcinoma",
                                   images_count=10,
                                   facet_values=[("species", "Homo sapiens"), ("stain", "H&E")])
    rat = DatasetVersionFactory(title="Rat liver toxicity", description="Hepatocellular hypertrophy",
                                images_count=30,
                                facet_values=[("species", "Rattus norvegicus"), ("stain", "H&E")])
    deprecated = DatasetVersionFactory(title="Old prostate cohort", dataset__status=DatasetStatus.DEPRECATED,
                                       facet_values=[("species", "Homo sapiens")])
    return breast, rat, deprecated


def titles(response):
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_lists_latest_versions_of_released_and_deprecated_datasets(client, catalogue):
    breast, _, _ = catalogue
    newer = DatasetVersionFactory(dataset=breast.dataset, number=2, title="Breast biopsies, corrected")
    rows = client.get(URL).json()["results"]
    assert {row["title"] for row in rows} == {"Breast biopsies, corrected", "Rat liver toxicity",
                                               "Old prostate cohort"}
    row = next(r for r in rows if r["accession"] == breast.dataset.accession)
    assert row["version"] == newer.number == 2
    assert row["url"].endswith(f"/api/v1/datasets/{breast.dataset.accession}/versions/2/")


def test_filters_by_facet_values(client, catalogue):
    assert titles(client.get(URL, {"species": "Rattus norvegicus"})) == ["Rat liver toxicity"]
    either = client.get(URL, {"species": ["Rattus norvegicus", "Homo sapiens"], "stain": "H&E"})
    assert sorted(titles(either)) == ["Breast biopsies", "Rat liver toxicity"]


def test_full_text_search(client, catalogue):
    assert titles(client.get(URL, {"q": "carcinoma"})) == ["Breast biopsies"]


def test_ordering(client, catalogue):
    assert titles(client.get(URL, {"ordering": "title"})) == [
        "Breast biopsies", "Old prostate cohort", "Rat liver toxicity"]
    assert titles(client.get(URL, {"ordering": "images"}))[0] == "Rat liver toxicity"
    assert client.get(URL, {"ordering": "nonsense"}).status_code == 400


def test_facet_counts_follow_the_same_filters(client, catalogue):
    facets = {f["name"]: f for f in client.get(URL + "facets/").json()}
    assert facets["species"]["values"] == [{"value": "Homo sapiens", "count": 2},
                                           {"value": "Rattus norvegicus", "count": 1}]
    filtered = {f["name"]: f for f in client.get(URL + "facets/", {"q": "carcinoma"}).json()}
    assert filtered["stain"]["values"] == [{"value": "H&E", "count": 1}]
