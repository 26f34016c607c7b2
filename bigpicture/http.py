"""What the portal reads about an HTTP request's origin: the client's address, for audit rows."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or the one our own proxies put in X-Forwarded-For.

    Only the last `TRUSTED_PROXIES` entries were written by proxies we run; anything
    to their left is whatever the client sent, so it is never trusted.
    """
    hops = settings.TRUSTED_PROXIES
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops > 0 and len(forwarded) >= hops:
        return _address(forwarded[-hops])
    return _address(request.META.get("REMOTE_ADDR", ""))
