"""Tiles of levels a JPEG pyramid lacks, made from the nearest finer stored level's frames.

A tile at a missing level covers factor x factor frames of the finer level (factor = 2, 4, ...).
Each frame is decoded at reduced size by the JPEG decoder itself (DCT scaling, Pillow's draft mode,
down to 1/8), which costs a fraction of a full decode followed by a resize. The pieces are pasted into
one image, resized for what DCT scaling cannot do (factors above 8, rounding at the edges) and
encoded once, at the size the Deep Zoom geometry gives the tile.
"""

from __future__ import annotations

import io
import math

from PIL import Image
from wsidicom import WsiDicom

JPEG_QUALITY = 85
_MAX_DCT_SCALE = 8


def stored_levels(slide: WsiDicom) -> frozenset[int]:
    return frozenset(level.level for level in slide.pyramid)


def downscaled_tile(slide: WsiDicom, wsi_level: int, tile: tuple[int, int], size: tuple[int, int]) -> bytes:
    """The JPEG of `tile` (col, row) at `wsi_level`, which the pyramid lacks, `size` pixels large."""
    finer = max(level for level in stored_levels(slide) if level < wsi_level)
    source = slide.pyramid.get(finer)
    factor = 2 ** (wsi_level - finer)
    frame = source.tile_size.width
    span = frame * factor  # finer-level pixels the tile covers, each way
    left, top = tile[0] * span, tile[1] * span
    right, bottom = min(left + span, source.size.width), min(top + span, source.size.height)
    scale = min(factor, _MAX_DCT_SCALE)
    piece = frame // scale
    canvas = Image.new("RGB", (math.ceil((right - left) / scale), math.ceil((bottom - top) / scale)))
    for col in range(left // frame, math.ceil(right / frame)):
        for row in range(top // frame, math.ceil(bottom / frame)):
            data = slide.read_encoded_tile(finer, (col, row), crop_to_image_boundary=False)
            with Image.open(io.BytesIO(data)) as decoded:
                decoded.draft("RGB", (piece, piece))
                part = decoded.convert("RGB")
            if part.size != (piece, piece):
                part = part.resize((piece, piece), Image.Resampling.BILINEAR)
            canvas.paste(part, ((col * frame - left) // scale, (row * frame - top) // scale))
    if canvas.size != size:
        canvas = canvas.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
