"""`EntitySpill`: the canonical entities the validator built, kept on disk for the importer.

The validator parses, checks and canonicalises every entity; re-reading the XML to import them
cost as much again (12-14 s of CPU for 163k entities). With `validate_bundle(..., spill=True)`
each file's canonical entities are pickled in batches into one anonymous temporary file
(gone once closed, or when the process ends), so memory stays bounded as before and the importer
reads them back instead of parsing twice. Pickle is safe here: the file has no name, and only
this process writes and reads it. A private dispatch table rebuilds the frozen types from their
fields (pickle's default for frozen slotted dataclasses is about twice as slow).
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import os
import pickle
import tempfile
from collections.abc import Iterator
from operator import attrgetter

from .types import Attribute, Entity, FileEntry, Ref

BATCH = 1000  # entities per pickled frame


def _reducer(cls: type):
    fields = attrgetter(*(f.name for f in dataclasses.fields(cls)))
    return lambda obj: (cls, fields(obj))


_DISPATCH = {**copyreg.dispatch_table, **{cls: _reducer(cls) for cls in (Entity, Attribute, Ref, FileEntry)}}


class EntitySpill:
    """Entities by bundle file name, appended in order, read back in the same order."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="metaflex-spill-")
        self._frames: dict[str, list[tuple[int, int]]] = {}  # name -> (offset, size) of each frame
        self._pending: dict[str, list[Entity]] = {}
        self._size = 0

    def add(self, name: str, entity: Entity) -> None:
        batch = self._pending.setdefault(name, [])
        batch.append(entity)
        if len(batch) >= BATCH:
            self._flush(name)

    def _flush(self, name: str) -> None:
        batch = self._pending.pop(name, [])
        frames = self._frames.setdefault(name, [])
        if not batch:
            return
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _DISPATCH
        pickler.dump(batch)
        data = buffer.getbuffer()
        self._file.write(data)
        frames.append((self._size, len(data)))
        self._size += len(data)

    def finish(self, name: str) -> None:
        """No more entities of `name`: it can be read back (an empty file reads back as nothing)."""
        self._flush(name)
        self._file.flush()

    def __contains__(self, name: str) -> bool:
        return name in self._frames and name not in self._pending

    def iter(self, name: str) -> Iterator[Entity]:
        """The entities of `name`, in the order they were added; several iterations may run at once."""
        fd = self._file.fileno()
        for offset, size in self._frames[name]:
            yield from pickle.loads(os.pread(fd, size, offset))

    def close(self) -> None:
        self._file.close()


__all__ = ["EntitySpill"]
