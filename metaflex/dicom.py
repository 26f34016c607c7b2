"""DICOM headers of image files: the quick "is this DICOM" check and the technical facts of an image.

Only the header is read, with pydicom's element reader, up to the pixel data. Scanner manufacturer,
model and software versions, acquisition date-time, tile size, dimensions and
µm per pixel come from the base layer: of an image's files, the VOLUME instance
with the largest total pixel matrix (PS3.3 A.32.8). An image's facts are one
small `ImageFacts` tuple, so 65k images cost a few MB.
"""

from __future__ import annotations

import io
import math
import re
import struct
import sys
import warnings
from datetime import datetime
from functools import lru_cache
from typing import IO, NamedTuple

from pydicom.filereader import data_element_generator, read_sequence

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


# The few elements we read (PS3.6), by tag: keyword and VR (implicit VR files do not say).
_WANTED = {
    0x00080008: ("ImageType", "CS"), 0x00080016: ("SOPClassUID", "UI"), 0x00080018: ("SOPInstanceUID", "UI"),
    0x0008002A: ("AcquisitionDateTime", "DT"), 0x00080070: ("Manufacturer", "LO"),
    0x00081090: ("ManufacturerModelName", "LO"), 0x00181020: ("SoftwareVersions", "LO"),
    0x00280010: ("Rows", "US"), 0x00280011: ("Columns", "US"),
    0x00480006: ("TotalPixelMatrixColumns", "UL"), 0x00480007: ("TotalPixelMatrixRows", "UL"),
    0x00280303: ("LongitudinalTemporalInformationModified", "CS"),
    0x52009229: ("SharedFunctionalGroupsSequence", "SQ"),
}
_TRANSFER_SYNTAX = 0x00020010
_IMPLICIT_LE, _EXPLICIT_BE, _DEFLATED = "1.2.840.10008.1.2", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"
_DEFER = 1 << 16  # larger values (ICC profiles, per-frame groups) are skipped, not read
_PIXELS = 0x7FE00000  # stop before pixel data (and the float/double variants after it)


def _raw_elements(handle: IO[bytes], *, implicit: bool, little: bool, stop: int,
                  wanted: dict | frozenset = _WANTED) -> dict[int, object]:
    """The wanted elements below tag `stop`, as pydicom's own reader yields them (raw, unconverted).

    Values longer than `_DEFER` (pixel data among them) are skipped, not read, so stopping after
    the first element at or past `stop` costs nothing.
    """
    found = {}
    for element in data_element_generator(handle, implicit, little, defer_size=_DEFER):
        tag = int(element.tag)
        if tag >= stop:
            break
        if tag in wanted or tag == _TRANSFER_SYNTAX:
            found[tag] = element
    return found


def _items(element, *, implicit: bool, little: bool, wanted: frozenset) -> list[dict[int, object]]:
    """The items of a sequence element, each as its wanted raw elements."""
    raw = getattr(element, "value", None)
    if not isinstance(raw, bytes):  # an undefined-length sequence, which pydicom has read already
        return [{int(e.tag): e for e in item if e.tag in wanted} for item in raw or []]
    items, position, header = [], 0, struct.Struct("<>"[not little] + "HHL")
    while position + 8 <= len(raw):
        group, elem, length = header.unpack_from(raw, position)
        if (group, elem) != (0xFFFE, 0xE000) or length == 0xFFFFFFFF:
            sequence = read_sequence(io.BytesIO(raw), implicit, little, len(raw), "iso8859")
            return [{int(e.tag): e for e in item if e.tag in wanted} for item in sequence]
        body = io.BytesIO(raw[position + 8:position + 8 + length])
        items.append(_raw_elements(body, implicit=implicit, little=little, stop=0xFFFFFFFF, wanted=wanted))
        position += 8 + length
    return items


