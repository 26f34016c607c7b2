"""Storage areas: inbox, quarantine, archive and public objects are kept apart.

Local mode gives each area its own folder under MEDIA_ROOT. S3 mode gives each
area its own bucket (`S3_BUCKET_<AREA>`) or, by default, its own prefix in
`AWS_STORAGE_BUCKET_NAME`. Code asks for an area with `storage_for(area)`.

Both backends write atomically: an object appears under its name only when it
is complete (S3 does this itself; locally `AtomicFileSystemStorage` writes a
temporary file in the same folder and renames it). Moving, hashing and listing
objects on either backend is in `bigpicture.objects`.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.utils._os import safe_makedirs

from bigpicture.env import env_str

AREAS = ("inbox", "quarantine", "archive", "public")


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
