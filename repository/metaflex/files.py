"""Data-file checks: listed files exist, match their SHA256, stay inside the
bundle, and nothing on disk is left unlisted.

Only the set of listed paths is kept in memory (one short string per file);
hashes are streamed in 1 MiB chunks.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath

from .schema import BUNDLE_FILES, CHECKSUM_RE, OPTIONAL_LAYOUT_FILES
from .types import Entity, FileEntry, Problem

CHUNK = 1 << 20
LAYOUT_XML_DIRS = ("METADATA", "PRIVATE")  # every *.xml directly in these is part of the layout
LAYOUT_FILES = frozenset({f.path for f in BUNDLE_FILES} | set(OPTIONAL_LAYOUT_FILES))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_layout_file(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    if rel in LAYOUT_FILES:
        return True
    return len(parts) == 2 and parts[0] in LAYOUT_XML_DIRS and parts[1].endswith(".xml")


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


class FileChecker:
    """Checks FILE entries as they stream past, then the disk for leftovers."""

    def __init__(self, root: Path, *, verify_checksums: bool = True) -> None:
        self.root = root.resolve()
        self.verify_checksums = verify_checksums
        self.listed: dict[str, tuple[str, int]] = {}  # path -> (file, line) of its FILE element
        self.problems: list[Problem] = []
        self._escaped: set[str] = set()

    def _add(self, rule: str, entity: Entity | None, line: int, element: str, message: str,
             *, file: str = "", severity: str = "error") -> None:
        self.problems.append(Problem(rule=rule, message=message, file=entity.source_file if entity else file,
                                     line=line, element=element, alias=entity.alias if entity else "",
                                     severity=severity))  # type: ignore[arg-type]

    def check(self, entity: Entity, entry: FileEntry, element: str = "FILE") -> None:
        name = entry.filename
        pure = PurePosixPath(name)
        if not name or "\\" in name or pure.is_absolute() or (len(name) > 1 and name[1] == ":") \
                or ".." in pure.parts:
            self._add("file.path_escape", entity, entry.line, element,
                      f"filename {name!r} must be a relative path inside the bundle using '/' and no '..' "
                      "(e.g. IMAGES/IMAGE_<alias>/image.dcm); fix the path.")
            return
        rel = pure.as_posix()
        if rel in self.listed:
            file, line = self.listed[rel]
            self._add("file.duplicate", entity, entry.line, element,
                      f"{rel!r} is already listed at {file}:{line}; list each file once.")
            return
        self.listed[rel] = (entity.source_file, entry.line)
        path = self.root / rel
        if not _inside(path.resolve(), self.root):
            self._escaped.add(rel)
            self._add("file.path_escape", entity, entry.line, element,
                      f"{rel!r} resolves outside the bundle (a symbolic link?); put the real file in the bundle.")
            return
        if not path.is_file():
            self._add("file.missing", entity, entry.line, element,
                      f"{rel!r} is listed but not in the bundle; add the file or fix the filename.")
            return
        if self.verify_checksums and CHECKSUM_RE.match(entry.checksum):  # bad patterns: schema.pattern
            actual = sha256_file(path)
            if actual != entry.checksum:
                self._add("file.checksum", entity, entry.line, element,
                          f"{rel!r} has SHA256 {actual}, but the metadata says {entry.checksum}; re-upload the "
                          "file or correct the checksum.")

    def check_unlisted(self) -> None:
        """Every file on disk must be listed (or be one of the layout's XML files)."""
        root = str(self.root)
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            folders = set(dirnames)  # IMAGES/ holds one folder per image: keep membership O(1)
            for name in sorted(dirnames + filenames):
                full = os.path.join(dirpath, name)
                path = Path(full)
                rel = full[len(root) + 1:].replace(os.sep, "/")
                is_link = os.path.islink(full)
                if is_link and not _inside(path.resolve(), self.root):
                    if rel not in self._escaped:
                        self._add("file.path_escape", None, 0, "FILE", f"{rel!r} is a symbolic link to "
                                  f"outside the bundle; replace it with the real file or remove it.", file=rel)
                    continue
                if name in folders and not is_link:
                    continue
                if rel in self.listed or is_layout_file(rel):
                    continue
                if os.path.isdir(full):
                    continue
                hidden = name.startswith(".")
                self._add("file.unlisted", None, 0, "FILE",
                          f"{rel!r} is in the bundle but no FILE element lists it; list it in the metadata "
                          "or remove it.", file=rel, severity="warning" if hidden else "error")
