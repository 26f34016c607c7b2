"""Signing keys from JWKS documents (the issuer's jwks_uri, a visa's jku), cached per URL.

An unknown `kid` makes one refetch (the signer rotated its key); PyJWKClient does that.
A token without `kid` is checked against the JWKS's only key (oidc-provider-mock sends none).
"""

from __future__ import annotations

import threading

import jwt
from django.conf import settings

_clients: dict[str, jwt.PyJWKClient] = {}
_lock = threading.Lock()
JWKS_CACHE_SECONDS = 300


class KeyUnavailable(Exception):
    """The JWKS could not be fetched."""


class KeyUnknown(Exception):
    """The JWKS has no key for the token's kid."""


def signing_key(jwks_url: str, token: str) -> jwt.PyJWK:
    with _lock:
        client = _clients.get(jwks_url)
        if client is None:
            client = _clients[jwks_url] = jwt.PyJWKClient(
                jwks_url, cache_jwk_set=True, lifespan=JWKS_CACHE_SECONDS, timeout=settings.OIDC_TIMEOUT)
    try:
        if jwt.get_unverified_header(token).get("kid") is None:
            # OIDC Core 10.1: a token may leave out kid only when the JWKS holds a single key.
            keys = client.get_signing_keys()
            if len(keys) != 1:
                raise KeyUnknown(f"the token names no key (kid) and {jwks_url} has {len(keys)}")
            return keys[0]
        return client.get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError as exc:
        raise KeyUnavailable(f"{jwks_url} did not answer ({exc})") from exc
    except (jwt.PyJWKClientError, jwt.DecodeError) as exc:
        raise KeyUnknown(f"{jwks_url} has no key for this token ({exc})") from exc
