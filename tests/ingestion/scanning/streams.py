"""Readable binary streams made on the fly, so tests can scan big files without holding them."""

from __future__ import annotations

import errno
import io
import random

_BLOCK = random.Random(8).randbytes(1024 * 1024)
_TWICE = _BLOCK * 2  # any window of one block's length, wherever it starts


class GeneratedStream(io.RawIOBase):
    """`size` bytes of a repeated pseudo-random block, with `insert` written over them at `at`;
    with `fail_after`, reading past that many bytes raises OSError (EIO), like a dying disk."""

    def __init__(self, size: int, *, insert: bytes = b"", at: int = 0, fail_after: int | None = None):
        self.size, self.insert, self.at, self.fail_after = size, insert, at, fail_after
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.fail_after is not None and self.position >= self.fail_after:
            raise OSError(errno.EIO, "Input/output error")
        count = min(len(buffer), self.size - self.position, len(_BLOCK))
        start = self.position % len(_BLOCK)
        chunk = bytearray(_TWICE[start:start + count])
        overlap_start = max(self.at, self.position)
        overlap_end = min(self.at + len(self.insert), self.position + count)
        if overlap_start < overlap_end:
            chunk[overlap_start - self.position:overlap_end - self.position] = \
                self.insert[overlap_start - self.at:overlap_end - self.at]
        buffer[:count] = chunk
        self.position += count
        return count
