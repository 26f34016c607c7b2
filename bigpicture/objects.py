"""Objects in storage areas, on either backend: move, hash, list, and abort unfinished uploads.

Django's Storage API has no rename and no listing with times; these add them
for local folders (FileSystemStorage) and S3 (django-storages' S3Storage).
`bigpicture.staging` builds on them.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime

from botocore.exceptions import ClientError
from django.core.files.storage import FileSystemStorage, Storage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

CHUNK = 1024 * 1024


def _s3_key(storage: S3Storage, name: str) -> str:
    return storage._normalize_name(clean_name(name))


def _s3_missing(error: ClientError) -> bool:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status == 404 or error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey")


def object_move(storage: Storage, source: str, target: str) -> None:
    """Put object `source` at `target`, replacing what is there; FileNotFoundError if `source` is gone."""
    if isinstance(storage, FileSystemStorage):
        source_path, target_path = storage.path(source), storage.path(target)
        try:
            os.replace(source_path, target_path)
        except FileNotFoundError:
            if not os.path.exists(source_path):
                raise
            os.makedirs(os.path.dirname(target_path), exist_ok=True)
            os.replace(source_path, target_path)
    elif isinstance(storage, S3Storage):
        # S3 has no rename: a server-side copy (multipart for big objects), then delete.
        key = _s3_key(storage, target)
        extra = {**storage._get_write_parameters(key), "MetadataDirective": "REPLACE"}
        try:
            storage.connection.meta.client.copy(
                {"Bucket": storage.bucket_name, "Key": _s3_key(storage, source)}, storage.bucket_name, key,
                ExtraArgs=extra, Config=storage.transfer_config)
        except ClientError as error:
            if _s3_missing(error):
                raise FileNotFoundError(f"no object {source!r} to move") from error
            raise
        storage.delete(source)
    else:
        raise NotImplementedError(f"{type(storage).__name__}: moving objects is not supported")


def object_digest(storage: Storage, name: str) -> tuple[str, int]:
    """(SHA-256, size) of an object, read as a stream; FileNotFoundError if there is none."""
    digest, size = hashlib.sha256(), 0
    for chunk in object_chunks(storage, name):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def object_chunks(storage: Storage, name: str) -> Iterator[bytes]:
    """The bytes of an object in 1 MiB chunks, streamed (never the whole object in memory)."""
    if isinstance(storage, S3Storage):
        # S3File would spool the whole object to a temporary file first.
        try:
            body = storage.connection.meta.client.get_object(Bucket=storage.bucket_name,
                                                             Key=_s3_key(storage, name))["Body"]
        except ClientError as error:
            if _s3_missing(error):
                raise FileNotFoundError(f"no object {name!r}") from error
            raise
        yield from body.iter_chunks(CHUNK)
        return
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


class _ChunkReader(io.RawIOBase):
    """A read-only file over an object's chunks."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = iter(chunks)
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._rest:
            self._rest = next(self._chunks, b"")
            if not self._rest:
                return 0
        size = min(len(buffer), len(self._rest))
        buffer[:size], self._rest = self._rest[:size], self._rest[size:]
        return size


def object_reader(storage: Storage, name: str) -> io.BufferedReader:
    """An object as a read-only binary file, streamed (S3File would spool the whole object first).
    FileNotFoundError comes on the first read when there is no such object."""
    return io.BufferedReader(_ChunkReader(object_chunks(storage, name)), buffer_size=CHUNK)


class _S3RangeReader(io.RawIOBase):
    """A read-only, seekable file over one S3 object: each read is one ranged GET."""

    def __init__(self, storage: S3Storage, name: str):
        self._client = storage.connection.meta.client
        self._bucket = storage.bucket_name
        self._key = _s3_key(storage, name)
        self.name = name  # pydicom and wsidicom name the file they read
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


def object_open_seekable(storage: Storage, name: str, *, buffer_size: int = 256 * 1024) -> io.BufferedReader:
    """An object opened for seeking and reading, so a header or a frame costs a ranged read, never the
    whole object (S3File would download it all first)."""
    if isinstance(storage, S3Storage):
        return io.BufferedReader(_S3RangeReader(storage, name), buffer_size=buffer_size)
    return open(storage.path(name), "rb", buffering=buffer_size)  # noqa: SIM115 (the caller closes it)


def object_list(storage: Storage, folder: str) -> Iterator[tuple[str, datetime]]:
    """(name, last modified) of each object directly in `folder`, hidden partial files included."""
    if isinstance(storage, S3Storage):
        prefix = _s3_key(storage, folder).rstrip("/") + "/"
        strip = len(prefix) - len(folder.rstrip("/") + "/")
        pages = storage.connection.meta.client.get_paginator("list_objects_v2").paginate(
            Bucket=storage.bucket_name, Prefix=prefix, Delimiter="/")
        for page in pages:
            for entry in page.get("Contents", ()):
                yield entry["Key"][strip:], entry["LastModified"]
        return
    try:
        entries = list(os.scandir(storage.path(folder)))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.is_file():
            yield f"{folder.rstrip('/')}/{entry.name}", datetime.fromtimestamp(entry.stat().st_mtime, UTC)


def uploads_abort(storage: Storage, folder: str, *, before: datetime) -> int:
    """Abort S3 multipart uploads into `folder` started before `before` (a killed writer leaves them)."""
    if not isinstance(storage, S3Storage):
        return 0
    client = storage.connection.meta.client
    prefix = _s3_key(storage, folder).rstrip("/") + "/"
    aborted = 0
    for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=storage.bucket_name, Prefix=prefix):
        for upload in page.get("Uploads", ()):
            if upload["Initiated"] <= before:
                client.abort_multipart_upload(Bucket=storage.bucket_name, Key=upload["Key"],
                                              UploadId=upload["UploadId"])
                aborted += 1
    return aborted


_THROTTLED = {"SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed",
              "InternalError", "ServiceUnavailable"}


def storage_error_transient(error: ClientError) -> bool:
    """S3 answers worth retrying: 5xx, throttling and timeouts (a 403 or a 404 is not)."""
    response = error.response or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return status >= 500 or response.get("Error", {}).get("Code") in _THROTTLED
