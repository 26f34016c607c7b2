"""Fills the DICOMweb index (access.models.DicomInstance) from the headers of a version's image files.

Runs after publication (access.tasks.dicomweb.dicomweb_index_build, dispatched by version_publish once
the files are in the archive) and from `manage.py dicomweb_index` for versions published before.
Reads headers only (pydicom's stop_before_pixels) and the 8-byte item headers of the pixel data, so
indexing a file never reads its frames.
"""

from __future__ import annotations

import hashlib
import logging
import struct
from dataclasses import dataclass

import numpy as np
import pydicom
from django.db import transaction
from pydicom.dataset import Dataset as PydicomDataset
from pydicom.errors import InvalidDicomError
from pydicom.uid import UID

from access.dicomweb.files import stored_open
from access.models import DicomInstance
from repository import models as m

log = logging.getLogger(__name__)

PIXEL_DATA = 0x7FE00010
ITEM, SEQUENCE_END = 0xFFFEE000, 0xFFFEE0DD
# Binary values longer than this in base64 (384 bytes) are BulkDataURIs in the metadata (ICC profiles).
BULK_DATA_THRESHOLD = 512
AVAILABLE_TRANSFER_SYNTAX = "00083002"
STUDY_KEYWORDS = ("StudyInstanceUID", "StudyDate", "StudyTime", "AccessionNumber", "ReferringPhysicianName",
                  "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyID", "StudyDescription")
SERIES_KEYWORDS = ("SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription")


class NotIndexable(ValueError):
    pass


@dataclass(frozen=True)
class Header:
    dataset: PydicomDataset
    transfer_syntax: UID
    frame_ranges: np.ndarray  # int64 (frames, 2): start and end offsets in the file


def frame_ranges_pack(ranges: np.ndarray) -> bytes:
    return np.ascontiguousarray(ranges, dtype="<i8").tobytes()


def frame_ranges_unpack(packed: bytes) -> np.ndarray:
    return np.frombuffer(bytes(packed), dtype="<i8").reshape(-1, 2)


def bulk_key(value: bytes) -> str:
    """The name of a bulk value in its BulkDataURI: its SHA-256, shortened."""
    return hashlib.sha256(value).hexdigest()[:32]


def header_read(handle) -> Header:
    """The header of the DICOM file open in `handle`, and where each of its frames is."""
    try:
        dataset = pydicom.dcmread(handle, stop_before_pixels=True)
    except InvalidDicomError as exc:
        raise NotIndexable(f"not a DICOM file: {exc}") from exc
    syntax = dataset.file_meta.TransferSyntaxUID
    frames = int(dataset.get("NumberOfFrames") or 1)
    pixel_start = handle.tell()
    tag = handle.read(4)
    if len(tag) < 4:
        raise NotIndexable("the file has no pixel data")
    tag_group, tag_element = struct.unpack("<HH", tag)
    if (tag_group << 16 | tag_element) != PIXEL_DATA:
        raise NotIndexable("the file has no pixel data")
    if syntax.is_encapsulated:
        handle.seek(pixel_start + 12)  # tag, VR OB, two reserved bytes, undefined length
        ranges = _encapsulated_ranges(handle, frames, dataset)
    else:
        handle.read(2 if syntax.is_implicit_VR else 4)  # implicit VR: 4-byte length; explicit OB/OW: VR + 2
        (length,) = struct.unpack("<I", handle.read(4))
        start, size = handle.tell(), length // frames
        ranges = np.array([[start + i * size, start + (i + 1) * size] for i in range(frames)], dtype=np.int64)
    return Header(dataset=dataset, transfer_syntax=syntax, frame_ranges=ranges)


def _item_header(handle) -> tuple[int, int]:
    """(tag, length) of the item header at the handle's position."""
    header = handle.read(8)
    if len(header) < 8:
        raise NotIndexable("the pixel data is cut short")
    group, element, length = struct.unpack("<HHI", header)
    return group << 16 | element, length


def _items(handle) -> list[tuple[int, int]]:
    """(offset of the item header, value length) of each item from the handle's position to the end."""
    items = []
    while True:
        tag, length = _item_header(handle)
        if tag == SEQUENCE_END:
            return items
        if tag != ITEM:
            raise NotIndexable(f"unexpected tag {tag:08X} in the pixel data")
        items.append((handle.tell() - 8, length))
        handle.seek(length, 1)


