"""Audit rows for WebDAV file reads: one per whole-file GET, and one per window for ranged reads.

A mounted filesystem reads a file in many ranges (wsidicom asks for a header, the offset table,
then one range per frame). A row per range would bury the log, so the first ranged GET of a file
by a user opens a window of WEBDAV_AUDIT_WINDOW_SECONDS: it writes one row ("webdav.file_read",
ranged) and the ranges of that file by that user within the window write none. The window is a
key in the shared cache (an atomic add); when the cache is down, every ranged GET writes its row
(a log too long, never one with holes).
"""

from __future__ import annotations

import logging

from django.conf import settings

from access.selectors.permissions import CACHE_ERRORS, permission_cache
from access.selectors.webdav import File
from governance.services import audit_record

ACTION = "webdav.file_read"
log = logging.getLogger(__name__)


def webdav_read_record(*, user, file: File, byte_range: str | None, ip_address: str | None) -> bool:
    """Audit one GET of `file`; `byte_range` is the Content-Range sent (None: the whole file).

    Returns whether a row was written."""
    if byte_range is not None and not _window_opens(user.pk, file.row.pk):
        return False
    audit_record(actor=user, action=ACTION, target=file.row, ip_address=ip_address, detail={
        "dataset": file.version.dataset.accession, "version": file.version.number,
        "image": file.image_accession, "file": file.name, "size": file.row.size,
        "range": byte_range, "window_seconds": settings.WEBDAV_AUDIT_WINDOW_SECONDS if byte_range else None})
    return True


def _window_opens(user_id: int, file_id: int) -> bool:
    key = f"webdav:read:{user_id}:{file_id}"
    try:
        return bool(permission_cache().add(key, 1, timeout=settings.WEBDAV_AUDIT_WINDOW_SECONDS))
    except CACHE_ERRORS as exc:
        log.warning("cache unavailable (%s); auditing this ranged read on its own", exc)
        return True
