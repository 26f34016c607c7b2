"""A publication that fails leaves nothing in the archive and returns the submission to review, classified."""

import pytest

from bigpicture.storage import storage_for
from ingestion.models import Submission
from ingestion.services.publishing import submission_publish
from ingestion.services.review import review_act
from ingestion.states import Failure, FileState, SubmissionState
from repository import models as m
from tests.ingestion.review_bundles import committed, upload_bundle, validated
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)
from tests.repository.metaflex_bundles import BundleBuilder


@pytest.fixture
def approved(submission, contributor, steward, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    submission = validated(submission, contributor)
    review_act(submission=submission, action="approve", actor=steward)
    return submission


def test_a_bundle_changed_after_review_is_refused_as_a_user_failure(storage_backend, approved):
    image = approved.files.get(path="IMAGES/IMAGE_img1/img1.dcm")
    storage_backend.truncate("inbox", image.storage_name)  # behind the portal's back
    failed = committed(submission_publish, submission_id=approved.pk)

    assert failed.state == SubmissionState.AWAITING_REVIEW
    event = failed.events.get(action="publish_failed")
    assert event.failure == Failure.USER and "refused the bundle" in event.message
    assert "IMAGES/IMAGE_img1/img1.dcm" in failed.report["text"]
    assert storage_backend.objects("archive", "public") == set()
    assert not m.Dataset.objects.exists()
    assert len(storage_backend.objects("inbox")) == approved.files.count()
    assert not approved.files.filter(state=FileState.ARCHIVED).exists()


def test_a_lost_inbox_object_names_the_file_to_upload_again(storage_backend, approved):
    image = approved.files.get(path="IMAGES/IMAGE_img1/img1.dcm")
    storage_for("inbox").delete(image.storage_name)
    failed = committed(submission_publish, submission_id=approved.pk)
    assert failed.state == SubmissionState.AWAITING_REVIEW
    event = failed.events.get(action="publish_failed")
    assert event.failure == Failure.USER
    assert event.message == ("Publishing was refused: IMAGES/IMAGE_img1/img1.dcm: its uploaded bytes are no "
                             "longer in the inbox; upload this file again.")
    assert storage_backend.objects("archive", "public") == set()
    assert not m.Dataset.objects.exists()


def test_an_identical_second_version_is_refused_with_the_importers_message(local_storage, organisation,
                                                                          contributor, steward, tmp_path,
                                                                          approved):
    committed(submission_publish, submission_id=approved.pk)


    again = Submission.objects.create(organisation=organisation, created_by=contributor, title="Same again")
    upload_bundle(again, BundleBuilder(tmp_path / "same").write())
    again = validated(again, contributor)
    # The rehearsal already finds it: validation refuses it with the importer's words.
    assert again.state == SubmissionState.UPLOADING
    assert "identical to version 1" in again.report["text"]
