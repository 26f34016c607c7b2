"""The index: filled by a real worker after publication, and by the backfill command; frames located
from the headers match pydicom's reading of the whole file."""

import time

import pydicom
import pytest
from django.core.management import call_command
from pydicom.encaps import generate_frames

from access.dicomweb.files import stored_open
from access.dicomweb.frames import frames_read
from access.models import DicomInstance
from repository.models import DatasetVersion, ImageFile

pytestmark = [pytest.mark.postgres]


@pytest.mark.worker
@pytest.mark.slow
def test_publication_has_the_worker_index_the_instances(celery_worker, archive_storage, wsi_bundles):
    worker = celery_worker(MEDIA_ROOT=str(archive_storage))
    call_command("import_metaflex", str(wsi_bundles["direct"]))
    version = DatasetVersion.objects.get(alias="viewer-direct")
    deadline = time.monotonic() + 90
    while not DicomInstance.objects.filter(version=version).exists():
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.3)
    # Every file's SOP instance, once (two synthetic images are the same slide: same UIDs, two files).
    uids = set()
    for image_file in ImageFile.objects.filter(image__version=version):
        with stored_open(image_file.storage_name) as handle:
            uids.add(pydicom.dcmread(handle, stop_before_pixels=True).SOPInstanceUID)
    assert set(DicomInstance.objects.filter(version=version).values_list("sop_uid", flat=True)) == uids


@pytest.mark.django_db
def test_frames_located_from_headers_match_the_whole_file(indexed):
    rows = DicomInstance.objects.filter(version=indexed).select_related("image_file")
    assert {row.flavor for row in rows} == {"VOLUME", "LABEL", "OVERVIEW", "THUMBNAIL"}
    for row in rows:
        with stored_open(row.image_file.storage_name) as handle:
            dataset = pydicom.dcmread(handle)
        assert (row.study_uid, row.series_uid, row.sop_uid) == (
            dataset.StudyInstanceUID, dataset.SeriesInstanceUID, dataset.SOPInstanceUID)
        assert row.transfer_syntax_uid == dataset.file_meta.TransferSyntaxUID
        expected = list(generate_frames(dataset.PixelData, number_of_frames=row.number_of_frames))
        assert list(frames_read(row, list(range(1, row.number_of_frames + 1)))) == expected


@pytest.mark.django_db
def test_the_backfill_is_idempotent_and_follows_the_latest_version(indexed, capsys):
    before = set(DicomInstance.objects.values_list("pk", "sop_uid"))
    call_command("dicomweb_index")
    after = set(DicomInstance.objects.values_list("sop_uid", flat=True))
    assert after == {sop for _, sop in before} and f"{indexed.dataset.accession} v1:" in capsys.readouterr().out
