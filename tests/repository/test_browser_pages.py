"""The public pages in a real browser: phone width, keyboard, alt text and heading order."""

import pytest

from repository.services import dataset_import
from tests.repository.metaflex_bundles import build_bundle

pytestmark = pytest.mark.browser

HEADINGS_IN_ORDER = """() => {
  const levels = [...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1]);
  return levels.every((level, i) => i === 0 ? level === 1 : level <= levels[i - 1] + 1);
}"""


@pytest.fixture
def published(transactional_db, tmp_path):
    result = dataset_import(bundle_dir=build_bundle(tmp_path))
    assert result.ok
    return result.dataset.accession


@pytest.mark.parametrize("path", ["/", "/datasets/", "/datasets/{accession}/", "/statistics/"])
def test_page_fits_a_phone_with_ordered_headings_and_alt_text(live_server, phone_page, published, path):
    phone_page.goto(live_server.url + path.format(accession=published))
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    assert phone_page.evaluate(HEADINGS_IN_ORDER), path
    assert phone_page.locator("main h1").count() == 1
    assert phone_page.locator("img:not([alt])").count() == 0


def test_keyboard_reaches_search_and_filters(live_server, desktop_page, published):
    page = desktop_page
    page.goto(live_server.url + "/datasets/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.focus("#q")
    page.keyboard.type("melanoma")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Test dataset of skin biopsies" in page.inner_text("main")
    checkbox = page.locator("input[name=species]").first
    checkbox.focus()
    page.keyboard.press("Space")
    assert checkbox.is_checked()


def test_sample_image_zooms_without_login(live_server, desktop_page, published):
    page = desktop_page
    page.goto(f"{live_server.url}/datasets/{published}/")
    viewer = page.locator(".sample-viewer")
    viewer.wait_for()
    assert viewer.get_attribute("role") == "img" and "zoomable" in viewer.get_attribute("aria-label")
    page.wait_for_selector(".sample-viewer canvas")
