"""After validation the pipeline hands over: all files done → awaiting review; a file in error → back to uploading."""

import pytest

from ingestion.services.review import processing_check
from ingestion.services.submissions import file_state_set
from ingestion.states import Failure, FileState, SubmissionState
from tests.ingestion.review_bundles import upload_bundle, validated
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)
from tests.repository.metaflex_bundles import BundleBuilder

pytestmark = pytest.mark.usefixtures("local_storage")


def test_processing_waits_for_every_file(submission, contributor, tmp_path):
    files = upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    # One file is still in the pipeline (as if a scan step were running on it).
    file_state_set(file=files[0], state=FileState.VERIFIED)
    submission = validated(submission, contributor)
    assert submission.state == SubmissionState.PROCESSING
    assert processing_check(submission) == SubmissionState.PROCESSING
    file_state_set(file=files[0], state=FileState.READY)
    assert processing_check(submission) == SubmissionState.AWAITING_REVIEW
    assert processing_check(submission) == SubmissionState.AWAITING_REVIEW  # a second call changes nothing
    assert submission.events.filter(action="processing_done").count() == 1


def test_a_file_in_error_returns_it_to_the_contributor(submission, contributor, tmp_path):
    files = upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    file_state_set(file=files[0], state=FileState.VERIFIED)
    submission = validated(submission, contributor)
    file_state_set(file=files[0], state=FileState.ERROR, failure=Failure.USER,
                   message="the DICOM file cannot be converted: no pixel data.")
    assert processing_check(submission) == SubmissionState.UPLOADING
    event = submission.events.get(action="processing_failed")
    assert event.failure == Failure.USER
    assert files[0].path in event.message and "no pixel data" in event.message
