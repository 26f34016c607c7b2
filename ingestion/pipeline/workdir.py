"""The local work directory where pipeline steps spool inputs and write outputs.

Each running step gets its own folder, `<PIPELINE_WORK_DIR>/<pid>-<step>-<random>`, removed when
the step ends. A killed worker leaves its folder behind: `work_sweep` (run when a worker starts)
removes folders whose process is gone. The folders together may hold at most
PIPELINE_WORK_MAX_BYTES; a step that would pass the cap waits (a transient failure, retried).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from bigpicture.errors import TransientError
from bigpicture.objects import object_chunks
from bigpicture.staging import journal_finish
from bigpicture.storage import storage_for

logger = logging.getLogger(__name__)


def work_root() -> Path:
    root = Path(settings.PIPELINE_WORK_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


@contextmanager
def work_area(label: str) -> Iterator[Path]:
    """A fresh folder for one step run; removed afterwards, whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-{label}-", dir=work_root()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _used_bytes(root: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            try:
                stat = os.lstat(os.path.join(folder, name))
            except FileNotFoundError:
                continue
            if stat.st_nlink == 1:  # a hard link to the inbox costs no space here
                total += stat.st_blocks * 512
    return total


def room_check(size: int, what: str) -> None:
    """Refuse (transiently) to spool `size` more bytes when that would pass the cap."""
    cap = settings.PIPELINE_WORK_MAX_BYTES
    if size > cap:
        raise TransientError(f"{what} needs {size:,} bytes of work space, more than PIPELINE_WORK_MAX_BYTES "
                             f"({cap:,}); raise the cap.")
    used = _used_bytes(work_root())
    if used + size > cap:
        raise TransientError(f"the pipeline's work directory holds {used:,} of its {cap:,} bytes; {what} "
                             f"({size:,} bytes) waits for room.")


def spool(area: str, name: str, target: Path, *, size: int, what: str) -> Path:
    """Put the object `name` of `area` at `target`: a hard link on local storage, else a streamed download.
    An object whose committed move into place is still in the storage journal is moved first."""
    storage = storage_for(area)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _spool(storage, name, target, size=size, what=what)
    except FileNotFoundError:
        if not journal_finish(area, name):
            raise
    return _spool(storage, name, target, size=size, what=what)


def _spool(storage, name: str, target: Path, *, size: int, what: str) -> Path:
    if isinstance(storage, FileSystemStorage):
        try:
            os.link(storage.path(name), target)
            return target
        except FileNotFoundError:
            raise
        except OSError:
            pass  # another filesystem: copy
    room_check(size, what)
    with open(target, "wb") as handle:
        for chunk in object_chunks(storage, name):
            handle.write(chunk)
    return target


def work_sweep() -> int:
    """Remove work folders whose worker process is gone; returns how many."""
    removed = 0
    for folder in work_root().iterdir():
        pid = folder.name.split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    if removed:
        logger.info("pipeline work sweep: removed %d folder(s) left by stopped workers", removed)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
