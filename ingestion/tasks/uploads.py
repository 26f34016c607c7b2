"""Ingestion tasks: uploads (thin wrappers around services)."""

from bigpicture.tasks import portal_task
from ingestion.services import expiry, verification


@portal_task(queue="ingest")
def file_verify(file_id: str) -> str:
    """Recompute an uploaded file's SHA-256 from the inbox; returns the file's state afterwards."""
    file = verification.file_verify(file_id=file_id)
    return file.state if file else ""


@portal_task(queue="default")
def uploads_expire() -> int:
    """Expire unfinished uploads older than INGESTION_UPLOAD_EXPIRY_HOURS (hourly on beat)."""
    return expiry.uploads_expire()
