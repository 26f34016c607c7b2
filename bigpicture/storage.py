"""Storage areas: inbox, quarantine, archive and public objects are kept apart.

Local mode gives each area its own folder under MEDIA_ROOT. S3 mode gives each
area its own bucket (`S3_BUCKET_<AREA>`) or, by default, its own prefix in
`AWS_STORAGE_BUCKET_NAME`. Code asks for an area with `storage_for(area)`.

Both backends write atomically: an object appears under its name only when it
is complete (S3 does this itself; locally `AtomicFileSystemStorage` writes a
temporary file in the same folder and renames it). The object helpers below
(move, digest, listing) work on either backend; `bigpicture.staging` uses them.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from botocore.exceptions import ClientError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils._os import safe_makedirs
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from bigpicture.env import env_str

AREAS = ("inbox", "quarantine", "archive", "public")
CHUNK = 1024 * 1024


def storage_settings(*, backend: str, media_root: Path, static_manifest: bool) -> dict:
    storages: dict[str, dict] = {
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if static_manifest
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        }
    }
    if backend == "s3":
        storages["default"] = _s3_area("default")
        for area in AREAS:
            storages[area] = _s3_area(area)
    else:
        storages["default"] = _local_area(media_root, "default")
        for area in AREAS:
            storages[area] = _local_area(media_root, area)
    return storages


def _local_area(media_root: Path, area: str) -> dict:
    options = {"location": str(media_root / area)}
    if area in ("public", "default"):
        options["base_url"] = f"/media/{area}/"
    return {"BACKEND": "bigpicture.storage.AtomicFileSystemStorage", "OPTIONS": options}


def _s3_area(area: str) -> dict:
    shared_bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    own_bucket = env_str(f"S3_BUCKET_{area.upper()}", "")
    options = {
        "bucket_name": own_bucket or shared_bucket,
        "location": "" if own_bucket else area,
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", None),
        "region_name": env_str("AWS_S3_REGION_NAME", None),
        "access_key": env_str("AWS_ACCESS_KEY_ID", None),
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY", None),
        "file_overwrite": False,
        "default_acl": None,
        # Private areas hand out short-lived signed URLs only.
        "querystring_auth": area != "public",
        "querystring_expire": 300,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def storage_for(area: str):
    if area not in AREAS and area != "default":
        raise ValueError(f"unknown storage area {area!r}; expected one of {AREAS}")
    return storages[area]


class _Written:
    """A finished temporary file, handed to FileSystemStorage._save to be renamed into place."""

    def __init__(self, path: str):
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that never shows a partly written file under its name.

    The bytes go to a hidden `.<random>.part` file in the target folder, which
    is renamed to the name once complete; a crash leaves only the .part file.
    """

    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        partial = os.path.join(directory, f".{uuid.uuid4().hex}.part")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            with os.fdopen(fd, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
            return super()._save(name, _Written(partial))
        finally:
            if os.path.exists(partial):
                os.remove(partial)


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
    for chunk in _object_chunks(storage, name):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _object_chunks(storage: Storage, name: str) -> Iterator[bytes]:
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
