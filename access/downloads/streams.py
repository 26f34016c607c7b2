"""The bytes of a download, streamed from an archived object in constant memory.

The archive holds plaintext (crypt4gh uploads are decrypted at import), and then a crypt4gh
download is encrypted as it streams: a fresh header for the user's key, then 64 KiB segments. An
archived object that is itself crypt4gh (it starts with the magic bytes) has only its header
re-encrypted (crypt4gh.header.reencrypt) with the repository's key; its segments are copied.
Each stream hashes what it reads and, if that is not the archived checksum, fails before it sends
its last chunk, so a client never receives a complete-looking wrong file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from crypt4gh import CIPHER_SEGMENT_SIZE, SEGMENT_SIZE, sodium
from crypt4gh import header as c4gh_header
from crypt4gh.lib import decrypt_block

from bigpicture.objects import CHUNK, object_reader
from bigpicture.storage import storage_for
from metaflex.encryption import MAGIC, HashingFile, session_keys

KEY_BYTES = 32
# magic, version, packet count; then per recipient: length, method, writer key, nonce, packet, MAC.
HEADER_BYTES = 8 + 4 + 4 + (4 + 4 + 32 + 12 + (4 + 4 + 32) + 16)
SEGMENT_OVERHEAD = CIPHER_SEGMENT_SIZE - SEGMENT_SIZE


class DownloadCorrupt(Exception):
    """The archived object is not what its checksum says; the download stops before its end."""


def crypt4gh_size(plain_size: int) -> int:
    """The size of a plaintext of `plain_size` bytes encrypted to one recipient."""
    full, rest = divmod(plain_size, SEGMENT_SIZE)
    return HEADER_BYTES + full * CIPHER_SEGMENT_SIZE + (rest + SEGMENT_OVERHEAD if rest else 0)


class HashingReader(HashingFile):
    """A binary file, hashed as it is read (`sha256`), that can also peek and close."""

    def peek(self, size: int) -> bytes:
        return self.handle.peek(size)[:size]

    def close(self) -> None:
        self.handle.close()


def is_crypt4gh(reader: HashingReader) -> bool:
    return reader.peek(len(MAGIC)).startswith(MAGIC)


@dataclass(frozen=True)
class Archived:
    """An archived object: its name in the archive area, and the SHA-256 it must hash to, whether it is
    plaintext (`plain_sha256`, the file's checksum) or crypt4gh (`crypt4gh_sha256`)."""

    storage_name: str
    plain_sha256: str
    crypt4gh_sha256: str = ""


def archive_open(archived: Archived) -> HashingReader:
    """The object, streamed (FileNotFoundError if it is missing)."""
    reader = HashingReader(object_reader(storage_for("archive"), archived.storage_name))
    reader.peek(len(MAGIC))
    return reader


def crypt4gh_stream(archived: Archived, recipient_key: bytes, *, archive_key: bytes | None) -> Iterator[bytes]:
    """The archived object encrypted to `recipient_key`, whichever the archive holds."""
    reader, name = archive_open(archived), archived.storage_name
    if is_crypt4gh(reader):
        chunks, expected = _header_reencrypted(reader, recipient_key, archive_key, name), archived.crypt4gh_sha256
    else:
        chunks, expected = _encrypted(reader, recipient_key), archived.plain_sha256
    return _checked(chunks, reader, expected, name)


def plain_stream(archived: Archived, *, archive_key: bytes | None) -> Iterator[bytes]:
    """The plaintext of the archived object (decrypted with the repository's key if it is crypt4gh)."""
    reader, name = archive_open(archived), archived.storage_name
    if is_crypt4gh(reader):
        chunks, expected = _decrypted(reader, archive_key, name), archived.crypt4gh_sha256
    else:
        chunks, expected = _segments(reader, CHUNK), archived.plain_sha256
    return _checked(chunks, reader, expected, name)


def _one_time_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _encrypted(reader: HashingReader, recipient_key: bytes) -> Iterator[bytes]:
    # crypt4gh.lib.encrypt's loop, as a generator: one session key, 64 KiB plaintext segments.
    session_key = _one_time_key()
    packet = c4gh_header.make_packet_data_enc(0, session_key)
    yield c4gh_header.serialize(list(c4gh_header.encrypt(packet, [(0, _one_time_key(), recipient_key)])))
    segment, cipher = bytearray(SEGMENT_SIZE), bytearray(CIPHER_SEGMENT_SIZE)
    while n := _fill(reader, segment):
        length = sodium.chacha20poly1305_encrypt(cipher, memoryview(segment)[:n], session_key)
        yield bytes(cipher[:length])
        if n < SEGMENT_SIZE:
            return


def _header_reencrypted(reader: HashingReader, recipient_key: bytes, archive_key: bytes | None,
                        name: str) -> Iterator[bytes]:
    if archive_key is None:
        raise DownloadCorrupt(f"{name} is archived crypt4gh-encrypted, but CRYPT4GH_SECRET_KEY_FILE is not set")
    try:
        packets = list(c4gh_header.parse(reader))
    except ValueError as error:
        raise DownloadCorrupt(f"{name}: the archived crypt4gh header is damaged ({error})") from None
    try:
        packets = c4gh_header.reencrypt(packets, [(0, archive_key, None)], [(0, _one_time_key(), recipient_key)],
                                        trim=True)
    except ValueError:
        raise DownloadCorrupt(f"{name} is archived crypt4gh-encrypted, but not to the repository's key") from None
    yield c4gh_header.serialize(packets)
    yield from _segments(reader, CIPHER_SEGMENT_SIZE)


def _decrypted(reader: HashingReader, archive_key: bytes | None, name: str) -> Iterator[bytes]:
    try:
        keys = session_keys(reader, archive_key, name)
    except Exception as error:  # noqa: BLE001 - EncryptionError and the package's ValueError
        raise DownloadCorrupt(str(error)) from None
    plain = bytearray(CIPHER_SEGMENT_SIZE)
    for cipher in _segments(reader, CIPHER_SEGMENT_SIZE):
        n = decrypt_block(plain, cipher, keys)
        yield bytes(plain[:n])


def _segments(reader: HashingReader, size: int = SEGMENT_SIZE) -> Iterator[bytes]:
    while chunk := reader.read(size):
        yield chunk


def _fill(reader: HashingReader, buffer: bytearray) -> int:
    """Read until `buffer` is full or the object ends (every crypt4gh segment but the last is full)."""
    view, filled = memoryview(buffer), 0
    while filled < len(buffer):
        n = reader.readinto(view[filled:])
        if not n:
            break
        filled += n
    return filled


def _checked(chunks: Iterator[bytes], reader: HashingReader, expected_sha256: str, name: str) -> Iterator[bytes]:
    """`chunks`, one behind: the last is sent only once the whole object hashed to `expected_sha256`."""
    pending = None
    try:
        for chunk in chunks:
            if pending is not None:
                yield pending
            pending = chunk
        if expected_sha256 and reader.sha256.hexdigest() != expected_sha256:
            raise DownloadCorrupt(f"{name}: the archived object has SHA-256 {reader.sha256.hexdigest()}, "
                                  f"not {expected_sha256}")
        if pending is not None:
            yield pending
    finally:
        reader.close()
