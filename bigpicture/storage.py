"""Storage areas: inbox, quarantine, archive and public objects are kept apart.

Local mode gives each area its own folder under MEDIA_ROOT. S3 mode gives each
area its own bucket (`S3_BUCKET_<AREA>`) or, by default, its own prefix in
`AWS_STORAGE_BUCKET_NAME`. Code asks for an area with `storage_for(area)`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import storages

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
    return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": options}


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
