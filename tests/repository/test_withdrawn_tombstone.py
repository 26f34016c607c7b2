"""A withdrawn dataset keeps a tombstone (410): title, accession, citation and reason, and nothing else."""

from bigpicture.storage import storage_for
from repository.models import DatasetStatus
from repository.services.datasets import dataset_status_change
from repository.services.public_exports import public_export_build, withdrawn_public_files_remove

REASON = "Consent withdrawn by the data holder."


def _withdraw(version, django_capture_on_commit_callbacks, *, execute=False):
    with django_capture_on_commit_callbacks(execute=execute) as callbacks:
        dataset_status_change(dataset=version.dataset, status=DatasetStatus.WITHDRAWN, reason=REASON)
    return callbacks


def test_tombstone_page_is_410_with_title_accession_citation_and_reason(
        client, imported_version, django_capture_on_commit_callbacks):
    _withdraw(imported_version, django_capture_on_commit_callbacks)
    accession = imported_version.dataset.accession
    for path in (f"/datasets/{accession}/", f"/datasets/{accession}/v/1/"):
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 410, path
        assert imported_version.title in page and accession in page and REASON in page
        citation = page.split('class="citation-text">', 1)[1].split("</p>", 1)[0]
        assert "How to cite" in page and accession in citation and "Test dataset of skin biopsies" in citation
        # Nothing of the content: no sample images, downloads, summary, terms or JSON-LD.
        assert "/media/public/" not in page and "metaflex.zip" not in page and "datacite.xml" not in page
        assert "Homo sapiens" not in page and "Research use only." not in page
        assert "application/ld+json" not in page


def test_files_and_api_of_a_withdrawn_dataset_are_gone(client, imported_version,
                                                       django_capture_on_commit_callbacks):
    public_export_build(version_id=imported_version.pk)
    _withdraw(imported_version, django_capture_on_commit_callbacks)
    accession = imported_version.dataset.accession
    for name in ("metaflex.zip", "datacite.xml", "cite.txt", "cite.bib", "cite.ris"):
        response = client.get(f"/datasets/{accession}/{name}")
        assert response.status_code == 410, name
        assert REASON in response.content.decode()
    api = client.get(f"/api/v1/datasets/{accession}/")
    assert api.status_code == 410 and "withdrawn" in api.json()["detail"]
    sample = imported_version.summary["sample_images"][0]["name"]
    assert client.get(f"/media/public/{sample}").status_code == 404


def test_withdrawal_removes_the_public_objects_once_committed(imported_version, django_capture_on_commit_callbacks):
    public_export_build(version_id=imported_version.pk)
    imported_version.refresh_from_db()
    public = storage_for("public")
    names = [imported_version.public_export_name, imported_version.summary["sample_images"][0]["name"]]
    assert all(public.exists(name) for name in names)
    callbacks = _withdraw(imported_version, django_capture_on_commit_callbacks)
    # the clean-up task is sent only once the withdrawal commits (beside the permission cache's bump)
    assert [c for c in callbacks if "permissions_invalidate" not in c.__qualname__] == [callbacks[-1]]
    assert "dispatch" in callbacks[-1].__qualname__
    assert withdrawn_public_files_remove(dataset_id=imported_version.dataset_id) == 2
    assert not any(public.exists(name) for name in names)
    imported_version.refresh_from_db()
    assert imported_version.public_export_name == "" and imported_version.public_export_sha256 == ""
    assert public_export_build(version_id=imported_version.pk).public_export_name == ""  # none rebuilt


def test_public_objects_of_a_released_dataset_are_never_removed(imported_version):
    public_export_build(version_id=imported_version.pk)
    assert withdrawn_public_files_remove(dataset_id=imported_version.dataset_id) == 0
    imported_version.refresh_from_db()
    assert storage_for("public").exists(imported_version.public_export_name)
