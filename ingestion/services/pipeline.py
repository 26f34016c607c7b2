"""The hand-off from uploads to the processing pipeline: one call, made when a file reaches `uploaded`.

For now the pipeline is the checksum verification on the `ingest` queue
(`ingestion.services.verification`); its later steps (scan, convert) hang off here.
"""

from __future__ import annotations

from ingestion.models import SubmissionFile
from ingestion.tasks.uploads import file_verify


def file_uploaded(file: SubmissionFile) -> None:
    """Queue the pipeline for a file that was just completed (sent when the transaction commits)."""
    file_verify.dispatch(str(file.pk))
