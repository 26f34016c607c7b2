"""Seekable reads of archived files, so a header or a frame costs a ranged read, never the whole file."""

from __future__ import annotations

import io

from storages.backends.s3 import S3Storage

from bigpicture.objects import _s3_key
from bigpicture.storage import storage_for

ARCHIVE = "archive"


class _S3RangeReader(io.RawIOBase):
    """A read-only, seekable file over one S3 object: each read is one ranged GET."""

    def __init__(self, storage: S3Storage, name: str):
        self._client = storage.connection.meta.client
        self._bucket = storage.bucket_name
        self._key = _s3_key(storage, name)
        self.name = name  # pydicom names the file it reads
        self._size = self._client.head_object(Bucket=self._bucket, Key=self._key)["ContentLength"]
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer) -> int:
        if self._position >= self._size or not len(buffer):
            return 0
        end = min(self._size, self._position + len(buffer)) - 1
        body = self._client.get_object(Bucket=self._bucket, Key=self._key,
                                       Range=f"bytes={self._position}-{end}")["Body"].read()
        buffer[:len(body)] = body
        self._position += len(body)
        return len(body)


def stored_open(name: str, *, buffer_size: int = 256 * 1024) -> io.BufferedReader:
    """The archived file `name`, opened for seeking and reading."""
    storage = storage_for(ARCHIVE)
    if isinstance(storage, S3Storage):
        return io.BufferedReader(_S3RangeReader(storage, name), buffer_size=buffer_size)
    return open(storage.path(name), "rb", buffering=buffer_size)  # noqa: SIM115 (the caller closes it)


def stored_range(name: str, start: int, end: int) -> bytes:
    """Bytes [start, end) of the archived file `name`."""
    with stored_open(name, buffer_size=max(1, end - start)) as handle:
        handle.seek(start)
        return handle.read(end - start)
