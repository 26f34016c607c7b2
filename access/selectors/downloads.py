"""What a download request names, checked: the file or the dataset version, and whether the user may have it.

Every request goes through `access.selectors.pixels.version_for_pixels`, so through `can_access_pixels`
(cached at most PERMISSION_CACHE_SECONDS, bumped on revocation). Indirect-access versions answer 404 to
everyone, data stewards and data managers included: their pixels never leave the repository (analysis
runs inside it), so no download path names them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from access.downloads.policy import plain_download_allowed
from access.downloads.streams import crypt4gh_size
from access.selectors.keys import download_key
from access.selectors.permissions import can_access_pixels
from access.selectors.pixels import hidden_from_users, version_for_pixels
from repository.models import AnnotationFile, DatasetVersion, ImageFile

CRYPT4GH = "crypt4gh"
PLAIN = "plain"
MODES = (CRYPT4GH, PLAIN)
CRYPT4GH_SUFFIX = ".c4gh"


@dataclass(frozen=True)
class DownloadFile:
    """One archived file of one published version: an image's or an annotation's."""

    row: ImageFile | AnnotationFile
    version: DatasetVersion
    owner_accession: str  # the image's or the annotation's

    def delivered_name(self, mode: str) -> str:
        return self.row.filename + (CRYPT4GH_SUFFIX if mode == CRYPT4GH else "")

    def delivered_size(self, mode: str) -> int:
        return crypt4gh_size(self.row.size) if mode == CRYPT4GH else self.row.size


@dataclass(frozen=True)
class DownloadOffer:
    """What a landing page offers a user with access to a version's files."""

    has_key: bool  # a registered crypt4gh public key to encrypt to
    plain_allowed: bool  # the policy allows plain downloads too


def download_offer(user, version: DatasetVersion) -> DownloadOffer | None:
    """The downloads `version` offers `user`; None unless the user may have its files (the same rules as
    `version_for_download`)."""
    if version.pk is None or version.published_at is None or hidden_from_users(version):
        return None
    if not can_access_pixels(user, version):
        return None
    return DownloadOffer(has_key=download_key(user) is not None, plain_allowed=plain_download_allowed(version))


def version_for_download(user, accession: str, number: int, *, mode: str) -> DatasetVersion:
    """Version `number` of the dataset if the user may download it in `mode`: the shared pixel rules
    (access.selectors.pixels.version_for_pixels: 404 unknown, withdrawn or indirect access, 403 without
    access), then the plain-download policy (403)."""
    version = version_for_pixels(user, accession, number)
    if mode == PLAIN and not plain_download_allowed(version):
        raise PermissionDenied("This dataset's policy allows crypt4gh-encrypted downloads only: register your "
                               "crypt4gh public key at /account/keys/ and download without mode=plain.")
    return version


class AccessEnded(Exception):
    """The user's access ended while a download was streaming; the rest is not sent."""


def while_permitted(chunks: Iterator[bytes], user, version: DatasetVersion) -> Iterator[bytes]:
    """`chunks`, asking the permission function again every DOWNLOAD_RECHECK_SECONDS, so a revocation
    also stops a long download under way (within that bound plus PERMISSION_CACHE_SECONDS)."""
    every = settings.DOWNLOAD_RECHECK_SECONDS
    checked = time.monotonic()
    for chunk in chunks:
        if time.monotonic() - checked >= every:
            if not can_access_pixels(user, version):
                chunks.close()
                raise AccessEnded(f"{user} lost access to {version} during a download")
            checked = time.monotonic()
        yield chunk


def version_files(version: DatasetVersion) -> list[DownloadFile]:
    """Every archived file of the version, by bundle path."""
    images = ImageFile.objects.filter(image__version=version).exclude(storage_name="").select_related("image")
    annotations = (AnnotationFile.objects.filter(annotation__version=version).exclude(storage_name="")
                   .select_related("annotation"))
    files = [DownloadFile(row, version, row.image.accession) for row in images]
    files += [DownloadFile(row, version, row.annotation.accession) for row in annotations]
    return sorted(files, key=lambda f: f.row.filename)


def file_in_version(version: DatasetVersion, file_accession: str) -> DownloadFile:
    row = (ImageFile.objects.filter(image__version=version, accession=file_accession).exclude(storage_name="")
           .select_related("image").first())
    if row is not None:
        return DownloadFile(row, version, row.image.accession)
    row = (AnnotationFile.objects.filter(annotation__version=version, accession=file_accession)
           .exclude(storage_name="").select_related("annotation").first())
    if row is None:
        raise Http404("No such file in this dataset version.")
    return DownloadFile(row, version, row.annotation.accession)


def file_latest(file_accession: str) -> DownloadFile:
    """The file in the newest published version that holds it."""
    for field in ("image__version", "annotation__version"):
        model = ImageFile if field.startswith("image") else AnnotationFile
        version_id = (model.objects.filter(accession=file_accession, **{f"{field}__published_at__isnull": False})
                      .order_by(f"-{field}__published_at").values_list(f"{field}_id", flat=True).first())
        if version_id is not None:
            return file_in_version(DatasetVersion.objects.select_related("dataset").get(pk=version_id),
                                   file_accession)
    raise Http404("No such file.")


MANIFEST_COLUMNS = ("path", "size", "sha256", "plain_size", "plain_sha256", "accession", "owner", "url")


def manifest_rows(files: list[DownloadFile], *, mode: str, url_of) -> list[dict]:
    """One row per file: its path in the bundle as delivered, what the download delivers (size, and
    SHA-256 where it is fixed: a crypt4gh download has a fresh session key each time, so compare
    `plain_sha256` after decrypting), the plaintext's size and SHA-256, and its download URL."""
    rows = []
    for file in files:
        plain = mode == PLAIN
        rows.append({"path": file.delivered_name(mode), "size": file.delivered_size(mode),
                     "sha256": file.row.checksum if plain else None, "plain_size": file.row.size,
                     "plain_sha256": file.row.checksum, "accession": file.row.accession,
                     "owner": file.owner_accession, "url": url_of(file)})
    return rows
