"""crypt4gh keys and encryption for tests, made with the crypt4gh package itself (no network)."""

from __future__ import annotations

import os
from pathlib import Path

from crypt4gh.keys.c4gh import generate
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from metaflex.encryption import crypt4gh_encrypt

__all__ = ["crypt4gh_encrypt", "key_files", "keypair"]


def keypair() -> tuple[bytes, bytes]:
    """A fresh (secret, public) X25519 key pair."""
    secret = os.urandom(32)
    public = X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return secret, public


def key_files(folder: Path, passphrase: str = "") -> tuple[Path, Path]:
    """A crypt4gh secret/public key file pair, as `crypt4gh-keygen` writes them."""
    secret, public = folder / "repository.sec", folder / "repository.pub"
    generate(str(secret), str(public), passphrase.encode(), b"test repository")
    return secret, public
