"""DICOM headers of image files: the quick "is this DICOM" check and the technical facts of an image.

Only the header is read (pydicom, `stop_before_pixels`). Scanner manufacturer,
model and software versions, acquisition date-time, tile size, dimensions and
µm per pixel come from the base layer: of an image's files, the VOLUME instance
with the largest total pixel matrix (PS3.3 A.32.8). An image's facts are one
small `ImageFacts` tuple, so 65k images cost a few MB.
"""

from __future__ import annotations

import math
import re
import sys
import warnings
from datetime import datetime
from typing import IO, NamedTuple

import pydicom
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from .types import Attribute

PREAMBLE = 128
DICM = b"DICM"
_DT = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,6})?([+-]\d{4})?$")


class DicomError(ValueError):
    """The file is not DICOM a reader can open; the message says why."""


class ImageFacts(NamedTuple):
    manufacturer: str | None = None
    model: str | None = None
    software_versions: str | None = None
    acquisition_datetime: str | None = None  # ISO 8601
    tile_width: int | None = None
    tile_height: int | None = None
    width: int | None = None
    height: int | None = None
    um_per_px: float | None = None


class FileFacts(NamedTuple):
    """One instance's facts and what decides whether it is the base layer."""

    facts: ImageFacts
    volume: bool
    area: int


def _text(ds: Dataset, keyword: str) -> str | None:
    value = ds.get(keyword)
    if value is None or value == "":
        return None
    if isinstance(value, (list, tuple, MultiValue)):
        text = "; ".join(str(v).strip() for v in value if str(v).strip())
    else:
        text = str(value).strip()
    return sys.intern(text) if text else None  # the same scanner on 65k images: keep one string


def _int(ds: Dataset, keyword: str) -> int | None:
    value = ds.get(keyword)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def dicom_datetime_iso(value: str | None) -> str | None:
    """DICOM DT (`20240501134500.25+0100`) as ISO 8601 (`2024-05-01T13:45:00.25+01:00`)."""
    match = _DT.match((value or "").strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    text = "-".join(p for p in (year, month, day) if p)
    if hour:
        text += f"T{hour}:{minute or '00'}:{second or '00'}{fraction or ''}"
        if offset:
            text += f"{offset[:3]}:{offset[3:]}"
    return text


def _um_per_px(ds: Dataset) -> float | None:
    spacing = None
    try:
        spacing = ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0].PixelSpacing
    except (AttributeError, IndexError, KeyError, TypeError):
        spacing = ds.get("PixelSpacing")
    try:
        um = float(spacing[0]) * 1000  # PixelSpacing is in mm
    except (TypeError, ValueError, IndexError):
        return None
    return um if math.isfinite(um) and um > 0 else None


def read_header(handle: IO[bytes], head: bytes) -> FileFacts:
    """Check `head` (the first bytes) for the DICM preamble, then read the header from `handle`."""
    if len(head) < PREAMBLE + 4 or head[PREAMBLE:PREAMBLE + 4] != DICM:
        raise DicomError("it does not start with the 128-byte preamble and 'DICM' of a DICOM Part 10 file")
    try:
        with warnings.catch_warnings():  # quirks of broken files: we refuse or accept them ourselves
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(handle, stop_before_pixels=True)
        # pydicom reads nearly anything after 'DICM': require what every DICOM instance carries.
        missing = [k for k, found in (("TransferSyntaxUID", ds.file_meta.get("TransferSyntaxUID")),
                                      ("SOPClassUID", ds.get("SOPClassUID")),
                                      ("SOPInstanceUID", ds.get("SOPInstanceUID"))) if not found]
        if missing:
            raise DicomError(f"its header has no {' or '.join(missing)}, which every DICOM instance has")
        image_type = ds.get("ImageType") or []
        flavour = str(image_type[2]).upper() if len(image_type) > 2 else ""
        width, height = _int(ds, "TotalPixelMatrixColumns"), _int(ds, "TotalPixelMatrixRows")
        tile_width, tile_height = _int(ds, "Columns"), _int(ds, "Rows")
        facts = ImageFacts(
            manufacturer=_text(ds, "Manufacturer"), model=_text(ds, "ManufacturerModelName"),
            software_versions=_text(ds, "SoftwareVersions"),
            acquisition_datetime=dicom_datetime_iso(_text(ds, "AcquisitionDateTime")),
            tile_width=tile_width, tile_height=tile_height, width=width, height=height,
            um_per_px=_um_per_px(ds))
    except DicomError:
        raise
    except Exception as error:  # pydicom raises many types for broken input; all mean "not readable"
        raise DicomError(f"pydicom cannot read its header ({type(error).__name__}: {error})") from None
    area = (width or tile_width or 0) * (height or tile_height or 0)
    return FileFacts(facts=facts, volume=flavour in ("", "VOLUME"), area=area)


