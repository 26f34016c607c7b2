"""Audit of tile and frame reads, grouped into sessions so the log stays small and complete.

`pixel_reads_record` runs on every tile, so it writes rarely: a read more than
PIXEL_AUDIT_SESSION_GAP_SECONDS after the session's last one starts a new session, written at once
(a PixelReadSession row and one "pixels.session_start" row in the hash-chained audit log); later reads
extend it with one cheap UPDATE (last read, count), which each process makes at most once every
PIXEL_AUDIT_FLUSH_SECONDS per session, adding the reads it counted in memory meanwhile. A process that
dies loses at most that long of counts, never a session or its start.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta
from threading import Lock

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from access.models import PixelReadSession, PixelReadVia
from governance.services import audit_record

SESSION_START = "pixels.session_start"
_RECENT_MAX = 10_000


@dataclass
class _Recent:
    written: float  # time.monotonic() of this process's last write to the session
    pending: int = 0  # reads counted since, not yet written


_recent: dict[tuple[int, str, str], _Recent] = {}
_recent_lock = Lock()


def pixel_reads_record(*, user, image_accession: str, via: str, count: int = 1) -> PixelReadSession | None:
    """Counts `count` reads of `image_accession` by `user` through `via` ("tile" or "frame").

    Returns the new session when one started, None when an open one was extended.
    """
    via = PixelReadVia(via).value
    key = (user.pk, image_accession, via)
    now = time.monotonic()
    with _recent_lock:
        recent = _recent.get(key)
        if recent is not None and now - recent.written < settings.PIXEL_AUDIT_FLUSH_SECONDS:
            recent.pending += count
            return None
        count += recent.pending if recent is not None else 0
        if len(_recent) >= _RECENT_MAX:
            _recent.clear()
        _recent[key] = _Recent(written=now)
    return _write(user=user, image_accession=image_accession, via=via, count=count)


def pixel_audit_forget() -> None:
    """Drops the reads counted in memory (tests)."""
    with _recent_lock:
        _recent.clear()


def _write(*, user, image_accession: str, via: str, count: int) -> PixelReadSession | None:
    now = timezone.now()
    if _extend(user=user, image_accession=image_accession, via=via, count=count, now=now):
        return None
    with transaction.atomic():
        # Two first reads at once must not open two sessions: serialise the (rare) start.
        _lock(user.pk, image_accession, via)
        if _extend(user=user, image_accession=image_accession, via=via, count=count, now=now):
            return None
        session = PixelReadSession.objects.create(user=user, image_accession=image_accession, via=via,
                                                  first_read_at=now, last_read_at=now, read_count=count)
        audit_record(actor=user, action=SESSION_START, target_type="repository.image", target_id=image_accession,
                     detail={"via": via, "session": session.pk})
    return session


def _extend(*, user, image_accession: str, via: str, count: int, now) -> bool:
    since = now - timedelta(seconds=settings.PIXEL_AUDIT_SESSION_GAP_SECONDS)
    return bool(PixelReadSession.objects.filter(user=user, image_accession=image_accession, via=via,
                                                last_read_at__gte=since)
                .update(last_read_at=now, read_count=F("read_count") + count))


def _lock(user_id: int, image_accession: str, via: str) -> None:
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"pixels|{user_id}|{image_accession}|{via}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])
