"""Audit of tile and frame reads, grouped into sessions so the log stays small and complete.

`pixel_reads_record` runs on every tile, so its usual path is one UPDATE of the open session.
A read more than PIXEL_AUDIT_SESSION_GAP_SECONDS after the session's last one starts a new
session, written once to the hash-chained audit log ("pixels.session_start").
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from access.models import PixelReadSession, PixelReadVia
from governance.services import audit_record

SESSION_START = "pixels.session_start"


def pixel_reads_record(*, user, image_accession: str, via: str, count: int = 1) -> PixelReadSession | None:
    """Counts `count` reads of `image_accession` by `user` through `via` ("tile" or "frame").

    Returns the new session when one started, None when an open one was extended.
    """
    via = PixelReadVia(via).value
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
