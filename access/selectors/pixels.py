"""The one way to reach a published image's pixels: `image_for_pixels` (one image) and
`version_for_pixels` (a whole dataset version), both behind `can_access_pixels`.

Rules, the same on every pixel path (tiles, DICOMweb, WebDAV, downloads):
- an unknown accession, an unpublished version and a withdrawn dataset are 404;
- an indirect-access version is 404 too, for everyone: its pixels are reached only by the
  repository's own analysis jobs, never through these paths (stewards curate through ingestion);
- otherwise `can_access_pixels(user, version)` decides: False is PermissionDenied (403).

The lookup of an image (its version, dataset and files) is kept per process for
PIXEL_LOOKUP_CACHE_SECONDS, since a tile asks it on every request: published rows never change,
and a withdrawal still takes effect within that bound. The permission answer is asked every time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from threading import Lock
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from access.selectors.permissions import can_access_pixels
from bigpicture.objects import object_open_seekable
from bigpicture.storage import storage_for
from repository.models import AccessType, DatasetStatus, DatasetVersion, Image, ImageFile
from repository.selectors.visibility import VISIBLE_STATUSES, visible_version

ARCHIVE_AREA = "archive"


@dataclass(frozen=True)
class PixelImage:
    """A published image whose pixels a user may read: its version, its row, its DICOM instances."""

    version: DatasetVersion
    image: Image
    files: tuple[ImageFile, ...]

    @property
    def accession(self) -> str:
        return self.image.accession


_lookups: dict[str, tuple[float, PixelImage | None]] = {}
_lookups_lock = Lock()
_LOOKUPS_MAX = 4096


def image_for_pixels(user, accession: str) -> PixelImage:
    """The image `accession` in the latest published, visible version holding it, if `user` may read
    its pixels. Http404 (unknown, withdrawn, indirect access) or PermissionDenied."""
    found = _image_lookup(accession)
    if found is None or hidden_from_users(found.version):
        raise Http404("No published image has this accession.")
    if not can_access_pixels(user, found.version):
        raise PermissionDenied("You have no access to the pixels of this dataset.")
    return found


def version_for_pixels(user, dataset_accession: str, number: int | None = None) -> DatasetVersion:
    """Version `number` (the latest when None) of a dataset whose files `user` may read; the same rules."""
    visible = visible_version(accession=dataset_accession, number=number)
    if visible is None or hidden_from_users(visible.version):
        raise Http404("No published dataset has this accession.")
    if not can_access_pixels(user, visible.version):
        raise PermissionDenied("You have no access to the files of this dataset.")
    return visible.version


def viewable_images(user, version: DatasetVersion, *, limit: int = 50) -> list[Image]:
    """The images of `version` that `user` may open in the viewer: none unless its pixels are theirs."""
    if version.pk is None or version.published_at is None or hidden_from_users(version):
        return []
    if not can_access_pixels(user, version):
        return []
    return list(Image.objects.filter(version=version).order_by("alias")[:limit])


def instance_open(file: ImageFile) -> BinaryIO:
    """The stored bytes of one image file (a DICOM instance), opened for reading, seekable; on S3 each
    read is a ranged GET."""
    return object_open_seekable(storage_for(ARCHIVE_AREA), file.storage_name)


def hidden_from_users(version: DatasetVersion) -> bool:
    """Withdrawn or indirect-access: these pixel paths answer 404, whoever asks."""
    return version.dataset.status == DatasetStatus.WITHDRAWN or version.access_type == AccessType.INDIRECT


def _image_lookup(accession: str) -> PixelImage | None:
    now = time.monotonic()
    cached = _lookups.get(accession)
    if cached is not None and cached[0] > now:
        return cached[1]
    found = _image_query(accession)
    with _lookups_lock:
        if len(_lookups) >= _LOOKUPS_MAX:
            _lookups.clear()
        _lookups[accession] = (now + settings.PIXEL_LOOKUP_CACHE_SECONDS, found)
    return found


def lookups_forget() -> None:
    """Drops the per-process lookups (tests, and after a dataset changes status here)."""
    with _lookups_lock:
        _lookups.clear()


def _image_query(accession: str) -> PixelImage | None:
    image = (Image.objects.filter(accession=accession, version__published_at__isnull=False,
                                  version__dataset__status__in=VISIBLE_STATUSES)
             .select_related("version", "version__dataset").order_by("-version__number").first())
    if image is None:
        return None
    files = tuple(image.files.exclude(storage_name="").order_by("filename"))
    return PixelImage(version=image.version, image=image, files=files)
