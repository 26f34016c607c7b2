"""On S3 storage too, the public zip is built once, verified before reuse, and streamed to the public."""

import hashlib

import pytest
from django.core.files.base import ContentFile

from bigpicture.storage import storage_for
from repository.services.datasets import dataset_status_change
from repository.services.public_exports import public_export_build, withdrawn_public_files_remove

pytestmark = pytest.mark.s3
BUCKET = "portal-public-tests"


@pytest.fixture
def version(imported_version, local_storage, s3_storage):
    """A version imported on local storage, its public objects then moved to S3 (the storage in use).

    Tests list it before `s3_storage`, so that S3 is switched on last.
    """
    for sample in imported_version.summary["sample_images"]:
        storage_for("public").save(sample["name"], ContentFile((local_storage / "public" / sample["name"])
                                                               .read_bytes()))
    return imported_version


def test_built_on_s3_and_served(client, version, s3_storage):
    built = public_export_build(version_id=version.pk)
    obj = s3_storage.head_object(Bucket=BUCKET, Key=f"public/{built.public_export_name}")
    assert obj["ContentLength"] == built.public_export_size
    response = client.get(f"/datasets/{version.dataset.accession}/metaflex.zip")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == built.public_export_sha256


def test_a_truncated_object_on_s3_is_replaced(version, s3_storage):
    built = public_export_build(version_id=version.pk)
    public = storage_for("public")
    public.delete(built.public_export_name)
    public.save(built.public_export_name, ContentFile(b"PK\x03\x04 cut short"))
    rebuilt = public_export_build(version_id=version.pk)
    body = s3_storage.get_object(Bucket=BUCKET, Key=f"public/{rebuilt.public_export_name}")["Body"].read()
    assert hashlib.sha256(body).hexdigest() == rebuilt.public_export_sha256 == built.public_export_sha256


def test_withdrawal_empties_the_public_prefix_of_the_dataset(version, s3_storage):
    public_export_build(version_id=version.pk)
    accession = version.dataset.accession
    listed = s3_storage.list_objects_v2(Bucket=BUCKET, Prefix=f"public/{accession}/").get("Contents", [])
    assert len(listed) == 2  # the zip and the sample image
    dataset_status_change(dataset=version.dataset, status="withdrawn", reason="Consent withdrawn.")
    assert withdrawn_public_files_remove(dataset_id=version.dataset_id) == 2
    assert s3_storage.list_objects_v2(Bucket=BUCKET, Prefix=f"public/{accession}/").get("Contents", []) == []
