"""Checks behind /healthz: the database, the Celery broker and every storage area.

Anyone may ask for the overall status: it comes from checks that write nothing
(storage areas are only reached, not written) and is cached for
HEALTHZ_CACHE_SECONDS, so anonymous traffic costs little. The deep checks, which
write, read back and delete a probe in every storage area and report each
check, run for staff and for internal callers that send HEALTHZ_TOKEN.
"""

from __future__ import annotations

import hmac
import threading
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from storages.backends.s3 import S3Storage

from bigpicture.celery import app
from bigpicture.storage import AREAS, storage_for

TOKEN_HEADER = "X-Healthz-Token"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTHZ_TIMEOUT_SECONDS)


def check_storage() -> None:
    """Write, read back and delete a tiny probe in every area."""
    probe = f"healthz/{uuid.uuid4().hex}"
    for area in AREAS:
        storage = storage_for(area)
        name = storage.save(probe, ContentFile(b"ok"))
        try:
            with storage.open(name) as handle:
                if handle.read() != b"ok":
                    raise OSError(f"{area}: probe read back wrong bytes")
        finally:
            storage.delete(name)


def check_storage_reachable() -> None:
    """Reach every area's bucket (a missing one or bad credentials fail) or folder; write nothing."""
    for area in AREAS:
        storage = storage_for(area)
        if isinstance(storage, S3Storage):
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        else:
            storage.exists("healthz/probe")


DEEP_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
}
STATUS_CHECKS: dict[str, Callable[[], None]] = {**DEEP_CHECKS, "storage": check_storage_reachable}


def run_checks(checks: dict[str, Callable[[], None]] = DEEP_CHECKS) -> tuple[bool, dict]:
    results = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # a health check reports every failure, whatever its type
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results


_status_lock = threading.Lock()
_status: dict[str, float | bool] = {"at": float("-inf"), "ok": False}


def status_cached() -> bool:
    """The overall status of the checks that write nothing, at most HEALTHZ_CACHE_SECONDS old."""
    with _status_lock:
        if time.monotonic() - _status["at"] >= settings.HEALTHZ_CACHE_SECONDS:
            _status["ok"], _ = run_checks(STATUS_CHECKS)
            _status["at"] = time.monotonic()
        return bool(_status["ok"])


def may_run_deep_checks(request) -> bool:
    """Staff, or an internal caller with the configured token (deploy/healthcheck.py sends it)."""
    if getattr(request.user, "is_staff", False):
        return True
    token = settings.HEALTHZ_TOKEN
    sent = request.headers.get(TOKEN_HEADER, "")
    return bool(token) and hmac.compare_digest(sent.encode(), token.encode())
