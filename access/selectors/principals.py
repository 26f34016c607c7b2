"""Who is asking, remembered for a moment, so that pixel reads skip the session and token lookups.

A slide viewer asks for tens of tiles a second, and a DICOMweb or WebDAV client for as many frames
and ranges, each with the same session cookie or API token. Loading the session, the user and the
token from the database on every one of them is most of what a tile costs. So pixel reads (GET and
HEAD requests to the views marked `@pixel_read`, and the token checks of DICOMweb and WebDAV reads)
remember, per process, which user a credential stood for, for PRINCIPAL_MEMO_SECONDS (default 2).

Only an authenticated, active user is remembered; a refused credential is checked again every time.
A logout, a saved or deleted account (deactivation, a new password) and a saved or deleted token
(revocation) forget everything at once in the process that wrote them, and within that bound in
every other one: well inside the 60 seconds that revocation may take. Whether the user may see the
pixels is still asked on every request (`access.selectors.can_access_pixels`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from threading import Lock

from django.conf import settings

_MAX = 10_000
_recent: dict[bytes, tuple[float, object]] = {}
_lock = Lock()


def recent_user(kind: str, credential: str, resolve: Callable[[], object]):
    """The user `credential` (of `kind`: "session" or "token") stands for: remembered, else `resolve()`.

    Whatever `resolve` raises goes to the caller and is not remembered.
    """
    seconds = settings.PRINCIPAL_MEMO_SECONDS
    if seconds <= 0 or not credential:
        return resolve()
    # A digest, not the secret itself, is what this process keeps.
    key = hashlib.blake2b(f"{kind}\0{credential}".encode(), digest_size=16).digest()
    now = time.monotonic()
    found = _recent.get(key)
    if found is not None and found[0] > now:
        return found[1]
    user = resolve()
    if getattr(user, "is_authenticated", False) and user.is_active:
        with _lock:
            if len(_recent) >= _MAX:
                _recent.clear()
            _recent[key] = (now + seconds, user)
    return user


def recent_users_forget(**kwargs) -> None:
    """Forgets every remembered user (a signal receiver: logout, account or token written)."""
    with _lock:
        _recent.clear()
