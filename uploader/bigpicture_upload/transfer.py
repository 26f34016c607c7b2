"""Sending the files: register, send the missing parts, complete; then wait for the portal's verdict.

N files go in parallel (threads), each with one part in flight, so an
interruption costs at most one part per file: the portal lists the parts it
holds when a file is registered again, and only the others are sent.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .client import FileSlice, PortalClient
from .errors import ApiError, ConnectionFailure, UploadError
from .limit import RateLimit
from .local import LocalFile
from .progress import Progress

URL_BATCH = 32  # part URLs asked for at once (they expire: ask shortly before sending)
PART_TRIES = 3
DONE_STATES = frozenset({"verified", "scanned", "converted", "ready"})
SENT_STATES = frozenset({"uploaded"}) | DONE_STATES


@dataclass
class FileResult:
    path: str
    size: int
    sha256: str
    state: str = "pending"
    error: str = ""
    bytes_sent: int = 0
    parts_sent: int = 0
    parts_skipped: int = 0
    file_id: str = field(default="", repr=False)

    @property
    def ok(self) -> bool:
        return self.state in DONE_STATES and not self.error

    def to_json(self) -> dict:
        return {"path": self.path, "size": self.size, "sha256": self.sha256, "state": self.state,
                "error": self.error or None, "bytes_sent": self.bytes_sent, "parts_sent": self.parts_sent,
                "parts_skipped": self.parts_skipped}


class Transfer:
    """Uploads `files` into one submission with `parallel` threads, each with its own client."""

    def __init__(self, *, url: str, token: str, submission: str, parallel: int, progress: Progress,
                 limit: RateLimit | None = None) -> None:
        self.limit = limit or RateLimit(None)
        self.stop = threading.Event()
        self.url, self.token, self.submission = url, token, submission
        self.parallel = max(1, parallel)
        self.progress = progress
        self._local = threading.local()

    def _client(self) -> PortalClient:
        if not hasattr(self._local, "client"):
            self._local.client = PortalClient(self.url, self.token)
        return self._local.client

    def run(self, files: list[LocalFile], *, wait_seconds: float) -> list[FileResult]:
        pool = ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="upload")
        try:
            results = list(pool.map(self._send_guarded, files))
        except BaseException:  # Ctrl-C: stop the streams in flight, start no others
            self.stop.set()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        self._await_verdicts(results, wait_seconds)
        return results

    # -- one file ---------------------------------------------------------------------------

    def _send_guarded(self, local: LocalFile) -> FileResult:
        result = FileResult(path=local.path, size=local.size, sha256=local.sha256)
        try:
            self._send(local, result)
        except UploadError as error:
            result.state, result.error = "error", str(error)
        return result

    def _register(self, client: PortalClient, local: LocalFile) -> dict:
        """Register the file; a copy the portal refused before (e.g. its checksum) is removed and sent again."""
        info = client.file_register(self.submission, path=local.path, size=local.size, sha256=local.sha256)
        if info.get("state") == "error" and info.get("failure") != "permanent":
            client.file_delete(self.submission, info["id"])
            info = client.file_register(self.submission, path=local.path, size=local.size, sha256=local.sha256)
        return info

    def _send(self, local: LocalFile, result: FileResult) -> None:
        client = self._client()
        info = self._register(client, local)
        result.file_id, result.state = info["id"], info.get("state", "registered")
        if result.state == "error":  # failed permanently: sending it again would not help
            result.error = f"{info.get('error') or 'the portal failed on this file'} (an operator must look)"
            return
        total = int(info.get("parts_total") or 1)
        part_size = int(info["part_size"])
        held = {int(part["number"]) for part in info.get("parts", [])}
        if result.state in SENT_STATES:
            held = set(range(1, total + 1))
        missing = [n for n in range(1, total + 1) if n not in held]
        result.parts_skipped = total - len(missing)
        done = local.size - sum(_part_length(n, part_size, local.size) for n in missing)
        task = self.progress.file_started(local.path, local.size, done)
        try:
            self._put_all(client, local, result, missing, part_size, task)
            if result.state not in SENT_STATES:
                result.state = self._complete(client, local, result, part_size, task)
        finally:
            self.progress.file_finished(task)

    def _put_all(self, client: PortalClient, local: LocalFile, result: FileResult, numbers: list[int],
                 part_size: int, task) -> None:
        for start in range(0, len(numbers), URL_BATCH):
            for part in client.part_urls(self.submission, result.file_id, numbers[start:start + URL_BATCH]):
                self._put(client, local, result, part, part_size, task)

    def _complete(self, client: PortalClient, local: LocalFile, result: FileResult, part_size: int, task) -> str:
        """Complete the file; parts the portal lacks or holds with the wrong size (S3 checks here) go again, once."""
        try:
            return (client.file_complete(self.submission, result.file_id) or {}).get("state", "uploaded")
        except ApiError as error:
            if error.code != "upload.incomplete":
                raise
            again = sorted({int(n) for n in error.extra.get("missing", []) + error.extra.get("wrong_size", [])})
            if not again:
                raise
        self._put_all(client, local, result, again, part_size, task)
        return (client.file_complete(self.submission, result.file_id) or {}).get("state", "uploaded")

    def _put(self, client: PortalClient, local: LocalFile, result: FileResult, part: dict, part_size: int,
             task) -> None:
        number = int(part["number"])
        offset = (number - 1) * part_size
        length = _part_length(number, part_size, local.size)
        for attempt in range(1, PART_TRIES + 1):
            sent = 0

            def on_read(n: int) -> None:
                nonlocal sent
                sent += n
                self.progress.advance(task, n)

            try:
                client.part_put(part, FileSlice(local.disk, offset, length, on_read, self.limit, self.stop))
                result.bytes_sent += length
                result.parts_sent += 1
                return
            except (ConnectionFailure, ApiError) as error:
                self.progress.advance(task, -sent)
                # Lost connections, server trouble, expired URLs and bodies cut short are worth another try.
                retry = isinstance(error, ConnectionFailure) or error.status >= 500 or error.status in (403, 408) \
                    or error.code == "part.incomplete"
                if attempt == PART_TRIES or not retry:
                    raise UploadError(f"part {number} was not accepted: {error}") from None
                time.sleep(attempt)
                part = client.part_urls(self.submission, result.file_id, [number])[0]  # a fresh URL

    # -- the portal's verdict ---------------------------------------------------------------

    def _await_verdicts(self, results: list[FileResult], wait_seconds: float) -> None:
        """Poll until every sent file is verified or in error; then compare checksums end to end."""
        client = self._client()
        waiting = {r.file_id: r for r in results if r.file_id and not r.error}
        deadline = time.monotonic() + wait_seconds
        pause = 0.2
        while waiting:
            self.progress.note(f"verifying: {len(waiting)} file(s) left")
            try:
                # One list per round, not one request per file: bundles have thousands of files.
                listed = {str(f["id"]): f for f in client.file_list(self.submission)}
            except UploadError as error:
                for result in waiting.values():
                    result.state, result.error = "error", f"cannot learn the portal's verdict: {error}"
                return
            for file_id, result in list(waiting.items()):
                info = listed.get(file_id) or {"state": "gone", "error": "the portal no longer lists this file "
                                                                          "(replaced, removed or expired)"}
                result.state = info.get("state", result.state)
                if result.state in ("error", "gone", "expired", "removed", "replaced"):
                    result.error = info.get("error") or f"the file is {result.state} on the portal"
                elif result.state in DONE_STATES:
                    server = info.get("sha256") or ""
                    if server != result.sha256:
                        result.state = "error"
                        result.error = (f"the portal stored SHA-256 {server or '(none)'}, but the metadata "
                                        f"says {result.sha256}")
                else:
                    continue
                del waiting[file_id]
            if waiting and time.monotonic() > deadline:
                for result in waiting.values():
                    result.error = (f"still {result.state} after {wait_seconds:.0f} s; run the same command "
                                    "again later to see the verdict")
                return
            if waiting:
                time.sleep(pause)
                pause = min(pause * 2, 2.0)


def _part_length(number: int, part_size: int, size: int) -> int:
    return max(0, min(part_size, size - (number - 1) * part_size))
