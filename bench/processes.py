"""Helper processes a benchmark starts: a real Celery worker and a raw kombu echo.

Each runs in its own session so that stopping it stops its children too (the
prefork pool), and each is stopped on leaving the `with` block, even on error.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from bigpicture.celery import QUEUES

ROOT = Path(__file__).resolve().parents[1]


class ManagedProcess:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, command: list[str], log_path: Path):
        self.command = command
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> ManagedProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.command, cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the leader (a warm shutdown), then SIGKILL the group if it lingers."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            # Only the leader: a Celery worker stops its own pool children, and
            # signalling them too makes it log them as lost.
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        # Pool children may outlive a leader that exited on its own.
        _signal_group(self.proc.pid, signal.SIGKILL)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> ManagedProcess:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def celery_worker(log_path: Path, include: str = "bench.tasks") -> ManagedProcess:
    """The worker the portal runs, on every queue, with one prefork child."""
    command = [
        sys.executable, "-m", "celery", "-A", "bigpicture.celery", "worker",
        "-Q", ",".join(QUEUES), "--concurrency", "1", "--pool", "prefork",
        "-I", include, "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "WARNING", "-n", f"bench-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]
    return ManagedProcess(command, log_path)


def echo_process(log_path: Path, requests: str, replies: str) -> ManagedProcess:
    return ManagedProcess([sys.executable, "-m", "bench.echo", requests, replies], log_path)