def base_layer(files: list[FileFacts]) -> ImageFacts | None:
    """The facts of the base layer: the largest VOLUME instance (else the largest instance)."""
    if not files:
        return None
    volumes = [f for f in files if f.volume] or files
    return max(volumes, key=lambda f: f.area).facts


# -- facts as attributes ----------------------------------------------------------------------------


def _pixels(tag: str, width: int | None, height: int | None) -> Attribute | None:
    if width is None or height is None:
        return None
    return Attribute("set", tag, [Attribute("numeric", "width", str(width)),
                                  Attribute("numeric", "height", str(height))])


def fact_attribute(fact: str, tag: str, facts: ImageFacts) -> Attribute | None:
    """The attribute (with the profile's canonical `tag`) that a DICOM fact fills in, or None."""
    if fact == "tile_size":
        return _pixels(tag, facts.tile_width, facts.tile_height)
    if fact == "dimensions":
        return _pixels(tag, facts.width, facts.height)
    if fact == "um_per_px":
        return None if facts.um_per_px is None else Attribute("measurement", tag, f"{facts.um_per_px:.6g}",
                                                              units="um/px")
    value = getattr(facts, fact)
    return None if value is None else Attribute("string", tag, value)


def fact_text(fact: str, facts: ImageFacts) -> str | None:
    """A fact as people read it in a message."""
    attribute = fact_attribute(fact, fact, facts)
    if attribute is None:
        return None
    if attribute.kind == "set":
        return "x".join(a.value for a in attribute.value)
    return f"{attribute.value} {attribute.units}" if attribute.units else attribute.value


def _words(text: str) -> str:
    return " ".join(re.split(r"[\s;,\\]+", text.casefold())).strip()


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


_MICRONS = {"um/px", "µm/px", "μm/px", "um", "µm", "μm", "micron", "microns", "micrometer", "micrometre",
            "micrometers", "micrometres", "umperpixel", "mpp"}
_PER_UNIT = {"mm/px": 1000.0, "mm": 1000.0, "nm/px": 0.001, "nm": 0.001}


def fact_disagrees(fact: str, attribute: Attribute, facts: ImageFacts) -> bool:
    """True when the metadata's value and the DICOM header's fact are clearly different."""
    dicom = fact_attribute(fact, attribute.tag, facts)
    if dicom is None or attribute.nil or attribute.kind != dicom.kind:
        return False
    if fact in ("tile_size", "dimensions"):
        given = {a.tag: a.value for a in attribute.value or [] if not a.nil}
        return any(given.get(a.tag) not in (None, a.value) for a in dicom.value)
    if fact == "um_per_px":
        units = (attribute.units or "").strip().casefold()
        scale = 1.0 if units in _MICRONS else _PER_UNIT.get(units)
        try:
            given_um = float(attribute.value) * scale if scale else None
        except (TypeError, ValueError):
            return False
        return given_um is not None and abs(given_um - facts.um_per_px) > 0.01 * facts.um_per_px
    if fact == "acquisition_datetime":
        given, read = _moment(attribute.value or ""), _moment(dicom.value)
        if given is None or read is None:
            return False
        if (given.tzinfo is None) != (read.tzinfo is None):
            given, read = given.replace(tzinfo=None), read.replace(tzinfo=None)
        return given.replace(microsecond=0) != read.replace(microsecond=0)
    return _words(str(attribute.value)) != _words(dicom.value)
