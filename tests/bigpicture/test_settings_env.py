"""Settings come from the environment; bad values stop start-up with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bigpicture import env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "k7#Qv9!mZ2@xR4$wT8^pL6&nB3*cY5(hJ1)gF0_dS-aE+uI=oP~" * 2


def _manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items()
            if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "SECURE_SSL_REDIRECT",
                           "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **environ},
                          capture_output=True, text=True, timeout=120)


def test_nonsense_database_url_is_one_clear_line():
    result = _manage("check", DATABASE_URL="nonsense", SECRET_KEY="x", DEBUG="1")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0] and "Traceback" not in result.stderr


def test_every_bad_variable_is_named_at_once():
    result = _manage("check", DATABASE_URL="nonsense", DEBUG="maybe")
    line = result.stderr.strip()
    assert result.returncode != 0 and len(line.splitlines()) == 1
    for name in ("DATABASE_URL", "DEBUG", "SECRET_KEY"):
        assert name in line


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=PRODUCTION_KEY,
                     ALLOWED_HOSTS="portal.example.org", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_read_from_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("PORTAL_TEST_SECRET_FILE", str(secret))
    assert env.env_str("PORTAL_TEST_SECRET") == "from-a-file"


def test_unreadable_secret_file_is_named(monkeypatch):
    monkeypatch.setenv("PORTAL_TEST_SECRET_FILE", "/nonexistent/secret")
    env.env_str("PORTAL_TEST_SECRET", "")
    with pytest.raises(env.EnvError, match="PORTAL_TEST_SECRET_FILE"):
        env.raise_env_errors()


@pytest.mark.parametrize(
    ("reader", "value", "expected"),
    [
        (lambda: env.env_bool("PORTAL_TEST_VALUE", False), "yes", True),
        (lambda: env.env_int("PORTAL_TEST_VALUE", 1), "42", 42),
        (lambda: env.env_list("PORTAL_TEST_VALUE", []), "a, b,,c", ["a", "b", "c"]),
    ],
)
def test_typed_readers(monkeypatch, reader, value, expected):
    monkeypatch.setenv("PORTAL_TEST_VALUE", value)
    assert reader() == expected


def test_malformed_values_are_named(monkeypatch):
    monkeypatch.setenv("PORTAL_TEST_INT", "ten")
    monkeypatch.setenv("PORTAL_TEST_DB", "mysql://x/y")
    env.env_int("PORTAL_TEST_INT", 1)
    env.env_database("PORTAL_TEST_DB", "sqlite:///x")
    with pytest.raises(env.EnvError) as raised:
        env.raise_env_errors()
    assert "PORTAL_TEST_INT: expected an integer" in str(raised.value)
    assert "PORTAL_TEST_DB" in str(raised.value)


def test_postgres_url_selects_psycopg2(monkeypatch):
    monkeypatch.setenv("PORTAL_TEST_DB", "postgres://portal:pw@db.internal:5432/portal")
    config = env.env_database("PORTAL_TEST_DB", "sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"], config["USER"]) == ("db.internal", "portal", "portal")


def test_env_example_documents_every_variable():
    import re

    read = set()
    for source in (ROOT / "bigpicture").glob("*.py"):
        read |= set(re.findall(r'env_\w+\(\s*f?"([A-Z][A-Z0-9_]+)"', source.read_text()))
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "found no environment readers"
    assert read <= documented, f"undocumented in .env.example: {sorted(read - documented)}"


def test_unreadable_key_file_is_named(monkeypatch, tmp_path):
    key = tmp_path / "repository.sec"
    key.write_text("key")
    monkeypatch.setenv("PORTAL_TEST_KEY_FILE", str(key))
    assert env.env_file("PORTAL_TEST_KEY_FILE") == key
    monkeypatch.setenv("PORTAL_TEST_KEY_FILE", "/nonexistent/repository.sec")
    assert env.env_file("PORTAL_TEST_KEY_FILE") is None
    with pytest.raises(env.EnvError, match="PORTAL_TEST_KEY_FILE: cannot read"):
        env.raise_env_errors()
