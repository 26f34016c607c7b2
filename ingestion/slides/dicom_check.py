"""Checks of an uploaded DICOM WSI slide, from its headers: is it one complete, consistent pyramid?

`dicom_wsi_problems(paths, name=...)` returns sentences a contributor can act on (empty when the
slide is fine): every instance VL Whole Slide Microscopy, all of one series, VOLUME levels that
get smaller, a pixel spacing that fits each level's size, a tile size, and as many frames as the
tiling needs. Pixel data is not read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.uid import UID

from .identify import WSI_SOP_CLASS

_SPACING_TOLERANCE = 0.02  # the physical size of the levels may differ by rounding, not more


@dataclass(frozen=True)
class _Instance:
    file: str
    flavour: str  # VOLUME, LABEL, OVERVIEW, THUMBNAIL
    width: int
    height: int
    tile_width: int | None
    tile_height: int | None
    spacing_mm: float | None
    frames: int
    expected_frames: int | None


def dicom_wsi_problems(paths: list[Path], *, name: str) -> list[str]:
    """What is wrong with the DICOM WSI instances `paths` of the upload `name`; [] when nothing is."""
    problems: list[str] = []
    series: dict[tuple[str, str], list[str]] = {}
    instances: list[_Instance] = []
    for path in sorted(paths):
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True)
        except Exception as error:  # pydicom raises many types for files that are not DICOM
            problems.append(f"{name}: {path.name} is not a DICOM file pydicom can read ({type(error).__name__}); "
                            "send it again or remove it.")
            continue
        sop_class = str(ds.get("SOPClassUID", ""))
        if sop_class != WSI_SOP_CLASS:
            what = UID(sop_class).name if sop_class else "without a SOP class"
            problems.append(f"{name}: {path.name} is {what}, not VL Whole Slide Microscopy Image Storage "
                            f"({WSI_SOP_CLASS}); send only the slide's WSI instances.")
            continue
        series.setdefault((str(ds.get("StudyInstanceUID", "")), str(ds.get("SeriesInstanceUID", ""))),
                          []).append(path.name)
        instance = _instance(path.name, ds)
        instances.append(instance)
        problems.extend(_instance_problems(name, instance))
    if len(series) > 1:
        listed = "; ".join(f"series {uid[1] or '(none)'}: {', '.join(files[:3])}{' ...' if len(files) > 3 else ''}"
                           for uid, files in series.items())
        problems.append(f"{name} mixes {len(series)} series ({listed}); an image is one slide's series: "
                        "send each series as its own image.")
    volumes = [i for i in instances if i.flavour == "VOLUME"]
    if instances and not volumes:
        problems.append(f"{name} has no VOLUME instance (only {', '.join(sorted({i.flavour for i in instances}))}); "
                        "send the slide's pyramid levels too.")
    problems.extend(_pyramid_problems(name, volumes))
    return problems


def _instance(file: str, ds: pydicom.Dataset) -> _Instance:
    image_type = [str(v).upper() for v in ds.get("ImageType", [])]
    width, height = int(ds.get("TotalPixelMatrixColumns", 0) or 0), int(ds.get("TotalPixelMatrixRows", 0) or 0)
    columns, rows = ds.get("Columns"), ds.get("Rows")
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    expected = None
    if "InConcatenationNumber" not in ds and columns and rows and width and height:
        if str(ds.get("DimensionOrganizationType", "")).upper() == "TILED_FULL":
            planes = int(ds.get("TotalPixelMatrixFocalPlanes", 1) or 1)
            paths = int(ds.get("NumberOfOpticalPaths", 1) or 1)
            expected = math.ceil(width / columns) * math.ceil(height / rows) * planes * paths
        elif "PerFrameFunctionalGroupsSequence" in ds:
            expected = len(ds.PerFrameFunctionalGroupsSequence)
    return _Instance(file=file, flavour=image_type[2] if len(image_type) > 2 else "", width=width,
                     height=height, tile_width=int(columns) if columns else None,
                     tile_height=int(rows) if rows else None, spacing_mm=_spacing(ds), frames=frames,
                     expected_frames=expected)


def _spacing(ds: pydicom.Dataset) -> float | None:
    try:
        return float(ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0].PixelSpacing[1])
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None


def _instance_problems(name: str, i: _Instance) -> list[str]:
    where = f"{name}: {i.file} ({i.flavour or 'no ImageType'})"
    problems = []
    if not i.tile_width or not i.tile_height:
        problems.append(f"{where} has no tile size (Rows and Columns); export it again as tiled DICOM WSI.")
    if not i.width or not i.height:
        problems.append(f"{where} has no TotalPixelMatrixColumns/Rows; export it again as tiled DICOM WSI.")
    if i.expected_frames is not None and i.frames != i.expected_frames:
        problems.append(f"{where} has {i.frames} frames, but its {i.width}x{i.height} pixels in "
                        f"{i.tile_width}x{i.tile_height} tiles need {i.expected_frames}; the file is "
                        "incomplete: export or send it again.")
    if i.flavour == "VOLUME" and i.spacing_mm is None:
        problems.append(f"{where} has no PixelSpacing; export it again with the scan's resolution.")
    return problems


def _pyramid_problems(name: str, volumes: list[_Instance]) -> list[str]:
    if not volumes:
        return []
    problems = []
    levels = sorted({(v.width, v.height): v for v in volumes}.values(), key=lambda v: -v.width * v.height)
    for larger, smaller in zip(levels, levels[1:], strict=False):
        if smaller.width > larger.width or smaller.height > larger.height:
            problems.append(f"{name}: the VOLUME levels do not get smaller in both directions "
                            f"({larger.file} is {larger.width}x{larger.height}, {smaller.file} is "
                            f"{smaller.width}x{smaller.height}); send one slide's pyramid.")
    base = levels[0]
    if base.spacing_mm is None:
        return problems
    extent = base.width * base.spacing_mm
    for level in levels[1:]:
        if level.spacing_mm is None:
            continue
        size = level.width * level.spacing_mm
        if abs(size - extent) > _SPACING_TOLERANCE * extent + level.spacing_mm:
            problems.append(f"{name}: {level.file} is {level.width} px at {level.spacing_mm * 1000:.4g} µm per px "
                            f"({size:.3f} mm wide), but the base level is {extent:.3f} mm wide "
                            f"({base.width} px at {base.spacing_mm * 1000:.4g} µm); its pixel spacing is wrong "
                            "or it belongs to another slide.")
    return problems
