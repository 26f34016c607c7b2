"""One visibility rule: every public page, file and API endpoint agrees on what the public may see.

Registered datasets and unpublished versions do not exist (404); released and
deprecated ones are listed and served; a withdrawn one keeps only its tombstone
(410) and nothing else of it is served.
"""

import pytest
from django.core.files.base import ContentFile

from bigpicture.storage import storage_for
from repository.models import Dataset, DatasetStatus
from repository.selectors.visibility import listed_versions, visible_version
from repository.services.public_exports import public_export_build
from tests.repository.factories import DatasetVersionFactory

# What each public path answers, by dataset status.
EXPECTED = {
    DatasetStatus.REGISTERED: {"listed": False, "page": 404, "file": 404, "sample": 404},
    DatasetStatus.RELEASED: {"listed": True, "page": 200, "file": 200, "sample": 200},
    DatasetStatus.DEPRECATED: {"listed": True, "page": 200, "file": 200, "sample": 200},
    DatasetStatus.WITHDRAWN: {"listed": False, "page": 410, "file": 410, "sample": 404},
}
FILES = ["metaflex.zip", "datacite.xml", "cite.txt", "cite.bib", "cite.ris"]
API = ["", "versions/", "versions/1/", "versions/1/samples/", "versions/1/images/", "versions/1/observations/",
       "versions/1/annotations/"]


@pytest.mark.parametrize("status", list(EXPECTED))
def test_every_public_path_follows_the_one_rule(client, imported_version, status):
    public_export_build(version_id=imported_version.pk)
    Dataset.objects.filter(pk=imported_version.dataset_id).update(status=status, status_reason="Reason given.")
    accession, expected = imported_version.dataset.accession, EXPECTED[status]
    title = imported_version.title

    assert (title in client.get("/datasets/").content.decode()) is expected["listed"]
    api_list = [d["accession"] for d in client.get("/api/v1/datasets/").json()["results"]]
    assert (accession in api_list) is expected["listed"]
    assert client.get("/statistics/").context["totals"]["datasets"] == (1 if expected["listed"] else 0)

    for path in (f"/datasets/{accession}/", f"/datasets/{accession}/v/1/"):
        assert client.get(path).status_code == expected["page"], path
    for name in FILES:
        for path in (f"/datasets/{accession}/{name}", f"/datasets/{accession}/v/1/{name}"):
            assert client.get(path).status_code == expected["file"], path
    for suffix in API:
        assert client.get(f"/api/v1/datasets/{accession}/{suffix}").status_code == expected["file"], suffix
    sample = imported_version.summary["sample_images"][0]["name"]
    assert client.get(f"/media/public/{sample}").status_code == expected["sample"]


def test_an_unpublished_version_is_not_there(client, db):
    released = DatasetVersionFactory()
    DatasetVersionFactory(dataset=released.dataset, number=2, published_at=None, make_latest=False)
    accession = released.dataset.accession
    assert visible_version(accession=accession, number=2) is None
    assert visible_version(accession=accession).version == released
    for path in ("/", "/datacite.xml", "/cite.txt", "/metaflex.zip"):
        assert client.get(f"/datasets/{accession}/v/2{path}").status_code == 404, path
    assert client.get(f"/api/v1/datasets/{accession}/versions/2/").status_code == 404
    assert [v.number for v in released.dataset.versions.all() if v in listed_versions()] == [1]


def test_the_catalogue_and_the_api_list_the_same_versions(client, db):
    shown = [DatasetVersionFactory(dataset__status=status) for status in (DatasetStatus.RELEASED,
                                                                         DatasetStatus.DEPRECATED)]
    for status in (DatasetStatus.REGISTERED, DatasetStatus.WITHDRAWN):
        DatasetVersionFactory(dataset__status=status)
    older = DatasetVersionFactory(make_latest=False)
    DatasetVersionFactory(dataset=older.dataset, number=2)
    expected = {v.dataset.accession for v in shown} | {older.dataset.accession}
    api = {d["accession"]: d["version"] for d in client.get("/api/v1/datasets/").json()["results"]}
    assert set(api) == expected and api[older.dataset.accession] == 2
    page = client.get("/datasets/").context["page"]
    assert {v.dataset.accession for v in page} == expected
    assert set(listed_versions().values_list("dataset__accession", flat=True)) == expected


def test_only_sample_images_of_visible_versions_are_served(client, imported_version):
    public = storage_for("public")
    accession = imported_version.dataset.accession
    # Objects in the public area that no visible version names as a sample image.
    stray = public.save(f"{accession}/ab/{'ab' * 32}.jpg", ContentFile(b"left behind by a crashed import"))
    other = public.save(f"bp-dataset-other-aaaaaa/cd/{'cd' * 32}.png", ContentFile(b"not a sample"))
    public_export_build(version_id=imported_version.pk)
    imported_version.refresh_from_db()
    for name in (stray, other, imported_version.public_export_name):
        assert public.exists(name)
        assert client.get(f"/media/public/{name}").status_code == 404, name
    sample = imported_version.summary["sample_images"][0]["name"]
    assert client.get(f"/media/public/{sample}").status_code == 200
