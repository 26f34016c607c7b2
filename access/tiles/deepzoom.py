"""Deep Zoom tiles over a DICOM WSI pyramid, as OpenSeadragon reads them.

Geometry: DZI level L is the base image downsampled 2^(max - L) times, where max is wsidicom's
highest level (1x1 pixel), so DZI level L is wsidicom pyramid level max - L; tiles are the stored
frame size, with no overlap. Where the pyramid holds that level, a tile is the stored frame's JPEG
bytes as they are (edge frames are cropped to the image, which re-encodes them); levels the pyramid
lacks are made from the nearest higher-resolution level's frames (access.tiles.downscale).
Pyramids not in JPEG baseline (JPEG 2000, HTJ2K, uncompressed) are decoded and sent as JPEG, since
browsers show no other of them.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from threading import Lock

from django.conf import settings
from pydicom.uid import JPEGBaseline8Bit

from access.selectors.pixels import PixelImage
from access.tiles.cache import TileCache
from access.tiles.downscale import JPEG_QUALITY, downscaled_tile, stored_levels
from access.tiles.slides import OpenSlide, SlideHandles, slide_key


class TileNotFound(Exception):
    """A level, column or row outside the pyramid."""


@dataclass(frozen=True)
class DeepZoom:
    width: int
    height: int
    tile_size: int
    max_level: int
    mpp: float | None  # µm per pixel of the base level

    def level_size(self, level: int) -> tuple[int, int]:
        scale = 2 ** (self.max_level - level)
        return math.ceil(self.width / scale), math.ceil(self.height / scale)

    def check(self, level: int, col: int, row: int) -> None:
        if not 0 <= level <= self.max_level:
            raise TileNotFound(f"level {level} is outside 0..{self.max_level}")
        width, height = self.level_size(level)
        if not (0 <= col < math.ceil(width / self.tile_size) and 0 <= row < math.ceil(height / self.tile_size)):
            raise TileNotFound(f"tile {col}_{row} is outside level {level}")

    def tile_extent(self, level: int, col: int, row: int) -> tuple[int, int]:
        """Width and height of a tile: the tile size, less at the level's right and bottom edges."""
        width, height = self.level_size(level)
        return min(self.tile_size, width - col * self.tile_size), min(self.tile_size, height - row * self.tile_size)

    def xml(self) -> str:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="jpeg" Overlap="0" '
                f'TileSize="{self.tile_size}"><Size Width="{self.width}" Height="{self.height}"/></Image>\n')


_lock = Lock()
_state: dict[str, object] = {}


def slide_handles() -> SlideHandles:
    with _lock:
        if "slides" not in _state:
            _state["slides"] = SlideHandles(settings.TILE_SLIDE_HANDLES)
        return _state["slides"]


def tile_cache() -> TileCache:
    with _lock:
        if "tiles" not in _state:
            _state["tiles"] = TileCache(settings.TILE_CACHE_BYTES)
        return _state["tiles"]


def tiles_reset() -> None:
    """Closes every slide and empties the tile cache (tests; settings changed)."""
    with _lock:
        slides = _state.pop("slides", None)
        _state.clear()
    if slides is not None:
        slides.close_all()


def deep_zoom(pixels: PixelImage) -> DeepZoom:
    handle = slide_handles().get(pixels)
    slide = handle.slide
    mpp = slide.mpp.width if slide.mpp is not None else None
    return DeepZoom(width=slide.size.width, height=slide.size.height, tile_size=slide.tile_size.width,
                    max_level=slide.pyramid.highest_level, mpp=mpp)


def tile_etag(pixels: PixelImage, level: int, col: int, row: int) -> str:
    """A strong ETag from the stored instances' checksums and the tile's place: no slide read needed."""
    digest = hashlib.sha256("|".join((*(f.checksum for f in pixels.files), f"{level}/{col}_{row}")).encode())
    return f'"{digest.hexdigest()[:32]}"'


def tile_bytes(pixels: PixelImage, level: int, col: int, row: int) -> bytes:
    """The JPEG bytes of one DZI tile, from the cache or the slide."""
    key = (*slide_key(pixels), level, col, row)
    cache = tile_cache()
    data = cache.get(key)
    if data is not None:
        return data
    for attempt in (1, 2):
        handle = slide_handles().get(pixels)
        zoom = _zoom_of(handle)
        zoom.check(level, col, row)
        try:
            data = _read(handle, zoom, level, (col, row))
            break
        except (ValueError, OSError):
            if not handle.closed or attempt == 2:
                raise
            # Evicted while reading: the next get() opens the slide again.
    cache.put(key, data)
    return data


def _zoom_of(handle: OpenSlide) -> DeepZoom:
    slide = handle.slide
    return DeepZoom(width=slide.size.width, height=slide.size.height, tile_size=slide.tile_size.width,
                    max_level=slide.pyramid.highest_level, mpp=None)


def _read(handle: OpenSlide, zoom: DeepZoom, level: int, tile: tuple[int, int]) -> bytes:
    slide, wsi_level = handle.slide, zoom.max_level - level
    if _transfer_syntax(slide) == JPEGBaseline8Bit:
        if wsi_level in stored_levels(slide):
            return slide.read_encoded_tile(wsi_level, tile)
        return downscaled_tile(slide, wsi_level, tile, zoom.tile_extent(level, *tile))
    image = slide.read_tile(wsi_level, tile)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _transfer_syntax(slide):
    return slide.levels.base_level.get_instance().image_data.transfer_syntax
