"""The bytes of one stored file, or of a range of it, streamed in chunks: never the whole file in memory.

On S3 each request is one ranged GET (django-storages' file object would download the whole object
first); on local storage the file is opened (`instance_open`), positioned and read.
"""

from __future__ import annotations

from collections.abc import Iterator

from access.selectors.pixels import ARCHIVE_AREA, instance_open
from bigpicture.storage import storage_for
from repository.models import ImageFile

CHUNK_BYTES = 256 * 1024


def file_chunks(row: ImageFile, start: int, length: int) -> Iterator[bytes]:
    """`length` bytes of `row` from `start`, in chunks of at most CHUNK_BYTES."""
    if length <= 0:
        return iter(())
    storage = storage_for(ARCHIVE_AREA)
    if hasattr(storage, "bucket"):  # S3Storage
        return _s3_chunks(storage, row.storage_name, start, length)
    return _local_chunks(row, start, length)


def _local_chunks(row: ImageFile, start: int, length: int) -> Iterator[bytes]:
    with instance_open(row) as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _s3_chunks(storage, name: str, start: int, length: int) -> Iterator[bytes]:
    key = storage._normalize_name(name)
    body = storage.bucket.Object(key).get(Range=f"bytes={start}-{start + length - 1}")["Body"]
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()
