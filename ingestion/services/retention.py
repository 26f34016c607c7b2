"""What leaves the inbox other than by publication: rejected bundles after their retention time, and
files moved to quarantine (malware). Each file removed or moved gets an event saying what it was.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bigpicture.objects import object_reader, uploads_abort
from bigpicture.staging import after_storage, object_stage, staged_atomic
from bigpicture.storage import storage_for
from governance.services import audit_record
from ingestion.models import FileEvent, Submission, SubmissionFile
from ingestion.selectors import derived_object_names
from ingestion.services.publishing import inbox_objects_delete
from ingestion.services.submissions import file_state_set
from ingestion.states import LIVE_FILE_STATES, FileState, SubmissionState


def rejected_inbox_sweep(*, now: datetime | None = None) -> int:
    """Remove the inbox files of submissions rejected more than the retention time ago; returns files removed."""
    now = now or timezone.now()
    days = settings.INGESTION_REJECTED_RETENTION_DAYS
    due = (Submission.objects.filter(state=SubmissionState.REJECTED, files__state__in=sorted(LIVE_FILE_STATES),
                                     events__to_state=SubmissionState.REJECTED,
                                     events__created__lte=now - timedelta(days=days))
           .distinct().values_list("pk", flat=True))
    return sum(_inbox_remove(submission_id, days=days, now=now) for submission_id in list(due))


@transaction.atomic
def _inbox_remove(submission_id, *, days: int, now: datetime) -> int:
    submission = Submission.objects.select_for_update().get(pk=submission_id)
    if submission.state != SubmissionState.REJECTED:
        return 0
    files = list(submission.files.select_for_update().filter(state__in=sorted(LIVE_FILE_STATES)))
    removed = []
    for file in files:
        sha256 = file.computed_sha256 or file.sha256 or "unknown"
        file_state_set(file=file, state=FileState.REMOVED,
                       message=f"removed {days} days after rejection: {file.path} ({file.size} bytes, "
                               f"SHA256 {sha256})")
        removed.append({"path": file.path, "size": file.size, "sha256": sha256, "name": file.storage_name})
    audit_record(actor=None, action="submission.inbox_removed", target=submission,
                 detail={"retention_days": days, "files": removed[:100], "count": len(removed)})
    names = [entry["name"] for entry in removed if entry["name"]] + derived_object_names(submission)
    prefix = submission.inbox_prefix

    def delete() -> None:
        inbox_objects_delete(names)
        uploads_abort(storage_for("inbox"), prefix, before=now)

    transaction.on_commit(delete, robust=True)
    return len(removed)


def file_quarantine(file: SubmissionFile, reason: str, *, actor=None) -> FileEvent | None:
    """Move a file's inbox object to the quarantine area (same name) and record why; None if already there."""
    with staged_atomic():
        locked = SubmissionFile.objects.select_for_update().get(pk=file.pk)
        if locked.state == FileState.QUARANTINED:
            return None
        staged = object_stage(area="quarantine", name=locked.storage_name,
                              source=object_reader(storage_for("inbox"), locked.storage_name))
        event = file_state_set(file=locked, state=FileState.QUARANTINED, actor=actor,
                               message=f"quarantined: {reason} ({locked.path}, {staged.size} bytes, "
                                       f"SHA256 {staged.sha256})")
        audit_record(actor=actor, action="submission.file_quarantine", target=locked.submission,
                     detail={"file": str(locked.pk), "path": locked.path, "reason": reason, "sha256": staged.sha256})
        name = locked.storage_name
        # After the copy has reached quarantine, so the file is never in neither place.
        after_storage(lambda: inbox_objects_delete([name]), robust=True)
    file.state = locked.state
    return event
