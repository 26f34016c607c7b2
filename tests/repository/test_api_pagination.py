"""Every API list is cursor-paginated: following `next` (and `previous`) visits each row once."""

import base64

from tests.repository.api_factories import BiologicalBeingFactory, ImageFactory, SlideFactory
from tests.repository.factories import DatasetVersionFactory


def walk(client, url, params, key="accession"):
    seen, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        seen.append([row[key] for row in body["results"]])
        if not body["next"]:
            return seen, body
        response = client.get(body["next"])


def test_dataset_list_pages_through_every_dataset(client, db):
    for n in range(7):
        DatasetVersionFactory(title=f"Cohort {n}")
    pages, last = walk(client, "/api/v1/datasets/", {"page_size": 3, "ordering": "title"}, key="title")
    assert pages == [["Cohort 0", "Cohort 1", "Cohort 2"], ["Cohort 3", "Cohort 4", "Cohort 5"], ["Cohort 6"]]
    back = client.get(last["previous"]).json()
    assert [row["title"] for row in back["results"]] == ["Cohort 3", "Cohort 4", "Cohort 5"]


def test_ties_in_the_ordering_do_not_lose_rows(client, db):
    for n in range(5):
        DatasetVersionFactory(title="Same title", short_name=f"S{n}")
    pages, _ = walk(client, "/api/v1/datasets/", {"page_size": 2, "ordering": "title"}, key="short_name")
    assert sorted(sum(pages, [])) == ["S0", "S1", "S2", "S3", "S4"]


def test_image_list_pages_by_accession(client, db):
    version = DatasetVersionFactory()
    images = [ImageFactory(version=version).accession for _ in range(5)]
    url = f"/api/v1/datasets/{version.dataset.accession}/versions/1/images/"
    pages, _ = walk(client, url, {"page_size": 2})
    assert pages == [images[0:2], images[2:4], images[4:5]]


def test_sample_list_pages_across_kinds_root_to_leaf(client, db):
    version = DatasetVersionFactory()
    beings = [BiologicalBeingFactory(version=version) for _ in range(2)]
    slide = SlideFactory(version=version)  # with its being, case, specimen and block
    url = f"/api/v1/datasets/{version.dataset.accession}/versions/1/samples/"
    pages, last = walk(client, url, {"page_size": 2}, key="kind")
    assert sum(pages, []) == ["being", "being", "being", "case", "specimen", "block", "slide"]
    assert len(pages) == 4
    back = client.get(last["previous"]).json()["results"]
    assert [row["kind"] for row in back] == ["specimen", "block"]
    first = client.get(url, {"page_size": 2}).json()
    assert first["previous"] is None
    assert [row["accession"] for row in first["results"]] == [b.accession for b in beings]
    assert first["results"][0]["accession"] < slide.block.specimens.get().being.accession


def test_garbage_cursor_is_404(client, db):
    version = DatasetVersionFactory()
    url = f"/api/v1/datasets/{version.dataset.accession}/versions/1/samples/"
    unknown_kind = base64.b64encode(b"p=organ%3Abp-sample-1").decode()
    assert client.get(url, {"cursor": unknown_kind}).status_code == 404
    being_cursor = base64.b64encode(b"p=being%3Abp-sample-1").decode()
    assert client.get(url, {"cursor": being_cursor}).status_code == 200
    assert client.get(url, {"cursor": being_cursor, "kind": "slide"}).status_code == 404
