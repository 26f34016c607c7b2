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
