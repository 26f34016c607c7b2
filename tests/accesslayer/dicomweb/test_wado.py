"""WADO-RS: frames as stored (bytes, Accept negotiation, 406), metadata with bulk data, rendered images."""

import io
import re

import pydicom
import pytest
from PIL import Image as PILImage
from pydicom.encaps import generate_frames

from access.dicomweb.files import stored_open
from access.models import DicomInstance
from governance.models import AuditEvent
from tests.accesslayer.dicomweb.conftest import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
JPEG = "1.2.840.10008.1.2.4.50"


@pytest.fixture
def volume(indexed) -> DicomInstance:
    return DicomInstance.objects.filter(version=indexed, flavor="VOLUME").order_by("-number_of_frames").first()


@pytest.fixture
def headers(entitled_user):
    return bearer(entitled_user)


def _base(row: DicomInstance) -> str:
    return f"/dicomweb/studies/{row.study_uid}/series/{row.series_uid}/instances/{row.sop_uid}"


def _parts(response) -> list[bytes]:
    """The parts of a multipart/related answer, parsed here independently of any client."""
    boundary = re.search(r"boundary=([^;]+)", response["Content-Type"]).group(1)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    chunks = body.split(f"--{boundary}".encode())
    assert chunks[0] == b"" and chunks[-1] == b"--\r\n"
    return [chunk.split(b"\r\n\r\n", 1)[1].removesuffix(b"\r\n") for chunk in chunks[1:-1]]


def _stored_frames(row: DicomInstance) -> list[bytes]:
    with stored_open(row.image_file.storage_name) as handle:
        dataset = pydicom.dcmread(handle)
    return list(generate_frames(dataset.PixelData, number_of_frames=row.number_of_frames))


def test_frames_are_the_stored_bytes(client, volume, headers):
    stored = _stored_frames(volume)
    assert volume.transfer_syntax_uid == JPEG and len(stored) == volume.number_of_frames > 4
    numbers = [1, len(stored), 3]
    response = client.get(f"{_base(volume)}/frames/{','.join(map(str, numbers))}",
                          headers={**headers, "Accept": f'multipart/related; type="image/jpeg"; transfer-syntax={JPEG}'})
    assert response.status_code == 200
    assert response["Content-Type"].startswith('multipart/related; type="image/jpeg"; transfer-syntax=')
    assert response["Cache-Control"] == "private"
    assert _parts(response) == [stored[n - 1] for n in numbers]


@pytest.mark.parametrize(("accept", "status"), [
    ('multipart/related; type="image/jpeg"', 200),
    ('multipart/related; type="application/octet-stream"; transfer-syntax=*', 200),
    ("*/*", 200),
    ("", 200),
    ('multipart/related; type="image/jp2"; transfer-syntax=1.2.840.10008.1.2.4.90, '
     'multipart/related; type="image/jpeg"; q=0.5', 200),
    ('multipart/related; type="application/octet-stream"', 406),  # uncompressed: would need a decode
    ('multipart/related; type="image/jp2"', 406),  # would need a re-encode
    (f'multipart/related; type="image/jpeg"; transfer-syntax={JPEG[:-2]}70', 406),
])
def test_accept_negotiation(client, volume, headers, accept, status):
    response = client.get(f"{_base(volume)}/frames/2", headers={**headers, "Accept": accept})
    assert response.status_code == status, response.content
    if status == 200:
        assert _parts(response) == [_stored_frames(volume)[1]]


def test_frame_numbers_out_of_range_are_400(client, volume, headers):
    for numbers in ("0", f"{volume.number_of_frames + 1}", "1,0"):
        assert client.get(f"{_base(volume)}/frames/{numbers}", headers=headers).status_code == 400


def test_metadata_is_dicom_json_with_bulk_data_uris_that_resolve(client, indexed, headers):
    row = DicomInstance.objects.filter(version=indexed, flavor="VOLUME").first()
    response = client.get(f"{_base(row)}/metadata", headers=headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/dicom+json"
    (metadata,) = response.json()
    dataset = pydicom.Dataset.from_json(metadata)
    assert dataset.SOPInstanceUID == row.sop_uid and "PixelData" not in dataset
    assert metadata["00083002"]["Value"] == [JPEG]
    uris = re.findall(r'"BulkDataURI": "([^"]+)"', response.content.decode())
    assert uris, "the ICC profile is bulk data"
    assert uris[0].startswith("http://testserver/dicomweb/studies/")
    with stored_open(row.image_file.storage_name) as handle:
        header = pydicom.dcmread(handle, stop_before_pixels=True)
    icc = header.OpticalPathSequence[0].ICCProfile
    bulk = client.get(uris[0].removeprefix("http://testserver"), headers=headers)
    assert bulk.status_code == 200 and _parts(bulk) == [bytes(icc)]
    series = client.get(f"/dicomweb/studies/{row.study_uid}/series/{row.series_uid}/metadata", headers=headers)
    assert len(series.json()) == DicomInstance.objects.filter(series_uid=row.series_uid).count()


def test_rendered_and_thumbnails(client, indexed, headers):
    thumbnail_row = DicomInstance.objects.filter(version=indexed, flavor="THUMBNAIL").first()
    response = client.get(f"{_base(thumbnail_row)}/rendered", headers={**headers, "Accept": "image/png"})
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = PILImage.open(io.BytesIO(response.content))
    assert image.size == (thumbnail_row.columns, thumbnail_row.rows)
    series = f"/dicomweb/studies/{thumbnail_row.study_uid}/series/{thumbnail_row.series_uid}"
    response = client.get(f"{series}/thumbnail?viewport=64,64", headers={**headers, "Accept": "image/jpeg"})
    assert response.status_code == 200 and max(PILImage.open(io.BytesIO(response.content)).size) == 64
    # the series' THUMBNAIL instance is the one shrunk, and the read is audited
    assert AuditEvent.objects.filter(action="dicomweb.thumbnail").latest("sequence").detail == {
        "instance": thumbnail_row.sop_uid}
    volume = DicomInstance.objects.filter(series_uid=thumbnail_row.series_uid, flavor="VOLUME").order_by(
        "number_of_frames").first()
    response = client.get(f"{_base(volume)}/frames/1/rendered", headers={**headers, "Accept": "image/jpeg"})
    assert response.status_code == 200
    assert PILImage.open(io.BytesIO(response.content)).size == (volume.columns, volume.rows)
    assert client.get(f"{_base(volume)}/rendered", headers={**headers, "Accept": "image/gif"}).status_code == 406
