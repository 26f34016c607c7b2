"""When S3 does not answer, the API says so (503) instead of failing with a traceback."""

from __future__ import annotations

import socket

import pytest

from bigpicture.storage import storage_settings


@pytest.fixture
def dead_s3(settings, monkeypatch, tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for name, value in {"AWS_STORAGE_BUCKET_NAME": "portal", "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_S3_REGION_NAME": "us-east-1", "AWS_MAX_ATTEMPTS": "1"}.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = storage_settings(backend="s3", media_root=tmp_path, static_manifest=False)


def test_registering_while_s3_is_down_answers_503(client, contributor, submission, dead_s3):
    client.force_login(contributor)
    response = client.post(f"/api/v1/submissions/{submission.pk}/files/", {"path": "a.xml", "size": 1},
                           content_type="application/json")
    assert response.status_code == 503
    assert response.json()["code"] == "storage.unavailable"
    assert "Try again in a minute" in response.json()["detail"]
    assert not submission.files.exists()
