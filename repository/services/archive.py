"""Copying bundle files into the archive (and landing-page samples into public).

Files are stored by content (`<dataset>/<sha[:2]>/<sha>.<type>`), so a file that
did not change between versions is stored once. Bytes are hashed while they
are copied: a file that changed after validation is refused, not archived.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from django.core.files import File

from bigpicture.errors import UserError
from bigpicture.storage import storage_for


class _HashingReader:
    """A file wrapper that hashes what the storage backend reads through it."""

    def __init__(self, handle):
        self._handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk

    def __getattr__(self, name):
        return getattr(self._handle, name)


def stored_name(*, dataset_accession: str, checksum: str, filetype: str) -> str:
    return f"{dataset_accession}/{checksum[:2]}/{checksum}.{filetype}"


def file_archive(*, source: Path | BinaryIO, checksum: str, filetype: str, dataset_accession: str,
                 area: str = "archive") -> tuple[str, int]:
    """Copy `source` (a path, or a binary stream such as decrypted plaintext) into the storage area
    unless it is there already; the bytes read must hash to `checksum`. Returns (name, size)."""
    storage = storage_for(area)
    name = stored_name(dataset_accession=dataset_accession, checksum=checksum, filetype=filetype)
    if storage.exists(name):
        if hasattr(source, "close"):
            source.close()
        return name, storage.size(name)
    with (source if hasattr(source, "read") else open(source, "rb")) as handle:
        reader = _HashingReader(handle)
        saved = storage.save(name, File(reader, name=Path(getattr(handle, "name", name)).name))
    if reader.sha256.hexdigest() != checksum:
        storage.delete(saved)
        where = getattr(source, "path", source)
        raise UserError(f"{where}: the file changed after validation (SHA256 {reader.sha256.hexdigest()} "
                        f"instead of {checksum}); upload it again.")
    return saved, reader.size
