"""Storage writes that land only if the database transaction commits.

Storage is not transactional. Inside `staged_atomic()` (a `transaction.atomic()`
block), `object_stage` copies each object to a staging key of its area
(`_staging/<random>.<ext>`), hashing it on the way. Just before the block
commits, journal rows naming the staged objects are written in the same
transaction, and an on_commit hook moves the objects to their names and deletes
the rows. When the block rolls back, the staged objects are deleted at once.

A crash leaves one of two things behind, and `storage_sweep` (the
`storage_sweep` command, and a task on the beat schedule) clears both:
- journal rows: the transaction committed but the moves did not finish. The
  sweep verifies each staged object and completes its move.
- staged objects that no journal row claims: their transaction never committed.
  The sweep deletes them once older than STORAGE_STAGING_GRACE_SECONDS, which
  must be longer than the longest transaction that stages objects.

A staged_atomic block inside another one hands its objects to the outer block.
Inside a plain atomic block, its moves wait for the outer commit; if the outer
block rolls back, the sweep deletes its objects after the grace period. So a
block that stages objects and may roll back on its own must be a staged_atomic.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TypeVar

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from bigpicture.models import StorageJournal
from bigpicture.objects import object_digest, object_list, object_move, uploads_abort
from bigpicture.storage import AREAS, storage_for

STAGING = "_staging"
JOURNAL_CHUNK = 1000  # staged objects per journal row
MOVE_THREADS = 8  # a move on S3 is a copy and a delete: run a few at once (local renames need no threads)
T = TypeVar("T")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StagedObject:
    area: str
    staged: str
    name: str
    sha256: str
    size: int

    def as_json(self) -> dict[str, str | int]:
        # Not dataclasses.asdict: that deep-copies, and an import journals tens of thousands of these.
        return {"area": self.area, "staged": self.staged, "name": self.name, "sha256": self.sha256,
                "size": self.size}


class ContentMismatch(Exception):
    """The bytes read do not have the SHA-256 the caller expected; nothing was kept."""

    def __init__(self, *, sha256: str, size: int):
        self.sha256 = sha256
        self.size = size
        super().__init__(f"read {size} bytes with SHA256 {sha256}")


class StagedWrites:
    """The objects staged inside one staged_atomic block, by any of its threads."""

    def __init__(self, *, detached: bool = False) -> None:
        # Detached: staged_work's, outside any transaction; its objects commit only through staged_adopt.
        self.detached = detached
        self._objects: list[StagedObject] = []
        self._lock = threading.Lock()
        # (callback, robust) to run once the block's objects are at their names (after commit and moves).
        self.after_moves: list[tuple[Callable[[], None], bool]] = []

    def add(self, objects: Iterable[StagedObject]) -> None:
        with self._lock:
            self._objects.extend(objects)

    @property
    def objects(self) -> list[StagedObject]:
        with self._lock:
            return list(self._objects)


_current: ContextVar[StagedWrites | None] = ContextVar("staged_writes", default=None)


@contextmanager
def staged_atomic() -> Iterator[StagedWrites]:
    """`transaction.atomic()` whose staged storage writes reach their names only if it commits."""
    writes = StagedWrites()
    parent = _current.get()
    if parent is not None and parent.detached:
        parent = None
    token = _current.set(writes)
    rolled_back = False
    try:
        with transaction.atomic():
            yield writes
            rolled_back = transaction.get_rollback()
            if not rolled_back and parent is not None:
                parent.add(writes.objects)
                parent.after_moves.extend(writes.after_moves)
            elif not rolled_back:
                _journal(writes.objects, writes.after_moves)
    except BaseException:
        _discard(writes.objects)
        raise
    finally:
        _current.reset(token)
    if rolled_back:
        _discard(writes.objects)


@contextmanager
def staged_work() -> Iterator[StagedWrites]:
    """Stage objects during long work outside any transaction (a pipeline step's conversion, say).

    Objects staged inside are kept, not moved; hand them to a staged_atomic block with
    `staged_adopt` to commit them. If the block raises, they are deleted at once; if the
    process dies, the sweep deletes them after the grace period (no journal row claims them).
    """
    writes = StagedWrites(detached=True)
    token = _current.set(writes)
    try:
        yield writes
    except BaseException:
        _discard(writes.objects)
        raise
    finally:
        _current.reset(token)


def staged_adopt(writes: StagedWrites) -> None:
    """Commit `writes` (from staged_work) with the enclosing staged_atomic block."""
    scope = _current.get()
    if scope is None or scope is writes:
        raise RuntimeError("staged_adopt must be called inside a staged_atomic block")
    scope.add(writes.objects)
    scope.after_moves.extend(writes.after_moves)


def after_storage(callback: Callable[[], None], *, robust: bool = False) -> None:
    """Run `callback` once the current transaction has committed and its staged objects are in place
    (a task that reads them must not be sent before): after the enclosing staged_atomic block's moves,
    else like `transaction.on_commit` (`robust`: an error is logged, not raised)."""
    writes = _current.get()
    if writes is None or writes.detached or not transaction.get_connection().in_atomic_block:
        transaction.on_commit(callback, robust=robust)
    else:
        writes.after_moves.append((callback, robust))


def staging_pool(max_workers: int) -> ThreadPoolExecutor:
    """A thread pool whose threads stage into the caller's staged_atomic block."""
    return ThreadPoolExecutor(max_workers=max_workers, initializer=_current.set, initargs=(_writes_in_scope(),))


def _writes_in_scope() -> StagedWrites | None:
    writes = _current.get()
    if writes is None and transaction.get_connection().in_atomic_block:
        raise RuntimeError("storage writes inside a transaction must be staged: use bigpicture.staging.staged_atomic()")
    return writes


class _HashingReader:
    """A forward-only reader that hashes what the storage backend reads through it."""

    closed = False

    def __init__(self, handle: BinaryIO):
        self._handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk

    def seekable(self) -> bool:
        return False  # a rewind would hash bytes twice


def object_stage(*, area: str, name: str, source: BinaryIO, sha256: str | None = None) -> StagedObject:
    """Copy `source` to a staging key of `area`, hashing it; with `sha256`, a different hash raises
    ContentMismatch and keeps nothing.

    The object reaches `name` when the staged_atomic block commits; outside any
    transaction, at once. The returned object carries the SHA-256 and size read.
    """
    writes = _writes_in_scope()
    storage = storage_for(area)
    reader = _HashingReader(source)
    staged = storage.save(_staging_key(name), File(reader))
    obj = StagedObject(area=area, staged=staged, name=name, sha256=reader.sha256.hexdigest(), size=reader.size)
    return _staged(writes, storage, obj, expected=sha256)


def file_stage(*, area: str, name: str, path: Path) -> StagedObject:
    """`object_stage` of a local file the caller owns and no longer changes (a conversion's output).

    On local storage on the same filesystem the file is hard-linked to its staging key and hashed
    there, never copied; elsewhere it is copied as `object_stage` does.
    """
    storage = storage_for(area)
    if not isinstance(storage, FileSystemStorage):
        with open(path, "rb") as handle:
            return object_stage(area=area, name=name, source=handle)
    writes = _writes_in_scope()
    staged = _staging_key(name)
    target = Path(storage.path(staged))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(path, target)
    except OSError:  # another filesystem (or no hard links): copy
        with open(path, "rb") as handle:
            return object_stage(area=area, name=name, source=handle)
    if storage.file_permissions_mode is not None:
        os.chmod(target, storage.file_permissions_mode)
    sha256, size = _file_digest(target)
    obj = StagedObject(area=area, staged=staged, name=name, sha256=sha256, size=size)
    return _staged(writes, storage, obj)


def _staging_key(name: str) -> str:
    return f"{STAGING}/{uuid.uuid4().hex}{PurePosixPath(name).suffix}"


def _file_digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb", buffering=0) as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _staged(writes: StagedWrites | None, storage, obj: StagedObject, *,
            expected: str | None = None) -> StagedObject:
    """A staged object: deleted when it is not the `expected` bytes; moved at once outside any
    transaction, else handed to the block's writes."""
    if expected is not None and obj.sha256 != expected:
        storage.delete(obj.staged)
        raise ContentMismatch(sha256=obj.sha256, size=obj.size)
    if writes is None:
        object_move(storage, obj.staged, obj.name)
    else:
        writes.add([obj])
    return obj


