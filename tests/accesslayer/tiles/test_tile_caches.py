"""The tile cache is bounded in bytes and the open slides in number; evicted slides are closed."""

import pytest

from access.selectors.pixels import image_for_pixels
from access.tiles.cache import TileCache
from access.tiles.deepzoom import slide_handles, tile_bytes, tile_cache, tiles_reset
from repository.models import Image

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_cache_keeps_the_most_recent_within_its_bytes():
    cache = TileCache(max_bytes=100)
    cache.put("a", b"x" * 40)
    cache.put("b", b"y" * 40)
    assert cache.get("a") == b"x" * 40  # now the most recent
    cache.put("c", b"z" * 40)
    assert cache.get("b") is None and cache.get("a") and cache.get("c")
    assert cache.bytes == 80 and len(cache) == 2
    cache.put("huge", b"h" * 101)
    assert cache.get("huge") is None and cache.bytes == 80


def test_tiles_fill_the_cache_up_to_its_bound_and_slides_close_on_eviction(settings, entitled_user, wsi_version):
    settings.TILE_CACHE_BYTES = 40_000
    settings.TILE_SLIDE_HANDLES = 2
    tiles_reset()
    images = list(Image.objects.filter(version=wsi_version).order_by("alias"))
    first = image_for_pixels(entitled_user, images[0].accession)
    for col in range(8):
        for row in range(6):
            tile_bytes(first, 11, col, row)
    assert 0 < tile_cache().bytes <= 40_000 and len(tile_cache()) < 48
    handle = slide_handles().get(first)
    for image in images[1:]:
        tile_bytes(image_for_pixels(entitled_user, image.accession), 11, 0, 0)
    assert len(slide_handles()) == 2
    assert all(stream.closed for stream in handle.streams)
    tiles_reset()


def test_threads_share_one_open_slide(settings, entitled_user, wsi_image):
    from concurrent.futures import ThreadPoolExecutor

    settings.TILE_CACHE_BYTES = 0  # every tile read from the slide
    tiles_reset()
    pixels = image_for_pixels(entitled_user, wsi_image.accession)
    one_by_one = {(level, col): tile_bytes(pixels, level, col, 0) for level in (10, 11) for col in range(4)}
    keys = list(one_by_one) * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda key: tile_bytes(pixels, key[0], key[1], 0), keys))
    # Stored frames come back byte for byte; downscaled ones decode to the same size (JPEG may differ).
    for key, data in zip(keys, together, strict=True):
        assert data == one_by_one[key] if key[0] == 11 else len(data) > 0
    assert len(slide_handles()) == 1
    tiles_reset()
