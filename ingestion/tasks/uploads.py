"""Ingestion tasks: uploads (thin wrappers around services)."""

from bigpicture.tasks import portal_task
from ingestion.services import expiry


@portal_task(queue="default")
def uploads_expire() -> int:
    """Expire unfinished uploads older than INGESTION_UPLOAD_EXPIRY_HOURS (hourly on beat)."""
    return expiry.uploads_expire()
