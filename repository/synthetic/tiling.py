"""Pyramid geometry and the constant-memory tile stream shared by the writers.

Writers hand `encoded_tiles(...)` to `tifffile.TiffWriter.write` as an
iterator of already-compressed tiles: each tile is painted and JPEG-encoded
just before tifffile writes it, so memory stays constant whatever the slide
size, and tifffile only ever sees bytes in row-major tile order.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import imagecodecs
import numpy as np

from .tissue import TissueModel

# tifffile writes JPEG-compressed RGB as YCbCr with 2x2 chroma subsampling
# (the TIFF tags say so); tiles we encode ourselves must match exactly.
JPEG_SUBSAMPLING = (2, 2)
# Width in pixels of the strip of tiles painted per call.
_BLOCK_PX = 1024


def pyramid_levels(width: int, height: int, tile_size: int, factor: int) -> list[tuple[int, int, int]]:
    """(downsample, width, height) per level: base first, then each `factor`
    smaller while the level is still larger than one tile.

    Level sizes are floored, like Aperio; stopping at about one tile keeps the
    size ratios within the tolerance readers such as opentile apply.
    """
    levels = [(1, width, height)]
    downsample = factor
    while True:
        w, h = width // downsample, height // downsample
        if max(w, h) <= tile_size or min(w, h) < 1:
            break
        levels.append((downsample, w, h))
        downsample *= factor
    return levels


def encode_jpeg(tile: np.ndarray, quality: int) -> bytes:
    """JPEG bytes matching tifffile's own JPEG tiles (YCbCr 4:2:0)."""
    return bytes(
        imagecodecs.jpeg8_encode(
            tile, level=quality, colorspace="RGB", outcolorspace="YCBCR", subsampling=JPEG_SUBSAMPLING
        )
    )


def _paint_block(
    model: TissueModel, downsample: float, tx: int, ty: int, count: int, tile_size: int, quality: int
) -> list[bytes]:
    """Paint `count` tiles of one tile row starting at column `tx`; JPEG each."""
    block = model.tile(downsample, tx * tile_size, ty * tile_size, count * tile_size, tile_size)
    return [encode_jpeg(block[:, i * tile_size : (i + 1) * tile_size], quality) for i in range(count)]


def encoded_tiles(
    model: TissueModel,
    downsample: float,
    level_width: int,
    level_height: int,
    tile_size: int,
    quality: int,
    workers: int | None = None,
) -> Iterator[bytes]:
    """JPEG tiles of one level in row-major order, painted on demand.

    Tiles are painted a short run at a time (about `_BLOCK_PX` wide): the
    model has a fixed cost per call, so wider blocks are cheaper per pixel.
    Edge tiles are painted full size (the pattern simply continues beyond
    the slide edge) rather than zero-padded, as scanners do.

    With `workers` > 1 blocks are painted in that many processes (threads do
    not help: the many small numpy calls serialise on the GIL), with a
    bounded number in flight so memory stays constant.  The bytes produced
    do not depend on `workers`.
    """
    across = math.ceil(level_width / tile_size)
    down = math.ceil(level_height / tile_size)
    run = max(1, min(across, _BLOCK_PX // tile_size))
    jobs = (
        (model, downsample, tx, ty, min(run, across - tx), tile_size, quality)
        for ty in range(down)
        for tx in range(0, across, run)
    )
    if not workers or workers <= 1:
        for args in jobs:
            yield from _paint_block(*args)
        return
    window = workers * 4
    with ProcessPoolExecutor(workers) as pool:
        pending: deque[Future[list[bytes]]] = deque()
        for args in jobs:
            pending.append(pool.submit(_paint_block, *args))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
