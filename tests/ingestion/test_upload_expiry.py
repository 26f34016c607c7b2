"""Uploads never completed expire after INGESTION_UPLOAD_EXPIRY_HOURS; the sweep deletes their parts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bigpicture.celery import app
from ingestion.models import SubmissionFile, UploadPart
from ingestion.services.expiry import uploads_expire
from ingestion.tasks.uploads import uploads_expire as uploads_expire_task
from tests.ingestion.uploadkit import payload


def test_unfinished_upload_expires_and_its_parts_are_deleted(portal, submission, storage_backend, small_parts,
                                                             settings):
    settings.INGESTION_UPLOAD_EXPIRY_HOURS = 2
    stale_data, fresh_data = payload(2 * small_parts, seed=1), payload(10, seed=2)
    stale = portal.register(submission, "IMAGES/IMAGE_a/1.dcm", stale_data).json()
    portal.send_parts(submission, stale, stale_data, [1])
    fresh = portal.register(submission, "IMAGES/IMAGE_b/1.dcm", fresh_data).json()
    done = portal.upload(submission, "METADATA/dataset.xml", payload(20, seed=3))
    SubmissionFile.objects.filter(pk__in=[stale["id"], done["id"]]).update(
        created=timezone.now() - timedelta(hours=3))

    assert uploads_expire() == 1
    expired = SubmissionFile.objects.get(pk=stale["id"])
    assert expired.state == "expired"
    assert "not completed within 2 hours" in expired.events.last().message
    assert not UploadPart.objects.filter(file=expired).exists()
    prefix = f"inbox/submissions/{submission.pk}"
    waiting = {f"{prefix}/{fresh['id']} (unfinished upload)"} if storage_backend.backend == "s3" else set()
    assert storage_backend.objects("inbox") == {f"{prefix}/{done['id']}", *waiting}
    assert SubmissionFile.objects.get(pk=fresh["id"]).state == "registered"

    response = portal.api("POST", f"{portal.files_path(submission)}{stale['id']}/parts/", json={"numbers": [2]})
    assert (response.status_code, response.json()["code"]) == (409, "file.state")
    assert uploads_expire() == 0


def test_sweep_deletes_parts_that_no_file_claims(storage_backend, transactional_db, settings):
    """Parts whose deletion after commit never ran (a crash) go once older than the expiry."""
    folder, name = "submissions/00000000-0000-0000-0000-000000000000", "11111111-1111-1111-1111-111111111111"
    if storage_backend.backend == "local":
        path = storage_backend.root / "inbox" / folder / f".{name}.part"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"partial")
        assert uploads_expire() == 0
        assert storage_backend.objects("inbox")  # younger than the expiry: kept
    else:  # (moto dates every upload in 2010, so age cannot be shown on S3 here)
        storage_backend.client.create_multipart_upload(Bucket=storage_backend.bucket, Key=f"inbox/{folder}/{name}")
    later = timezone.now() + timedelta(hours=settings.INGESTION_UPLOAD_EXPIRY_HOURS, minutes=1)
    assert uploads_expire(now=later) == 0
    assert storage_backend.objects("inbox") == set()


def test_the_sweep_runs_hourly_on_beat():
    [entry] = [e for e in app.conf.beat_schedule.values() if e["task"] == uploads_expire_task.name]
    assert entry["schedule"] == 3600.0