def _journal(objects: list[StagedObject], after_moves: list[tuple[Callable[[], None], bool]] = ()) -> None:
    if not objects:
        for callback, robust in after_moves:
            transaction.on_commit(callback, robust=robust)
        return
    rows = StorageJournal.objects.bulk_create(
        StorageJournal(moves=[obj.as_json() for obj in objects[start:start + JOURNAL_CHUNK]])
        for start in range(0, len(objects), JOURNAL_CHUNK))
    pks = [row.pk for row in rows]
    # robust: the data is committed whatever happens here; a failed move is left to the sweep.
    transaction.on_commit(lambda: journal_complete(pks=pks), robust=True)
    for callback, robust in after_moves:
        transaction.on_commit(callback, robust=robust)


def _discard(objects: list[StagedObject]) -> None:
    def delete(obj: StagedObject) -> None:
        try:
            storage_for(obj.area).delete(obj.staged)
        except Exception:  # the sweep deletes it later; the caller's own error matters more
            logger.warning("%s: could not delete staged object %s; the storage sweep will", obj.area, obj.staged,
                           exc_info=True)

    _each(delete, objects)


def _each(function: Callable[[StagedObject], T], objects: list[StagedObject]) -> list[T]:
    """`function` on each object; in threads when a storage is remote and each call waits on the network."""
    if all(isinstance(storage_for(area), FileSystemStorage) for area in {obj.area for obj in objects}):
        return [function(obj) for obj in objects]
    with ThreadPoolExecutor(MOVE_THREADS) as pool:
        return list(pool.map(function, objects))


