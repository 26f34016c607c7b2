"""Cross-check against the official MetaFleX 2.0.0 XSDs (skipped when ../shared is absent)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from repository.metaflex import validate_bundle, write_bundle
from repository.metaflex.schema import BUNDLE_FILES
from tests.repository.metaflex_bundles import BundleBuilder

REPO = Path(__file__).resolve().parents[2]
XSD_DIR = REPO.parent / "shared" / "metaflex-2.0.0"
FIXTURE = Path(__file__).parent / "fixtures" / "xsd_bundle"

pytestmark = pytest.mark.skipif(not XSD_DIR.is_dir(), reason="official XSDs not available at ../shared")


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"BP.{name}.xsd")))


def assert_xsd_valid(root: Path) -> None:
    checked = 0
    for bundle_file in BUNDLE_FILES:
        path = root / bundle_file.path
        if not path.exists():
            assert not bundle_file.required, path
            continue
        xsd = schema(bundle_file.name)
        assert xsd.validate(etree.parse(str(path))), f"{bundle_file.path}: {xsd.error_log}"
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("clinical", [True, False])
def test_builder_bundle_is_xsd_valid(tmp_path: Path, clinical: bool) -> None:
    assert_xsd_valid(BundleBuilder(tmp_path, clinical=clinical).write())


@pytest.mark.parametrize("source", ["builder", "fixture"])
def test_writer_output_is_xsd_valid(tmp_path: Path, source: str) -> None:
    root = FIXTURE if source == "fixture" else BundleBuilder(tmp_path).write()
    bundle, report = validate_bundle(root)
    assert bundle is not None, report.format()
    out = write_bundle(bundle, tmp_path / "out", accessions={"bp-melanoma-demo": "aa-dataset-6dn9zp-yxcfb4"})
    assert_xsd_valid(out)


def test_hand_written_fixture_is_valid_both_ways() -> None:
    assert_xsd_valid(FIXTURE)
    bundle, report = validate_bundle(FIXTURE)
    assert report.problems == [], report.format()
    assert bundle.counts["observation"] == 7 and bundle.counts["image"] == 3


@pytest.mark.parametrize("break_it", [
    lambda b: b.find("observer", "OBSERVER/OBSERVER_TYPE").__setattr__("text", "Robot"),
    lambda b: b.remove("dataset", "DATASET/TITLE"),
    lambda b: b.find("image", "IMAGE/FILES/FILE").set("checksum", "XYZ"),
    lambda b: b.find("staining", "STAINING/PROCEDURE_INFORMATION").addnext(etree.Element("STAIN")),
], ids=["enumeration", "required", "pattern", "choice"])
def test_structural_errors_agree_with_xsd(tmp_path: Path, break_it) -> None:
    builder = BundleBuilder(tmp_path)
    break_it(builder)
    root = builder.write()
    _, report = validate_bundle(root)
    assert any(p.rule.startswith("schema.") for p in report.errors), report.format()
    invalid = [f.name for f in BUNDLE_FILES if (root / f.path).exists()
               and not schema(f.name).validate(etree.parse(str(root / f.path)))]
    assert invalid
