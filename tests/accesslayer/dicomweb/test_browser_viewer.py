"""In a real browser: dicom-microscopy-viewer (Slim's engine) shows a slide from our DICOMweb."""

import io
import time

import pytest
from django.test import Client
from PIL import Image as PILImage

from access.models import PixelReadSession

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]


def _signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_dicom_microscopy_viewer_shows_the_slide(live_server, desktop_page, entitled_user, indexed, wsi_image):
    page = desktop_page
    frames: list[int] = []
    errors: list[str] = []
    page.on("response", lambda response: "/frames/" in response.url and frames.append(response.status))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    _signed_in(page, live_server, entitled_user)
    page.goto(f"{live_server.url}/dicomweb/viewer/{wsi_image.accession}")
    page.wait_for_selector("#dicomweb-viewer[data-ready=true] canvas", timeout=30_000)
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".filter(e => e.name.includes('/frames/')).length > 0", timeout=30_000)
    # the viewer draws the tissue (WebGL, so read back as a screenshot): an empty viewer with only its
    # controls has about a hundred colours, the synthetic H&E tissue tens of thousands
    deadline, colours = time.monotonic() + 20, 0
    while colours <= 5000 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        shot = PILImage.open(io.BytesIO(page.locator("#dicomweb-viewer").screenshot())).convert("RGB")
        colours = len(set(shot.getdata()))
    assert colours > 5000, errors
    assert frames and set(frames) == {200} and not errors, (frames, errors)
    assert PixelReadSession.objects.filter(user=entitled_user, via="frame").exists()


def test_the_viewer_page_needs_an_entitlement(client, unentitled_user, indexed, wsi_image):
    client.force_login(unentitled_user)
    assert client.get(f"/dicomweb/viewer/{wsi_image.accession}").status_code == 403
