"""The whole chain, run by the tasks themselves (eagerly, in this process) on both storage backends,
with a real clamd: synthetic SVS and OME-TIFF in, de-identified DICOM out, published as MetaFleX."""

from __future__ import annotations

import pydicom
import pytest
from wsidicom import WsiDicom

from ingestion.models import ConvertedFile, ImageJob, PipelineStep
from ingestion.services.review import review_act
from ingestion.services.submissions import submission_transition
from ingestion.services.validation import submission_validate
from ingestion.states import FileState, SubmissionState
from repository.models import ImageFile
from tests.governance.factories import dsa_signed
from tests.ingestion.pipeline.pipeline_kit import (
    FAKE_PATIENT,
    barcodes_of,
    bundle_uploaded,
    slide_bundle,
    stored_bytes_contain,
)
from tests.ingestion.review_fixtures import *  # noqa: F401,F403

pytestmark = [pytest.mark.clamd, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("image_files", ["svs", "ome"])
def test_scanner_files_become_deidentified_dicom_and_are_published(image_files, storage_backend, eager, tmp_path,
                                                                   submission, contributor, steward):
    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "bundle", image_files=image_files)
    barcodes = barcodes_of(bundle)
    files = bundle_uploaded(submission, bundle)
    assert {f.state for f in submission.files.all()} == {FileState.SCANNED}

    submission_transition(submission=submission, action="submit", actor=contributor)
    submission_validate(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.AWAITING_REVIEW, submission.events.last().message
    job = ImageJob.objects.get(submission=submission, active=True)
    steps = {s.name: s for s in PipelineStep.objects.filter(job=job)}
    assert all(s.state == "done" for s in steps.values()), ({n: (s.state, s.message) for n, s in steps.items()},
                                                            job.plan["files"], [f.path for f in files])
    assert job.lossless is True and steps["convert"].details["lossless"] is True
    assert job.source_format == ("svs" if image_files == "svs" else "ome_tiff")
    assert job.facts["levels"] and job.thumbnail_name
    outputs = list(ConvertedFile.objects.filter(job=job))
    assert outputs and {o.role for o in outputs} <= {"VOLUME", "THUMBNAIL", "OVERVIEW"}  # no LABEL (policy)

    review_act(submission=submission, action="approve", actor=steward)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.PUBLISHED, submission.events.last().message
    published = ImageFile.objects.filter(image__version=submission.version)
    assert {f.filename for f in published} == {o.path for o in outputs}
    assert all(f.filetype == "dcm" for f in published)
    # The facts filled in from the headers are real ones: no de-identification dummy date, no placeholder.
    facts = str(published[0].image.attributes)
    assert "base_layer_dimensions" in facts and "1900-01-01" not in facts and "Unknown" not in facts
    source = next(f for f in files if f.path.endswith((".svs", ".tiff")))
    source.refresh_from_db()
    assert source.state == FileState.REMOVED and "not kept" in source.events.last().message

    # What was published is standard DICOM WSI that opens as one slide, and nowhere in storage is the
    # fake patient's name or the label's barcode.
    archive = sorted(k for k in storage_backend.objects("archive") if k.endswith(".dcm"))
    assert len(archive) == len(outputs)
    folder = tmp_path / "out"
    folder.mkdir()
    for n, key in enumerate(archive):
        (folder / f"{n}.dcm").write_bytes(storage_backend.read(key))
    header = pydicom.dcmread(folder / "0.dcm", stop_before_pixels=True)
    assert header.PatientIdentityRemoved == "YES" and header.PatientName != FAKE_PATIENT
    # The MetaFleX slide record became the DICOM slide, its alias pseudonymised (not wsidicom's "Unknown").
    assert str(header.ContainerIdentifier).startswith("P1-")
    with WsiDicom.open(folder) as slide:
        assert slide.size.width > 0
    needles = [FAKE_PATIENT.encode(), FAKE_PATIENT.replace("^", " ").encode(), *(b.encode() for b in barcodes)]
    if image_files == "svs":  # the synthetic SVS has the barcode in its description (the OME-TIFF has none)
        assert barcodes, "the synthetic slide should carry a barcode to look for"
    assert stored_bytes_contain(storage_backend, ("archive", "public", "inbox"), needles) == []
    assert not [k for k in storage_backend.objects("inbox", "archive", "public", "quarantine") if "_staging" in k]
