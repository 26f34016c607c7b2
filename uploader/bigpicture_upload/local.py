"""The bundle on the uploader's disk: validated with `metaflex`, listed with sizes and SHA-256s.

Data files take their SHA-256 from the metadata (the validator has just checked
each one against it); the layout's XML files are hashed here, once.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from metaflex import Report, validate_bundle
from metaflex.schema import BUNDLE_FILES

CHUNK = 1 << 20


@dataclass(frozen=True)
class LocalFile:
    path: str  # inside the bundle, with / separators
    disk: Path
    size: int
    sha256: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def bundle_validate(root: Path) -> tuple[list[LocalFile] | None, Report]:
    """(the files to send, the validation report); no files when the bundle is invalid.

    Scanner files (SVS, NDPI, ...) listed as dcm are sent as they are: the portal converts them.
    """
    bundle, report = validate_bundle(root, verify_checksums=True, encrypted_as_sent=True, scanner_files=True)
    if bundle is None:
        return None, report
    listed: dict[str, str] = {}
    for bundle_file in BUNDLE_FILES:
        for entity in bundle.iter_entities(bundle_file.name):
            for entry in entity.files:
                listed[entry.filename] = entry.checksum
    files = []
    for rel, disk in _walk(root):
        sha256 = listed.get(rel) or file_sha256(disk)
        files.append(LocalFile(path=rel, disk=disk, size=disk.stat().st_size, sha256=sha256))
    return files, report


def _walk(root: Path):
    """Every file of the bundle in path order; hidden files and folders (.DS_Store, .git) stay home."""
    base = str(root)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            yield full[len(base) + 1:].replace(os.sep, "/"), Path(full)
