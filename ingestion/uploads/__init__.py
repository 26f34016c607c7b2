"""Where the bytes of an upload go: one interface over the inbox's backend (ingestion/PROTOCOL.md).

`backend_for_inbox()` answers with the local backend (parts written into the inbox folder
through the portal's own part endpoint) or the S3 backend (presigned `UploadPart` URLs, so
the bytes never pass through a web worker). Services call only the methods of `UploadBackend`
(`ingestion.uploads.types`).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from storages.backends.s3 import S3Storage

from bigpicture.storage import storage_for
from ingestion.uploads.local import LocalUploads
from ingestion.uploads.s3 import S3Uploads
from ingestion.uploads.types import Upload, UploadBackend

logger = logging.getLogger(__name__)


def backend_for_inbox() -> UploadBackend:
    storage = storage_for("inbox")
    if isinstance(storage, S3Storage):
        return S3Uploads(storage)
    if isinstance(storage, FileSystemStorage):
        return LocalUploads(storage)
    raise ImproperlyConfigured(f"inbox storage {type(storage).__name__}: uploads need local folders or S3")


def upload_of(file) -> Upload:
    """The plain values of a SubmissionFile that its backend works with."""
    return Upload(file_id=str(file.id), storage_name=file.storage_name, upload_id=file.upload_id, size=file.size)


def discard_after_commit(file) -> None:
    """Delete the file's parts and inbox object once the transaction that retired it commits."""
    upload = upload_of(file)
    transaction.on_commit(lambda: _discard(upload), robust=True)


def _discard(upload: Upload) -> None:
    try:
        backend_for_inbox().discard(upload)
    except Exception:  # the row says replaced/removed/expired already; storage is tidied on the next sweep
        logger.warning("inbox: could not delete the parts or object of file %s (%s)", upload.file_id,
                       upload.storage_name, exc_info=True)