def _encapsulated_ranges(handle, frames: int, dataset: PydicomDataset) -> np.ndarray:
    """Each frame's span of fragment items (headers included).

    With an offset table (extended or basic), only the last frame's items are walked, so indexing
    reads a few blocks of a large file; without one, every item header is read.
    """
    tag, table_length = _item_header(handle)
    if tag != ITEM:
        raise NotIndexable("the pixel data has no basic offset table item")
    table = handle.read(table_length)
    first = handle.tell()
    if "ExtendedOffsetTable" in dataset:
        offsets = np.frombuffer(dataset.ExtendedOffsetTable, dtype="<u8").tolist()
    elif table_length:
        offsets = list(struct.unpack(f"<{table_length // 4}I", table))
    else:
        offsets = []
    if offsets:
        if len(offsets) != frames:
            raise NotIndexable(f"the offset table lists {len(offsets)} frames, not {frames}")
        starts = [first + offset for offset in offsets]
        handle.seek(starts[-1])
        last = _items(handle)
        if not last:
            raise NotIndexable("the last frame has no fragments")
        end = last[-1][0] + 8 + last[-1][1]
        return np.array(list(zip(starts, [*starts[1:], end], strict=True)), dtype=np.int64)
    fragments = _items(handle)
    if not fragments:
        raise NotIndexable("the pixel data has no fragments")
    ends = [offset + 8 + length for offset, length in fragments]
    if len(fragments) == frames:
        return np.array([[offset, end] for (offset, _), end in zip(fragments, ends, strict=True)], dtype=np.int64)
    if frames == 1:
        return np.array([[fragments[0][0], ends[-1]]], dtype=np.int64)
    raise NotIndexable("frames span several fragments and there is no offset table")


def frame_bytes(span: bytes, *, encapsulated: bool) -> bytes:
    """A frame's bytes from its span: the values of its fragment items, or the span itself (native)."""
    if not encapsulated:
        return span
    parts, at = [], 0
    while at < len(span):
        _, _, length = struct.unpack_from("<HHI", span, at)
        parts.append(span[at + 8:at + 8 + length])
        at += 8 + length
    return b"".join(parts)


def metadata_json(dataset: PydicomDataset, transfer_syntax: str, *, bulk_base: str) -> dict:
    """DICOM JSON of the header, large values as `<bulk_base>/<key>` BulkDataURIs."""
    def bulk_uri(element) -> str:
        return f"{bulk_base}/{bulk_key(bytes(element.value))}"

    data = dataset.to_json_dict(bulk_data_threshold=BULK_DATA_THRESHOLD, bulk_data_element_handler=bulk_uri)
    data[AVAILABLE_TRANSFER_SYNTAX] = {"vr": "UI", "Value": [str(transfer_syntax)]}
    return data


def bulk_value(dataset: PydicomDataset, key: str) -> bytes | None:
    """The binary value of `dataset` (at any depth) whose bulk key is `key`."""
    for element in dataset.iterall():
        if element.VR in ("OB", "OD", "OF", "OL", "OV", "OW", "UN") and element.value:
            value = bytes(element.value)
            if bulk_key(value) == key:
                return value
    return None


def _picked(dataset: PydicomDataset, keywords: tuple[str, ...]) -> dict:
    picked = PydicomDataset()
    for keyword in keywords:
        if keyword in dataset:
            picked[keyword] = dataset[keyword]
    return picked.to_json_dict()


def instance_path(study_uid: str, series_uid: str, sop_uid: str) -> str:
    return f"studies/{study_uid}/series/{series_uid}/instances/{sop_uid}"


def _instance(version: m.DatasetVersion, image_file: m.ImageFile, header: Header) -> DicomInstance:
    ds = header.dataset
    image_type = list(ds.get("ImageType") or [])
    path = instance_path(ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID)
    return DicomInstance(
        version=version, dataset_id=version.dataset_id, image_id=image_file.image_id, image_file=image_file,
        study_uid=ds.StudyInstanceUID, series_uid=ds.SeriesInstanceUID, sop_uid=ds.SOPInstanceUID,
        sop_class_uid=ds.SOPClassUID, transfer_syntax_uid=header.transfer_syntax,
        modality=str(ds.get("Modality") or ""), patient_id=str(ds.get("PatientID") or "")[:64],
        accession_number=str(ds.get("AccessionNumber") or "")[:16], study_id=str(ds.get("StudyID") or "")[:16],
        study_date=str(ds.get("StudyDate") or "")[:8], flavor=image_type[2] if len(image_type) > 2 else "",
        number_of_frames=len(header.frame_ranges), rows=int(ds.get("Rows") or 0),
        columns=int(ds.get("Columns") or 0), study_fields=_picked(ds, STUDY_KEYWORDS),
        series_fields=_picked(ds, SERIES_KEYWORDS),
        metadata=metadata_json(ds, header.transfer_syntax, bulk_base=f"{path}/bulkdata"),
        frame_ranges=frame_ranges_pack(header.frame_ranges))


def version_dicom_index(*, version: m.DatasetVersion) -> int:
    """Index (again) the DICOM instances of `version`; returns how many. Files that are not DICOM
    images (or not readable as such) are skipped with a warning."""
    instances = []
    files = (m.ImageFile.objects.filter(image__version=version, filetype__iexact="dcm")
             .exclude(storage_name="").order_by("pk"))
    for image_file in files:
        try:
            with stored_open(image_file.storage_name) as handle:
                header = header_read(handle)
        except (NotIndexable, FileNotFoundError) as exc:
            log.warning("DICOMweb index: %s (%s) skipped: %s", image_file.filename, image_file.accession, exc)
            continue
        instances.append(_instance(version, image_file, header))
    with transaction.atomic():
        DicomInstance.objects.filter(version=version).delete()
        # Two images with the same file (one SOP instance) are indexed once.
        DicomInstance.objects.bulk_create(instances, ignore_conflicts=True)
    return DicomInstance.objects.filter(version=version).count()
