"""The technical facts of a DICOM WSI slide, from its headers only (no frame is decoded).

Scanner, software, acquisition time, tile size and µm per pixel come from `metaflex.dicom`'s
header reader (the same reading the MetaFleX validator does); the pyramid, focal planes, optical
paths and objective power from wsidicom, which opens the series without reading pixel data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from wsidicom import WsiDicom

from metaflex.dicom import base_layer, read_header
from metaflex.files import CHUNK

# wsidicomizer fills equipment it does not know with this word; it says nothing about the scanner.
_PLACEHOLDER = "Unknown"
# The objective powers scanners use; an estimate from µm per pixel is rounded to the nearest.
_POWERS = (2.5, 5.0, 10.0, 20.0, 40.0, 60.0, 63.0, 80.0, 100.0)


@dataclass(frozen=True)
class Level:
    width: int
    height: int
    mpp: float  # µm per pixel


@dataclass(frozen=True)
class SlideFacts:
    """`magnification_estimated` is True when no objective power is recorded and it comes from
    the base level's µm per pixel (10 / mpp, rounded to a usual power: 0.25 µm -> 40x, 0.5 µm -> 20x)."""

    levels: tuple[Level, ...]
    tile_width: int
    tile_height: int
    mpp: float
    magnification: float | None
    magnification_estimated: bool
    manufacturer: str | None
    model: str | None
    software_versions: str | None
    acquisition_datetime: str | None  # ISO 8601
    focal_planes: int
    optical_paths: int

    @property
    def width(self) -> int:
        return self.levels[0].width

    @property
    def height(self) -> int:
        return self.levels[0].height

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["levels"] = [asdict(level) for level in self.levels]
        return data


def slide_facts(paths: list[Path]) -> SlideFacts:
    """The facts of the slide whose DICOM instances are `paths` (all of one series)."""
    headers = []
    for path in paths:
        with open(path, "rb") as handle:
            headers.append(read_header(handle, handle.read(CHUNK)))
    header = base_layer(headers)
    with WsiDicom.open(paths) as wsi:
        pyramid = wsi.levels
        base = pyramid.base_level
        levels = tuple(Level(width=lv.size.width, height=lv.size.height, mpp=round(lv.mpp.width, 6))
                       for lv in pyramid)
        powers = [path.objective.objective_power for path in wsi.metadata.pyramid.optical_paths
                  if path.objective is not None and path.objective.objective_power]
        mpp = round(base.mpp.width, 6)
        magnification, estimated = (float(powers[0]), False) if powers else (estimated_power(mpp), True)
        return SlideFacts(
            levels=levels, tile_width=base.tile_size.width, tile_height=base.tile_size.height, mpp=mpp,
            magnification=magnification, magnification_estimated=estimated,
            manufacturer=_known(header.manufacturer), model=_known(header.model),
            software_versions=_known(header.software_versions),
            acquisition_datetime=header.acquisition_datetime,
            focal_planes=len(base.focal_planes), optical_paths=len(base.optical_paths),
        )


def estimated_power(mpp: float) -> float | None:
    """The objective power a scan at `mpp` µm per pixel was most likely made with (10 µm / mpp)."""
    if not mpp or mpp <= 0:
        return None
    return min(_POWERS, key=lambda power: abs(power - 10 / mpp))


def _known(value: str | None) -> str | None:
    parts = [p for p in (value or "").split("; ") if p and p != _PLACEHOLDER]
    return "; ".join(parts) or None
