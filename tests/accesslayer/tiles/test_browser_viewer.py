"""In a real browser: the viewer page loads the slide's tiles and draws a scale bar in µm."""

import pytest
from django.test import Client

from access.models import PixelReadSession
from access.tiles.deepzoom import tiles_reset

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def _signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_the_viewer_loads_tiles(transactional_db, live_server, desktop_page, entitled_user, wsi_image):
    tiles_reset()
    page = desktop_page
    tiles: list[int] = []
    page.on("response", lambda response: "/slide_files/" in response.url and tiles.append(response.status))
    _signed_in(page, live_server, entitled_user)
    page.goto(f"{live_server.url}/images/{wsi_image.accession}/view")
    page.wait_for_function("() => window.slideViewer && window.slideViewer.world.getItemCount() === 1"
                           " && window.slideViewer.world.getItemAt(0).getFullyLoaded()", timeout=20_000)
    assert tiles and set(tiles) == {200}
    bar = page.locator("#scale-bar")
    assert bar.is_visible()
    assert float(bar.get_attribute("data-micrometres")) > 0
    assert "µm" in bar.inner_text() or "mm" in bar.inner_text()
    assert PixelReadSession.objects.get(user=entitled_user).read_count >= len(tiles)
    tiles_reset()
