"""The read-only WebDAV tree (/webdav/): what a path names, and what a collection holds.

    /webdav/                                        the datasets the user may read (direct access only)
    /webdav/<dataset>/                              IMAGES (the latest version) and v<n> (each version)
    /webdav/<dataset>/IMAGES/<image>/<file>.dcm     a DICOM instance of the latest published version
    /webdav/<dataset>/v<n>/IMAGES/<image>/<file>.dcm    the same in version n

Every resolution asks the pixel rules (`version_for_pixels`, so `can_access_pixels`) afresh:
a revoked user loses the tree within the permission cache's lifetime. Indirect-access, withdrawn
and unknown datasets are Http404 for everybody; a dataset the user is not entitled to is
PermissionDenied, and it is absent from the root listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from django.db.models import Q
from django.http import Http404

from access.roles import Role
from access.selectors.groups import data_manager_organisation_ids
from access.selectors.permissions import can_access_pixels, entitlements_active
from access.selectors.pixels import version_for_pixels
from repository.models import AccessType, Dataset, DatasetVersion, Image, ImageFile
from repository.selectors.visibility import LISTED_STATUSES, published_versions

IMAGES = "IMAGES"
_VERSION = re.compile(r"v([1-9][0-9]{0,8})")


@dataclass(frozen=True)
class Member:
    """One entry of a collection listing, or the resource a path names."""

    name: str
    is_collection: bool
    modified: datetime | None = None
    size: int = 0
    etag: str = ""


@dataclass(frozen=True)
class Collection:
    path: tuple[str, ...]
    modified: datetime | None
    members: list[Member] = field(default_factory=list)


@dataclass(frozen=True)
class File:
    path: tuple[str, ...]
    version: DatasetVersion
    image_accession: str
    row: ImageFile

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def etag(self) -> str:
        return f'"{self.row.checksum}"'


def file_name(row: ImageFile) -> str:
    """The name of an image file in the tree: its name in the bundle, without the folders."""
    return PurePosixPath(row.filename).name


def webdav_resolve(user, segments: tuple[str, ...]) -> Collection | File:
    """The collection or file that `segments` (the path below /webdav/) names. Http404 or PermissionDenied."""
    if not segments:
        return Collection((), None, [_dataset_member(d) for d in webdav_datasets(user)])
    accession, rest = segments[0], segments[1:]
    if not rest:
        return _dataset_collection(user, accession)
    number = None
    match = _VERSION.fullmatch(rest[0])
    if match:
        number, rest = int(match.group(1)), rest[1:]
    version = version_for_pixels(user, accession, number)
    if not rest:
        if number is None:
            raise Http404("No such folder.")
        return Collection(segments, version.published_at, [Member(IMAGES, True, version.published_at)])
    if rest[0] != IMAGES:
        raise Http404("No such folder.")
    return _in_images(segments, version, rest[1:])


def webdav_datasets(user) -> list[Dataset]:
    """The released or deprecated datasets, with direct access, whose latest version `user` may read."""
    if not user.is_authenticated or not user.is_active:
        return []
    datasets = Dataset.objects.filter(status__in=LISTED_STATUSES, latest_version__published_at__isnull=False,
                                      latest_version__access_type=AccessType.DIRECT)
    if not user.has_role(Role.DATA_STEWARD):
        entitled = entitlements_active(user=user).values("dataset_id")
        datasets = datasets.filter(Q(pk__in=entitled) | Q(organisation_id__in=data_manager_organisation_ids(user)))
    datasets = datasets.select_related("latest_version").order_by("accession")
    return [dataset for dataset in datasets if can_access_pixels(user, dataset)]


def _dataset_member(dataset: Dataset) -> Member:
    return Member(dataset.accession, True, dataset.latest_version.published_at)


def _dataset_collection(user, accession: str) -> Collection:
    latest = version_for_pixels(user, accession)
    members = [Member(IMAGES, True, latest.published_at)]
    for version in published_versions(dataset=latest.dataset).filter(access_type=AccessType.DIRECT):
        if can_access_pixels(user, version):
            members.append(Member(f"v{version.number}", True, version.published_at))
    return Collection((accession,), latest.published_at, members)


def _in_images(segments: tuple[str, ...], version: DatasetVersion, rest: tuple[str, ...]) -> Collection | File:
    if not rest:
        accessions = Image.objects.filter(version=version).order_by("accession").values_list("accession", flat=True)
        return Collection(segments, version.published_at,
                          [Member(accession, True, version.published_at) for accession in accessions])
    image = Image.objects.filter(version=version, accession=rest[0]).first()
    if image is None or len(rest) > 2:
        raise Http404("No such image.")
    files = {file_name(row): row for row in image.files.order_by("filename")}
    if len(rest) == 1:
        return Collection(segments, version.published_at,
                          [Member(name, False, version.published_at, row.size, f'"{row.checksum}"')
                           for name, row in files.items()])
    if rest[1] not in files:
        raise Http404("No such file.")
    return File(segments, version, image.accession, files[rest[1]])


__all__ = ["IMAGES", "Collection", "File", "Member", "file_name", "webdav_datasets", "webdav_resolve"]
