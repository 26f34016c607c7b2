"""Seekable reads of archived files by storage name (the index and WADO read headers and frames)."""

from __future__ import annotations

import io

from bigpicture.objects import object_open_seekable
from bigpicture.storage import storage_for

ARCHIVE = "archive"


def stored_open(name: str, *, buffer_size: int = 256 * 1024) -> io.BufferedReader:
    """The archived file `name`, opened for seeking and reading (ranged GETs on S3)."""
    return object_open_seekable(storage_for(ARCHIVE), name, buffer_size=buffer_size)
