"""Small but real files for tests and benchmarks: a header-only DICOM WSI instance and a sample image.

`dicom_stub` writes a valid DICOM Part 10 file (preamble, "DICM", file meta,
VL Whole Slide Microscopy Image IOD header with scanner and geometry facts)
of about 1 KB, so content checks that read DICOM headers see a real file
without the cost of converting a slide. `sample_image_bytes` is a JPEG or PNG
that Pillow opens. Both are deterministic for a given seed.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image as PILImage
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import UID, ExplicitVRLittleEndian

WSM_SOP_CLASS = UID("1.2.840.10008.5.1.4.1.1.77.1.6")  # VL Whole Slide Microscopy Image Storage
_UID_ROOT = "2.25."


@dataclass(frozen=True)
class StubFacts:
    """The technical facts a stub's header carries (what an importer may read back)."""

    manufacturer: str = "Synthetic Scanners Ltd"
    model: str = "SynthScan 1"
    software_versions: str = "1.0"
    acquisition_datetime: str = "20240501134500"
    tile_width: int = 256
    tile_height: int = 256
    total_width: int = 40960
    total_height: int = 30720
    um_per_px: float = 0.25


def _uid(seed: str) -> UID:
    return UID(_UID_ROOT + str(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:16], "big")))


def dicom_stub(seed: str, facts: StubFacts = StubFacts()) -> bytes:
    """A header-only DICOM WSI instance (no pixel data), about 1 KB."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = WSM_SOP_CLASS
    meta.MediaStorageSOPInstanceUID = _uid(f"sop:{seed}")
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = _uid("bigpicture-portal-synthetic")
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = WSM_SOP_CLASS
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = _uid(f"study:{seed}")
    ds.SeriesInstanceUID = _uid(f"series:{seed}")
    ds.Modality = "SM"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "VOLUME", "NONE"]
    ds.Manufacturer = facts.manufacturer
    ds.ManufacturerModelName = facts.model
    ds.SoftwareVersions = facts.software_versions
    ds.AcquisitionDateTime = facts.acquisition_datetime
    ds.Rows = facts.tile_height
    ds.Columns = facts.tile_width
    ds.TotalPixelMatrixColumns = facts.total_width
    ds.TotalPixelMatrixRows = facts.total_height
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "RGB"
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    measures = Dataset()
    spacing = f"{facts.um_per_px / 1000:.6g}"
    measures.PixelSpacing = [spacing, spacing]
    functional = Dataset()
    functional.PixelMeasuresSequence = [measures]
    ds.SharedFunctionalGroupsSequence = [functional]
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def sample_image_bytes(seed: str, *, filetype: str = "jpg", size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG or PNG whose colour depends on the seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    image = PILImage.new("RGB", size, tuple(digest[:3]))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG" if filetype == "png" else "JPEG", quality=85)
    return buffer.getvalue()
