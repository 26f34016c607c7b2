"""`Bundle`: a validated submission bundle on disk, for the importer to read.

The singletons (dataset, policy, landing page, REMS, organisation) are kept
in memory; the big collections (images, samples, observations, ...) are
re-streamed from disk each time they are iterated, so importing 65k images
never holds them all at once. `canonical(entity)` is the form the repository
stores: the profile's tags and values, image facts filled in from the DICOM
headers, the files of its folder for a submission's IMAGE that lists none
(`filled_files`), and encrypted files described by their plaintext (the archive keeps
the plaintext, so an export carries its checksum and re-imports unchanged).
`iter_canonical(name)` streams that form: from the validator's spill when it
kept one (`validate_bundle(..., spill=True)`), else parsed again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .dicom import ImageFacts
from .encryption import Crypt4GHReader
from .parse import EntityReader
from .rules import canonical_entity
from .schema import BUNDLE_FILE_BY_NAME, FILE_OF_KIND
from .spill import EntitySpill
from .types import Entity, FileEntry, Ref

SINGLETONS = ("dataset", "policy", "landing_page", "rems", "organisation")


@dataclass
class Bundle:
    root: Path
    dataset: Entity
    policy: Entity
    landing_page: Entity
    rems: Entity
    organisation: Entity
    type_of_dataset: str | None
    context: str | None  # "clinical" | "non_clinical"
    counts: dict[str, int] = field(default_factory=dict)
    image_facts: dict[str, ImageFacts] = field(default_factory=dict)  # alias -> DICOM facts it lacks
    filled_files: dict[str, list[FileEntry]] = field(default_factory=dict)  # alias -> its folder's files
    encrypted: dict[str, str] = field(default_factory=dict)  # filename -> SHA256 of the crypt4gh file sent
    sample_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # filename -> (width, height)
    secret_key: bytes | None = field(default=None, repr=False)
    spill: EntitySpill | None = field(default=None, repr=False, compare=False)  # canonical entities by file

    @property
    def clinical(self) -> bool:
        return self.context == "clinical"

    @property
    def complements(self) -> list[Ref]:
        """Datasets (by accession) this one complements; the importer resolves them."""
        return list(self.dataset.refs.get("COMPLEMENTS_DATASET_REF", []))

    def iter_entities(self, kind: str) -> Iterator[Entity]:
        """Entities of one kind (or of one file, e.g. "sample"), streamed in file order."""
        if kind in SINGLETONS:
            yield getattr(self, kind)
            return
        if kind in BUNDLE_FILE_BY_NAME:
            bundle_file, kinds = BUNDLE_FILE_BY_NAME[kind], None
        else:
            bundle_file, kinds = FILE_OF_KIND[kind], (kind,)
        path = self.root / bundle_file.path
        if not path.is_file():
            return
        yield from EntityReader(path, label=bundle_file.path, kinds=kinds, allowed=bundle_file.kinds,
                                set_element=bundle_file.set_element)

    def iter_canonical(self, name: str) -> Iterator[Entity]:
        """`canonical(entity)` for each of `iter_entities(name)`, read back from the spill when there is one."""
        file_name = name if name in BUNDLE_FILE_BY_NAME or name in SINGLETONS else FILE_OF_KIND[name].name
        if name in SINGLETONS or self.spill is None or file_name not in self.spill:
            yield from map(self.canonical, self.iter_entities(name))
            return
        for entity in self.spill.iter(file_name):
            if file_name == name or entity.kind == name:
                yield entity

    def close(self) -> None:
        """Drop the spill (`iter_canonical` then parses again)."""
        if self.spill is not None:
            self.spill.close()
            self.spill = None

    def path(self, entry: FileEntry) -> Path:
        return self.root / entry.filename

    def canonical(self, entity: Entity) -> Entity:
        """The entity as the repository stores it (see the module docstring)."""
        if entity.kind == "image" and not entity.files and entity.alias in self.filled_files:
            entity = dataclasses.replace(entity, files=self.filled_files[entity.alias])
        entity = canonical_entity(entity, self.context, self.image_facts.get(entity.alias)
                                  if entity.kind == "image" else None)
        return plaintext_files(entity, self.encrypted)

    def source(self, entry: FileEntry) -> Path | Crypt4GHReader:
        """What to archive for a (canonical) entry: the file, or its plaintext as a decrypting stream."""
        if entry.filename in self.encrypted:
            return Crypt4GHReader(self.path(entry), self.secret_key, checksum=self.encrypted[entry.filename],
                                  plain_checksum=entry.checksum)
        return self.path(entry)


def plaintext_files(entity: Entity, encrypted: dict[str, str]) -> Entity:
    """The entity with its encrypted files (`encrypted`: filename -> SHA256) described by their plaintext."""
    if not any(entry.filename in encrypted for entry in entity.files):
        return entity
    return dataclasses.replace(entity, files=[
        dataclasses.replace(entry, checksum=entry.unencrypted_checksum, unencrypted_checksum=None)
        if entry.filename in encrypted else entry for entry in entity.files])


__all__ = ["SINGLETONS", "Bundle", "plaintext_files"]