def journal_finish(area: str, name: str) -> bool:
    """Do now the committed moves that would put an object at `name` in `area` (a storage failure right
    after the commit left them to the sweep); True if there were some and all succeeded."""
    pks = [pk for pk, moves in StorageJournal.objects.values_list("pk", "moves")
           if any(move["area"] == area and move["name"] == name for move in moves)]
    if not pks:
        return False
    moved, failed = journal_complete(pks=pks, verify=True)
    if moved:
        logger.info("%s: finished the committed move of %s (left by a storage failure)", area, name)
    return moved > 0 and failed == 0


def journal_complete(*, pks: list, verify: bool = False) -> tuple[int, int]:
    """Do the moves of these journal rows and delete the rows; returns (moved, failed).

    Rows that another process is completing are skipped. A row keeps existing
    while any of its moves fails, so the next sweep tries again.
    """
    moved = failed = 0
    for pk in pks:
        with transaction.atomic():
            row = StorageJournal.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue
            objects = [StagedObject(**move) for move in row.moves]
            done = sum(_each(partial(_move, verify=verify), objects))
            moved += done
            failed += len(objects) - done
            if done == len(objects):
                row.delete()
    return moved, failed


def _move(obj: StagedObject, *, verify: bool) -> bool:
    storage = storage_for(obj.area)
    try:
        if verify and object_digest(storage, obj.staged) != (obj.sha256, obj.size):
            logger.error("%s: staged object %s is not the %d bytes with SHA256 %s that were staged; "
                         "not moving it to %s. Restore %s from its source.", obj.area, obj.staged, obj.size,
                         obj.sha256, obj.name, obj.name)
            return False
        object_move(storage, obj.staged, obj.name)
        return True
    except FileNotFoundError:
        pass
    # No staged copy: moved already, by a sweep or by a mover that died before deleting the row.
    try:
        if object_digest(storage, obj.name) == (obj.sha256, obj.size):
            return True
    except FileNotFoundError:
        pass
    logger.error("%s: %s was committed, but neither its staged copy %s nor a verified object at its name "
                 "exists. Restore it from its source.", obj.area, obj.name, obj.staged)
    return False


@dataclass
class SweepResult:
    moved: int = 0
    failed: int = 0
    removed: int = 0


def storage_sweep(*, grace_seconds: int | None = None) -> SweepResult:
    """Complete the moves of committed transactions; delete old staged objects that none claims."""
    grace = settings.STORAGE_STAGING_GRACE_SECONDS if grace_seconds is None else grace_seconds
    result = SweepResult()
    result.moved, result.failed = journal_complete(
        pks=list(StorageJournal.objects.values_list("pk", flat=True)), verify=True)
    before = timezone.now() - timedelta(seconds=grace)
    for area in AREAS:
        storage = storage_for(area)
        stale = [name for name, modified in object_list(storage, STAGING) if modified <= before]
        claimed = _claimed(area)  # read after listing: a transaction that commits meanwhile is seen
        for name in stale:
            if name not in claimed:
                storage.delete(name)
                logger.info("%s: deleted staged object %s that no committed transaction claims", area, name)
                result.removed += 1
        result.removed += uploads_abort(storage, STAGING, before=before)
    return result


def _claimed(area: str) -> set[str]:
    return {move["staged"] for moves in StorageJournal.objects.values_list("moves", flat=True)
            for move in moves if move["area"] == area}
