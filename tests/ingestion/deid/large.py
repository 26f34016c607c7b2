"""A large, real-looking WSI instance: the header of a synthetic VOLUME instance and many JPEG frames.

Written in a stream (the frames are one tile repeated), so making a 200 MiB file needs no memory.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path

import pydicom
from pydicom.encaps import generate_frames

_PIXEL_DATA_HEADER = b"\xe0\x7f\x10\x00OB\x00\x00\xff\xff\xff\xff"
_ITEM = b"\xfe\xff\x00\xe0"
_SEQUENCE_END = b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"


def write_large_instance(template: Path, path: Path, size: int) -> int:
    """Write at least `size` bytes of pixel data after `template`'s header; returns the frame count."""
    ds = pydicom.dcmread(template)
    frame = next(generate_frames(ds.PixelData, number_of_frames=int(ds.NumberOfFrames)))
    frame += b"\x00" * (len(frame) % 2)
    frames = math.ceil(size / (len(frame) + 8))
    tiles = math.ceil(math.sqrt(frames))
    del ds.PixelData
    ds.NumberOfFrames = frames
    ds.TotalPixelMatrixColumns = ds.TotalPixelMatrixRows = tiles * int(ds.Columns)
    item = _ITEM + struct.pack("<I", len(frame)) + frame
    with open(path, "wb") as out:
        ds.save_as(out, enforce_file_format=True)
        out.write(_PIXEL_DATA_HEADER + _ITEM + b"\x00\x00\x00\x00")
        for _ in range(frames):
            out.write(item)
        out.write(_SEQUENCE_END)
    return frames
