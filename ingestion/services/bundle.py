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
from lxml import etree

from bigpicture.errors import PermanentError, UserError
from bigpicture.objects import object_chunks
from bigpicture.storage import storage_for
from ingestion.models import ImageJob, Submission
from ingestion.services.landing_previews import previews_place
from ingestion.states import LIVE_FILE_STATES, FileState
from metaflex.parse import SAFE_PARSER_OPTIONS

# Live files whose bytes are complete in the inbox (a registered file is still arriving).
MATERIALISED_STATES = frozenset(LIVE_FILE_STATES - {FileState.REGISTERED})


def bundle_files(submission: Submission):
    return submission.files.filter(state__in=sorted(MATERIALISED_STATES)).exclude(storage_name="")


def converted_jobs(submission: Submission) -> list[ImageJob]:
    """The active image jobs whose outputs are complete: their DICOM replaces their sources."""
    from ingestion.pipeline.steps import IMAGE_STEPS

    last = IMAGE_STEPS[-1].name
    return list(submission.image_jobs.filter(active=True, steps__name=last, steps__state="done")
                .prefetch_related("outputs"))


@contextmanager
def inbox_bundle(submission: Submission, *, converted: bool = True) -> Iterator[Path]:
    """Yield a local folder holding the submission's bundle; it is removed on exit.

    With `converted`, images the pipeline has finished appear as the pipeline made them: their
    DICOM instances instead of the uploaded files, and the metadata's FILES of each such IMAGE
    list those. Their previews become the landing page's sample images where the policy allows
    it (`ingestion.services.landing_previews`). Without, the bundle is the files as uploaded.
    """
    scratch_root = Path(settings.VAR_DIR) / "scratch"
    scratch_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"bundle-{submission.pk}-", dir=scratch_root))
    root = scratch / "bundle"
    root.mkdir()
    try:
        storage = storage_for("inbox")
        jobs = converted_jobs(submission) if converted else []
        replaced = {file: job for job in jobs for file in (f["filename"] for f in job.plan.get("files", []))}
        documents = []
        for file in bundle_files(submission).iterator():
            if file.path in replaced:
                continue
            _place(storage, file.path, file.storage_name, root)
            if file.path.lower().endswith(".xml"):
                documents.append(root / file.path)
        for job in jobs:
            for output in job.outputs.all():
                _place(storage, output.path, output.storage_name, root)
        if jobs:
            files_rewrite(documents, {job.image_alias: list(job.outputs.all()) for job in jobs})
            previews_place(root, jobs, lambda path, name: _place(storage, path, name, root))
        yield root
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _place(storage, path: str, storage_name: str, root: Path) -> None:
    target = (root / path).resolve()
    if not target.is_relative_to(root.resolve()):
        # Registration refuses such paths; a row that has one anyway is the portal's bug.
        raise PermanentError(f"{storage_name} has an unsafe bundle path {path!r}; an operator must look.")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _copy(storage, storage_name, target)
    except FileNotFoundError:
        raise UserError(f"{path}: its uploaded bytes are no longer in the inbox; upload this file "
                        "again.") from None


def files_rewrite(documents: list[Path], outputs: dict[str, list]) -> None:
    """List each converted IMAGE's DICOM outputs as its FILES, in the metadata documents that hold it.

    The documents are hard links to the inbox: a rewritten one replaces its link, never writes
    through it.
    """
    for document in documents:
        tree = etree.parse(str(document), etree.XMLParser(**SAFE_PARSER_OPTIONS))
        changed = False
        for image in tree.iter("{*}IMAGE", "IMAGE"):
            files = outputs.get(image.get("alias", ""))
            holder = next(iter(image.iter("{*}FILES", "FILES")), None)
            if files is None or holder is None:
                continue
            # In FILES' namespace (none in MetaFleX); also when FILES was left empty for the portal to fill.
            namespace = etree.QName(holder).namespace
            tag = f"{{{namespace}}}FILE" if namespace else "FILE"
            for child in list(holder):
                holder.remove(child)
            holder.text = None
            for output in files:
                etree.SubElement(holder, tag, filename=output.path, checksum_method="SHA256",
                                 checksum=output.sha256, filetype="dcm")
            changed = True
        if changed:
            etree.indent(tree, space="  ")
            document.unlink()
            tree.write(str(document), xml_declaration=True, encoding="UTF-8")


def _copy(storage, storage_name: str, target: Path) -> None:
    if isinstance(storage, FileSystemStorage):
        source = storage.path(storage_name)
        try:
            os.link(source, target)
        except OSError as error:
            if not os.path.exists(source):
                raise
            del error  # another filesystem, or links not allowed: copy instead
            shutil.copyfile(source, target)
        return
    with open(target, "wb") as handle:
        for chunk in object_chunks(storage, storage_name):
            handle.write(chunk)
