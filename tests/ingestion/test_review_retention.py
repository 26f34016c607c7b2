"""Rejected bundles stay in the inbox for the retention time, then are removed with a record of each file;
a file can be moved to quarantine (for the malware scanner)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.models import AuditEvent
from ingestion.services.retention import file_quarantine, rejected_inbox_sweep
from ingestion.services.review import review_act
from ingestion.states import FileState, SubmissionState
from tests.ingestion.review_bundles import committed, upload_bundle, validated
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)
from tests.repository.metaflex_bundles import BundleBuilder


@pytest.fixture
def rejected(submission, contributor, steward, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    submission = validated(submission, contributor)
    review_act(submission=submission, action="reject", actor=steward, message="Out of scope for Bigpicture.")
    assert submission.state == SubmissionState.REJECTED
    return submission


def test_rejected_files_are_kept_until_the_retention_time(storage_backend, settings, rejected):
    settings.INGESTION_REJECTED_RETENTION_DAYS = 30
    files = rejected.files.count()
    assert committed(rejected_inbox_sweep, now=timezone.now() + timedelta(days=29)) == 0
    assert len(storage_backend.objects("inbox")) == files


def test_then_they_are_removed_with_a_record(storage_backend, settings, rejected):
    settings.INGESTION_REJECTED_RETENTION_DAYS = 30
    files = list(rejected.files.all())
    assert committed(rejected_inbox_sweep, now=timezone.now() + timedelta(days=31)) == len(files)
    assert storage_backend.objects("inbox") == set()
    for file in files:
        file.refresh_from_db()
        assert file.state == FileState.REMOVED
        event = file.events.get(to_state=FileState.REMOVED)
        assert file.path in event.message and str(file.size) in event.message
        assert file.computed_sha256 in event.message
    audit = AuditEvent.objects.get(action="submission.inbox_removed")
    assert audit.detail["count"] == len(files)
    assert {f["path"] for f in audit.detail["files"]} == {f.path for f in files}
    # Running again removes nothing more.
    assert committed(rejected_inbox_sweep, now=timezone.now() + timedelta(days=32)) == 0


def test_other_submissions_are_left_alone(local_storage, settings, submission, contributor, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    validated(submission, contributor)
    assert committed(rejected_inbox_sweep, now=timezone.now() + timedelta(days=365)) == 0
    assert submission.files.filter(state=FileState.READY).count() == submission.files.count()


def test_quarantine_moves_the_object_and_records_why(storage_backend, submission, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    image = submission.files.get(path="IMAGES/IMAGE_img1/img1.dcm")
    event = committed(file_quarantine, image, "ClamAV: Eicar-Test-Signature")
    image.refresh_from_db()
    assert image.state == FileState.QUARANTINED and event.to_state == FileState.QUARANTINED
    assert "Eicar-Test-Signature" in event.message and image.computed_sha256 in event.message
    assert storage_backend.objects("quarantine") == {f"quarantine/{image.storage_name}"}
    assert f"inbox/{image.storage_name}" not in storage_backend.objects("inbox")
    assert len(storage_backend.objects("inbox")) == submission.files.count() - 1
    assert file_quarantine(image, "again") is None
