"""Short-lived presigned S3 URLs for plain downloads, naming the endpoint users reach.

The portal talks to S3 at AWS_S3_ENDPOINT_URL (often an internal address); a presigned URL is
signed for AWS_S3_PUBLIC_ENDPOINT_URL instead, with the same bucket, key and credentials, so the
user's client fetches the bytes from S3 directly. Callers hand one out only after the permission
check and the audit row.
"""

from __future__ import annotations

from functools import lru_cache

import boto3
from botocore.config import Config
from django.conf import settings
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


def is_s3(storage) -> bool:
    return isinstance(storage, S3Storage)


def _key(storage: S3Storage, name: str) -> str:
    return storage._normalize_name(clean_name(name))


def object_head(storage: S3Storage, name: str, size: int) -> bytes:
    """The first `size` bytes of an object, by a ranged GET (FileNotFoundError if there is none)."""
    client = storage.connection.meta.client
    try:
        response = client.get_object(Bucket=storage.bucket_name, Key=_key(storage, name), Range=f"bytes=0-{size - 1}")
    except client.exceptions.NoSuchKey:
        raise FileNotFoundError(f"no object {name!r}") from None
    with response["Body"] as body:
        return body.read(size)


@lru_cache(maxsize=8)
def _public_client(endpoint: str, region: str | None, access_key: str | None, secret_key: str | None,
                   addressing_style: str | None, signature_version: str | None):
    config = Config(signature_version=signature_version or "s3v4",
                    s3={"addressing_style": addressing_style or "path"})
    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=region,
                                          aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                          config=config)


def presigned_url(storage: S3Storage, name: str, *, filename: str) -> str:
    """A GET URL for the object `name` of `storage`, valid DOWNLOAD_PRESIGNED_SECONDS, saved as `filename`."""
    endpoint = settings.AWS_S3_PUBLIC_ENDPOINT_URL
    if endpoint:
        client = _public_client(endpoint, storage.region_name, storage.access_key, storage.secret_key,
                                storage.addressing_style, storage.signature_version)
    else:
        client = storage.connection.meta.client
    safe_name = filename.replace('"', "").replace("\\", "")
    return client.generate_presigned_url("get_object", ExpiresIn=settings.DOWNLOAD_PRESIGNED_SECONDS, Params={
        "Bucket": storage.bucket_name, "Key": _key(storage, name),
        "ResponseContentDisposition": f'attachment; filename="{safe_name}"'})
