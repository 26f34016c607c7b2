"""Pick the services a benchmark runs against, by the same rules as the tests.

PostgreSQL and Redis on 127.0.0.1 when they answer, else SQLite and the
filesystem broker. An explicit DATABASE_URL or CELERY_BROKER_URL wins. This
must run before Django reads its settings, since they come from the environment.
"""

from __future__ import annotations

import os
import socket
from collections.abc import MutableMapping
from urllib.parse import urlsplit

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bigpicture_bench"
REDIS_URL = "redis://127.0.0.1:6379/13"


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def configure(environ: MutableMapping[str, str] = os.environ) -> dict[str, str]:
    """Set DATABASE_URL and CELERY_BROKER_URL when unset; return what was chosen."""
    chosen: dict[str, str] = {}
    if environ.get("DATABASE_URL"):
        chosen["database"] = f"{_where(environ['DATABASE_URL'])} (from DATABASE_URL)"
    elif reachable("127.0.0.1", 5432):
        environ["DATABASE_URL"] = POSTGRES_URL
        _ensure_postgres_database(POSTGRES_URL)
        chosen["database"] = _where(POSTGRES_URL)
    else:
        chosen["database"] = "sqlite (PostgreSQL not reachable on 127.0.0.1:5432)"
    if environ.get("CELERY_BROKER_URL"):
        chosen["broker"] = f"{_where(environ['CELERY_BROKER_URL'])} (from CELERY_BROKER_URL)"
    elif reachable("127.0.0.1", 6379):
        environ["CELERY_BROKER_URL"] = REDIS_URL
        chosen["broker"] = _where(REDIS_URL)
    else:
        chosen["broker"] = "filesystem (Redis not reachable on 127.0.0.1:6379)"
    return chosen


def _where(url: str) -> str:
    """`scheme host:port/path` without user or password, for the results file."""
    parts = urlsplit(url)
    if not parts.hostname:
        return parts.scheme
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme} {parts.hostname}{port}{parts.path}"


def _ensure_postgres_database(url: str) -> None:
    """Create the benchmark database if missing; benchmarks migrate it themselves if they need tables."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    try:
        conn = psycopg2.connect(
            host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
            password=parts.password, dbname="postgres", connect_timeout=5,
        )
    except psycopg2.Error as exc:
        print(f"bench: cannot connect to PostgreSQL to create {name!r}: {exc}".strip())
        return
    conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"bench: created PostgreSQL database {name!r}")
    except psycopg2.Error as exc:
        print(f"bench: cannot create PostgreSQL database {name!r}: {exc}".strip())
    finally:
        conn.close()
