"""/datasets/ lists released datasets with search, facets, sorting and pagination."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repository.models import DatasetStatus
from tests.repository.factories import DatasetVersionFactory


@pytest.fixture
def catalogue(db):
    breast = DatasetVersionFactory(title="Breast biopsies", description="Invasive ductal carcinoma",
                                   facet_values=[("species", "Homo sapiens"), ("stain", "H&E"),
                                                 ("clinical", "Clinical")])
    rat = DatasetVersionFactory(title="Rat liver toxicity", description="Hepatocellular hypertrophy",
                                is_clinical=False,
                                facet_values=[("species", "Rattus norvegicus"), ("stain", "H&E"),
                                              ("clinical", "Non-clinical")])
    hidden = DatasetVersionFactory(title="Registered but unreleased",
                                   dataset__status=DatasetStatus.REGISTERED,
                                   facet_values=[("species", "Homo sapiens")])
    return breast, rat, hidden


def test_lists_only_released_datasets(client, catalogue):
    page = client.get("/datasets/").content.decode()
    assert "Breast biopsies" in page and "Rat liver toxicity" in page
    assert "Registered but unreleased" not in page


def test_full_text_search(client, catalogue):
    page = client.get("/datasets/", {"q": "carcinoma"}).content.decode()
    assert "Breast biopsies" in page and "Rat liver toxicity" not in page


def test_facet_counts_and_filtering(client, catalogue):
    response = client.get("/datasets/", {"species": "Rattus norvegicus"})
    page = response.content.decode()
    assert "Rat liver toxicity" in page and "Breast biopsies" not in page
    stain = next(f for f in response.context["facets"] if f["name"] == "stain")
    assert stain["values"] == [{"value": "H&E", "count": 1, "selected": False}]
    unfiltered = client.get("/datasets/").context["facets"]
    species = next(f for f in unfiltered if f["name"] == "species")
    assert {v["value"]: v["count"] for v in species["values"]} == {"Homo sapiens": 1, "Rattus norvegicus": 1}


def test_sorting_by_title(client, catalogue):
    titles = [v.title for v in client.get("/datasets/", {"sort": "title"}).context["page"]]
    assert titles == ["Breast biopsies", "Rat liver toxicity"]


def test_pagination(client, db):
    for n in range(25):
        DatasetVersionFactory(title=f"Cohort {n:02d}")
    first = client.get("/datasets/", {"sort": "title"})
    second = client.get("/datasets/", {"sort": "title", "page": 2})
    assert len(first.context["page"]) == 20 and len(second.context["page"]) == 5
    assert "page=2" in first.content.decode()


def test_query_count_does_not_grow_with_results(client, db):
    DatasetVersionFactory(facet_values=[("species", "Homo sapiens")])
    with CaptureQueriesContext(connection) as few:
        client.get("/datasets/")
    for _ in range(15):
        DatasetVersionFactory(facet_values=[("species", "Homo sapiens"), ("stain", "H&E")])
    with CaptureQueriesContext(connection) as many:
        client.get("/datasets/")
    assert len(many) == len(few)
