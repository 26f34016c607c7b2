"""Starts a real Celery worker process for integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from bigpicture.celery import QUEUES, queues_purge

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    def __init__(self, log_path: Path, extra_env: dict[str, str]):
        self.log_path = log_path
        self.extra_env = extra_env
        self.proc: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        env = {**os.environ, **self.extra_env}
        env["DATABASE_URL"] = _database_url_of_test_db()
        command = [
            sys.executable, "-m", "celery", "-A", "bigpicture.celery", "worker",
            "-Q", ",".join(QUEUES), "--concurrency", "1", "--pool", "prefork",
            "-I", "tests.workerkit.tasks", "--without-gossip", "--without-mingle",
            "--loglevel", "INFO", "-n", f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ]
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _database_url_of_test_db() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(tmp_path, transactional_db):
    """Yields a function that starts workers; all are stopped after the test."""
    started: list[WorkerProcess] = []

    def start(**extra_env: str) -> WorkerProcess:
        worker = WorkerProcess(tmp_path / f"worker-{len(started)}.log", extra_env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    queues_purge()
