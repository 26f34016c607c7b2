"""A private clamd for tests, benchmarks and the demo: its own config, socket and signatures.

`ClamdServer(workdir)` writes clamd.conf and the project's signature database into `workdir`
and runs clamd in the foreground on a Unix socket there; `start()` returns once clamd answers
PING, `stop()` ends it, and a later `start()` listens on the same socket again. Production runs
its own clamd with freshclam's signatures (deploy/clamav/clamd.conf); this one knows only the
test signatures of ingestion.scanning.signatures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings

from bigpicture.errors import TransientError
from ingestion.scanning.clamd import clamd_ping
from ingestion.scanning.signatures import signatures_write

# Limits high enough for any file ClamAV can scan (it stops at 2 GiB - 3 bytes per file), and
# AlertExceedsMax so that a file beyond them is reported (Heuristics.Limits.Exceeded), never
# silently passed half-scanned.
LIMITS = {
    "StreamMaxLength": "4000M",
    "MaxFileSize": "4000M",
    "MaxScanSize": "4000M",
    "AlertExceedsMax": "yes",
    "MaxScanTime": "600000",
}
_SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes with its NUL


def clamd_binary() -> str | None:
    """The clamd to run: settings.CLAMD_BINARY, else clamd on PATH, else /usr/sbin/clamd; None if none."""
    found = settings.CLAMD_BINARY or shutil.which("clamd") or "/usr/sbin/clamd"
    return found if os.access(found, os.X_OK) else None


class ClamdServer:
    def __init__(self, workdir: Path, *, directives: Mapping[str, str] | None = None,
                 start_timeout: float = 60.0):
        self.workdir = Path(workdir).resolve()
        self.socket_path = self.workdir / "clamd.ctl"
        if len(str(self.socket_path)) > _SOCKET_PATH_MAX:
            raise ValueError(f"{self.socket_path} is too long for a Unix socket; use a shorter workdir")
        self.address = f"unix://{self.socket_path}"
        self.config_path = self.workdir / "clamd.conf"
        self.log_path = self.workdir / "clamd.log"
        self.directives = {**LIMITS, **(directives or {})}
        self.start_timeout = start_timeout
        self.start_seconds: float | None = None  # how long the last start() took
        self._proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.running else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> ClamdServer:
        """Launch clamd (unless it runs) and wait until it answers PING."""
        if self.running:
            return self
        binary = clamd_binary()
        if binary is None:
            raise RuntimeError("clamd is not installed (Debian: apt-get install clamav-daemon)")
        self._refuse_other_clamd()
        started = time.monotonic()
        self._write_config()
        with open(self.workdir / "clamd.out", "ab") as out:
            self._proc = subprocess.Popen([binary, "--foreground", f"--config-file={self.config_path}"],
                                          stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        self._wait_ready(started)
        self.start_seconds = time.monotonic() - started
        return self

    def stop(self) -> None:
        """End clamd (SIGTERM, then SIGKILL after 10 s); it removes its socket."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        self._proc = None

    def __enter__(self) -> ClamdServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _write_config(self) -> None:
        database = self.workdir / "database"
        temporary = self.workdir / "tmp"
        temporary.mkdir(parents=True, exist_ok=True)
        signatures_write(database)
        lines = {
            "LocalSocket": str(self.socket_path),
            "FixStaleSocket": "yes",
            "Foreground": "yes",
            "DatabaseDirectory": str(database),
            "TemporaryDirectory": str(temporary),
            "PidFile": str(self.workdir / "clamd.pid"),
            "LogFile": str(self.log_path),
            "LogTime": "yes",
            "LogSyslog": "no",
            # No User: clamd runs as whoever starts it (root or not) and never drops privileges.
            **self.directives,
        }
        self.config_path.write_text("".join(f"{key} {value}\n" for key, value in lines.items()))

    def _refuse_other_clamd(self) -> None:
        # Its PONG would pass for ours (a clamd left running by a crashed test run, say).
        try:
            clamd_ping(address=self.address)
        except TransientError:
            return
        pid = self.workdir / "clamd.pid"
        raise RuntimeError(f"another clamd already answers on {self.socket_path} "
                           f"(process {pid.read_text().strip() if pid.exists() else 'unknown'}); stop it first")

    def _wait_ready(self, started: float) -> None:
        while True:
            if self._proc.poll() is not None:
                self._proc = None
                raise RuntimeError(f"clamd exited while starting; see {self.log_path} and "
                                   f"{self.workdir / 'clamd.out'}:\n{self._log_tail()}")
            if self.socket_path.exists():
                try:
                    clamd_ping(address=self.address)
                    return
                except TransientError:
                    pass
            if time.monotonic() - started > self.start_timeout:
                self.stop()
                raise RuntimeError(f"clamd did not answer PING within {self.start_timeout:g} s; "
                                   f"see {self.log_path}:\n{self._log_tail()}")
            time.sleep(0.02)

    def _log_tail(self, lines: int = 20) -> str:
        text = ""
        for path in (self.log_path, self.workdir / "clamd.out"):
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text
