"""Frames and bulk data are read by byte range from the archive, on local storage and on S3 alike."""

import io

import pydicom
import pytest
from django.core.management import call_command
from pydicom.encaps import generate_frames

from access.models import DicomInstance
from repository.models import DatasetVersion
from tests.access.factories import UserFactory
from tests.access.permissions.conftest import approve
from tests.accesslayer.dicomweb.conftest import bearer
from tests.accesslayer.dicomweb.test_wado import _parts

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_frames_from_either_backend_are_the_stored_bytes(storage_backend, wsi_bundles, client,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_metaflex", str(wsi_bundles["direct"]))
    version = DatasetVersion.objects.get(alias="viewer-direct")
    call_command("dicomweb_index")
    user = UserFactory()
    approve(version.dataset, user)
    row = DicomInstance.objects.filter(version=version, flavor="VOLUME").order_by("-number_of_frames").first()
    dataset = pydicom.dcmread(io.BytesIO(storage_backend.read(f"archive/{row.image_file.storage_name}")))
    stored = list(generate_frames(dataset.PixelData, number_of_frames=row.number_of_frames))
    base = f"/dicomweb/studies/{row.study_uid}/series/{row.series_uid}/instances/{row.sop_uid}"
    response = client.get(f"{base}/frames/2,{row.number_of_frames}", headers={**bearer(user), "Accept": "*/*"})
    assert response.status_code == 200 and _parts(response) == [stored[1], stored[-1]]
