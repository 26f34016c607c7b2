"""A tar of files, streamed: each member's header, its bytes as they come, its padding; never a whole file
in memory. Member sizes are known in advance (crypt4gh sizes follow from the plaintext's), so the
total length is too."""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from access.downloads.streams import DownloadCorrupt

BLOCK = tarfile.BLOCKSIZE
END = b"\0" * (2 * BLOCK)


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    mtime: float
    chunks: Callable[[], Iterator[bytes]]  # called when the member's turn comes


def _header(member: Member) -> bytes:
    info = tarfile.TarInfo(member.name)
    info.size, info.mtime, info.mode = member.size, int(member.mtime), 0o644
    return info.tobuf(tarfile.PAX_FORMAT)


def _padding(size: int) -> int:
    return -size % BLOCK


def tar_size(members: list[Member]) -> int:
    return sum(len(_header(m)) + m.size + _padding(m.size) for m in members) + len(END)


def tar_stream(members: list[Member]) -> Iterator[bytes]:
    for member in members:
        yield _header(member)
        sent = 0
        for chunk in member.chunks():
            sent += len(chunk)
            yield chunk
        if sent != member.size:
            raise DownloadCorrupt(f"{member.name}: {sent} bytes, not the {member.size} announced")
        if pad := _padding(member.size):
            yield b"\0" * pad
    yield END
