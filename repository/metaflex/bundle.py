"""`Bundle`: a validated submission bundle on disk, for the importer to read.

The singletons (dataset, policy, landing page, REMS, organisation) are kept
in memory; the big collections (images, samples, observations, ...) are
re-streamed from disk each time they are iterated, so importing 65k images
never holds them all at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .parse import EntityReader
from .schema import BUNDLE_FILE_BY_NAME, FILE_OF_KIND
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

    def path(self, entry: FileEntry) -> Path:
        return self.root / entry.filename


__all__ = ["Bundle", "SINGLETONS"]
