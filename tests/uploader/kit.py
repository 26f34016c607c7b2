"""Running the real `bigpicture-upload` console script against a live portal.

The CLI runs as a subprocess of the test's own venv (`make install` installs it
there), with its cache folder (where it remembers submissions) inside `tmp_path`.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bigpicture.storage import storage_for
from tests.repository.metaflex_bundles import BundleBuilder

UPLOADER = Path(sys.executable).parent / "bigpicture-upload"
MiB = 1024 * 1024
PART_SIZE = MiB  # the protocol rounds part sizes up to 1 MiB: the smallest there is


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict:
        return json.loads(self.stdout)

    def by_path(self) -> dict[str, dict]:
        return {f["path"]: f for f in self.report["files"]}


def uploader_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BIGPICTURE_TOKEN"}
    env["XDG_CACHE_HOME"] = str(cache)
    return env


def upload_command(bundle: Path, url: str, token: str, *args: str) -> list[str]:
    assert UPLOADER.exists(), f"{UPLOADER} is missing: run `make install` (it installs ./uploader editable)"
    return [str(UPLOADER), str(bundle), "--url", url, "--token", token, *args]


def upload(bundle: Path, url: str, token: str, *args: str, cache: Path, timeout: float = 300) -> Run:
    done = subprocess.run(upload_command(bundle, url, token, *args), env=uploader_env(cache),
                          capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr)


def bundle_with_big_files(base: Path, *, sizes: tuple[int, ...] = (int(4.5 * MiB), 3 * MiB)) -> Path:
    """The small test bundle plus annotation files of `sizes` bytes, so files have several parts."""
    builder = BundleBuilder(base)
    files = builder.find("annotation", "ANNOTATION/FILES")
    rng = random.Random(7)
    for n, size in enumerate(sizes):
        files.append(builder.file_el(f"ANNOTATIONS/big{n}.bin", rng.randbytes(size), "json"))
    return builder.write()


def parts_of(size: int) -> int:
    """How many parts the protocol cuts a file into (a zero-byte file has one empty part)."""
    return max(1, -(-size // PART_SIZE))


def bundle_listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def inbox_listing() -> list[str]:
    """Every name in the inbox storage area, recursively (local or S3)."""
    storage = storage_for("inbox")
    names, folders = [], [""]
    while folders:
        folder = folders.pop()
        subfolders, files = storage.listdir(folder)
        prefix = f"{folder}/" if folder else ""
        names += [prefix + name for name in files]
        folders += [prefix + name for name in subfolders]
    return sorted(names)


class PutCounter:
    """Counts the PUT requests (part bodies) the live server receives, from Django's own signal."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, sender, environ=None, **kwargs) -> None:
        if environ and environ.get("REQUEST_METHOD") == "PUT":
            self.count += 1


def start_and_kill_when(bundle: Path, url: str, token: str, *, cache: Path, arrived, timeout: float = 120,
                        args: tuple[str, ...] = ()) -> None:
    """Start the uploader, SIGKILL it once `arrived()` is true (parts are on the portal), reap it."""
    process = subprocess.Popen(upload_command(bundle, url, token, "--json", *args), env=uploader_env(cache),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while not arrived():
            assert process.poll() is None, f"the uploader ended before the kill: {process.stderr.read()!r}"
            assert time.monotonic() < deadline, "no parts arrived in time"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        process.stderr.close()
