"""Both storage backends for one test: local folders, or S3 on the moto server, listed from outside.

    def test_x(storage_backend):          # runs twice: [local] and [s3]
        ...
        assert storage_backend.objects("archive", "public") == set()

Settings point every area at a fresh place, and so does the environment, so a
subprocess (`manage.py ...`) started by the test uses the same storage. The
listing goes around the portal's storage code: the local folder tree, or
boto3 on the bucket (in-progress multipart uploads count as objects).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from bigpicture.storage import AREAS, storage_settings


@dataclass
class StorageUnderTest:
    backend: str
    root: Path
    client: object = None
    bucket: str = ""

    def objects(self, *areas: str) -> set[str]:
        """Every object (and, on S3, every unfinished upload) in these areas, as `area/name`."""
        found: set[str] = set()
        for area in areas:
            if self.backend == "local":
                base = self.root / area
                found |= {f"{area}/{p.relative_to(base).as_posix()}" for p in base.rglob("*") if p.is_file()}
                continue
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=f"{area}/")
            found |= {obj["Key"] for page in pages for obj in page.get("Contents", ())}
            uploads = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=f"{area}/").get("Uploads", ())
            found |= {f"{upload['Key']} (unfinished upload)" for upload in uploads}
        return found

    def read(self, key: str) -> bytes:
        """The bytes of one object listed by `objects` (`area/name`)."""
        if self.backend == "local":
            return (self.root / key).read_bytes()
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def writing(self, area: str) -> bool:
        """Whether a write into the area is under way: a growing partial file, or an unfinished upload."""
        if self.backend == "local":
            return any(p.stat().st_size > 0 for p in (self.root / area).rglob(".*.part"))
        return bool(self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=f"{area}/").get("Uploads"))

    def truncate(self, area: str, name: str) -> bytes:
        """Cut the object at `name` to half its length, behind the portal's back; returns the full bytes."""
        if self.backend == "local":
            path = self.root / area / name
            data = path.read_bytes()
            path.write_bytes(data[:len(data) // 2])
            return data
        key = f"{area}/{name}"
        data = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data[:len(data) // 2])
        return data


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def storage_backend(request, settings, monkeypatch, tmp_path):
    root = tmp_path / "media"
    if request.param == "local":
        env = {"STORAGE_BACKEND": "local", "MEDIA_ROOT": str(root)}
        under_test = StorageUnderTest("local", root)
    else:
        endpoint = request.getfixturevalue("s3_server")
        bucket = f"portal-{uuid.uuid4().hex[:12]}"
        env = {"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_ENDPOINT_URL": endpoint,
               "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_S3_REGION_NAME": "us-east-1"}
        client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing",
                              aws_secret_access_key="testing", region_name="us-east-1")
        client.create_bucket(Bucket=bucket)
        under_test = StorageUnderTest("s3", root, client, bucket)
    for area in (*AREAS, "default"):
        monkeypatch.delenv(f"S3_BUCKET_{area.upper()}", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = storage_settings(backend=request.param, media_root=root, static_manifest=False)
    yield under_test
    if under_test.client is not None:
        _bucket_delete(under_test.client, under_test.bucket)


def _bucket_delete(client, bucket: str) -> None:
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", ()):
            client.delete_object(Bucket=bucket, Key=obj["Key"])
    for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", ()):
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    client.delete_bucket(Bucket=bucket)

