"""The portal's submission API over HTTP (ingestion/PROTOCOL.md), with a personal API token.

One `PortalClient` per thread: a `requests.Session` is not shared between threads.
Part bodies stream from disk (`FileSlice`), never read whole into memory.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from . import __version__
from .errors import ApiError, AuthError, ConnectionFailure
from .limit import RateLimit

TIMEOUT = (10, 300)  # connect, read (seconds): a part may take a while to store
BLOCK = 1 << 20


class FileSlice:
    """`length` bytes of a file from `offset`, read in blocks; reports each block sent."""

    def __init__(self, path: Path, offset: int, length: int, on_read: Callable[[int], None] | None = None,
                 limit: RateLimit | None = None, stop: threading.Event | None = None):
        self._limit = limit
        self._stop = stop
        self._handle = open(path, "rb")  # noqa: SIM115 (closed by close(), after the request)
        self._handle.seek(offset)
        self._left = length
        self._length = length
        self._on_read = on_read

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size is None or size < 0 else min(size, self._left)
        size = min(size, BLOCK)
        if self._stop is not None and self._stop.is_set():
            raise OSError("upload interrupted")  # ends the request: Ctrl-C stops every stream at once
        if self._limit:
            self._limit.take(size)
        data = self._handle.read(size)
        self._left -= len(data)
        if self._on_read and data:
            self._on_read(len(data))
        return data

    def __iter__(self):
        while data := self.read(BLOCK):
            yield data

    def close(self) -> None:
        self._handle.close()


class PortalClient:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json",
                                     "User-Agent": f"bigpicture-upload/{__version__}"})

    # -- plumbing ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, json: Any = None) -> Any:
        url = path if path.startswith("http") else f"{self.url}{path}"
        try:
            response = self.session.request(method, url, json=json, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise ConnectionFailure(f"cannot reach {self.url} ({_reason(error)}); check --url and your "
                                    "network") from None
        return _answer(response, f"{method} {path}")

    # -- endpoints --------------------------------------------------------------------------

    def me(self) -> dict:
        try:
            return self._call("GET", "/api/v1/me/")
        except ApiError as error:
            if error.status == 404:
                raise ConnectionFailure(f"{self.url} has no /api/v1/me/: the portal is too old for this "
                                        "uploader, or the URL is not a Bigpicture portal.") from None
            raise

    def submission_create(self, *, organisation: str, title: str) -> dict:
        return self._call("POST", "/api/v1/submissions/", json={"organisation": organisation, "title": title})

    def submission_get(self, submission: str) -> dict:
        return self._call("GET", f"/api/v1/submissions/{submission}/")

    def submission_action(self, submission: str, action: str, message: str = "") -> dict:
        return self._call("POST", f"/api/v1/submissions/{submission}/actions/",
                          json={"action": action, "message": message})

    def file_register(self, submission: str, *, path: str, size: int, sha256: str) -> dict:
        return self._call("POST", f"/api/v1/submissions/{submission}/files/",
                          json={"path": path, "size": size, "sha256": sha256})

    def file_list(self, submission: str) -> list[dict]:
        """Every live file of the submission, in one answer."""
        answer = self._call("GET", f"/api/v1/submissions/{submission}/files/")
        return answer.get("results", []) if isinstance(answer, dict) else answer

    def file_get(self, submission: str, file_id: str) -> dict:
        return self._call("GET", f"/api/v1/submissions/{submission}/files/{file_id}/")

    def file_delete(self, submission: str, file_id: str) -> None:
        self._call("DELETE", f"/api/v1/submissions/{submission}/files/{file_id}/")

    def file_complete(self, submission: str, file_id: str) -> dict:
        return self._call("POST", f"/api/v1/submissions/{submission}/files/{file_id}/complete/")

    def part_urls(self, submission: str, file_id: str, numbers: list[int]) -> list[dict]:
        answer = self._call("POST", f"/api/v1/submissions/{submission}/files/{file_id}/parts/",
                            json={"numbers": numbers})
        return answer["parts"]

    def part_put(self, part: dict, body: FileSlice) -> None:
        """PUT one part's bytes to its URL (the portal's part endpoint, or presigned S3)."""
        url = part["url"]
        if url.startswith("/"):
            url = f"{self.url}{url}"
        headers = {**part.get("headers", {}), "Content-Length": str(len(body))}
        data = body if len(body) else b""  # requests would send an empty stream chunked
        # Presigned S3 URLs carry their own credentials: our bearer token must not go there.
        same_host = url.startswith(self.url)
        try:
            if same_host:
                response = self.session.request(part.get("method", "PUT"), url, data=data, headers=headers,
                                                timeout=TIMEOUT)
            else:
                response = requests.request(part.get("method", "PUT"), url, data=data, headers=headers,
                                            timeout=TIMEOUT)
        except requests.RequestException as error:
            raise ConnectionFailure(f"sending part {part['number']} failed ({_reason(error)})") from None
        finally:
            body.close()
        _answer(response, f"PUT part {part['number']}", json_body=same_host)


def _answer(response: requests.Response, what: str, *, json_body: bool = True) -> Any:
    status = response.status_code
    if status == 401 or (status == 403 and what == "GET /api/v1/me/"):
        raise AuthError(_detail(response) or "the token was refused")
    if status >= 400:
        raise ApiError(status, _detail(response) or f"{what}: HTTP {status}", _code(response), _json(response))
    if status == 204 or not response.content or not json_body:
        return None
    try:
        return response.json()
    except ValueError:
        raise ApiError(status, f"{what}: the answer is not JSON (is the URL a Bigpicture portal?)", "") from None


def _reason(error: requests.RequestException) -> str:
    text = str(error)
    for needle, reason in (("refused", "connection refused"), ("Name or service", "unknown host"),
                           ("timed out", "timed out"), ("CERTIFICATE", "TLS certificate not trusted"),
                           ("reset", "connection reset")):
        if needle in text:
            return reason
    return type(error).__name__


def _json(response: requests.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _detail(response: requests.Response) -> str:
    return str(_json(response).get("detail", "")) or response.text[:200].strip()


def _code(response: requests.Response) -> str:
    return str(_json(response).get("code", ""))


def token_from(value: str | None) -> str | None:
    """The token: the option, else $BIGPICTURE_TOKEN (keeps it out of the shell history and `ps`)."""
    return value or os.environ.get("BIGPICTURE_TOKEN") or None