def _values(element, little: bool) -> list:
    """The values of one raw element: strings, or integers for US/UL."""
    raw = getattr(element, "value", None)
    if not isinstance(raw, bytes):
        return []
    vr = _WANTED.get(element.tag, ("", "DS"))[1]  # everything else we read is text
    if vr in ("US", "UL"):
        size = 2 if vr == "US" else 4
        return list(struct.unpack(f"{'<>'[not little]}{len(raw) // size}{'H' if size == 2 else 'L'}",
                                  raw[:len(raw) // size * size]))
    return [v.strip(" \x00") for v in raw.decode("latin-1").split("\\")]


def _text(elements: dict, tag: int, little: bool) -> str | None:
    text = "; ".join(v for v in _values(elements[tag], little) if v) if tag in elements else ""
    return sys.intern(text) if text else None  # the same scanner on 65k images: keep one string


# What writers put in type 1 attributes they know nothing of (wsidicom writes "Unknown").
_PLACEHOLDERS = frozenset({"unknown", "none", "n/a", "na", "-"})


def _known(elements: dict, tag: int, little: bool) -> str | None:
    text = _text(elements, tag, little)
    return None if text is None or text.strip().lower() in _PLACEHOLDERS else text


def _int(elements: dict, tag: int, little: bool) -> int | None:
    values = _values(elements[tag], little) if tag in elements else []
    return int(values[0]) if values else None


_PIXEL_MEASURES, _PIXEL_SPACING = 0x00289110, 0x00280030


def _file_meta(handle: IO[bytes], head: bytes) -> dict[int, object]:
    """The file meta elements (group 2, always explicit VR little endian); `handle` is left after them."""
    start = PREAMBLE + 4
    if head[start:start + 8] == b"\x02\x00\x00\x00UL\x04\x00" and len(head) >= start + 12:
        end = start + 12 + struct.unpack_from("<L", head, start + 8)[0]  # its group length says where it ends
        if len(head) >= end:
            handle.seek(end)
            return _raw_elements(io.BytesIO(head[start:end]), implicit=False, little=True, stop=0x00030000)
    return _raw_elements(handle, implicit=False, little=True, stop=0x00030000)


def _um_per_px(element, *, implicit: bool, little: bool) -> float | None:
    """PixelSpacing (mm) of the shared functional groups, in µm."""
    if element is None:
        return None
    groups = _items(element, implicit=implicit, little=little, wanted=frozenset({_PIXEL_MEASURES}))
    if not groups or _PIXEL_MEASURES not in groups[0]:
        return None
    measures = _items(groups[0][_PIXEL_MEASURES], implicit=implicit, little=little,
                      wanted=frozenset({_PIXEL_SPACING}))
    values = _values(measures[0][_PIXEL_SPACING], little) if measures and _PIXEL_SPACING in measures[0] else []
    try:
        um = float(values[0]) * 1000
    except (IndexError, ValueError):
        return None
    return um if math.isfinite(um) and um > 0 else None


def read_header(handle: IO[bytes], head: bytes) -> FileFacts:
    """Check `head` (the first bytes) for the DICM preamble, then read the header from `handle`.

    pydicom's element reader walks the file meta and the data set up to the pixel data; only the
    elements in `_WANTED` are decoded (a full `dcmread` costs about three times as much, and
    this runs for every file of a 65k-image bundle).
    """
    if len(head) < PREAMBLE + 4 or head[PREAMBLE:PREAMBLE + 4] != DICM:
        raise DicomError("it does not start with the 128-byte preamble and 'DICM' of a DICOM Part 10 file")
    try:
        handle.seek(PREAMBLE + 4)
        meta = _file_meta(handle, head)
        syntax = _text(meta, _TRANSFER_SYNTAX, True)
        if syntax is None:
            raise DicomError("its file meta information has no TransferSyntaxUID, which every DICOM file has")
        if syntax == _DEFLATED:
            raise DicomError("it uses the deflated transfer syntax, which the repository does not read; "
                             "store it with an uncompressed data set")
        implicit, little = syntax == _IMPLICIT_LE, syntax != _EXPLICIT_BE
        with warnings.catch_warnings():  # quirks of broken files: we refuse or accept them ourselves
            warnings.simplefilter("ignore")
            elements = _raw_elements(handle, implicit=implicit, little=little, stop=_PIXELS)
            um_per_px = _um_per_px(elements.get(0x52009229), implicit=implicit, little=little)
        missing = [_WANTED[t][0] for t in (0x00080016, 0x00080018) if not _text(elements, t, little)]
        if missing:
            raise DicomError(f"its header has no {' or '.join(missing)}, which every DICOM instance has")
        image_type = _values(elements[0x00080008], little) if 0x00080008 in elements else []
        width, height = _int(elements, 0x00480006, little), _int(elements, 0x00480007, little)
        tile_width, tile_height = _int(elements, 0x00280011, little), _int(elements, 0x00280010, little)
        # De-identified instances say when their dates are dummies (PS3.15 E.3.6): not a fact then.
        dates_removed = (_text(elements, 0x00280303, little) or "").upper() == "REMOVED"
        facts = ImageFacts(
            manufacturer=_known(elements, 0x00080070, little), model=_known(elements, 0x00081090, little),
            software_versions=_known(elements, 0x00181020, little),
            acquisition_datetime=None if dates_removed else dicom_datetime_iso(_text(elements, 0x0008002A, little)),
            tile_width=tile_width, tile_height=tile_height, width=width, height=height, um_per_px=um_per_px)
    except DicomError:
        raise
    except Exception as error:  # pydicom raises many types for broken input; all mean "not readable"
        raise DicomError(f"pydicom cannot read its header ({type(error).__name__}: {error})") from None
    flavour = image_type[2].upper() if len(image_type) > 2 else ""
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


@lru_cache(maxsize=4096)
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


def fact_disagrees(fact: str, attribute: Attribute, facts: ImageFacts, dicom: Attribute | None = None) -> bool:
    """True when the metadata's value and the DICOM header's fact (as `dicom`) are clearly different."""
    dicom = dicom or fact_attribute(fact, attribute.tag, facts)
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
