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

from .info import SlideInfo
from .tiff import write_pyramid

_UUID_NAMESPACE = uuid.UUID("0f6a4f1e-3b1c-4c55-9a57-0d5f1c1a7e21")


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
    model, levels = write_pyramid(path, width=width, height=height, tile_size=tile_size, mpp=mpp, seed=seed,
                                  factor=factor, quality=quality, workers=workers, ome_metadata=metadata)
    return SlideInfo.of_tiff(
        path,
        format="ome-tiff",
        model=model,
        levels=levels,
        mpp=mpp,
        tile_size=tile_size,
        seed=seed,
    )
