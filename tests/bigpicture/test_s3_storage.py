"""STORAGE_BACKEND=s3 keeps inbox, quarantine, archive and public apart on a real S3 server."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.base import ContentFile

from bigpicture.storage import AREAS, storage_for, storage_settings

pytestmark = pytest.mark.s3


@pytest.fixture
def s3_settings(settings, s3_server, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "portal")
    monkeypatch.setenv("S3_BUCKET_QUARANTINE", "portal-quarantine")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", s3_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_S3_REGION_NAME", "us-east-1")
    client = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id="testing",
                          aws_secret_access_key="testing", region_name="us-east-1")
    for bucket in ("portal", "portal-quarantine"):
        client.create_bucket(Bucket=bucket)
    settings.STORAGES = storage_settings(backend="s3", media_root=tmp_path, static_manifest=False)
    yield client
    for bucket in ("portal", "portal-quarantine"):
        for obj in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=obj["Key"])
        client.delete_bucket(Bucket=bucket)


def test_areas_use_prefixes_or_their_own_bucket(s3_settings):
    for area in AREAS:
        storage_for(area).save("slides/a.svs", ContentFile(f"{area} bytes".encode()))
    keys = {obj["Key"] for obj in s3_settings.list_objects_v2(Bucket="portal")["Contents"]}
    assert keys == {"inbox/slides/a.svs", "archive/slides/a.svs", "public/slides/a.svs"}
    quarantined = s3_settings.list_objects_v2(Bucket="portal-quarantine")["Contents"]
    assert [obj["Key"] for obj in quarantined] == ["slides/a.svs"]
    with storage_for("archive").open("slides/a.svs") as handle:
        assert handle.read() == b"archive bytes"


def test_private_areas_hand_out_expiring_signed_urls(s3_settings):
    storage_for("archive").save("x.dcm", ContentFile(b"x"))
    storage_for("public").save("x.jpg", ContentFile(b"x"))
    assert "Signature" in storage_for("archive").url("x.dcm")
    assert "Signature" not in storage_for("public").url("x.jpg")


def test_unknown_area_is_refused():
    with pytest.raises(ValueError, match="unknown storage area"):
        storage_for("tmp")


def test_healthz_checks_s3(s3_settings, client, db, settings):
    settings.HEALTHZ_TOKEN = "internal"
    deep = {"X-Healthz-Token": "internal"}
    assert client.get("/healthz", headers=deep).json()["checks"]["storage"]["ok"]
    s3_settings.delete_bucket(Bucket="portal-quarantine")
    response = client.get("/healthz", headers=deep)
    assert response.status_code == 503
    assert not response.json()["checks"]["storage"]["ok"]
    settings.HEALTHZ_CACHE_SECONDS = 0
    assert client.get("/healthz").json() == {"status": "fail"}  # anonymous: no probe written, still seen
    s3_settings.create_bucket(Bucket="portal-quarantine")
