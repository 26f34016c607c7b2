"""Real-world values on the landing page: SET attributes as lists, durations in words, µm/px, long descriptions."""

import html
import re

import pytest

from repository.display import description_parts, duration_words, units_text
from repository.services import dataset_import
from tests.repository.metaflex_bundles import BundleBuilder, c_attr, s_attr, set_attr

PARAGRAPHS = [" ".join(f"first{i}" for i in range(120)), " ".join(f"second{i}" for i in range(100)),
              " ".join(f"third{i}" for i in range(80))]


def _row(page: str, label: str) -> str:
    match = re.search(rf'<th scope="row">{re.escape(label)}</th><td>(.*?)</td>', page, re.DOTALL)
    assert match, f"no {label!r} row"
    return match.group(1)


def _page(client, builder: BundleBuilder) -> str:
    result = dataset_import(bundle_dir=builder.write())
    assert result.ok, result.report.format()
    return client.get(f"/datasets/{result.dataset.accession}/").content.decode()


@pytest.fixture
def page(client, db, local_storage, bundle_builder):
    policy = bundle_builder.find("policy", "POLICY/ATTRIBUTES")
    policy.append(set_attr("consent_restrictions",
                           s_attr("restriction", "No commercial use"),
                           c_attr("restriction", "DUO:0000007", "DUO", "Disease specific research"),
                           set_attr("geographical_restriction", s_attr("region", "EU/EEA"))))
    policy.append(s_attr("duration_of_use", "P1Y6M"))
    # Pretty-printed the way minidom does it: paragraphs apart, every line indented.
    bundle_builder.find("dataset", "DATASET/DESCRIPTION").text = "\n      " + "\n\n      ".join(
        p.replace("first60 ", "first60\n      ") for p in PARAGRAPHS) + "\n    "
    return _page(client, bundle_builder)


def test_a_set_attribute_is_a_list(page):
    row = _row(page, "Consent restrictions")
    assert "not reported" not in row
    items = re.findall(r"<li>(.*?)</li>", row)
    assert items == ["No commercial use", "Disease specific research", "Geographical restriction: EU/EEA"]


def test_durations_read_as_words(page, client, tmp_path):
    assert _row(page, "Duration of use") == "1 year 6 months"
    non_clinical = _page(client, BundleBuilder(tmp_path / "tox", clinical=False))
    assert _row(non_clinical, "Study duration") == "28 days"
    assert "P28D" not in non_clinical and "P1Y6M" not in page
    assert "Study duration" not in page  # a clinical dataset has none


def test_resolution_is_in_micrometres_per_pixel(page):
    assert html.unescape(_row(page, "Resolution (µm/px)")) == "0.25 µm/px"
    assert "um/px" not in page


def test_a_long_description_keeps_its_paragraphs_and_reads_more_without_javascript(page):
    description = page.split('<div class="description">', 1)[1].split("</div>", 1)[0]
    lead, more = description.split("<details", 1)
    shown = re.findall(r"<p>(.*?)</p>", lead)
    assert shown[0] == PARAGRAPHS[0]  # the pretty-printing line break inside it is gone
    assert shown[1] == PARAGRAPHS[1]
    assert shown[2] == " ".join(f"third{i}" for i in range(30)) + " …"  # 120 + 100 + 30 = 250 words
    assert "<summary>Read more" in more
    assert re.findall(r"<p>(.*?)</p>", more) == ["… " + " ".join(f"third{i}" for i in range(30, 80))]


def test_a_short_description_has_no_read_more(client, db, local_storage, bundle_builder):
    page = _page(client, bundle_builder)
    assert "<p>A tiny dataset for tests.</p>" in page and "Read more" not in page


@pytest.mark.parametrize(("text", "words"), [
    ("P2Y", "2 years"), ("P28D", "28 days"), ("P1Y6M", "1 year 6 months"), ("P1Y", "1 year"),
    ("P10W", "10 weeks"), ("PT36H", "36 hours"), ("P1DT12H30M", "1 day 12 hours 30 minutes"),
    ("P0.5Y", "0.5 years"), ("PT0S", "0 days"),
    ("P", None), ("PT", None), ("2 years", None), ("P2", None), ("P١Y", None), ("P2Y\n", "2 years"),
])
def test_duration_words(text, words):
    assert duration_words(text) == words


@pytest.mark.parametrize(("units", "shown"), [
    ("um/px", "µm/px"), ("um", "µm"), ("μm", "µm"), ("microns per pixel", "µm/px"), ("MPP", "µm/px"),
    ("µm/pixel", "µm/px"), ("mm", "mm"), ("", ""), (None, ""),
])
def test_units_text(units, shown):
    assert units_text(units) == shown


def test_description_parts_cut_at_a_word_limit():
    parts = description_parts("one two three\n\nfour five six", words=4)
    assert parts.lead == ["one two three", "four …"] and parts.more == ["… five six"]
    assert description_parts("", words=4).lead == []
