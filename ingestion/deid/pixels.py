"""Blanking: replace an instance's frames with a uniform image of the same geometry.

Used for overview (macro) images under the "blank" policy: the geometry stays, so viewers still
place the slide, but the label and handwriting are gone. Frames are re-encoded as JPEG baseline
whatever the source syntax (the source pixels are never decoded).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate
from pydicom.uid import UID, JPEGBaseline8Bit

_BLANK_LEVEL = 255  # a bare glass slide is white in brightfield


def blank_pixels(ds: Dataset) -> UID:
    """Give `ds` uniform JPEG frames in place of its pixel data; returns the new transfer syntax."""
    rows, columns = int(ds.Rows), int(ds.Columns)
    samples = int(ds.get("SamplesPerPixel", 1))
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    shape = (rows, columns, 3) if samples == 3 else (rows, columns)
    image = Image.fromarray(np.full(shape, _BLANK_LEVEL, dtype=np.uint8), "RGB" if samples == 3 else "L")
    buffer = io.BytesIO()
    # subsampling=1 is 4:2:2, matching the YBR_FULL_422 photometric interpretation.
    image.save(buffer, "JPEG", quality=90, subsampling=1)
    frame = buffer.getvalue()
    for keyword in ("ExtendedOffsetTable", "ExtendedOffsetTableLengths", "LossyImageCompressionRatio",
                    "FloatPixelData", "DoubleFloatPixelData"):
        if keyword in ds:
            del ds[keyword]
    ds.PixelData = encapsulate([frame] * frames, has_bot=True)
    ds["PixelData"].VR = "OB"
    ds.PhotometricInterpretation = "YBR_FULL_422" if samples == 3 else "MONOCHROME2"
    if samples == 3:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.LossyImageCompression = "01"
    ds.LossyImageCompressionMethod = "ISO_10918_1"
    # One ratio per method (wsidicom refuses to read a slide whose counts differ).
    ds.LossyImageCompressionRatio = f"{rows * columns * samples / len(frame):.2f}"
    ds.BurnedInAnnotation = "NO"
    if "SpecimenLabelInImage" in ds:
        ds.SpecimenLabelInImage = "NO"
    return JPEGBaseline8Bit
