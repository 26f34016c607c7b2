"""Approve publishes through dataset_import: accessions, an immutable version, a live landing page, an empty inbox.

Runs on local storage and on S3 (moto); storage is listed from outside afterwards.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from bigpicture.storage import storage_for
from ingestion.services.publishing import archived_inbox_sweep, submission_publish
from ingestion.services.review import review_act
from ingestion.states import FileState, SubmissionState
from repository import models as m
from tests.ingestion.review_bundles import committed, upload_bundle, validated
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)
from tests.repository.metaflex_bundles import BundleBuilder


def test_approve_publishes_and_empties_the_inbox(storage_backend, client, submission, contributor, steward,
                                                 tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    files = submission.files.count()
    assert len(storage_backend.objects("inbox")) == files
    submission = validated(submission, contributor)
    review_act(submission=submission, action="approve", actor=steward)
    assert submission.state == SubmissionState.PUBLISHING
    published = committed(submission_publish, submission_id=submission.pk)

    assert published.state == SubmissionState.PUBLISHED, published.events.last().message
    dataset, version = published.dataset, published.version
    assert dataset.accession.startswith(dataset.accession.split("-")[0] + "-dataset-")
    assert version.number == 1 and version.changelog == "First release from the review tests."
    assert version.published_by == steward
    assert m.Image.objects.filter(version=version).exclude(accession="").count() == 2
    assert client.get(f"/datasets/{dataset.accession}/").status_code == 200
    # Out of the inbox, into the archive (and the sample images into public); every file recorded.
    assert storage_backend.objects("inbox") == set()
    archived = storage_backend.objects("archive")
    assert archived and not any("_staging" in name for name in archived)
    assert set(published.files.values_list("state", flat=True)) == {FileState.ARCHIVED}
    for file in published.files.all():
        event = file.events.get(to_state=FileState.ARCHIVED)
        assert dataset.accession in event.message and file.storage_name in event.message
    assert published.events.get(action="publish_done").message == f"Published as {dataset.accession} version 1."


def test_a_second_run_of_the_task_changes_nothing(local_storage, submission, contributor, steward, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    submission = validated(submission, contributor)
    review_act(submission=submission, action="approve", actor=steward)
    committed(submission_publish, submission_id=submission.pk)
    assert submission_publish(submission_id=submission.pk) is None
    assert m.DatasetVersion.objects.count() == 1


def test_inbox_copies_a_crash_left_after_publishing_are_swept(storage_backend, submission, contributor, steward,
                                                             tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    submission = validated(submission, contributor)
    review_act(submission=submission, action="approve", actor=steward)
    published = committed(submission_publish, submission_id=submission.pk)
    assert storage_backend.objects("inbox") == set()
    # As if the worker died between the publish commit and its inbox deletes.
    left = list(published.files.all()[:2])
    for file in left:
        storage_for("inbox").save(file.storage_name, ContentFile(b"left behind"))
    assert len(storage_backend.objects("inbox")) == 2

    assert archived_inbox_sweep() == 0  # archived just now: the after-commit delete may still be running
    later = timezone.now() + timedelta(hours=2)
    assert archived_inbox_sweep(now=later) == 2
    assert storage_backend.objects("inbox") == set()
    assert archived_inbox_sweep(now=later) == 0
    assert archived_inbox_sweep(now=timezone.now() + timedelta(days=2)) == 0  # a day on, no longer looked at
