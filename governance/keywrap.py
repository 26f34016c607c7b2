"""The key-encryption key (PSEUDONYM_KEK) and AES-GCM sealing: how the portal stores secrets at rest.

Pseudonymisation secrets (governance.services.pseudonyms) and GA4GH visa signing keys
(access.visas.keys) are stored wrapped under the KEK, with the KEK's fingerprint beside them, so
a restore with another KEK says so instead of failing obscurely.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

KEK_BYTES = 32
_NONCE_BYTES = 12
_warned_derived_kek = False


def kek() -> bytes:
    """PSEUDONYM_KEK as bytes; under DEBUG without one, a development key derived from SECRET_KEY."""
    global _warned_derived_kek
    configured = settings.PSEUDONYM_KEK
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured("PSEUDONYM_KEK is not valid base64; make one with "
                                       "`openssl rand -base64 32`") from exc
        if len(key) != KEK_BYTES:
            raise ImproperlyConfigured(f"PSEUDONYM_KEK must decode to 32 bytes, not {len(key)}; make one "
                                       "with `openssl rand -base64 32`")
        return key
    if not settings.DEBUG:
        raise ImproperlyConfigured("PSEUDONYM_KEK is not set: de-identification needs a key-encryption key "
                                   "(32 random bytes in base64, `openssl rand -base64 32`, or PSEUDONYM_KEK_FILE)")
    if not _warned_derived_kek:
        log.warning("PSEUDONYM_KEK is not set; DEBUG is on, so a key-encryption key is derived from SECRET_KEY "
                    "(development only: pseudonyms change with SECRET_KEY)")
        _warned_derived_kek = True
    return hashlib.sha256(b"bigpicture/pseudonym-kek/" + settings.SECRET_KEY.encode()).digest()


def kek_fingerprint(key: bytes) -> str:
    return hmac.new(key, b"bigpicture/kek-fingerprint", hashlib.sha256).hexdigest()[:32]


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    sealed = bytes(sealed)
    return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], aad)


def kek_wrap(plaintext: bytes, *, aad: bytes) -> tuple[bytes, str]:
    """`plaintext` sealed under the KEK, and the KEK's fingerprint to store beside it."""
    key = kek()
    return seal(key, plaintext, aad), kek_fingerprint(key)


def kek_unwrap(sealed: bytes, *, aad: bytes, fingerprint: str, what: str, remedy: str) -> bytes:
    """What `kek_wrap` sealed. `what` names the secret and `remedy` says what to do, in the errors for
    a different KEK and for an altered secret."""
    key = kek()
    if fingerprint != kek_fingerprint(key):
        raise ImproperlyConfigured(f"PSEUDONYM_KEK is not the key that wrapped {what}; {remedy}")
    try:
        return unseal(key, sealed, aad)
    except InvalidTag as exc:
        raise ImproperlyConfigured(f"{what} does not unwrap: the stored secret was altered") from exc
