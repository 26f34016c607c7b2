"""The plain values an upload backend works with, and the part arithmetic of the protocol."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.conf import settings

MiB = 1024 * 1024
MAX_PARTS = 10_000  # S3's limit
INBOX_FOLDER = "submissions"  # every file is <folder>/<submission id>/<file id> in the inbox
PART_URL_SECONDS = 3600  # how long a part URL (signed or presigned) stays valid


@dataclass(frozen=True)
class Upload:
    """What a backend needs to know of one file: plain values, so it can be used after commit."""

    file_id: str
    storage_name: str
    upload_id: str
    size: int


@dataclass(frozen=True)
class ReceivedPart:
    number: int
    size: int
    etag: str = ""


@dataclass(frozen=True)
class PartUrl:
    number: int
    url: str
    method: str = "PUT"
    headers: dict[str, str] = field(default_factory=dict)


class UploadBackend(Protocol):
    def start(self, upload: Upload) -> str:
        """Prepare for parts; returns the upload id to store ('' when there is none)."""

    def part_urls(self, upload: Upload, numbers: list[int], *, absolute_url: Callable[[str], str]) -> list[PartUrl]:
        ...

    def received(self, upload: Upload) -> list[ReceivedPart]:
        """The parts held in full, by number."""

    def complete(self, upload: Upload, parts: list[ReceivedPart]) -> None:
        """Assemble the parts into the object `upload.storage_name`; running it again is harmless."""

    def discard(self, upload: Upload) -> None:
        """Delete unfinished parts and the object, whichever exist."""

    def head(self, upload: Upload, length: int) -> bytes:
        """The object's first `length` bytes."""

    def leftovers_delete(self, *, before: datetime, claimed: set[str]) -> int:
        """Delete unfinished parts started before `before` whose storage name no registered file claims
        (their deletion after commit did not happen, or their registration rolled back)."""


def part_size_for(size: int) -> int:
    """Parts are INGESTION_PART_SIZE, or larger so that no file needs more than 10,000; whole MiB."""
    wanted = max(settings.INGESTION_PART_SIZE, -(-size // MAX_PARTS), 1)
    return -(-wanted // MiB) * MiB


def parts_total(size: int, part_size: int) -> int:
    return max(1, -(-size // part_size))


def part_expected_size(size: int, part_size: int, number: int) -> int:
    """Every part is `part_size` bytes except the last; a zero-byte file has one empty part."""
    return min(part_size, size - (number - 1) * part_size)


class PartCutShort(Exception):
    """The part's body ended before its Content-Length: the connection dropped; nothing was recorded."""

    def __init__(self, received: int):
        self.received = received
        super().__init__(f"the body ended after {received} bytes")


class PartsLost(Exception):
    """Neither the parts nor an assembled object are in storage (deleted behind the portal's back)."""
