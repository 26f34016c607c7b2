"""What kind of slide a local file (or folder) holds, by its content, never by its name.

`identify(path, name=...)` looks at the first bytes (DICOM preamble, TIFF header, photo magic),
checks that a TIFF is complete (every IFD, tile and strip lies inside the file), then asks the
reader that will convert it: opentile first (it passes JPEG tiles through), OpenSlide for what
opentile does not read (MRXS, generic tiled TIFF), wsidicom for DICOM. Anything else raises
`PermanentError` naming the upload and saying what it is.
"""

from __future__ import annotations

import contextlib
import logging
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import openslide
import pydicom
import tifffile
from opentile import OpenTile
from opentile.tiff_format import TiffFormat
from pydicom.uid import UID
from wsidicom import WsiDicom

from bigpicture.errors import PermanentError

Kind = Literal["svs", "ndpi", "philips_tiff", "mrxs", "ome_tiff", "tiff", "dicom"]
Reader = Literal["opentile", "openslide", "wsidicom"]

WSI_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.6"  # VL Whole Slide Microscopy Image Storage
READABLE = ("Aperio SVS", "Hamamatsu NDPI", "Philips TIFF", "3DHISTECH MRXS", "OME-TIFF", "tiled TIFF",
            "DICOM WSI")
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_PHOTOS = ((b"\xff\xd8\xff", "a JPEG photo"), (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"GIF8", "a GIF image"),
           (b"BM", "a BMP image"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"))
_OPENTILE_KINDS: dict[TiffFormat, tuple[Kind, str]] = {
    TiffFormat.SVS: ("svs", "Aperio SVS"), TiffFormat.NDPI: ("ndpi", "Hamamatsu NDPI"),
    TiffFormat.PHILIPS_TIFF: ("philips_tiff", "Philips TIFF"), TiffFormat.OME_TIFF: ("ome_tiff", "OME-TIFF"),
    TiffFormat.HISTECH_TIFF: ("tiff", "3DHISTECH TIFF"),
}
_OPENSLIDE_KINDS: dict[str, tuple[Kind, str]] = {
    "aperio": ("svs", "Aperio SVS"), "hamamatsu": ("ndpi", "Hamamatsu NDPI"),
    "philips": ("philips_tiff", "Philips TIFF"), "mirax": ("mrxs", "3DHISTECH MRXS"),
    "generic-tiff": ("tiff", "tiled TIFF"), "ventana": ("tiff", "Ventana BIF"), "leica": ("tiff", "Leica SCN"),
    "trestle": ("tiff", "Trestle TIFF"),
}


@dataclass(frozen=True)
class SlideFormat:
    """A slide as the portal will read it. `mpp` is µm per pixel of the base level, when the file says."""

    kind: Kind
    label: str
    reader: Reader
    width: int
    height: int
    levels: int
    mpp: float | None


def identify(path: Path, *, name: str) -> SlideFormat:
    """The format of the slide at `path` (a file, or a folder: MRXS with its data folder, DICOM instances).

    `name` is what the contributor called it; every error names it.
    """
    path = Path(path)
    if path.is_dir():
        return _folder(path, name)
    size = path.stat().st_size
    if size == 0:
        raise PermanentError(f"{name} is empty (zero bytes); upload the slide file again.")
    with open(path, "rb") as handle:
        head = handle.read(132)
    if head[128:132] == b"DICM":
        return _dicom([path], name)
    if head[:4] in _TIFF_MAGIC:
        _check_complete_tiff(path, name, size)
        return _tiff(path, name)
    if path.suffix.lower() == ".mrxs":
        return _openslide(path, name)
    for magic, what in _PHOTOS:
        if head.startswith(magic):
            raise PermanentError(f"{name} is {what}, not a whole-slide image; upload the scanner's file "
                                 f"({', '.join(READABLE)}).")
    raise PermanentError(f"{name} is not a slide format the portal reads: {', '.join(READABLE)}.")


def unreadable(name: str) -> str:
    return f"{name} is not a slide format the portal reads: {', '.join(READABLE)}."


def _folder(path: Path, name: str) -> SlideFormat:
    mrxs = sorted(path.glob("*.mrxs"))
    if mrxs:
        return _openslide(mrxs[0], name)
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    dicom = [p for p in files if _is_dicom(p)]
    if dicom:
        return _dicom(dicom, name)
    if len(files) == 1:
        return identify(files[0], name=name)
    raise PermanentError(f"{name} is a folder without an MRXS file or DICOM instances; "
                         f"{unreadable(name).removeprefix(name + ' ')}")


def _is_dicom(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(132)[128:132] == b"DICM"


# -- TIFF --------------------------------------------------------------------------------------------


def _check_complete_tiff(path: Path, name: str, size: int) -> None:
    """Every IFD, SubIFD, tile and strip must lie inside the file: an interrupted upload is refused here,
    not halfway through a conversion."""
    needed = 0
    try:
        with _quiet_tifffile(), tifffile.TiffFile(path) as tif, open(path, "rb") as handle:
            for page in tif.pages:
                needed = max(needed, _page_end(page), _next_ifd(tif, handle, page.offset),
                             *(offset + tif.tiff.tagnosize for offset in page.subifds or ()))
            if needed <= size:  # the reduced levels of an OME-TIFF are SubIFDs, read with the series
                for series in tif.series:
                    for level in series.levels:
                        needed = max(needed, *(_page_end(page) for page in level.pages if page is not None))
    except PermanentError:
        raise
    except Exception as error:  # tifffile raises many types for broken headers
        raise PermanentError(f"{name} is a damaged or truncated TIFF: tifffile cannot read its directory "
                             f"({type(error).__name__}: {error}); it ends at byte {size:,}. "
                             "Upload the file again.") from None
    if needed > size:
        raise PermanentError(f"{name} is truncated: its TIFF directory points to data up to byte {needed:,}, "
                             f"but the file ends at byte {size:,}. Upload the complete file again.")


def _page_end(page) -> int:
    ends = [o + c for o, c in zip(page.dataoffsets, page.databytecounts, strict=False) if c]
    return max(ends, default=0)


def _next_ifd(tif: tifffile.TiffFile, handle, offset: int) -> int:
    """The byte the IFD chain needs after the IFD at `offset`: where its successor is, if it has one."""
    header = tif.tiff
    handle.seek(offset)
    raw = handle.read(header.tagnosize)
    if len(raw) < header.tagnosize:
        return offset + header.tagnosize
    count = struct.unpack(header.tagnoformat, raw)[0]
    position = offset + header.tagnosize + count * header.tagsize
    handle.seek(position)
    raw = handle.read(header.offsetsize)
    if len(raw) < header.offsetsize:
        return position + header.offsetsize
    following = struct.unpack(header.offsetformat, raw)[0]
    return following + header.tagnosize if following else 0


@contextlib.contextmanager
def _quiet_tifffile():
    """tifffile logs an error and stops at an IFD offset past the end; we report that ourselves."""
    logger = logging.getLogger("tifffile")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _tiff(path: Path, name: str) -> SlideFormat:
    found = OpenTile.detect_format(path)
    if found in _OPENTILE_KINDS:
        kind, label = _OPENTILE_KINDS[found]
        try:
            with OpenTile.open(path) as tiler:
                base = tiler.levels[0]
                spacing = base.pixel_spacing
                mpp = spacing.width * 1000 if spacing is not None else None
                return SlideFormat(kind=kind, label=label, reader="opentile", width=base.image_size.width,
                                   height=base.image_size.height, levels=len(tiler.levels), mpp=mpp)
        except Exception:  # opentile recognised it but cannot tile it: OpenSlide may still read it
            pass
    return _openslide(path, name)


def _openslide(path: Path, name: str) -> SlideFormat:
    vendor = openslide.OpenSlide.detect_format(str(path))
    if vendor not in _OPENSLIDE_KINDS:
        raise PermanentError(unreadable(name))
    kind, label = _OPENSLIDE_KINDS[vendor]
    if kind == "tiff" and vendor == "generic-tiff" and _is_ome(path):
        kind, label = "ome_tiff", "OME-TIFF"
    try:
        with openslide.OpenSlide(str(path)) as slide:
            width, height = slide.dimensions
            mpp = slide.properties.get(openslide.PROPERTY_NAME_MPP_X)
            return SlideFormat(kind=kind, label=label, reader="openslide", width=width, height=height,
                               levels=slide.level_count, mpp=float(mpp) if mpp else None)
    except openslide.OpenSlideError as error:
        raise PermanentError(f"{name} looks like {label}, but OpenSlide cannot read it ({error}); "
                             "upload the complete scan again (for MRXS: the .mrxs file and its data folder)."
                             ) from None


def _is_ome(path: Path) -> bool:
    with contextlib.suppress(Exception), _quiet_tifffile(), tifffile.TiffFile(path) as tif:
        return tif.is_ome
    return False


# -- DICOM -------------------------------------------------------------------------------------------


def _dicom(paths: list[Path], name: str) -> SlideFormat:
    for path in paths:
        try:
            header = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SOPClassUID"])
        except Exception as error:  # pydicom raises many types for broken files
            raise PermanentError(f"{name}: {path.name} starts like DICOM but pydicom cannot read its header "
                                 f"({type(error).__name__}); upload it again.") from None
        sop_class = str(header.get("SOPClassUID", ""))
        if sop_class != WSI_SOP_CLASS:
            what = UID(sop_class).name if sop_class else "no SOP class"
            raise PermanentError(f"{name} is DICOM, but not a whole-slide image: {path.name} is {what} "
                                 f"({sop_class or 'SOPClassUID missing'}), not VL Whole Slide Microscopy Image "
                                 f"Storage ({WSI_SOP_CLASS}).")
    try:
        with WsiDicom.open(paths) as wsi:
            base = wsi.levels.base_level
            return SlideFormat(kind="dicom", label="DICOM WSI", reader="wsidicom", width=base.size.width,
                               height=base.size.height, levels=len(wsi.levels),
                               mpp=base.pixel_spacing.width * 1000 if base.pixel_spacing else None)
    except Exception as error:  # wsidicom refuses incomplete series with many types
        raise PermanentError(f"{name} is DICOM WSI, but wsidicom cannot open it as one slide "
                             f"({type(error).__name__}: {error}); send all instances of one series.") from None
