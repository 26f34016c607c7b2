"""A submission's inbox files as a local bundle folder, for the validator and the importer.

`validate_bundle` and `dataset_import` read a local directory. `inbox_bundle` makes one in
a scratch folder (under VAR_DIR, removed afterwards): each file with bytes in the inbox at
its bundle path. On local storage it is a hard link to the inbox file (no copy; a plain
copy when the scratch folder is on another filesystem); on S3 a download streamed in
1 MiB chunks. Hard links, not symlinks: the validator resolves paths and refuses links
that leave the bundle.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from bigpicture.errors import PermanentError, UserError
from bigpicture.objects import object_chunks
from bigpicture.storage import storage_for
from ingestion.models import Submission, SubmissionFile
from ingestion.states import LIVE_FILE_STATES, FileState

# Live files whose bytes are complete in the inbox (a registered file is still arriving).
MATERIALISED_STATES = frozenset(LIVE_FILE_STATES - {FileState.REGISTERED})


def bundle_files(submission: Submission):
    return submission.files.filter(state__in=sorted(MATERIALISED_STATES)).exclude(storage_name="")


@contextmanager
def inbox_bundle(submission: Submission) -> Iterator[Path]:
    """Yield a local folder holding the submission's bundle; it is removed on exit."""
    scratch_root = Path(settings.VAR_DIR) / "scratch"
    scratch_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"bundle-{submission.pk}-", dir=scratch_root))
    root = scratch / "bundle"
    root.mkdir()
    try:
        storage = storage_for("inbox")
        for file in bundle_files(submission).iterator():
            _place(storage, file, root)
        yield root
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _place(storage, file: SubmissionFile, root: Path) -> None:
    target = (root / file.path).resolve()
    if not target.is_relative_to(root.resolve()):
        # Registration refuses such paths; a row that has one anyway is the portal's bug.
        raise PermanentError(f"file {file.pk} has an unsafe bundle path {file.path!r}; an operator must look.")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _copy(storage, file, target)
    except FileNotFoundError:
        raise UserError(f"{file.path}: its uploaded bytes are no longer in the inbox; upload this file "
                        "again.") from None


def _copy(storage, file: SubmissionFile, target: Path) -> None:
    if isinstance(storage, FileSystemStorage):
        source = storage.path(file.storage_name)
        try:
            os.link(source, target)
        except OSError as error:
            if not os.path.exists(source):
                raise
            del error  # another filesystem, or links not allowed: copy instead
            shutil.copyfile(source, target)
        return
    with open(target, "wb") as handle:
        for chunk in object_chunks(storage, file.storage_name):
            handle.write(chunk)
