"""Pyramidal OME-TIFF writer for synthetic slides.

The layout is the one Bio-Formats and QuPath write for brightfield slides:
one RGB image (axes YXS) whose full-resolution page is tiled JPEG, with the
reduced levels stored as SubIFDs of that page (each `factor` times smaller),
and the physical pixel size in the OME-XML ``Pixels`` element.

tifffile's OME-XML normally carries a random ``UUID``; we derive it from
the arguments instead so the same arguments give a byte-identical file.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import tifffile

from .info import SlideInfo
from .tiling import encoded_tiles, pyramid_levels
from .tissue import TissueModel

_UUID_NAMESPACE = uuid.UUID("0f6a4f1e-3b1c-4c55-9a57-0d5f1c1a7e21")
_BIGTIFF_RAW_BYTES = 4 * 2**30


def write_ome_tiff(
    path: str | Path,
    *,
    width: int,
    height: int,
    tile_size: int = 256,
    mpp: float = 0.25,
    seed: int = 0,
    factor: int = 2,
    quality: int = 85,
    name: str | None = None,
    workers: int | None = None,
) -> SlideInfo:
    """Write a synthetic pyramidal OME-TIFF to `path` and describe it.

    Memory use is independent of the slide size (tiles are painted as they
    are written).  `factor` is the downsample between pyramid levels.
    """
    path = Path(path)
    if tile_size % 16:
        raise ValueError("tile_size must be a multiple of 16")
    model = TissueModel(seed, width, height, mpp=mpp)
    levels = pyramid_levels(width, height, tile_size, factor)
    name = name or f"synthetic-{seed}"
    identity = f"{name}|{width}|{height}|{tile_size}|{mpp}|{seed}|{factor}|{quality}"
    metadata = {
        "axes": "YXS",
        "Name": name,
        "UUID": f"urn:uuid:{uuid.uuid5(_UUID_NAMESPACE, identity)}",
        "PhysicalSizeX": mpp,
        "PhysicalSizeXUnit": "µm",
        "PhysicalSizeY": mpp,
        "PhysicalSizeYUnit": "µm",
    }
    common = {"photometric": "rgb", "compression": "jpeg", "software": False, "datetime": None}
    bigtiff = width * height * 3 > _BIGTIFF_RAW_BYTES

    with tifffile.TiffWriter(path, bigtiff=bigtiff, ome=True) as tif:
        for index, (downsample, level_w, level_h) in enumerate(levels):
            extra = (
                {"subifds": len(levels) - 1, "metadata": metadata}
                if index == 0
                else {"subfiletype": 1, "metadata": None}
            )
            tif.write(
                encoded_tiles(model, downsample, level_w, level_h, tile_size, quality, workers),
                shape=(level_h, level_w, 3),
                dtype=np.uint8,
                tile=(tile_size, tile_size),
                resolution=(1e4 / (mpp * downsample), 1e4 / (mpp * downsample)),
                resolutionunit="CENTIMETER",
                **common,
                **extra,
            )

    return SlideInfo.of_tiff(
        path,
        format="ome-tiff",
        model=model,
        levels=levels,
        mpp=mpp,
        tile_size=tile_size,
        seed=seed,
    )
