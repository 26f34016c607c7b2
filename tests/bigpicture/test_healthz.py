"""/healthz reports the database, the broker and storage as JSON, 200 or 503."""

from celery import Celery

from bigpicture import health


def test_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


def test_unreachable_broker_gives_503(client, db, monkeypatch):
    # A separate app pointing nowhere: the shared app's connection pools stay untouched.
    nowhere = Celery(set_as_current=False)
    nowhere.conf.broker_url = nowhere.conf.broker_write_url = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(health, "app", nowhere)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert not body["checks"]["broker"]["ok"] and body["checks"]["database"]["ok"]
    assert "error" in body["checks"]["broker"]


def test_unwritable_storage_gives_503(client, db, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where a folder should be")
    settings.STORAGES = {**settings.STORAGES, "archive": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocked / "archive")},
    }}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert not response.json()["checks"]["storage"]["ok"]
