"""The final report: lines for a person, or one JSON document with --json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .transfer import FileResult


@dataclass
class RunReport:
    url: str
    submission: str | None = None
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""  # a failure of the whole run (usage, connection, invalid bundle)
    validation: dict | None = None
    submission_state: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and all(f.ok for f in self.files)

    @property
    def bytes_sent(self) -> int:
        return sum(f.bytes_sent for f in self.files)

    def to_json(self) -> str:
        data = {"ok": self.ok, "submission": self.submission, "url": self.url,
                "files": [f.to_json() for f in self.files], "bytes_sent": self.bytes_sent,
                "seconds": round(self.seconds, 3)}
        if self.error:
            data["error"] = self.error
        if self.validation is not None:
            data["validation"] = self.validation
        if self.submission_state:
            data["submission_state"] = self.submission_state
        return json.dumps(data, indent=1)

    def format(self) -> str:
        lines = []
        failed = [f for f in self.files if not f.ok]
        for result in failed:
            lines.append(f"FAILED {result.path}: {result.error or 'state ' + result.state}")
        if self.files:
            verified = len(self.files) - len(failed)
            skipped = sum(f.parts_skipped for f in self.files)
            lines.append(f"{len(self.files)} file(s): {verified} verified, {len(failed)} failed; sent "
                         f"{_size(self.bytes_sent)} in {self.seconds:.1f} s"
                         + (f" ({skipped} part(s) already on the portal)" if skipped else "") + ".")
        if self.submission:
            lines.append(f"Submission {self.submission} on {self.url}"
                         + (f" is now {self.submission_state}." if self.submission_state else "."))
        if self.error:
            lines.append(f"error: {self.error}")
        return "\n".join(lines)


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"
