"""Facet counts stay beside their value on a 360 px phone, however long the value."""

import os

import pytest

from tests.repository.factories import DatasetVersionFactory

pytestmark = pytest.mark.browser

LONG_DIAGNOSIS = "Infiltrating duct carcinoma of breast, not otherwise specified (disorder) with extensive necrosis"
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")

# For each facet label: where its value text and its count are, and how tall one line is.
BOXES = """() => [...document.querySelectorAll('.facets label')].map(label => {
  const value = label.querySelector('.facet-value'), count = label.querySelector('.facet-count');
  const box = el => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, right: r.right, bottom: r.bottom, height: r.height}; };
  return {text: label.innerText, value: box(value), count: box(count),
          line: parseFloat(getComputedStyle(count).lineHeight) || 24};
})"""


@pytest.fixture
def catalogue(transactional_db):
    for _ in range(12):
        DatasetVersionFactory(facet_values=[("diagnosis", LONG_DIAGNOSIS), ("species", "Homo sapiens"),
                                            ("stain", "Hematoxylin and eosin stain")])
    DatasetVersionFactory(facet_values=[("diagnosis", "Supercalifragilisticexpialidociousitis"),
                                        ("species", "Mus musculus")])


def test_facet_counts_do_not_wrap_at_360_px(live_server, phone_page, catalogue):
    phone_page.set_viewport_size({"width": 360, "height": 780})
    phone_page.goto(live_server.url + "/datasets/")
    if SCREENSHOT_DIR:  # to look at it: SCREENSHOT_DIR=/tmp scripts/test.sh -k facet_counts
        phone_page.locator(".facets").screenshot(path=os.path.join(SCREENSHOT_DIR, "facets-360.png"))
    labels = phone_page.evaluate(BOXES)
    assert len(labels) >= 5
    for label in labels:
        value, count = label["value"], label["count"]
        assert count["height"] < 1.5 * label["line"], f"the count wraps: {label['text']!r}"
        assert count["x"] >= value["right"] - 1, f"the count is not beside its value: {label['text']!r}"
        assert count["y"] < value["bottom"], f"the count sits below its value: {label['text']!r}"
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
