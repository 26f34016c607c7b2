"""Tiled pyramidal TIFF writers for synthetic slides: the generic layout, and the pyramid writer that
the OME-TIFF writer (`ome.py`) shares.

Generic ("generic-tiff" to OpenSlide): no vendor description; each level is a tiled JPEG page in
the main IFD chain, each `factor` times smaller, reduced levels marked SubfileType 1 (reduced).
opentile reads no such file, so the portal converts it through OpenSlide, re-encoding the tiles:
the lossy path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tifffile

from .info import SlideInfo
from .tiling import encoded_tiles, pyramid_levels
from .tissue import TissueModel

BIGTIFF_RAW_BYTES = 4 * 2**30


def write_pyramid(path: Path, *, width: int, height: int, tile_size: int, mpp: float, seed: int, factor: int,
                  quality: int, workers: int | None, ome_metadata: dict | None = None):
    """Write the tiled JPEG pyramid; with `ome_metadata`, as OME-TIFF (reduced levels as SubIFDs of the
    first page). Returns (model, levels). Memory use is independent of the slide size."""
    if tile_size % 16:
        # JPEG with 4:2:0 subsampling needs tiles in whole 16 px MCUs.
        raise ValueError("tile_size must be a multiple of 16")
    model = TissueModel(seed, width, height, mpp=mpp)
    levels = pyramid_levels(width, height, tile_size, factor)
    common = {"photometric": "rgb", "compression": "jpeg", "software": False, "datetime": None}
    ome = ome_metadata is not None
    with tifffile.TiffWriter(path, bigtiff=width * height * 3 > BIGTIFF_RAW_BYTES, ome=ome) as tif:
        for index, (downsample, level_w, level_h) in enumerate(levels):
            if index == 0:
                extra = {"subifds": len(levels) - 1, "metadata": ome_metadata} if ome else \
                    {"subfiletype": 0, "metadata": None}
            else:
                extra = {"subfiletype": 1, "metadata": None}
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
    return model, levels


def write_tiled_tiff(
    path: str | Path,
    *,
    width: int,
    height: int,
    tile_size: int = 256,
    mpp: float = 0.25,
    seed: int = 0,
    factor: int = 2,
    quality: int = 85,
    workers: int | None = None,
) -> SlideInfo:
    """Write a synthetic generic tiled TIFF pyramid to `path` and describe it (constant memory)."""
    path = Path(path)
    model, levels = write_pyramid(path, width=width, height=height, tile_size=tile_size, mpp=mpp, seed=seed,
                                  factor=factor, quality=quality, workers=workers)
    return SlideInfo.of_tiff(path, format="tiff", model=model, levels=levels, mpp=mpp, tile_size=tile_size,
                             seed=seed)
