"""Through a real Celery worker: check, submit → (conversion of the SVS) → awaiting review, approve →
published, inbox empty."""

import time

import pytest

from ingestion.models import Submission
from ingestion.services.review import review_act
from ingestion.services.submissions import submission_transition
from ingestion.services.validation import report_request
from ingestion.states import SubmissionState
from tests.ingestion.pipeline.pipeline_kit import slide_bundle
from tests.ingestion.review_bundles import upload_bundle
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def _wait(submission_id, worker, done, timeout: float = 120) -> Submission:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        submission = Submission.objects.get(pk=submission_id)
        if done(submission):
            return submission
        time.sleep(0.2)
    raise AssertionError(f"the worker did not finish within {timeout}s:\n{worker.log()}")


def test_the_worker_validates_and_publishes(celery_worker, local_storage, submission, contributor, steward,
                                            tmp_path, client):
    worker = celery_worker(MEDIA_ROOT=str(local_storage))
    upload_bundle(submission, slide_bundle(tmp_path / "b"))

    report_request(submission, contributor)
    checked = _wait(submission.pk, worker, lambda s: s.report_at is not None)
    assert checked.state == SubmissionState.UPLOADING and checked.report["ok"], checked.report

    submission_transition(submission=submission, action="submit", actor=contributor)
    review = _wait(submission.pk, worker, lambda s: s.state not in (SubmissionState.VALIDATING,
                                                                     SubmissionState.PROCESSING))
    assert review.state == SubmissionState.AWAITING_REVIEW, review.events.last().message
    assert review.preview_html
    assert review.image_jobs.get(active=True).outputs.exists()  # the worker converted the SVS

    review_act(submission=review, action="approve", actor=steward)
    published = _wait(submission.pk, worker, lambda s: s.state != SubmissionState.PUBLISHING)
    assert published.state == SubmissionState.PUBLISHED, published.events.last().message
    assert client.get(f"/datasets/{published.dataset.accession}/").status_code == 200
    inbox = local_storage / "inbox"
    assert [p for p in inbox.rglob("*") if p.is_file()] == []
