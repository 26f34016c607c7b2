"""Fixtures for the tests of what the public sees: storage in a temporary folder, an imported version.

They are registered in tests/repository/conftest.py.
"""

from __future__ import annotations

import boto3
import pytest

from bigpicture.storage import storage_settings
from tests.repository.committed import import_committed
from tests.repository.metaflex_bundles import BundleBuilder


@pytest.fixture
def local_storage(settings, tmp_path):
    """Every storage area in a folder of its own test, so listing it shows only this test's objects."""
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)
    return tmp_path / "media"


@pytest.fixture
def bundle_builder(tmp_path) -> BundleBuilder:
    return BundleBuilder(tmp_path / "bundles")


@pytest.fixture
def imported_version(db, local_storage, bundle_builder):
    """A version imported (and so published) from a small valid bundle."""
    result = import_committed(bundle_dir=bundle_builder.write())
    assert result.ok, result.report.format()
    return result.version


@pytest.fixture
def s3_storage(settings, s3_server, monkeypatch, tmp_path):
    """Every storage area as a prefix of one bucket on moto's S3 server; yields the boto3 client."""
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
    for name, value in {"AWS_STORAGE_BUCKET_NAME": "portal-public-tests", "AWS_S3_ENDPOINT_URL": s3_server,
                        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_S3_REGION_NAME": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, **credentials)
    client.create_bucket(Bucket="portal-public-tests")
    settings.STORAGES = storage_settings(backend="s3", media_root=tmp_path, static_manifest=False)
    yield client
    for obj in client.list_objects_v2(Bucket="portal-public-tests").get("Contents", []):
        client.delete_object(Bucket="portal-public-tests", Key=obj["Key"])
    client.delete_bucket(Bucket="portal-public-tests")
