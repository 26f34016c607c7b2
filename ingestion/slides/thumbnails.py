"""JPEG thumbnails and previews of a DICOM WSI slide, drawn from its VOLUME levels only.

Label and overview instances (which show the slide's label: a barcode, maybe a name) are never
used, nor a scanner's THUMBNAIL instance: wsidicom's pyramid holds VOLUME levels only. The
smallest level at least `max_px` on its longer side is read in blocks, each block scaled down
and pasted into the result, so memory is a block plus the result whatever the slide size.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from wsidicom import WsiDicom

from metaflex.files import SAMPLE_IMAGE_MAX_PIXELS

BLOCK_PX = 2048
JPEG_QUALITY = 85


def thumbnail_jpeg(paths: list[Path], *, max_px: int = 512) -> bytes:
    """A JPEG of the whole slide, at most `max_px` on its longer side."""
    return _render(paths, max_px)


def preview_jpeg(paths: list[Path], *, max_px: int = SAMPLE_IMAGE_MAX_PIXELS) -> bytes:
    """A larger JPEG of the whole slide, at most `max_px` on its longer side: by default as large as a
    landing page's sample image may be, since the policy may publish it as one."""
    return _render(paths, max_px)


def _render(paths: list[Path], max_px: int) -> bytes:
    with WsiDicom.open(paths) as wsi:
        levels = sorted(wsi.levels, key=lambda lv: lv.size.width * lv.size.height)
        level = next((lv for lv in levels if max(lv.size.width, lv.size.height) >= max_px), levels[-1])
        width, height = level.size.width, level.size.height
        scale = min(1.0, max_px / max(width, height))
        out_w, out_h = max(1, round(width * scale)), max(1, round(height * scale))
        result = Image.new("RGB", (out_w, out_h), "white")
        for y0 in range(0, height, BLOCK_PX):
            for x0 in range(0, width, BLOCK_PX):
                x1, y1 = min(width, x0 + BLOCK_PX), min(height, y0 + BLOCK_PX)
                box = (round(x0 * scale), round(y0 * scale), round(x1 * scale), round(y1 * scale))
                if box[2] <= box[0] or box[3] <= box[1]:
                    continue
                block = wsi.read_region((x0, y0), level.level, (x1 - x0, y1 - y0)).convert("RGB")
                if block.size != (box[2] - box[0], box[3] - box[1]):
                    block = block.resize((box[2] - box[0], box[3] - box[1]), Image.Resampling.LANCZOS)
                result.paste(block, box[:2])
    buffer = io.BytesIO()
    result.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
