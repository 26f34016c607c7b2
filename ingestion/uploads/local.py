"""Uploads into local inbox folders: the portal's own part endpoint writes each part at its offset.

Every file has one hidden `.<file id>.part` file next to its inbox name; a part is
written into it with `os.pwrite` at `(number - 1) * part_size`, in 1 MiB blocks read
from the request, and recorded as an `UploadPart` row only once it arrived in full.
Completing renames the part file to the inbox name (atomic on one file system).
Part URLs carry a signature bound to one file and one part number, which expires:
it is the credential, like an S3 presigned URL.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from ingestion.models import UploadPart
from ingestion.uploads.types import (
    INBOX_FOLDER,
    PART_URL_SECONDS,
    PartCutShort,
    PartsLost,
    PartUrl,
    ReceivedPart,
    Upload,
)

BLOCK = 1024 * 1024
_SALT = "ingestion.upload-part"


def part_token(file_id: str, number: int) -> str:
    return signing.dumps([str(file_id), number], salt=_SALT)


def part_token_read(token: str) -> tuple[str, int]:
    """(file id, part number) of a token; signing.BadSignature (or SignatureExpired) otherwise."""
    file_id, number = signing.loads(token, salt=_SALT, max_age=PART_URL_SECONDS)
    return file_id, int(number)


class LocalUploads:
    def __init__(self, storage: FileSystemStorage):
        self.storage = storage

    def _part_path(self, upload: Upload) -> str:
        final = self.storage.path(upload.storage_name)
        return os.path.join(os.path.dirname(final), f".{os.path.basename(final)}.part")

    def start(self, upload: Upload) -> str:
        return ""

    def part_urls(self, upload: Upload, numbers: list[int], *, absolute_url: Callable[[str], str]) -> list[PartUrl]:
        return [PartUrl(number, absolute_url(reverse("ingestion_api:upload-part",
                                                     kwargs={"token": part_token(upload.file_id, number)})))
                for number in numbers]

    def part_write(self, upload: Upload, *, number: int, offset: int, length: int, body: BinaryIO) -> ReceivedPart:
        """Stream `length` bytes of `body` to the part file at `offset`; PartCutShort if the body ends early."""
        path = self._part_path(upload)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
        written = 0
        try:
            while written < length:
                try:
                    block = body.read(min(BLOCK, length - written))
                except OSError:  # the client went away mid-body
                    block = b""
                if not block:
                    raise PartCutShort(written)
                view = memoryview(block)
                while view:
                    done = os.pwrite(fd, view, offset + written)
                    written += done
                    view = view[done:]
            os.fsync(fd)
        finally:
            os.close(fd)
        # No per-part digest (an MD5 cost more than the write): the whole file's SHA-256, recomputed
        # by the worker from storage, is what a file is verified by.
        return ReceivedPart(number, length, "")

    def received(self, upload: Upload) -> list[ReceivedPart]:
        rows = UploadPart.objects.filter(file_id=upload.file_id).order_by("number")
        return [ReceivedPart(row.number, row.size, row.etag) for row in rows]

    def complete(self, upload: Upload, parts: list[ReceivedPart]) -> None:
        final, part = self.storage.path(upload.storage_name), self._part_path(upload)
        if not os.path.exists(part):
            if os.path.exists(final) and os.path.getsize(final) == upload.size:
                return  # completed before (the transaction that recorded it rolled back)
            if upload.size == 0:
                open(part, "wb").close()
            else:
                raise PartsLost(upload.storage_name)
        os.truncate(part, upload.size)  # a zero-byte or sparse tail is still exactly `size` long
        os.replace(part, final)

    def discard(self, upload: Upload) -> None:
        for path in (self._part_path(upload), self.storage.path(upload.storage_name)):
            try:
                os.remove(path)
            except FileNotFoundError:
                pass

    def leftovers_delete(self, *, before: datetime, claimed: set[str]) -> int:
        removed = 0
        for part in Path(self.storage.path(INBOX_FOLDER)).glob("*/.*.part"):
            name = f"{INBOX_FOLDER}/{part.parent.name}/{part.name[1:].removesuffix('.part')}"
            try:
                if name not in claimed and part.stat().st_mtime < before.timestamp():
                    part.unlink()
                    removed += 1
            except FileNotFoundError:
                pass
        return removed

    def head(self, upload: Upload, length: int) -> bytes:
        with self.storage.open(upload.storage_name, "rb") as handle:
            return handle.read(length)
