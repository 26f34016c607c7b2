"""Running pipeline steps in the test process, in order, as a worker would (for tests of one step)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ingestion.models import PipelineStep, Submission, SubmissionFile
from ingestion.pipeline.runner import step_execute
from ingestion.pipeline.steps import ACTIVE_STEP_STATES, FILE_STEPS


def file_steps_run(file_id, *, through: str = "decrypt") -> SubmissionFile:
    """Run a file's queued steps up to and including `through`; returns the file afterwards."""
    for spec in FILE_STEPS:
        step = PipelineStep.objects.filter(file_id=file_id, name=spec.name).first()
        if step is not None and step.state in ACTIVE_STEP_STATES:
            step_execute(step.pk)
        if spec.name == through:
            break
    return SubmissionFile.objects.get(pk=file_id)


def file_verify(*, file_id) -> SubmissionFile:
    """The checksum and decryption steps: the file ends `verified` or in `error`."""
    return file_steps_run(file_id, through="decrypt")


def image_steps_skip(submission: Submission) -> None:
    """Test-only: mark the image steps of a submission's active jobs skipped and their files ready,
    as if the pipeline had nothing to convert (for tests of review and publishing, not of the pipeline)."""
    from ingestion.services.review import processing_check
    from ingestion.services.submissions import file_state_set
    from ingestion.states import FileState

    with transaction.atomic():
        for job in submission.image_jobs.filter(active=True):
            job.steps.update(state="skipped", message="test: image steps skipped", finished_at=timezone.now())
            for file in job.sources.filter(state=FileState.SCANNED):
                file_state_set(file=file, state=FileState.READY, message="test: image steps skipped")
        processing_check(Submission.objects.get(pk=submission.pk))
