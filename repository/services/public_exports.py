"""The public metadata zip of a published version: built once by a task, stored, then only served.

Also the clean-up of the public storage area when a dataset is withdrawn.

An anonymous download never builds or writes anything: `metaflex.zip` streams
the stored object, or answers 503 until the task has built it. The zip holds
the public folders of the bundle only (PRIVATE/ keeps REMS and organisation
details inside). Its content is deterministic, so a rebuild gives the same
bytes, and a stored zip is reused only when its size and SHA-256 match.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import UTC
from pathlib import Path

from django.core.files import File
from django.db import transaction

from bigpicture.errors import TransientError
from bigpicture.objects import object_digest
from bigpicture.storage import storage_for
from governance.services import audit_record
from repository import models as m
from repository.services.exports import bundle_zip, version_bundle_write

PUBLIC_FOLDERS = ("METADATA", "LANDING_PAGE")
_CHUNK = 1024 * 1024


def public_export_filename(version: m.DatasetVersion) -> str:
    """The name a downloaded zip gets."""
    return f"{version.dataset.accession}-v{version.number}-metaflex.zip"


def public_export_name(version: m.DatasetVersion) -> str:
    """The zip's key in the public storage area: one per version, always the same."""
    return f"{version.dataset.accession}/exports/{public_export_filename(version)}"


def _zip_write(version: m.DatasetVersion, target) -> None:
    # A fixed timestamp per version keeps the bytes, and so the hash, the same on every build.
    stamp = version.published_at.astimezone(UTC).timetuple()[:6]
    with tempfile.TemporaryDirectory(prefix="metaflex-public-") as workdir:
        bundle = version_bundle_write(version=version, out_dir=Path(workdir) / "bundle", with_files=False)
        bundle_zip(bundle=bundle, target=target, root=f"{version.dataset.accession}-v{version.number}",
                   folders=PUBLIC_FOLDERS, date_time=stamp)


def _digest(handle) -> tuple[int, str]:
    sha256, size = hashlib.sha256(), 0
    while chunk := handle.read(_CHUNK):
        sha256.update(chunk)
        size += len(chunk)
    return size, sha256.hexdigest()


def _stored_matches(storage, name: str, size: int | None, sha256: str) -> bool:
    """Whether the stored object is exactly the expected zip (a crash can leave a truncated one)."""
    if not sha256 or size is None or not storage.exists(name) or storage.size(name) != size:
        return False
    return object_digest(storage, name) == (sha256, size)


def public_export_build(*, version_id: int) -> m.DatasetVersion | None:
    """Build and store the public zip of a published version, unless a verified one is stored already.

    Idempotent: run it as often as you like. Returns None for a version that is
    not published (or no longer exists); a withdrawn dataset gets no zip.
    """
    with transaction.atomic():
        # The row lock serialises builders of one version (and the withdrawal clean-up).
        version = (m.DatasetVersion.objects.select_for_update(of=("self",)).select_related("dataset")
                   .filter(pk=version_id, published_at__isnull=False).first())
        if version is None or version.dataset.status == m.DatasetStatus.WITHDRAWN:
            return version
        storage = storage_for("public")
        name = public_export_name(version)
        if version.public_export_name == name and _stored_matches(
                storage, name, version.public_export_size, version.public_export_sha256):
            return version
        with tempfile.TemporaryFile(prefix="metaflex-public-", suffix=".zip") as built:
            _zip_write(version, built)
            built.seek(0)
            size, sha256 = _digest(built)
            if not _stored_matches(storage, name, size, sha256):
                if storage.exists(name):
                    storage.delete(name)
                built.seek(0)
                saved = storage.save(name, File(built, name=public_export_filename(version)))
                if saved != name:
                    storage.delete(saved)
                    raise TransientError(f"{name}: another process stored the public export at the same time")
                audit_record(actor=None, action="dataset.public_export", target=version,
                             detail={"name": name, "size": size, "sha256": sha256})
        version.public_export_name, version.public_export_size, version.public_export_sha256 = name, size, sha256
        version.save(update_fields=["public_export_name", "public_export_size", "public_export_sha256"])
    return version



def withdrawn_public_files_remove(*, dataset_id: int) -> int:
    """Delete what a withdrawn dataset had in the public storage area: its zips and sample images.

    The portal already refuses to serve them (see `repository.selectors.visibility`);
    this also takes them out of a bucket that may be readable directly. Returns
    how many objects were deleted.
    """
    storage = storage_for("public")
    removed = 0
    with transaction.atomic():
        versions = list(m.DatasetVersion.objects.select_for_update(of=("self",)).select_related("dataset")
                        .filter(dataset_id=dataset_id, dataset__status=m.DatasetStatus.WITHDRAWN))
        names = {version.public_export_name for version in versions if version.public_export_name}
        names |= {sample["name"] for version in versions for sample in version.summary.get("sample_images") or []}
        # Names start with the dataset's accession; never touch another dataset's objects.
        own = tuple(f"{version.dataset.accession}/" for version in versions[:1])
        for name in sorted(n for n in names if own and n.startswith(own)):
            if storage.exists(name):
                storage.delete(name)
                removed += 1
        m.DatasetVersion.objects.filter(pk__in=[v.pk for v in versions]).update(
            public_export_name="", public_export_size=None, public_export_sha256="")
    return removed
