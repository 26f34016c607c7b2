"""Unfinished uploads that were never resumed expire: state `expired`, parts deleted (hourly on beat)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ingestion.models import SubmissionFile
from ingestion.services.submissions import file_state_set
from ingestion.states import FileState
from ingestion.uploads import backend_for_inbox, discard_after_commit


def upload_expiry() -> timedelta:
    return timedelta(hours=settings.INGESTION_UPLOAD_EXPIRY_HOURS)


def upload_expires(file: SubmissionFile) -> datetime:
    return file.created + upload_expiry()


def uploads_expire(*, now: datetime | None = None) -> int:
    """Expire registered files older than INGESTION_UPLOAD_EXPIRY_HOURS; returns how many."""
    cutoff = (now or timezone.now()) - upload_expiry()
    expired = 0
    stale = SubmissionFile.objects.filter(state=FileState.REGISTERED, created__lt=cutoff)
    for file_id in stale.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            file = (SubmissionFile.objects.select_for_update(skip_locked=True)
                    .filter(pk=file_id, state=FileState.REGISTERED).first())
            if file is None:
                continue  # completed meanwhile, or being completed now
            file_state_set(file=file, state=FileState.EXPIRED,
                           message=f"The upload was not completed within {settings.INGESTION_UPLOAD_EXPIRY_HOURS} "
                                   "hours; its parts were deleted. Register the file again to send it.")
            file.parts.all().delete()
            discard_after_commit(file)
            expired += 1
    claimed = set(SubmissionFile.objects.filter(state=FileState.REGISTERED).values_list("storage_name", flat=True))
    backend_for_inbox().leftovers_delete(before=cutoff, claimed=claimed)
    return expired
