"""Public landing pages: latest and numbered versions, nil rendered as "not reported"."""

from repository.templatetags.metaflex import reported
from tests.repository.factories import DatasetVersionFactory


def test_latest_and_numbered_versions(client, db):
    first = DatasetVersionFactory(title="Cohort v1", make_latest=False)
    second = DatasetVersionFactory(dataset=first.dataset, number=2, title="Cohort v2", changelog="Added 3 slides.")
    accession = first.dataset.accession
    assert "Cohort v2" in client.get(f"/datasets/{accession}/").content.decode()
    page = client.get(f"/datasets/{accession}/v/1/").content.decode()
    assert "Cohort v1" in page and f"/datasets/{accession}/v/2/" in page
    assert second.changelog in client.get(f"/datasets/{accession}/v/2/").content.decode()


def test_anonymous_can_read_and_sees_request_access(client, db):
    version = DatasetVersionFactory(summary={"species": ["Homo sapiens"], "diagnoses": None})
    page = client.get(f"/datasets/{version.dataset.accession}/").content.decode()
    assert "Request access" in page and "Homo sapiens" in page
    assert "not reported" in page and "None" not in page and "nil" not in page


def test_unknown_accession_is_404(client, db):
    assert client.get("/datasets/bp-dataset-zzzzzz-zzzzzz/").status_code == 404


def test_reported_filter_hides_raw_structures():
    assert reported(None) == "not reported"
    assert reported("") == "not reported"
    assert reported({"nil": True}) == "not reported"
    assert reported({"kind": "code", "meaning": "Biopsy", "code": "86273004"}) == "Biopsy"
    assert reported({"value": "0.25", "units": "um/px"}) == "0.25 µm/px"
    assert reported([None, "H&E", {"nil": True}]) == "H&E"
    assert reported(0) == 0
