"""Deep Zoom tiles: stored frames pass through untouched, missing levels are downscaled, HTTP caching."""

import io

import pytest
from PIL import Image as PILImage
from wsidicom import WsiDicom

from access.models import PixelReadSession
from access.selectors.pixels import image_for_pixels, instance_open
from access.tiles.deepzoom import deep_zoom, tiles_reset

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _fresh_tiles():
    tiles_reset()
    yield
    tiles_reset()


def _url(image, level, col, row):
    return f"/images/{image.accession}/slide_files/{level}/{col}_{row}.jpeg"


@pytest.fixture
def viewer_client(client, entitled_user):
    client.force_login(entitled_user)
    return client


def _stored_frame(pixels, wsi_level, col, row) -> bytes:
    streams = [instance_open(f) for f in pixels.files]
    with WsiDicom.open_streams(streams) as slide:
        return slide.read_encoded_tile(wsi_level, (col, row), crop_to_image_boundary=False)


def test_the_descriptor_names_the_pyramid(viewer_client, wsi_image):
    response = viewer_client.get(f"/images/{wsi_image.accession}/slide.dzi")
    assert response.status_code == 200
    assert b'TileSize="256"' in response.content and b'<Size Width="2048" Height="1536"/>' in response.content
    assert "private" in response["Cache-Control"]


def test_a_tile_of_a_stored_level_is_the_stored_frame(viewer_client, entitled_user, wsi_image):
    pixels = image_for_pixels(entitled_user, wsi_image.accession)
    zoom = deep_zoom(pixels)
    assert zoom.max_level == 11
    response = viewer_client.get(_url(wsi_image, 11, 3, 2))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content == _stored_frame(pixels, 0, 3, 2)
    # Level 9 is the stored 512 x 384 level; its first tile is whole.
    assert viewer_client.get(_url(wsi_image, 9, 0, 0)).content == _stored_frame(pixels, 2, 0, 0)


def test_a_level_the_pyramid_lacks_is_downscaled_to_the_right_size(viewer_client, wsi_image):
    # Level 10 (1024 x 768) is not stored: tiles come from the base level, halved.
    response = viewer_client.get(_url(wsi_image, 10, 3, 2))
    assert response.status_code == 200
    assert PILImage.open(io.BytesIO(response.content)).size == (256, 256)
    # An edge tile is cropped to the level: level 9 is 384 high, so row 1 is 128 high.
    assert PILImage.open(io.BytesIO(viewer_client.get(_url(wsi_image, 9, 1, 1)).content)).size == (256, 128)
    # Level 8 (256 x 192) is one tile, made from level 9.
    assert PILImage.open(io.BytesIO(viewer_client.get(_url(wsi_image, 8, 0, 0)).content)).size == (256, 192)
    assert PILImage.open(io.BytesIO(viewer_client.get(_url(wsi_image, 0, 0, 0)).content)).size == (1, 1)


def test_a_tile_outside_the_pyramid_is_not_found(viewer_client, wsi_image):
    assert viewer_client.get(_url(wsi_image, 11, 8, 0)).status_code == 404
    assert viewer_client.get(_url(wsi_image, 12, 0, 0)).status_code == 404


def test_etag_and_not_modified(viewer_client, wsi_image):
    first = viewer_client.get(_url(wsi_image, 11, 0, 0))
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first["Cache-Control"] in ("private, max-age=30", "max-age=30, private")
    assert viewer_client.get(_url(wsi_image, 11, 1, 0))["ETag"] != etag
    again = viewer_client.get(_url(wsi_image, 11, 0, 0), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert viewer_client.get(_url(wsi_image, 11, 0, 0), headers={"If-None-Match": '"other"'}).status_code == 200


def test_tiles_are_audited_in_one_session(viewer_client, entitled_user, wsi_image):
    for col in range(8):
        assert viewer_client.get(_url(wsi_image, 11, col, 0)).status_code == 200
    session = PixelReadSession.objects.get(user=entitled_user)
    assert session.read_count == 8 and session.image_accession == wsi_image.accession and session.via == "tile"


def test_a_downscaled_tile_matches_the_base_level_downscaled(viewer_client, entitled_user, wsi_image):
    import numpy

    pixels = image_for_pixels(entitled_user, wsi_image.accession)
    streams = [instance_open(f) for f in pixels.files]
    with WsiDicom.open_streams(streams) as slide:
        # DZI 10 is wsidicom level 1 (from the base); DZI 6 is level 5 (1/32), made from level 4's frames.
        for level, col, row in ((10, 1, 1), (10, 3, 2), (6, 0, 0)):
            ours = PILImage.open(io.BytesIO(viewer_client.get(_url(wsi_image, level, col, row)).content))
            factor = 2 ** (11 - level)
            region = slide.read_region((col * 256 * factor, row * 256 * factor), 0,
                                       (ours.width * factor, ours.height * factor))
            truth = region.convert("RGB").resize(ours.size, PILImage.Resampling.BOX)
            difference = numpy.abs(numpy.asarray(ours.convert("RGB"), float) - numpy.asarray(truth, float))
            assert difference.mean() < 8, (level, col, row, difference.mean())
