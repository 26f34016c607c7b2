"""Ingestion tasks: validation on submit (and on "Check bundle"), publishing on approve, the inbox retention sweep.

Thin wrappers: each calls one service, passes ids, and is idempotent.
"""

from bigpicture.tasks import portal_task
from ingestion.services import publishing, retention, validation


@portal_task(queue="ingest")
def submission_validate(submission_id: str) -> str:
    """Validate a submitted bundle and move it on (validating → processing → awaiting review, or back)."""
    submission = validation.submission_validate(submission_id=submission_id)
    return submission.state if submission else "skipped"


@portal_task(queue="ingest")
def submission_report(submission_id: str) -> bool:
    """A validation report while uploading, without a transition; returns whether the bundle is valid."""
    submission = validation.submission_validate(submission_id=submission_id, transition=False)
    return bool(submission and submission.report.get("ok"))


@portal_task(queue="ingest")
def submission_publish(submission_id: str) -> str:
    """Publish an approved submission through the importer."""
    submission = publishing.submission_publish(submission_id=submission_id)
    return submission.state if submission else "skipped"


@portal_task(queue="default")
def rejected_inbox_sweep() -> int:
    """Remove rejected submissions' inbox files once their retention time is over (hourly on beat)."""
    return retention.rejected_inbox_sweep()


@portal_task(queue="default")
def archived_inbox_sweep() -> int:
    """Delete inbox copies of published files that a crash after the publish left (hourly on beat)."""
    return publishing.archived_inbox_sweep()
