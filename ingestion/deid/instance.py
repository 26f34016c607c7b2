"""De-identification of an uploaded DICOM instance as a streaming rewrite.

The header (everything before PixelData) is read with pydicom, de-identified and written with a
new file meta; the PixelData element is then copied as raw bytes (sendfile, or 1 MiB blocks), so memory
does not grow with the instance. Elements after PixelData (trailing padding, digital signatures) are
dropped, as the profile removes them. The output is written under a temporary name next to `dst`
and renamed into place only when complete. LABEL images, and OVERVIEW images (or any image that
shows the slide label) are dropped, blanked or kept by the context's policy.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.errors import InvalidDicomError
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian

from bigpicture.errors import UserError
from ingestion.deid.context import DeidContext
from ingestion.deid.pixels import blank_pixels
from ingestion.deid.profile import deidentify_dataset

_BLOCK = 1 << 20
_SENDFILE_MAX = 1 << 30
_ITEM, _SEQUENCE_END = 0xFFFEE000, 0xFFFEE0DD
_SEQUENCE_END_BYTES = b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
_LONG_LENGTH_VRS = {b"OB", b"OW", b"OF", b"OD", b"OL", b"OV", b"SQ", b"UC", b"UN", b"UR", b"UT"}


@dataclass(frozen=True)
class DeidResult:
    path: Path
    image_type: str  # VOLUME, LABEL, OVERVIEW, THUMBNAIL, or "" when the instance has no ImageType
    sop_instance_uid: str
    series_instance_uid: str
    study_instance_uid: str
    blanked: bool
    pixel_bytes: int  # size of the PixelData element copied (or written, when blanked)


def image_type_of(ds: Dataset) -> str:
    values = list(ds.get("ImageType", []) or [])
    return str(values[2]).upper() if len(values) > 2 else ""


def shows_label(ds: Dataset) -> bool:
    """True when the pixels show the slide label: LABEL and OVERVIEW images, or any image saying so."""
    return (image_type_of(ds) in ("LABEL", "OVERVIEW") or ds.get("SpecimenLabelInImage") == "YES"
            or ds.get("BurnedInAnnotation") == "YES")


def _pixel_element_end(handle, start: int, explicit_vr: bool) -> int:
    """The file offset just past the PixelData element that starts at `start` (items skipped, not read)."""
    handle.seek(start)
    header = handle.read(12 if explicit_vr else 8)
    if explicit_vr:
        vr = header[4:6]
        if vr in _LONG_LENGTH_VRS:
            (length,) = struct.unpack("<I", header[8:12])
            offset = start + 12
        else:
            (length,) = struct.unpack("<H", header[6:8])
            offset = start + 8
    else:
        (length,) = struct.unpack("<I", header[4:8])
        offset = start + 8
    if length != 0xFFFFFFFF:
        return offset + length
    size = os.fstat(handle.fileno()).st_size
    handle.seek(size - 8)
    if handle.read(8) == _SEQUENCE_END_BYTES:
        # Nothing follows the pixel data (the usual case): no need to walk its items.
        return size
    # Encapsulated: items until the sequence delimiter; only their 8-byte headers are read.
    position = offset
    while True:
        handle.seek(position)
        item = handle.read(8)
        if len(item) < 8:
            raise UserError("the encapsulated pixel data ends without a sequence delimiter")
        group, element, item_length = struct.unpack("<HHI", item)
        tag = (group << 16) | element
        position += 8
        if tag == _SEQUENCE_END:
            return position
        if tag != _ITEM:
            raise UserError(f"unexpected tag ({group:04X},{element:04X}) inside the encapsulated pixel data")
        position += item_length


def _copy_range(source, target, start: int, end: int) -> None:
    """Copy bytes [start, end) of `source` to the end of `target`, in the kernel where it can."""
    target.flush()
    offset, remaining = start, end - start
    while remaining:
        try:
            sent = os.sendfile(target.fileno(), source.fileno(), offset, min(remaining, _SENDFILE_MAX))
        except OSError:
            sent = _copy_block(source, target, offset, min(remaining, _BLOCK))
        if sent == 0:
            raise UserError(f"the file ends {remaining} bytes before the end of its pixel data")
        offset += sent
        remaining -= sent


def _copy_block(source, target, offset: int, size: int) -> int:
    source.seek(offset)
    block = source.read(size)
    target.write(block)
    target.flush()
    return len(block)


def _file_meta(ds: Dataset, transfer_syntax) -> FileMetaDataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = transfer_syntax
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = f"PYDICOM {pydicom.__version__}"[:16]
    return meta


def deidentify_file(src: Path, dst: Path, *, context: DeidContext) -> DeidResult | None:
    """Write a de-identified copy of the DICOM instance `src` to `dst`; None when policy drops it."""
    src, dst = Path(src), Path(dst)
    with open(src, "rb") as handle:
        try:
            ds = pydicom.dcmread(handle, stop_before_pixels=True)
        except (InvalidDicomError, EOFError, ValueError) as exc:
            raise UserError(f"{src.name} is not a readable DICOM file ({exc})") from exc
        pixel_start = handle.tell()
        transfer_syntax = ds.file_meta.get("TransferSyntaxUID")
        if transfer_syntax is None or "SOPInstanceUID" not in ds or "SOPClassUID" not in ds:
            raise UserError(f"{src.name} has no transfer syntax, SOP Instance UID or SOP Class UID; "
                            "it is not a DICOM instance as stored by a scanner or PACS")
        if transfer_syntax in (DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian):
            raise UserError(f"{src.name} uses the transfer syntax {transfer_syntax.name}, which is not "
                            "supported; convert it to explicit VR little endian first")

        image_type = image_type_of(ds)
        policy = context.policy
        blank = False
        if shows_label(ds):
            choice = policy.label if image_type == "LABEL" else policy.overview
            if choice == "remove":
                return None
            blank = choice == "blank"
        deidentify_dataset(ds, context=context, clean_pixel_data=blank)
        if shows_label(ds) and not blank:
            ds.BurnedInAnnotation = "YES"  # kept by policy: say that the pixels identify

        size = os.fstat(handle.fileno()).st_size
        has_pixels = pixel_start < size
        pixel_end = _pixel_element_end(handle, pixel_start, not transfer_syntax.is_implicit_VR) \
            if has_pixels else pixel_start
        partial = dst.with_name(f".{dst.name}.partial")
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            if blank:
                transfer_syntax = blank_pixels(ds)
                ds.file_meta = _file_meta(ds, transfer_syntax)
                ds.save_as(partial, enforce_file_format=True)
                pixel_bytes = len(ds.PixelData)
            else:
                ds.file_meta = _file_meta(ds, transfer_syntax)
                with open(partial, "wb") as out:
                    ds.save_as(out, enforce_file_format=True)
                    _copy_range(handle, out, pixel_start, pixel_end)
                pixel_bytes = pixel_end - pixel_start
            os.replace(partial, dst)
        finally:
            partial.unlink(missing_ok=True)
    return DeidResult(path=dst, image_type=image_type, sop_instance_uid=str(ds.SOPInstanceUID),
                      series_instance_uid=str(ds.get("SeriesInstanceUID", "")),
                      study_instance_uid=str(ds.get("StudyInstanceUID", "")), blanked=blank,
                      pixel_bytes=pixel_bytes)
