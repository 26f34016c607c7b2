"""Images and annotations are metadata only: file names, sizes and checksums, never storage keys."""

import json

from repository.models import AnnotationFile, Image, ImageFile, Slide
from tests.repository.api_factories import populated_version


def test_images_list_metadata_without_storage_paths(client, db):
    version = populated_version()
    url = f"/api/v1/datasets/{version.dataset.accession}/versions/1/images/"
    response = client.get(url)
    assert response.status_code == 200
    image, file = Image.objects.get(), ImageFile.objects.get()
    [row] = response.json()["results"]
    assert row["accession"] == image.accession and row["image_type"] == "WSI_IMAGE"
    assert row["slides"] == [Slide.objects.get().accession]
    assert row["files"] == [{
        "accession": file.accession, "filename": file.filename, "filetype": "dcm", "size": 123_456,
        "checksum_method": "SHA256", "checksum": file.checksum, "unencrypted_checksum": "",
    }]
    body = response.content.decode()
    assert file.storage_name not in body and "storage" not in body
    assert "/media/" not in body and "download" not in body


def test_annotations_list_file_names_and_checksums_only(client, db):
    version = populated_version()
    response = client.get(f"/api/v1/datasets/{version.dataset.accession}/versions/1/annotations/")
    assert response.status_code == 200
    file = AnnotationFile.objects.get()
    [row] = response.json()["results"]
    assert row["image"] == Image.objects.get().accession
    assert [(f["filename"], f["checksum"]) for f in row["files"]] == [(file.filename, file.checksum)]
    assert file.storage_name not in json.dumps(row) and "storage" not in response.content.decode()
