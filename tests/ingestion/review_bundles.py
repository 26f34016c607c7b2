"""Helpers for the review, validation and publishing tests: a bundle "uploaded" to the inbox, and runs.

The upload HTTP path is tested elsewhere (the uploads tests); here each bundle file is
written straight to inbox storage under `submissions/<submission id>/<file id>` with a
`SubmissionFile` row in state `scanned`, as the pipeline's file steps leave it. The image steps
(conversion, de-identification) are tested in tests/ingestion/pipeline; here `validated` skips
them, so the bundle is reviewed and published with its files as uploaded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.files import File
from django.test import TestCase

from bigpicture.storage import storage_for
from ingestion.models import Submission, SubmissionFile
from ingestion.services.submissions import submission_transition
from ingestion.services.validation import submission_validate
from ingestion.states import FileState, SubmissionState
from tests.ingestion.pipelinekit import image_steps_skip


def upload_bundle(submission: Submission, bundle_dir: Path) -> list[SubmissionFile]:
    """Write every file of `bundle_dir` to the inbox as a scanned SubmissionFile of `submission`."""
    inbox = storage_for("inbox")
    rows = []
    for path in sorted(p for p in bundle_dir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        row = SubmissionFile(submission=submission, path=path.relative_to(bundle_dir).as_posix(), size=len(data),
                             sha256=sha256, computed_sha256=sha256, state=FileState.SCANNED)
        row.storage_name = f"{submission.inbox_prefix}/{row.id}"
        with path.open("rb") as handle:
            saved = inbox.save(row.storage_name, File(handle))
        assert saved == row.storage_name
        row.save()
        rows.append(row)
    if submission.state == SubmissionState.DRAFT:
        submission_transition(submission=submission, action="upload")
    return rows


def validated(submission: Submission, contributor) -> Submission:
    """Submit and run the validation task's service in this process (the worker test runs the real task)."""
    submission_transition(submission=submission, action="submit", actor=contributor)
    checked = submission_validate(submission_id=submission.pk)
    image_steps_skip(submission)
    return Submission.objects.get(pk=submission.pk) if checked is not None else checked


def committed(function, *args, **kwargs):
    """Run `function` and then the work queued for its commit (a `db` test never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(*args, **kwargs)
