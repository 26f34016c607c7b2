"""`SlideInfo`: what a synthetic-slide writer produced, for tests and demos."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .tissue import Box, TissueModel


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks (slides can be many GB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def hash_files(paths: Iterable[Path], root: Path | None = None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Per-file hashes and one combined hash over (relative name, hash) pairs.

    For a single file the combined hash is simply the file's own hash.
    """
    pairs = []
    for path in sorted(paths):
        name = str(path.relative_to(root)) if root is not None else path.name
        pairs.append((name, file_sha256(path)))
    if len(pairs) == 1:
        return pairs[0][1], tuple(pairs)
    combined = hashlib.sha256("".join(f"{n}\t{h}\n" for n, h in pairs).encode()).hexdigest()
    return combined, tuple(pairs)


@dataclass(frozen=True)
class SlideInfo:
    """Description of a written synthetic slide.

    `path` is the slide file (SVS, OME-TIFF) or the directory holding the
    DICOM instances; `files` lists every file written.  Region boxes are in
    base-level pixels.  `levels` holds (width, height) per pyramid level.
    """

    path: Path
    files: tuple[Path, ...]
    format: str
    width: int
    height: int
    levels: tuple[tuple[int, int], ...]
    mpp: float
    tile_size: int
    seed: int
    sha256: str
    file_sha256: tuple[tuple[str, str], ...]
    patient_name: str | None = None
    barcode: str | None = None
    app_mag: float | None = None
    blank_regions: tuple[Box, ...] = ()
    blurred_regions: tuple[Box, ...] = ()
    tissue_regions: tuple[Box, ...] = ()
    blur_sigma: float = 0.0
    macro_label_box: Box | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def level_count(self) -> int:
        return len(self.levels)

    @classmethod
    def of_tiff(cls, path: Path, *, format: str, model: TissueModel, levels, mpp: float, tile_size: int,
                seed: int, **details: Any) -> SlideInfo:
        """Describe a single-file TIFF slide (SVS, OME-TIFF) drawn from `model`."""
        sha256, hashes = hash_files([path])
        return cls(
            path=path, files=(path,), format=format, width=model.width, height=model.height,
            levels=tuple((w, h) for _, w, h in levels), mpp=mpp, tile_size=tile_size, seed=seed,
            sha256=sha256, file_sha256=hashes, **cls.regions_of(model), **details,
        )

    @classmethod
    def regions_of(cls, model: TissueModel) -> dict[str, Any]:
        """The keyword arguments describing the model's planted regions."""
        return {
            "blank_regions": model.blank_regions,
            "blurred_regions": model.blurred_regions,
            "tissue_regions": model.tissue_regions,
            "blur_sigma": model.blur_sigma,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly representation (paths as strings, boxes as lists)."""

        def boxes(items: tuple[Box, ...]) -> list[list[int]]:
            return [list(b.as_tuple()) for b in items]

        return {
            "path": str(self.path),
            "files": [str(p) for p in self.files],
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "levels": [list(level) for level in self.levels],
            "mpp": self.mpp,
            "tile_size": self.tile_size,
            "seed": self.seed,
            "sha256": self.sha256,
            "file_sha256": dict(self.file_sha256),
            "patient_name": self.patient_name,
            "barcode": self.barcode,
            "app_mag": self.app_mag,
            "blank_regions": boxes(self.blank_regions),
            "blurred_regions": boxes(self.blurred_regions),
            "tissue_regions": boxes(self.tissue_regions),
            "blur_sigma": self.blur_sigma,
            "macro_label_box": list(self.macro_label_box.as_tuple()) if self.macro_label_box else None,
            **self.extra,
        }
