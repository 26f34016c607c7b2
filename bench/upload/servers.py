"""The far ends of the upload benchmark: gunicorn (portal or bare PUT app), moto's S3 server, a worker.

Every server runs in its own process group with the environment it is given,
so the storage settings are fixed before gunicorn loads the portal.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.processes import ROOT, ManagedProcess, celery_worker

GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_S3_REGION_NAME": "us-east-1"}


class EnvProcess(ManagedProcess):
    """A ManagedProcess with its own environment."""

    def __init__(self, command: list[str], log_path: Path, env: dict[str, str]):
        super().__init__(command, log_path)
        self.env = env

    def start(self) -> EnvProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        return self


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(app: str, port: int, log_path: Path, env: dict[str, str]) -> EnvProcess:
    """gunicorn with the production settings (deploy/gunicorn.conf.py), on loopback."""
    command = [sys.executable, "-m", "gunicorn", app, "--config", str(GUNICORN_CONFIG),
               "--bind", f"127.0.0.1:{port}"]
    return EnvProcess(command, log_path, env)


def moto_server(port: int, log_path: Path) -> EnvProcess:
    return EnvProcess([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], log_path,
                      dict(os.environ))


def worker(log_path: Path, env: dict[str, str]) -> EnvProcess:
    return EnvProcess(celery_worker(log_path).command, log_path, env)


def wait_http(url: str, process: ManagedProcess, seconds: float = 60, headers: dict | None = None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url, headers=headers, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        if not process.alive or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer:\n{process.log_tail()}")
        time.sleep(0.2)


def fresh_database(benchmark: str = "upload") -> str:
    """A new, migrated PostgreSQL database named after the run's own one and the benchmark."""
    import psycopg2

    current = os.environ["DATABASE_URL"]
    if not current.startswith("postgres"):
        raise RuntimeError(f"the {benchmark} benchmark needs PostgreSQL (DATABASE_URL), as production does")
    server, name = current.rsplit("/", 1)
    database = f"{name.split('?')[0]}_bench_{benchmark}"
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
        cursor.execute(f'CREATE DATABASE "{database}"')
    admin.close()
    url = f"{server}/{database}"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True,
                   env={**os.environ, "DATABASE_URL": url})
    return url


def seed(env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.upload.seed"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"seeding the upload database failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def peak_rss_mib(process: ManagedProcess) -> dict[str, float]:
    """VmHWM of the leader and of each child (gunicorn's master and workers), in MiB."""
    pid = process.proc.pid
    peaks = {"master": _status_kib(pid, "VmHWM") / 1024}
    for n, child in enumerate(sorted(children(pid))):
        peaks[f"worker{n}"] = _status_kib(child, "VmHWM") / 1024
    return peaks
