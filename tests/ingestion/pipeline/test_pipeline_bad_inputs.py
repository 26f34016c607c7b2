"""Bad inputs through the pipeline (its tasks run eagerly, with a real clamd): each ends as a clear
message on the file that names it and says what it is, and the submission never reaches review.
A file over the size limit is refused when it is registered, before any byte is sent."""

from __future__ import annotations

import io
import os
import random

import pytest
from PIL import Image

from ingestion.models import PipelineStep, SubmissionFile
from ingestion.services.submissions import submission_transition
from ingestion.services.validation import submission_validate
from ingestion.states import Failure, FileState, SubmissionState
from tests.governance.factories import dsa_signed
from tests.ingestion.pipeline.pipeline_kit import (
    bundle_image,
    bundle_uploaded,
    ct_slice_dicom,
    image_replaced,
    slide_bundle,
    steps_text,
)
from tests.ingestion.review_fixtures import *  # noqa: F401,F403

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager(settings, clamd_server):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    from bigpicture.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 120, 160)).save(out, "JPEG", quality=90)
    return out.getvalue()


def _truncated(bundle) -> bytes:
    data = bundle_image(bundle).read_bytes()
    return data[:len(data) // 2]


# name -> (the bytes in place of the slide, its new suffix, what the message must say)
BAD_IMAGES = {
    "renamed_jpeg": (lambda bundle: _jpeg(), None, "is a JPEG photo, not a whole-slide image"),
    "truncated_svs": (_truncated, None, "truncated"),
    "random_bytes": (lambda bundle: random.Random(8).randbytes(300_000), None, "is not a slide format"),
    "dicom_not_wsi": (lambda bundle: ct_slice_dicom(), ".dcm", "is DICOM, but not a whole-slide image"),
    "zero_bytes": (lambda bundle: b"", None, "is empty (zero bytes)"),
}


@pytest.mark.clamd
@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BAD_IMAGES))
def test_a_bad_image_file_fails_with_a_message_naming_it(case, eager, local_storage, tmp_path, submission,
                                                         contributor):
    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "bundle", seed=31, size=(1024, 768))
    make, suffix, says = BAD_IMAGES[case]
    path = image_replaced(bundle, make(bundle), suffix=suffix)
    bundle_uploaded(submission, bundle)
    assert {f.state for f in submission.files.all()} == {FileState.SCANNED}, steps_text(submission)

    submission_transition(submission=submission, action="submit", actor=contributor)
    submission_validate(submission_id=submission.pk)
    submission.refresh_from_db()

    image = SubmissionFile.objects.get(submission=submission, path=path)
    assert image.state == FileState.ERROR, steps_text(submission)
    assert image.failure in (Failure.USER, Failure.PERMANENT)
    assert image.error.startswith(path) and says in image.error, image.error
    assert "Traceback" not in image.error and "unexpectedly" not in image.error
    identify = PipelineStep.objects.get(job__submission=submission, name="identify")
    assert (identify.state, identify.message) == ("failed", image.error)
    assert not PipelineStep.objects.filter(job__submission=submission, name="convert").exclude(state="pending")
    assert submission.state not in (SubmissionState.AWAITING_REVIEW, SubmissionState.PUBLISHING,
                                    SubmissionState.PUBLISHED), submission.state
    others = submission.files.exclude(pk=image.pk)
    assert {f.state for f in others} == {FileState.READY}  # only the bad file is held back


def test_a_sparse_file_over_the_size_limit_is_refused_at_registration(settings, local_storage, tmp_path,
                                                                        submission, contributor, client):
    settings.INGESTION_MAX_FILE_BYTES = 2 * 1024**3
    dsa_signed(submission.organisation)
    sparse = tmp_path / "huge.svs"
    with open(sparse, "wb") as handle:
        handle.truncate(settings.INGESTION_MAX_FILE_BYTES + 1)
    assert sparse.stat().st_blocks == 0  # 2 GiB on paper, no disk used
    client.force_login(contributor)

    response = client.post(f"/api/v1/submissions/{submission.pk}/files/", content_type="application/json",
                           data={"path": "IMAGES/IMAGE_image-1/huge.svs", "size": sparse.stat().st_size})

    assert response.status_code == 413, response.content
    body = response.json()
    assert (body["code"], body["limit"]) == ("file.too_large", settings.INGESTION_MAX_FILE_BYTES)
    assert body["detail"] == ("IMAGES/IMAGE_image-1/huge.svs is 2.0 GB (2,147,483,649 bytes); the largest file "
                              "accepted is 2.0 GB (2,147,483,648 bytes).")
    assert not SubmissionFile.objects.filter(submission=submission).exists()
    assert not [p for p in (local_storage / "inbox").rglob("*") if p.is_file()]  # no upload was started
    submission.refresh_from_db()
    assert submission.state == SubmissionState.DRAFT
    assert os.path.getsize(sparse) == settings.INGESTION_MAX_FILE_BYTES + 1
