"""Cross-check against the official MetaFleX 2.0.0 XSDs (../shared; see official_xsds.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from metaflex import validate_bundle, write_bundle
from metaflex.schema import BUNDLE_FILE_BY_NAME, XSI_NIL, XSI_NS, XSI_TYPE, is_xsd_rule
from tests.repository.metaflex_bundles import BundleBuilder
from tests.repository.official_xsds import assert_bundle_xsd_valid, xsd_errors
from tests.repository.xsd_mutations import our_problems

FIXTURE = Path(__file__).parent / "fixtures" / "xsd_bundle"
NO_NS_LOCATION = f"{{{XSI_NS}}}noNamespaceSchemaLocation"


@pytest.mark.parametrize("clinical", [True, False])
def test_builder_bundle_is_xsd_valid(tmp_path: Path, clinical: bool) -> None:
    assert len(assert_bundle_xsd_valid(BundleBuilder(tmp_path, clinical=clinical).write())) == 11


@pytest.mark.parametrize("source", ["builder", "fixture"])
def test_writer_output_is_xsd_valid(tmp_path: Path, source: str) -> None:
    root = FIXTURE if source == "fixture" else BundleBuilder(tmp_path).write()
    bundle, report = validate_bundle(root)
    assert bundle is not None, report.format()
    out = write_bundle(bundle, tmp_path / "out", accessions={"bp-melanoma-demo": "aa-dataset-6dn9zp-yxcfb4"})
    assert len(assert_bundle_xsd_valid(out)) == 11


def test_hand_written_fixture_is_valid_both_ways() -> None:
    assert len(assert_bundle_xsd_valid(FIXTURE)) == 11
    bundle, report = validate_bundle(FIXTURE)
    assert report.problems == [], report.format()
    assert bundle.counts["observation"] == 7 and bundle.counts["image"] == 3


def _text(file: str, path: str, text: str) -> Callable[[BundleBuilder], None]:
    return lambda b: setattr(b.find(file, path), "text", text)


def _set(file: str, path: str, name: str, value: str) -> Callable[[BundleBuilder], None]:
    return lambda b: b.find(file, path).set(name, value)


def _empty_set(file: str) -> Callable[[BundleBuilder], None]:
    return lambda b: [b.trees[file].remove(child) for child in list(b.trees[file])]


def _tail(file: str, path: str, text: str) -> Callable[[BundleBuilder], None]:
    return lambda b: setattr(b.find(file, path), "tail", text)


def _xs_type(file: str, path: str, xsi_type: str, text: str | None = None) -> Callable[[BundleBuilder], None]:
    """Set xsi:type="xs:..." on an element that declares the xs: prefix itself."""
    def apply(b: BundleBuilder) -> None:
        old = b.find(file, path)
        new = etree.Element(old.tag, dict(old.attrib), nsmap={"xs": "http://www.w3.org/2001/XMLSchema"})
        new.text = old.text if text is None else text
        new.set(XSI_TYPE, xsi_type)
        old.getparent().replace(old, new)
    return apply


def _bare_dataset_root(b: BundleBuilder) -> None:
    dataset = b.find("dataset", "DATASET")
    dataset.set(NO_NS_LOCATION, "BP.dataset.xsd")
    b.trees["dataset"] = dataset


TILE_WIDTH = "IMAGE[@alias='img1']//NUMERIC_ATTRIBUTE[TAG='width']/VALUE"

# The table: mutation -> (file, change, valid by the XSD, the rule we report).
AGREEMENT = {
    "empty OBSERVER_SET": ("observer", _empty_set("observer"), False, "schema.required"),
    "empty ANNOTATION_SET": ("annotation", _empty_set("annotation"), False, "schema.required"),
    "METADATA_STANDARD + newline": ("dataset", _text("dataset", "DATASET/METADATA_STANDARD", "2.0.0\n"), False,
                                    "schema.pattern"),
    "Arabic-Indic decimal": ("image", _text("image", TILE_WIDTH, "\u0662\u0665\u0666"), False, "schema.pattern"),
    "Arabic-Indic PIC_CODE": ("organisation", _text("organisation", "ORGANISATION/PIC_CODE", "\u0669\u0669"), False,
                              "schema.pattern"),
    "tile width ²": ("image", _text("image", TILE_WIDTH, "\u00b2"), False, "schema.pattern"),
    "text inside DATASET": ("dataset", _text("dataset", "DATASET", "oops"), False, "schema.unexpected"),
    "text between elements": ("dataset", _tail("dataset", "DATASET/TITLE", "oops"), False, "schema.unexpected"),
    "text between entities": ("sample", _tail("sample", "CASE", "oops"), False, "schema.unexpected"),
    "xsi:nil='yes'": ("sample", lambda b: b.find("sample", "CASE/ATTRIBUTES").set(XSI_NIL, "yes"), False,
                      "schema.nil"),
    "space inside a nil element": ("sample", lambda b: setattr(b.find("sample", "CASE/ATTRIBUTES"), "text", " "),
                                   False, "schema.nil"),
    "space inside a reference": ("sample", _text("sample", "CASE/BIOLOGICAL_BEING_REF", " "), False,
                                 "schema.unexpected"),
    "alias=''": ("sample", _set("sample", "CASE", "alias", ""), True, "alias.empty"),
    "reference alias=''": ("sample", _set("sample", "CASE/BIOLOGICAL_BEING_REF", "alias", ""), True, "alias.empty"),
    "empty TITLE": ("dataset", _text("dataset", "DATASET/TITLE", ""), True, "value.empty"),
    "schema location on a bare DATASET root": ("dataset", _bare_dataset_root, True, None),
    "schema locations on a set root": ("sample", lambda b: (
        b.trees["sample"].set(NO_NS_LOCATION, "BP.sample.xsd"),
        b.trees["sample"].set(f"{{{XSI_NS}}}schemaLocation", "urn:example BP.sample.xsd")), True, None),
    "xsi:type of the declared type": ("sample", _set("sample", "CASE", XSI_TYPE, "CaseType"), True, None),
    "xsi:type of another type": ("sample", _set("sample", "CASE", XSI_TYPE, "SlideType"), False, "schema.type"),
    "xsi:type of a derived type": ("dataset", _xs_type("dataset", "DATASET/TITLE", "xs:token"), True, None),
    "xsi:type on an enumeration": ("observer", _xs_type("observer", "OBSERVER/OBSERVER_TYPE", "xs:string"),
                                   False, "schema.type"),
    "xsi:foo": ("observer", _set("observer", "OBSERVER", f"{{{XSI_NS}}}foo", "1"), False, "schema.unexpected"),
    "WSI_IMAGE with text and attributes": ("image", lambda b: (
        setattr(b.find("image", "IMAGE/IMAGE_TYPE/WSI_IMAGE"), "text", "scanned at 40x"),
        b.find("image", "IMAGE/IMAGE_TYPE/WSI_IMAGE").set("magnification", "40")), True, None),
}


@pytest.mark.parametrize("case", list(AGREEMENT))
def test_validator_agrees_with_xmlschema(tmp_path: Path, case: str) -> None:
    name, change, valid, rule = AGREEMENT[case]
    builder = BundleBuilder(tmp_path)
    change(builder)
    bundle_file = BUNDLE_FILE_BY_NAME[name]
    path = builder.write() / bundle_file.path
    errors = xsd_errors(name, path)
    assert (not errors) == valid, errors
    problems = our_problems(bundle_file, path)
    assert not any(is_xsd_rule(p.rule) for p in problems) == valid, [p.message for p in problems]
    if rule is not None:
        assert rule in {p.rule for p in problems}, [p.message for p in problems]
        assert all(p.line > 0 and p.file == bundle_file.path for p in problems if p.rule == rule)
    else:
        assert problems == []


def test_xsi_type_the_xsds_allow_but_we_do_not_read_is_its_own_rule(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    _xs_type("dataset", "DATASET/TITLE", "xs:Name", "Skin")(builder)
    path = builder.write() / "METADATA/dataset.xml"
    assert xsd_errors("dataset", path) == []
    assert [p.rule for p in our_problems(BUNDLE_FILE_BY_NAME["dataset"], path)] == ["xsi.type_unsupported"]


def test_bundle_with_schema_locations_everywhere_validates(tmp_path: Path) -> None:
    """Other tools write xsi:noNamespaceSchemaLocation on every root, including a bare <DATASET>."""
    builder = BundleBuilder(tmp_path)
    _bare_dataset_root(builder)
    for name, root in builder.trees.items():
        if name != "dataset":
            root.set(NO_NS_LOCATION, f"BP.{name}.xsd")
    root = builder.write()
    assert_bundle_xsd_valid(root)
    bundle, report = validate_bundle(root)
    assert report.problems == [], report.format()
    assert bundle is not None and bundle.dataset.alias == "ds1"


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
    assert any(xsd_errors(name, root / f.path) for name, f in BUNDLE_FILE_BY_NAME.items() if (root / f.path).exists())


def _wsi_content(b: BundleBuilder) -> None:
    etree.SubElement(b.find("image", "IMAGE[@alias='img1']/IMAGE_TYPE/WSI_IMAGE"), "MAGNIFICATION").text = "40"


# Rules of our own, each reported alone by validate_bundle, with file, line and alias.
OWN_RULES = {
    "alias.empty": ("PRIVATE/rems.xml", "", _set("rems", "REMS", "alias", "")),
    "value.empty": ("METADATA/dataset.xml", "ds1", _text("dataset", "DATASET/TITLE", " ")),
    "xsi.type_unsupported": ("METADATA/dataset.xml", "ds1", _xs_type("dataset", "DATASET/TITLE", "xs:Name", "Skin")),
    "image.type_content": ("METADATA/image.xml", "img1", _wsi_content),
    "schema.type": ("METADATA/sample.xml", "case1", _set("sample", "CASE", XSI_TYPE, "SlideType")),
}


@pytest.mark.parametrize("rule", list(OWN_RULES))
def test_new_rules_are_reported_alone(tmp_path: Path, rule: str) -> None:
    file, alias, change = OWN_RULES[rule]
    builder = BundleBuilder(tmp_path)
    change(builder)
    bundle, report = validate_bundle(builder.write())
    assert bundle is None
    [problem] = report.errors
    assert (problem.rule, problem.file, problem.alias) == (rule, file, alias), report.format()
    assert problem.line > 0 and problem.message.endswith(".")
