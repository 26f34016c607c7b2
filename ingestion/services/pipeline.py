"""The hand-off from uploads to the processing pipeline: one call, made when a file reaches `uploaded`."""

from __future__ import annotations

from django.db import transaction

from ingestion.models import SubmissionFile
from ingestion.pipeline.flow import file_steps_create, step_retry


def file_uploaded(file: SubmissionFile) -> None:
    """Create the file's pipeline steps and queue the first (sent when the transaction commits)."""
    file_steps_create(file)


@transaction.atomic
def pipeline_step_retry(*, step, actor) -> None:
    """A steward's retry of a failed step (the review page's button and the admin action)."""
    step_retry(step=step, actor=actor)
