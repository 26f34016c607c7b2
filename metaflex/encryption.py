"""crypt4gh-encrypted files in a bundle: recognise them, and read their plaintext as a stream.

Contributors' tools encrypt data files to the repository's public key (the
Bigpicture way); `FILE/@checksum` is then the SHA-256 of the encrypted file and
`@unencrypted_checksum` that of the plaintext. `Crypt4GHReader` decrypts
segment by segment (64 KiB, constant memory) with the `crypt4gh` package,
hashes the ciphertext as it goes and refuses, at the end, a file that does not
match its checksum. Files with an edit list are refused: nothing in Bigpicture
writes them, and the archive keeps whole files.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from pathlib import Path

from crypt4gh import CIPHER_SEGMENT_SIZE
from crypt4gh import header as c4gh_header
from crypt4gh.keys import get_private_key
from crypt4gh.lib import decrypt_block, encrypt
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import UserError

MAGIC = b"crypt4gh"
PUBLIC_KEY_PATH = "/crypt4gh.pub"  # where the portal serves the key contributors encrypt to

# The package logs every failed key attempt as an error; we report those failures ourselves.
logging.getLogger("crypt4gh").setLevel(logging.CRITICAL)


class EncryptionError(UserError):
    """An encrypted file cannot be read: wrong key, damaged, or not what its checksum says."""


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


def secret_key_load(path: str | Path, passphrase: str | None = None) -> bytes:
    """The 32-byte X25519 secret key of a crypt4gh (or OpenSSH ed25519) key file."""
    try:
        return bytes(get_private_key(str(path), lambda: passphrase or ""))
    except SystemExit:  # crypt4gh exits on a wrong passphrase instead of raising
        raise ValueError(f"{path}: wrong passphrase, or not a crypt4gh secret key") from None
    except (OSError, ValueError, NotImplementedError) as error:
        raise ValueError(f"{path}: not a crypt4gh secret key ({error})") from None


def crypt4gh_encrypt(plain: bytes, recipient_public_key: bytes) -> bytes:
    """`plain` encrypted to the recipient with a one-time sender key, as sda-cli or `crypt4gh encrypt` write it."""
    sender = X25519PrivateKey.generate().private_bytes_raw()
    out = io.BytesIO()
    encrypt([(0, sender, recipient_public_key)], io.BytesIO(plain), out)
    return out.getvalue()


def public_key_pem(secret_key: bytes) -> str:
    """The public key in crypt4gh's file format, as `crypt4gh-keygen` writes it."""
    public = X25519PrivateKey.from_private_bytes(secret_key).public_key().public_bytes(Encoding.Raw,
                                                                                      PublicFormat.Raw)
    return ("-----BEGIN CRYPT4GH PUBLIC KEY-----\n" + base64.b64encode(public).decode()
            + "\n-----END CRYPT4GH PUBLIC KEY-----\n")


class HashingFile:
    """The ciphertext file, hashed as the header parser and the segment loop read it."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha256.update(data)
        return data

    def readinto(self, buffer) -> int:
        n = self.handle.readinto(buffer)
        self.sha256.update(memoryview(buffer)[:n])
        return n


class Crypt4GHReader(io.RawIOBase):
    """The plaintext of the crypt4gh file at `path`, for `read(size)`; opened on first read.

    With `checksum`, the ciphertext must hash to it, and with `plain_checksum` the plaintext;
    both are checked when the end is reached.
    """

    def __init__(self, path: str | Path, secret_key: bytes, *, checksum: str | None = None,
                 plain_checksum: str | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.name = self.path.name
        self._secret_key = secret_key
        self._checksum = checksum
        self._plain_checksum = plain_checksum
        self._plain_sha256 = hashlib.sha256()
        self._file: HashingFile | None = None
        self._keys: list[bytes] = []
        self._segment = memoryview(b"")
        self._plain = bytearray(CIPHER_SEGMENT_SIZE)
        self._segments = 0
        self._eof = False

    def readable(self) -> bool:
        return True

    def _start(self) -> None:
        self._file = HashingFile(open(self.path, "rb"))
        self._keys = session_keys(self._file, self._secret_key, self.path.name)

    def _next_segment(self) -> None:
        cipher = self._file.read(CIPHER_SEGMENT_SIZE)
        if not cipher:
            self._eof = True
            self._file.handle.close()
            if self._checksum and self._file.sha256.hexdigest() != self._checksum:
                raise EncryptionError(f"{self.name}: the encrypted file has SHA256 {self._file.sha256.hexdigest()}, "
                                      f"not {self._checksum}; it changed after validation. Upload it again.")
            if self._plain_checksum and self._plain_sha256.hexdigest() != self._plain_checksum:
                raise EncryptionError(f"{self.name}: the decrypted file has SHA256 {self._plain_sha256.hexdigest()}, "
                                      f"but its unencrypted_checksum says {self._plain_checksum}; correct the "
                                      "unencrypted_checksum (the SHA256 of the file before encryption).")
            return
        self._segments += 1
        try:
            n = decrypt_block(self._plain, cipher, self._keys)
        except ValueError:
            raise EncryptionError(f"{self.name}: crypt4gh segment {self._segments} cannot be decrypted; the file "
                                  "is damaged or truncated. Encrypt and upload it again.") from None
        self._segment = memoryview(self._plain)[:n]
        if self._plain_checksum:
            self._plain_sha256.update(self._segment)

    def readinto(self, buffer) -> int:
        if self._file is None:
            self._start()
        while not self._segment and not self._eof:
            self._next_segment()
        n = min(len(buffer), len(self._segment))
        buffer[:n] = self._segment[:n]
        self._segment = self._segment[n:]
        return n

    def close(self) -> None:
        if self._file is not None:
            self._file.handle.close()
        super().close()


def session_keys(handle, secret_key: bytes | None, name: str) -> list[bytes]:
    """Read the crypt4gh header from `handle` (left at the data) and return its data keys."""
    if secret_key is None:
        raise EncryptionError(f"{name} is crypt4gh-encrypted, but this repository has no crypt4gh key configured "
                              "(CRYPT4GH_SECRET_KEY_FILE), so it cannot decrypt it. Send the file unencrypted, or "
                              "ask the repository's operators to configure their key.")
    try:
        keys, edit_list = c4gh_header.deconstruct(handle, [(0, secret_key, None)])
    except ValueError:
        raise EncryptionError(f"{name} is crypt4gh-encrypted, but not to this repository's key, so it cannot be "
                              f"decrypted. Encrypt it to the repository's public key (download it from "
                              f"{PUBLIC_KEY_PATH}).") from None
    if edit_list is not None:
        raise EncryptionError(f"{name} has a crypt4gh edit list; the repository archives whole files. Encrypt the "
                              "whole file without --range.")
    return keys


class Rewindable:
    """A forward stream that a header reader may seek back in: it keeps what was read (a few KB)."""

    def __init__(self, stream: io.RawIOBase) -> None:
        self._stream = stream
        self._data = bytearray()
        self._position = 0
        self.name = getattr(stream, "name", "")

    def _fill(self, end: int | None) -> None:
        while end is None or len(self._data) < end:
            chunk = self._stream.read(CIPHER_SEGMENT_SIZE if end is None else end - len(self._data))
            if not chunk:
                return
            self._data += chunk

    def read(self, size: int = -1) -> bytes:
        end = None if size is None or size < 0 else self._position + size
        self._fill(end)
        chunk = bytes(self._data[self._position:end])
        self._position += len(chunk)
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == io.SEEK_END:
            self._fill(None)
            base = len(self._data)
        else:
            base = self._position if whence == io.SEEK_CUR else 0
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position
