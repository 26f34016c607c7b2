"""Reading a public key that a user pastes or uploads, with the crypt4gh package's own parser.

Accepted, as the crypt4gh tools accept them: a crypt4gh public key file
(`-----BEGIN CRYPT4GH PUBLIC KEY-----`, as `crypt4gh-keygen` writes it) and an OpenSSH
`ssh-ed25519` public key line, converted to X25519 as `crypt4gh encrypt --recipient_pk` does.
Refused with a message that says what was pasted: a secret key, another SSH key type, anything else.
"""

from __future__ import annotations

import hashlib
import os
import tempfile

from crypt4gh import header as c4gh_header
from crypt4gh.keys import get_public_key

from bigpicture.errors import UserError

KEY_BYTES = 32
MAX_KEY_TEXT = 4096
_SECRET_MARKERS = ("PRIVATE KEY", "SECRET KEY")
_SSH_TYPES = ("ssh-rsa", "ssh-dss", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-")


class KeyRefused(UserError):
    """What was given is not a public key downloads can be encrypted to; the message says why."""


def fingerprint(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()


def public_key_read(text: str) -> bytes:
    """The 32-byte X25519 key of a pasted or uploaded public key, or KeyRefused."""
    text = (text or "").strip()
    if not text:
        raise KeyRefused("Paste your crypt4gh public key, or choose its file (a .pub file made by crypt4gh-keygen).")
    if len(text) > MAX_KEY_TEXT:
        raise KeyRefused("This is far longer than a public key (a crypt4gh public key is three short lines).")
    first = text.splitlines()[0].strip()
    if any(marker in first.upper() for marker in _SECRET_MARKERS):
        raise KeyRefused("This is a SECRET key: never share it, not even here. Paste the public key instead: the "
                         "file ending in .pub that crypt4gh-keygen wrote next to it.")
    if first.startswith(_SSH_TYPES):
        raise KeyRefused(f"This is an SSH key of type {first.split()[0]}; crypt4gh can encrypt only to ed25519 "
                         "keys. Paste a crypt4gh public key (crypt4gh-keygen) or an ssh-ed25519 key.")
    key = _parsed(text)
    if len(key) != KEY_BYTES or key == bytes(KEY_BYTES):
        raise KeyRefused(f"This key holds {len(key)} bytes, not the {KEY_BYTES} of an X25519 public key: it was "
                         "cut or changed. Paste the whole .pub file.")
    try:  # the crypt4gh package must be able to encrypt a header to it
        next(c4gh_header.encrypt(b"\0" * 36, [(0, os.urandom(KEY_BYTES), key)]))
    except Exception:  # noqa: BLE001 - libsodium refuses a weak point with a bare error
        raise KeyRefused("crypt4gh cannot encrypt to this key. Make a new key pair with crypt4gh-keygen.") from None
    return key


def _parsed(text: str) -> bytes:
    # get_public_key reads a file only; the text is at most a few KB.
    with tempfile.NamedTemporaryFile("w", suffix=".pub") as handle:
        handle.write(text + "\n")
        handle.flush()
        try:
            return bytes(get_public_key(handle.name))
        except Exception:  # noqa: BLE001 - the package raises ValueError, binascii.Error, AssertionError...
            raise KeyRefused("This is not a public key crypt4gh can read. Paste the whole file that starts with "
                             "-----BEGIN CRYPT4GH PUBLIC KEY----- (made by crypt4gh-keygen), or an ssh-ed25519 "
                             "public key line.") from None
