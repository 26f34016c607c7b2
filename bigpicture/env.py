"""Typed readers for settings that come from the environment.

Every reader supports `<NAME>_FILE` (the value is read from that file, for
secrets). A missing or malformed value is remembered and the reader returns a
placeholder, so that settings can report every problem at once:
`raise_env_errors()` at the end of settings raises one `EnvError` naming each
variable, which `manage.py`, wsgi and celery print as one line.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


class EnvError(ImproperlyConfigured):
    """One or more environment variables are missing or malformed."""


_errors: list[str] = []


def _fail(name: str, problem: str, placeholder):
    _errors.append(f"{name}: {problem}")
    return placeholder


def raise_env_errors() -> None:
    """Raise one error naming every bad variable seen so far."""
    if _errors:
        message = "; ".join(_errors)
        _errors.clear()
        raise EnvError(message)


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            return _fail(f"{name}_FILE", f"cannot read {file_name!r} ({exc.strerror})", None)
    return os.environ.get(name)


def env_str(name: str, default=_MISSING) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is _MISSING:
            return _fail(name, "is required but not set", "")
        return default
    return value


def env_file(name: str) -> Path | None:
    """A path to a readable file (such as a key file), or None when unset."""
    value = os.environ.get(name)
    if not value:
        return None
    path = Path(value)
    try:
        with open(path, "rb"):
            return path
    except OSError as exc:
        return _fail(name, f"cannot read {value!r} ({exc.strerror})", None)


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    return _fail(name, f"expected a boolean (1/0, true/false), got {value!r}", default)


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        return _fail(name, f"expected an integer, got {value!r}", default)


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        return _fail(name, f"expected one of {', '.join(sorted(choices))}, got {value!r}", default)
    return value


_DB_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def env_database(name: str, default: str) -> dict:
    value = env_str(name, default)
    placeholder = environ.Env.db_url_config(default)
    scheme = urlsplit(value).scheme
    if scheme not in _DB_SCHEMES:
        return _fail(
            name,
            f"expected postgres://user:password@host:port/name or sqlite:///path, got {value!r}",
            placeholder,
        )
    try:
        config = environ.Env.db_url_config(value)
    except (ValueError, KeyError, ImproperlyConfigured) as exc:
        return _fail(name, f"cannot parse {value!r} ({exc})", placeholder)
    if scheme != "sqlite" and not config.get("NAME"):
        return _fail(name, f"names no database in {value!r}", placeholder)
    return config


_BROKER_SCHEMES = {"redis", "rediss", "filesystem", "amqp", "memory"}


def env_broker_url(name: str, default: str) -> str:
    value = env_str(name, default)
    scheme = urlsplit(value).scheme
    if scheme not in _BROKER_SCHEMES:
        return _fail(name, f"expected redis://host:port/db or filesystem://, got {value!r}", default)
    return value
