"""Scanning files larger than ClamAV can take in one piece, as overlapping windows.

ClamAV scans at most 2 GiB of one stream, and whole-slide images are often larger. A file
above `CLAMD_WINDOW_BYTES` is sent as consecutive windows of that size, each a separate
INSTREAM scan, and each window starts with the last `OVERLAP` bytes of the previous one, so a
signature up to that long is found even where it crosses a boundary. The first window holds the
file's start, where file-type signatures look. Any window that is not clean makes the file not
clean; every byte is scanned at least once, and `bytes_scanned` counts each byte once.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from django.conf import settings

from ingestion.scanning.clamd import CHUNK, ScanVerdict, scan_stream

OVERLAP = 1024 * 1024


class _Window(io.RawIOBase):
    """At most `limit` bytes: `head` (the previous window's tail), then the stream's next bytes."""

    def __init__(self, stream: BinaryIO, head: bytes, limit: int):
        self.stream, self.head, self.left = stream, head, limit - len(head)
        self.tail = bytearray(head[-OVERLAP:])
        self.fresh = 0  # bytes read from the stream (not from head)
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        if self.left <= 0:
            return 0
        data = self.stream.read(min(len(buffer), self.left, CHUNK))
        if not data:
            self.ended = True
            return 0
        n = len(data)
        buffer[:n] = data
        self.left -= n
        self.fresh += n
        self.tail = (self.tail + data)[-OVERLAP:]
        return n


def scan_file(stream: BinaryIO, *, name: str, size: int, address: str | None = None) -> ScanVerdict:
    """Scan a stream of `size` bytes, in windows when it is larger than one scan may be."""
    window = settings.CLAMD_WINDOW_BYTES
    if size <= window:
        return scan_stream(stream, name=name, address=address)
    head, scanned, number, verdict = b"", 0, 0, None
    while True:
        number += 1
        part = _Window(stream, head, window)
        verdict = scan_stream(io.BufferedReader(part, buffer_size=CHUNK), name=f"{name} (window {number})",
                              address=address)
        scanned += part.fresh
        if not verdict.clean:
            return ScanVerdict(clean=False, signature=verdict.signature, bytes_scanned=scanned,
                               clamd_version=verdict.clamd_version)
        if part.ended or part.fresh == 0 or scanned >= size:
            return ScanVerdict(clean=True, signature=None, bytes_scanned=scanned,
                               clamd_version=verdict.clamd_version)
        head = bytes(part.tail)
