"""/healthz: anyone gets the overall status, cached and without writing anything; staff and internal
callers with HEALTHZ_TOKEN get every check, including a write probe in each storage area."""

import pytest
from celery import Celery

from bigpicture import health
from bigpicture.storage import storage_settings

TOKEN = "internal-healthz-token"


@pytest.fixture(autouse=True)
def healthz_settings(settings):
    settings.HEALTHZ_TOKEN = TOKEN
    settings.HEALTHZ_CACHE_SECONDS = 0  # each GET checks anew unless a test caches


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.STORAGES = storage_settings(backend="local", media_root=root, static_manifest=False)
    return root


@pytest.fixture
def broker_down(monkeypatch):
    # A separate app pointing nowhere: the shared app's connection pools stay untouched.
    nowhere = Celery(set_as_current=False)
    nowhere.conf.broker_url = nowhere.conf.broker_write_url = "redis://127.0.0.1:1/0"
    return lambda: monkeypatch.setattr(health, "app", nowhere)


def deep(client):
    return client.get("/healthz", headers={"X-Healthz-Token": TOKEN})


def test_internal_caller_gets_every_check(client, db, media):
    response = deep(client)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


def test_staff_get_every_check(client, db, media, user_factory):
    client.force_login(user_factory(is_staff=True))
    assert set(client.get("/healthz").json()["checks"]) == {"database", "broker", "storage"}


@pytest.mark.parametrize("headers", [{}, {"X-Healthz-Token": "wrong"}, {"X-Healthz-Token": ""}])
def test_anonymous_get_the_status_and_nothing_is_written(client, db, media, headers):
    response = client.get("/healthz", headers=headers)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not list(media.rglob("*")), "an anonymous GET wrote into storage"


def test_logged_in_non_staff_get_the_status_only(client, db, media, user_factory):
    client.force_login(user_factory())
    assert client.get("/healthz").json() == {"status": "ok"}


def test_no_token_configured_means_no_internal_callers(client, db, media, settings):
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz", headers={"X-Healthz-Token": ""}).json() == {"status": "ok"}


def test_anonymous_status_is_cached(client, db, media, settings, broker_down):
    assert client.get("/healthz").status_code == 200
    settings.HEALTHZ_CACHE_SECONDS = 60
    broker_down()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert deep(client).status_code == 503
    settings.HEALTHZ_CACHE_SECONDS = 0
    assert client.get("/healthz").status_code == 503


def test_unreachable_broker_gives_503(client, db, media, broker_down):
    broker_down()
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 503 and anonymous.json() == {"status": "fail"}
    response = deep(client)
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
    response = deep(client)
    assert response.status_code == 503
    assert not response.json()["checks"]["storage"]["ok"]
