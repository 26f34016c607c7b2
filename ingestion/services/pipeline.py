"""The hand-off from uploads to the processing pipeline: one call, made when a file reaches `uploaded`."""

from __future__ import annotations

from ingestion.models import SubmissionFile
from ingestion.pipeline.flow import file_steps_create


def file_uploaded(file: SubmissionFile) -> None:
    """Create the file's pipeline steps and queue the first (sent when the transaction commits)."""
    file_steps_create(file)
