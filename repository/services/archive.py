"""Copying bundle files into the archive (and landing-page samples into public).

Files are stored by content (`<dataset>/<sha[:2]>/<sha>.<type>`), so a file that
did not change between versions is stored once. An object already at that name
is reused only after its size and SHA-256 are checked; one that fails (say, cut
short by a crash of older code) is replaced. New bytes are hashed while they
are copied, so a file that changed after validation is refused, not archived.
Writes are staged (`bigpicture.staging`): they reach their names only when the
import's transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import BinaryIO

from bigpicture.errors import UserError
from bigpicture.objects import object_digest
from bigpicture.staging import ContentMismatch, object_stage
from bigpicture.storage import storage_for

logger = logging.getLogger(__name__)


def stored_name(*, dataset_accession: str, checksum: str, filetype: str) -> str:
    return f"{dataset_accession}/{checksum[:2]}/{checksum}.{filetype}"


def file_archive(*, source: Path | BinaryIO, checksum: str, filetype: str, dataset_accession: str,
                 area: str = "archive") -> tuple[str, int]:
    """Archive `source` (a path, or an open binary stream whose bytes must hash to `checksum`)
    under its content address unless a verified copy is there; returns (name, size)."""
    name = stored_name(dataset_accession=dataset_accession, checksum=checksum, filetype=filetype)
    size = _verified_size(area, name, checksum, expected_size=_size_of(source))
    with _source_stream(source) as stream:  # closed even when a verified copy means it is never read
        if size is not None:
            return name, size
        try:
            staged = object_stage(area=area, name=name, source=stream, sha256=checksum)
        except ContentMismatch as mismatch:
            raise UserError(f"{_label(source)}: the file changed after validation (SHA256 {mismatch.sha256} "
                            f"instead of {checksum}); upload it again.") from None
    return name, staged.size


def _verified_size(area: str, name: str, checksum: str, *, expected_size: int | None) -> int | None:
    """The size of the object at `name` if it is there and has the right bytes; else None."""
    storage = storage_for(area)
    if not storage.exists(name):
        return None
    size, digest = storage.size(name), "not read, the size is wrong"
    if expected_size in (None, size):
        digest, size = object_digest(storage, name)
        if digest == checksum:
            return size
    logger.warning("%s: %s does not match its content address (%d bytes, SHA256 %s); staging a replacement",
                   area, name, size, digest)
    return None


@contextmanager
def _source_stream(source: Path | BinaryIO) -> Iterator[BinaryIO]:
    """A path is opened here; a stream (e.g. decrypted plaintext) is handed over. Either is closed after."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            yield handle
    else:
        with closing(source):
            yield source


def _size_of(source: Path | BinaryIO) -> int | None:
    return Path(source).stat().st_size if isinstance(source, (str, Path)) else None


def _label(source: Path | BinaryIO) -> str:
    return str(source) if isinstance(source, (str, Path)) else str(getattr(source, "name", "the file"))
