"""The clients the upload benchmark times: a plain PUT (baselines), the web upload path, the CLI.

The web path makes the HTTP calls the browser's client (static/ingestion/upload.js)
makes: register (no SHA-256 above 64 MiB, as the browser does not hash large files),
part URLs 20 at a time, each part PUT one after the other, complete. Every body is a
file slice that `requests` streams from disk; no client reads the file into memory.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.upload.counting_uploader import counter_read, counter_reset

URLS_PER_REQUEST = 20  # as upload.js
BROWSER_HASH_LIMIT = 64 * 1024 * 1024  # upload.js hashes only files up to this size
UPLOADER = Path(sys.executable).parent / "bigpicture-upload"
ROOT = Path(__file__).resolve().parents[2]
UPLOADER_SOURCE = ROOT / "uploader"
DONE = frozenset({"verified", "scanned", "converted", "ready"})


class Slice:
    """`length` bytes of a file from `offset`; `requests` sends it with a Content-Length."""

    def __init__(self, path: Path, offset: int, length: int):
        self._handle = open(path, "rb")  # noqa: SIM115 (closed by close())
        self._handle.seek(offset)
        self._left = self._length = length

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        size = self._left if size is None or size < 0 else min(size, self._left)
        data = self._handle.read(size) if size > 0 else b""
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()


def put(url: str, path: Path, offset: int, length: int, session: requests.Session | None = None) -> None:
    body = Slice(path, offset, length)
    try:
        response = (session or requests).put(url, data=body if length else b"", timeout=(10, 600),
                                             headers={"Content-Length": str(length)})
    finally:
        body.close()
    if response.status_code != 200:
        raise RuntimeError(f"PUT {url.split('?')[0]}: HTTP {response.status_code} {response.text[:300]}")


def timed_put(url: str, path: Path) -> float:
    """The baseline: one plain HTTP PUT of the whole file."""
    started = time.perf_counter()
    put(url, path, 0, path.stat().st_size)
    return time.perf_counter() - started


class Api:
    """The submissions API with a personal token (the browser uses its session; the calls are the same)."""

    def __init__(self, base: str, token: str):
        self.base = base.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def call(self, method: str, path: str, **kwargs) -> dict:
        response = self.session.request(method, f"{self.base}/api/v1/{path}", timeout=(10, 600), **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {response.status_code} {response.text[:500]}")
        return response.json() if response.content else {}

    def submission_create(self, organisation: str, title: str) -> str:
        return str(self.call("POST", "submissions/", json={"organisation": organisation, "title": title})["id"])

    def files(self, submission: str) -> list[dict]:
        answer = self.call("GET", f"submissions/{submission}/files/")
        return answer["results"] if isinstance(answer, dict) and "results" in answer else answer

    def file(self, submission: str, file_id: str) -> dict:
        return self.call("GET", f"submissions/{submission}/files/{file_id}/")

    def file_delete(self, submission: str, file_id: str) -> None:
        self.call("DELETE", f"submissions/{submission}/files/{file_id}/")

    def wait_verified(self, submission: str, file_id: str, seconds: float = 900) -> float:
        started = time.perf_counter()
        deadline = time.monotonic() + seconds
        while True:
            state = self.file(submission, file_id)
            if state["state"] in DONE:
                return time.perf_counter() - started
            if state["state"] == "error" or time.monotonic() > deadline:
                raise RuntimeError(f"file {state['path']} is {state['state']}: {state.get('error')}")
            time.sleep(0.2)


def web_upload(api: Api, submission: str, path: Path, bundle_path: str, sha256: str) -> tuple[float, str]:
    """The browser's calls for one file; returns (seconds from register to complete, file id)."""
    size = path.stat().st_size
    started = time.perf_counter()
    body = {"path": bundle_path, "size": size, **({"sha256": sha256} if size <= BROWSER_HASH_LIMIT else {})}
    file = api.call("POST", f"submissions/{submission}/files/", json=body)
    held = {part["number"] for part in file["parts"]}
    missing = [n for n in range(1, file["parts_total"] + 1) if n not in held]
    part_size = file["part_size"]
    parts_path = f"submissions/{submission}/files/{file['id']}/"
    for start in range(0, len(missing), URLS_PER_REQUEST):
        urls = api.call("POST", f"{parts_path}parts/", json={"numbers": missing[start:start + URLS_PER_REQUEST]})
        for part in urls["parts"]:
            offset = (part["number"] - 1) * part_size
            # The portal's own endpoint gets the session (cookies); a presigned S3 URL gets nothing.
            session = api.session if part["url"].startswith(api.base) else None
            put(part["url"], path, offset, min(part_size, size - offset), session)
    api.call("POST", f"{parts_path}complete/")
    return time.perf_counter() - started, file["id"]


@dataclass
class CliRun:
    code: int
    seconds: float  # the whole command
    report: dict
    validation_seconds: float | None = None  # start to the big file's registration
    upload_seconds: float | None = None  # registration to the file leaving `registered`
    sent: int = 0  # bytes sent (headers included), when counted
    stderr: str = field(default="", repr=False)


def cli_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BIGPICTURE_TOKEN"}
    env["XDG_CACHE_HOME"] = str(cache)
    # The console script is installed from the uploader's worktree; run this branch's copy of it.
    env["PYTHONPATH"] = str(UPLOADER_SOURCE)
    return env


def cli_command(bundle: Path, url: str, token: str, submission: str, counter: Path | None = None) -> list[str]:
    args = [str(bundle), "--url", url, "--token", token, "--submission", submission, "--json"]
    if counter is None:
        return [str(UPLOADER), *args]
    return [sys.executable, "-m", "bench.upload.counting_uploader", str(counter), *args]


def cli_upload(api: Api, submission: str, bundle: Path, big_path: str, token: str, cache: Path,
               counter: Path | None = None, kill_after: int | None = None) -> CliRun:
    """Run `bigpicture-upload`, watching the big file on the portal to time its phases.

    With a `counter` file, the uploader counts the bytes it sends (bench.upload.counting_uploader);
    with `kill_after` too, it is SIGKILLed once it has sent that many.
    """
    if counter is not None:
        counter_reset(counter)
    started = time.perf_counter()
    process = subprocess.Popen(cli_command(bundle, api.base, token, submission, counter), env=cli_env(cache),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    registered = left = None
    try:
        while process.poll() is None:
            now = time.perf_counter()
            if kill_after is not None:
                if counter_read(counter) >= kill_after:
                    process.send_signal(signal.SIGKILL)
                    break
            elif left is None:
                big = next((f for f in api.files(submission) if f["path"] == big_path), None)
                if big is not None and registered is None:
                    registered = now
                if big is not None and big["state"] != "registered":
                    left = now
            time.sleep(0.02 if kill_after is not None else 0.2)
        stdout, stderr = process.communicate(timeout=1200)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    seconds = time.perf_counter() - started
    sent = counter_read(counter) if counter is not None else 0
    report = json.loads(stdout) if stdout.strip().startswith("{") else {}
    return CliRun(process.returncode, seconds, report,
                  validation_seconds=None if registered is None else registered - started,
                  upload_seconds=None if registered is None or left is None else left - registered,
                  sent=sent, stderr=stderr)
