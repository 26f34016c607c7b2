"""deploy/healthcheck.py web: the container health check gets the deep checks when HEALTHZ_TOKEN is set,
and the overall status otherwise; healthy on 200 either way."""

import importlib.util
import json
from pathlib import Path

import pytest

from bigpicture.storage import storage_settings

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "healthcheck.py"


@pytest.fixture
def healthcheck():
    spec = importlib.util.spec_from_file_location("healthcheck", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def web(live_server, settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)
    settings.HEALTHZ_CACHE_SECONDS = 0
    return int(live_server.url.rsplit(":", 1)[1])


def test_with_the_token_it_gets_every_check(healthcheck, web, settings, monkeypatch, capsys):
    settings.HEALTHZ_TOKEN = "container-token"
    monkeypatch.setenv("HEALTHZ_TOKEN", "container-token")
    assert healthcheck.check_web(port=web) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "broker", "storage"}


def test_without_the_token_it_gets_the_status(healthcheck, web, settings, monkeypatch, capsys):
    settings.HEALTHZ_TOKEN = "container-token"
    monkeypatch.delenv("HEALTHZ_TOKEN", raising=False)
    assert healthcheck.check_web(port=web) == 0
    assert json.loads(capsys.readouterr().out) == {"status": "ok"}
