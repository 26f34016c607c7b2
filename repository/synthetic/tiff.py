"""Generic tiled pyramidal TIFF writer for synthetic slides (what OpenSlide calls "generic-tiff").

No vendor description: each level is a tiled JPEG page in the main IFD chain, each `factor`
times smaller, reduced levels marked SubfileType 1 (reduced). opentile reads no such file, so
the portal converts it through OpenSlide, re-encoding the tiles: the lossy path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tifffile

from .info import SlideInfo
from .tiling import encoded_tiles, pyramid_levels
from .tissue import TissueModel


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
    if tile_size % 16:
        raise ValueError("tile_size must be a multiple of 16")
    model = TissueModel(seed, width, height, mpp=mpp)
    levels = pyramid_levels(width, height, tile_size, factor)
    common = {"photometric": "rgb", "compression": "jpeg", "software": False, "datetime": None,
              "metadata": None}
    with tifffile.TiffWriter(path, bigtiff=width * height * 3 > 4 * 2**30) as tif:
        for index, (downsample, level_w, level_h) in enumerate(levels):
            tif.write(
                encoded_tiles(model, downsample, level_w, level_h, tile_size, quality, workers),
                shape=(level_h, level_w, 3),
                dtype=np.uint8,
                tile=(tile_size, tile_size),
                subfiletype=1 if index else 0,
                resolution=(1e4 / (mpp * downsample), 1e4 / (mpp * downsample)),
                resolutionunit="CENTIMETER",
                **common,
            )
    return SlideInfo.of_tiff(path, format="tiff", model=model, levels=levels, mpp=mpp, tile_size=tile_size,
                             seed=seed)
