"""The repository's crypt4gh key pair, from CRYPT4GH_SECRET_KEY_FILE (and CRYPT4GH_PASSPHRASE).

The secret key decrypts what contributors encrypted to the public key; the
public key is derived from it and served at `/crypt4gh.pub`. Read once per
process (a passphrase-protected key costs a key derivation).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from metaflex.encryption import public_key_pem, secret_key_load


@lru_cache(maxsize=4)
def _secret_key(path: str, passphrase: str) -> bytes:
    try:
        return secret_key_load(path, passphrase or None)
    except ValueError as error:
        raise ImproperlyConfigured(f"CRYPT4GH_SECRET_KEY_FILE / CRYPT4GH_PASSPHRASE: {error}") from None


def crypt4gh_secret_key() -> bytes | None:
    """The repository's secret key, or None when none is configured."""
    path = settings.CRYPT4GH_SECRET_KEY_FILE
    return _secret_key(str(path), settings.CRYPT4GH_PASSPHRASE) if path else None


def crypt4gh_public_key() -> str | None:
    """The public key contributors encrypt to, in crypt4gh's file format; None when none is configured."""
    secret_key = crypt4gh_secret_key()
    return public_key_pem(secret_key) if secret_key else None
