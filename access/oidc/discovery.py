"""The issuer's endpoints, from OIDC_OP_ISSUER/.well-known/openid-configuration.

Fetched at the first login and cached (OIDC_DISCOVERY_CACHE_SECONDS), never at start-up: the
portal starts while the issuer is down, and a login then says so (OidcUnavailable).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import requests
from django.conf import settings
from django.core.cache import cache

from access.oidc.errors import OidcUnavailable

_REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str = ""


def oidc_enabled() -> bool:
    """Is Life Science AAI login configured? Without OIDC_OP_ISSUER there is no login button."""
    return bool(settings.OIDC_OP_ISSUER and settings.OIDC_RP_CLIENT_ID)


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def provider_get() -> Provider:
    """The configured issuer's endpoints (cached); OidcUnavailable when they cannot be read."""
    issuer = settings.OIDC_OP_ISSUER
    key = f"oidc:discovery:{issuer}"
    cached = cache.get(key)
    if cached:
        return Provider(**cached)
    provider = _fetch(issuer)
    cache.set(key, asdict(provider), settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return provider


def provider_forget() -> None:
    """Drop the cached endpoints (the next login reads them again)."""
    cache.delete(f"oidc:discovery:{settings.OIDC_OP_ISSUER}")


def _fetch(issuer: str) -> Provider:
    url = discovery_url(issuer)
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcUnavailable(f"Life Science AAI login is unavailable: {url} did not answer ({exc}).") from exc
    missing = [name for name in _REQUIRED if not document.get(name)]
    if missing:
        raise OidcUnavailable(f"Life Science AAI login is unavailable: {url} lacks {', '.join(missing)}.")
    # OpenID Connect Discovery 1.0, 4.3: the document must name the issuer it was fetched for.
    if document["issuer"].rstrip("/") != issuer.rstrip("/"):
        raise OidcUnavailable(f"Life Science AAI login is misconfigured: {url} names the issuer "
                              f"{document['issuer']!r}, not OIDC_OP_ISSUER {issuer!r}.")
    return Provider(**{name: document[name] for name in _REQUIRED},
                    end_session_endpoint=document.get("end_session_endpoint", ""))
