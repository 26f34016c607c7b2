"""Version detail carries an ETag and answers If-None-Match with 304 Not Modified."""

from repository.models import DatasetStatus
from tests.repository.factories import DatasetVersionFactory


def test_version_detail_has_etag_and_honours_if_none_match(client, db):
    version = DatasetVersionFactory()
    url = f"/api/v1/datasets/{version.dataset.accession}/versions/1/"
    first = client.get(url)
    assert first.status_code == 200 and first.json()["version"] == 1
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b"" and again.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_etag_changes_with_the_version_and_the_dataset_status(client, db):
    v1 = DatasetVersionFactory()
    dataset = v1.dataset
    v1_url = f"/api/v1/datasets/{dataset.accession}/versions/1/"
    etag_v1 = client.get(v1_url).headers["ETag"]

    latest_url = f"/api/v1/datasets/{dataset.accession}/"
    assert client.get(latest_url).headers["ETag"] == etag_v1
    DatasetVersionFactory(dataset=dataset, number=2)
    latest = client.get(latest_url, headers={"If-None-Match": etag_v1})
    assert latest.status_code == 200 and latest.json()["version"] == 2

    dataset.status, dataset.status_reason = DatasetStatus.DEPRECATED, "Superseded by a corrected cohort."
    dataset.save()
    deprecated = client.get(v1_url, headers={"If-None-Match": etag_v1})
    assert deprecated.status_code == 200
    assert deprecated.json()["status"] == "deprecated"


def test_no_etag_lookup_leaks_a_hidden_version(client, db):
    version = DatasetVersionFactory(dataset__status=DatasetStatus.REGISTERED)
    response = client.get(f"/api/v1/datasets/{version.dataset.accession}/versions/1/", headers={"If-None-Match": "*"})
    assert response.status_code == 404 and "ETag" not in response.headers
