"""One broken bundle per validation rule: exactly that rule is reported, with file, line and alias."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from metaflex import validate_bundle
from metaflex.types import Report
from repository.synthetic.small import sample_image_bytes
from tests.repository.crypt4gh_keys import crypt4gh_encrypt, keypair
from tests.repository.metaflex_bundles import NIL, BundleBuilder, E, c_attr, n_attr, nil, ref, s_attr, sha256

IMG1 = "IMAGE[@alias='img1']/FILES/FILE"


@dataclass
class Case:
    rule: str
    file: str
    alias: str
    before: Callable[[BundleBuilder], None] = lambda b: None
    after: Callable[[Path], None] = lambda root: None
    clinical: bool = True
    allow_accessions: bool = False
    line: bool = True  # the problem points at a line


def assert_only(report: Report, case: Case) -> None:
    assert report.errors, "expected an error"
    assert {p.rule for p in report.errors} == {case.rule}, report.format()
    hits = [p for p in report.errors if p.file == case.file and p.alias == case.alias]
    assert hits, report.format()
    if case.line:
        assert all(p.line > 0 for p in hits), report.format()
    assert all(p.message for p in report.problems)


def _set_text(file: str, path: str, text: str) -> Callable[[BundleBuilder], None]:
    def apply(b: BundleBuilder) -> None:
        b.find(file, path).text = text
    return apply


def _remove(file: str, path: str) -> Callable[[BundleBuilder], None]:
    return lambda b: b.remove(file, path)


def _append(file: str, path: str, make: Callable[[], object]) -> Callable[[BundleBuilder], None]:
    return lambda b: b.find(file, path).append(make())


def _swap_image_type(b: BundleBuilder) -> None:
    image = b.find("image", "IMAGE[@alias='img1']")
    image_type = image.find("IMAGE_TYPE")
    image.remove(image_type)
    image.insert(0, image_type)


def _dup_short_name(b: BundleBuilder) -> None:
    short = b.find("dataset", "DATASET/SHORT_NAME")
    short.addnext(E("SHORT_NAME", "AGAIN"))


def _nil_title(b: BundleBuilder) -> None:
    title = b.find("dataset", "DATASET/TITLE")
    title.addnext(nil("TITLE"))
    title.getparent().remove(title)


def _both_staining_options(b: BundleBuilder) -> None:
    b.find("staining", "STAINING[@alias='stain-he']/PROCEDURE_INFORMATION").addnext(
        E("STAIN", s_attr("target", "x")))


def _two_targets(b: BundleBuilder) -> None:
    b.find("observation", "OBSERVATION[@alias='obsv1']/SLIDE_REF").addnext(ref("IMAGE_REF", "img1"))


def _duplicate_alias(b: BundleBuilder) -> None:
    b.trees["sample"].append(E("SLIDE", ref("CREATED_FROM_REF", "block1"),
                               ref("STAINING_INFORMATION_REF", "stain-he"), E("ATTRIBUTES"), alias="block1"))


def _second_policy(b: BundleBuilder) -> None:
    b.trees["policy"].append(E("POLICY", ref("DATASET_REF", "ds1"), E(
        "ATTRIBUTES", s_attr("type_of_dataset", "Clinical/Anonymized"), s_attr("type_of_access", "Direct")),
        alias="policy2"))


def _extra_observer(b: BundleBuilder) -> None:
    b.trees["observer"].append(E("OBSERVER", E("OBSERVER_TYPE", "Machine"), E("ATTRIBUTES"), alias="algo1"))


def _malformed(root: Path) -> None:
    (root / "METADATA/observer.xml").write_text('<?xml version="1.0"?>\n<OBSERVER_SET>\n<OBSERVER alias="x">\n')


def _doctype(root: Path) -> None:
    path = root / "METADATA/observer.xml"
    text = path.read_text()
    path.write_text(text.replace("<OBSERVER_SET", '<!DOCTYPE OBSERVER_SET [<!ENTITY x "y">]>\n<OBSERVER_SET', 1))


def _accession_on(file: str, path: str, value: str) -> Callable[[BundleBuilder], None]:
    return lambda b: b.find(file, path).set("accession", value)


def _wrong_ref_accession(b: BundleBuilder) -> None:
    b.find("sample", "SLIDE[@alias='slide1']").set("accession", "aa-sample-abcdef-ghjkmn")
    b.find("image", "IMAGE[@alias='img1']/IMAGE_OF").set("accession", "aa-sample-zzzzzz-zzzzzz")


def _complements_without_accession(b: BundleBuilder) -> None:
    b.find("dataset", "DATASET/OBSERVATION_REF[last()]").addnext(ref("COMPLEMENTS_DATASET_REF", "other"))


THUMB = "LANDING_PAGE/THUMBNAILS/thumb1.jpg"


def _replace(b: BundleBuilder, file: str, path: str, new: object) -> None:
    old = b.find(file, path)
    old.getparent().replace(old, new)


def _image_bytes(data: bytes) -> Callable[[BundleBuilder], None]:
    def apply(b: BundleBuilder) -> None:
        b.find("image", IMG1).set("checksum", b.data_file("IMAGES/IMAGE_img1/img1.dcm", data))
    return apply


def _encrypt_img1(*, unencrypted: bool) -> Callable[[BundleBuilder], None]:
    """img1.dcm encrypted to a key this repository does not have (none is configured here)."""
    def apply(b: BundleBuilder) -> None:
        rel = "IMAGES/IMAGE_img1/img1.dcm"
        plain = (b.root / rel).read_bytes()
        el = b.find("image", IMG1)
        el.set("checksum", b.data_file(rel, crypt4gh_encrypt(plain, keypair()[1])))
        if unencrypted:
            el.set("unencrypted_checksum", sha256(plain))
    return apply


def _sample(filename: str, data: bytes) -> Callable[[BundleBuilder], None]:
    def apply(b: BundleBuilder) -> None:
        el = b.find("landing_page", "LANDING_PAGE/SAMPLE_IMAGE_FILES/SAMPLE_IMAGE_FILE")
        el.set("filename", filename)
        if data:
            el.set("checksum", b.data_file(filename, data))
    return apply


def _drop_thumbnail(root: Path) -> None:
    (root / THUMB).unlink()


CASES: dict[str, Case] = {
    "xml.malformed": Case("xml.malformed", "METADATA/observer.xml", "", after=_malformed),
    "xml.entity": Case("xml.entity", "METADATA/observer.xml", "", after=_doctype),
    "layout.missing_file": Case("layout.missing_file", "PRIVATE/rems.xml", "", line=False,
                                after=lambda root: (root / "PRIVATE/rems.xml").unlink()),
    "schema.required": Case("schema.required", "METADATA/dataset.xml", "ds1", _remove("dataset", "DATASET/TITLE")),
    "schema.required.ref": Case("schema.required", "METADATA/sample.xml", "slide2",
                                _remove("sample", "SLIDE[@alias='slide2']/CREATED_FROM_REF")),
    "schema.unexpected": Case("schema.unexpected", "METADATA/sample.xml", "slide1",
                              _append("sample", "SLIDE[@alias='slide1']", lambda: E("COLOR", "blue"))),
    "schema.order": Case("schema.order", "METADATA/image.xml", "img1", _swap_image_type),
    "schema.occurs": Case("schema.occurs", "METADATA/dataset.xml", "ds1", _dup_short_name),
    "schema.enumeration": Case("schema.enumeration", "METADATA/observer.xml", "pathologist1",
                               _set_text("observer", "OBSERVER/OBSERVER_TYPE", "Robot")),
    "schema.enumeration.statement": Case("schema.enumeration", "METADATA/observation.xml", "obsv1",
                                         _set_text("observation", "OBSERVATION[1]/STATEMENT/STATEMENT_STATUS",
                                                   "Final")),
    "schema.pattern": Case("schema.pattern", "METADATA/dataset.xml", "ds1",
                           _set_text("dataset", "DATASET/METADATA_STANDARD", "1.4.0")),
    "schema.pattern.decimal": Case("schema.pattern", "METADATA/image.xml", "img2",
                                   _set_text("image", "IMAGE[@alias='img2']//MEASUREMENT_ATTRIBUTE/VALUE", "0,25")),
    "schema.pattern.checksum": Case("schema.pattern", "METADATA/image.xml", "img1", lambda b: b.find(
        "image", "IMAGE[@alias='img1']/FILES/FILE").set("checksum", "ABC")),
    "schema.nil": Case("schema.nil", "METADATA/dataset.xml", "ds1", _nil_title),
    "schema.choice": Case("schema.choice", "METADATA/staining.xml", "stain-he", _both_staining_options),
    "observation.target.two": Case("observation.target", "METADATA/observation.xml", "obsv1", _two_targets),
    "observation.target.none": Case("observation.target", "METADATA/observation.xml", "obsv2",
                                    _remove("observation", "OBSERVATION[@alias='obsv2']/IMAGE_REF")),
    "alias.duplicate": Case("alias.duplicate", "METADATA/sample.xml", "block1", _duplicate_alias),
    "ref.unresolved": Case("ref.unresolved", "METADATA/image.xml", "img1", lambda b: b.find(
        "image", "IMAGE[@alias='img1']/IMAGE_OF").set("alias", "no-such-slide")),
    "ref.kind": Case("ref.kind", "METADATA/image.xml", "img1", lambda b: b.find(
        "image", "IMAGE[@alias='img1']/IMAGE_OF").set("alias", "block1")),
    "ref.accession": Case("ref.accession", "METADATA/image.xml", "img1", _wrong_ref_accession,
                          allow_accessions=True),
    "ref.accession.complements": Case("ref.accession", "METADATA/dataset.xml", "ds1",
                                      _complements_without_accession),
    "bundle.cardinality": Case("bundle.cardinality", "METADATA/policy.xml", "", _second_policy, line=False),
    "observer.unreferenced": Case("observer.unreferenced", "METADATA/observer.xml", "algo1", _extra_observer),
    "attribute.required": Case("attribute.required", "METADATA/policy.xml", "policy1",
                               _remove("policy", "POLICY/ATTRIBUTES/STRING_ATTRIBUTE[TAG='type_of_access']")),
    "attribute.value.type_of_dataset": Case("attribute.value", "METADATA/policy.xml", "policy1", _set_text(
        "policy", "POLICY//STRING_ATTRIBUTE[TAG='type_of_dataset']/VALUE", "Clinical/Open")),
    "attribute.value.type_of_access_nil": Case("attribute.value", "METADATA/policy.xml", "policy1", lambda b: (
        b.find("policy", "POLICY//STRING_ATTRIBUTE[TAG='type_of_access']/VALUE").set(NIL, "true"),
        setattr(b.find("policy", "POLICY//STRING_ATTRIBUTE[TAG='type_of_access']/VALUE"), "text", None))),
    "attribute.kind": Case("attribute.kind", "METADATA/policy.xml", "policy1", lambda b: _replace(
        b, "policy", "POLICY/ATTRIBUTES/STRING_ATTRIBUTE[TAG='type_of_access']", n_attr("type_of_access", "1"))),
    "file.dicom.preamble": Case("file.dicom", "METADATA/image.xml", "img1", _image_bytes(b"not a DICOM file")),
    "file.dicom.header": Case("file.dicom", "METADATA/image.xml", "img1",
                              _image_bytes(b"\0" * 128 + b"DICM" + b"\xff" * 64)),
    "file.encrypted": Case("file.encrypted", "METADATA/image.xml", "img1", _encrypt_img1(unencrypted=True)),
    "file.unencrypted_checksum": Case("file.unencrypted_checksum", "METADATA/image.xml", "img1",
                                      _encrypt_img1(unencrypted=False)),
    "sample_image.location": Case("sample_image.location", "LANDING_PAGE/landing_page.xml", "lp1",
                                  _sample("PRIVATE/organisation.xml", b""), after=_drop_thumbnail),
    "sample_image.format": Case("sample_image.format", "LANDING_PAGE/landing_page.xml", "lp1",
                                _sample(THUMB, sample_image_bytes("x", filetype="png"))),
    "sample_image.format.garbage": Case("sample_image.format", "LANDING_PAGE/landing_page.xml", "lp1",
                                        _sample(THUMB, b"\xff\xd8\xff\xe0 not really a JPEG")),
    "sample_image.size": Case("sample_image.size", "LANDING_PAGE/landing_page.xml", "lp1",
                              _sample(THUMB, sample_image_bytes("x", size=(2001, 16)))),
    "accession.supplied": Case("accession.supplied", "METADATA/dataset.xml", "ds1",
                               _accession_on("dataset", "DATASET", "aa-dataset-6dn9zp-yxcfb4")),
    "accession.supplied.ref": Case("accession.supplied", "METADATA/sample.xml", "case1",
                                   _accession_on("sample", "CASE/BIOLOGICAL_BEING_REF", "aa-sample-6dn9zp-yxcfb4")),
    "accession.format": Case("accession.format", "METADATA/image.xml", "img1",
                             _accession_on("image", "IMAGE[@alias='img1']", "aa-dataset-6dn9zp-yxcfb4"),
                             allow_accessions=True),
}


@pytest.mark.parametrize("case_id", list(CASES))
def test_rule_is_reported_alone(tmp_path: Path, case_id: str) -> None:
    case = CASES[case_id]
    builder = BundleBuilder(tmp_path, clinical=case.clinical)
    case.before(builder)
    root = builder.write()
    case.after(root)
    bundle, report = validate_bundle(root, allow_accessions=case.allow_accessions)
    assert bundle is None
    assert_only(report, case)


def _set_tag(file: str, path: str, tag: str) -> Callable[[BundleBuilder], None]:
    return _set_text(file, f"{path}/TAG", tag)


BEING = "BIOLOGICAL_BEING/ATTRIBUTES"
IMG2 = "IMAGE[@alias='img2']/ATTRIBUTES"

# Warnings: the bundle still imports, and only this warning is reported.
WARNING_CASES: dict[str, Case] = {
    "attribute.recommended": Case("attribute.recommended", "METADATA/sample.xml", "being1",
                                  _remove("sample", f"{BEING}/STRING_ATTRIBUTE[TAG='sex']")),
    "attribute.recommended.nil_attributes": Case("attribute.recommended", "METADATA/sample.xml", "spec1", lambda b: (
        b.find("sample", "SPECIMEN/ATTRIBUTES").addnext(nil("ATTRIBUTES")),
        b.remove("sample", "SPECIMEN/ATTRIBUTES[1]"))),
    "attribute.recommended.nonclinical": Case("attribute.recommended", "METADATA/sample.xml", "being1", _remove(
        "sample", f"{BEING}/STRING_ATTRIBUTE[TAG='study_group']"), clinical=False),
    "attribute.value.sex": Case("attribute.value", "METADATA/sample.xml", "being1",
                                _set_text("sample", f"{BEING}/STRING_ATTRIBUTE[TAG='sex']/VALUE", "Hermaphrodite")),
    "attribute.value.age": Case("attribute.value", "METADATA/sample.xml", "spec1",
                                _set_text("sample", "SPECIMEN//STRING_ATTRIBUTE[TAG='age_at_extraction']/VALUE",
                                          "52 years")),
    "attribute.value.species_scheme": Case("attribute.value", "METADATA/sample.xml", "being1", lambda b: _replace(
        b, "sample", f"{BEING}/CODE_ATTRIBUTE[TAG='animal_species']",
        c_attr("animal_species", "C14225", "CDISC", "Human"))),
    "attribute.value.datetime": Case("attribute.value", "METADATA/image.xml", "img1", _set_text(
        "image", "IMAGE[@alias='img1']//STRING_ATTRIBUTE[TAG='acquisition_datetime']/VALUE", "yesterday")),
    "attribute.kind": Case("attribute.kind", "METADATA/sample.xml", "being1", lambda b: _replace(
        b, "sample", f"{BEING}/CODE_ATTRIBUTE[TAG='animal_species']", s_attr("animal_species", "human"))),
    "attribute.synonym": Case("attribute.synonym", "METADATA/sample.xml", "being1",
                              _set_tag("sample", f"{BEING}/STRING_ATTRIBUTE[TAG='sex']", "Gender")),
    "attribute.normalised": Case("attribute.normalised", "METADATA/policy.xml", "policy1", _set_text(
        "policy", "POLICY//STRING_ATTRIBUTE[TAG='type_of_dataset']/VALUE", "Clinical / Anonymised")),
    "short_name.too_long": Case("short_name.too_long", "METADATA/dataset.xml", "ds1",
                                _set_text("dataset", "DATASET/SHORT_NAME", "A-VERY-LONG-SHORT-NAME-FOR-A-DS")),
    "image.dicom_mismatch": Case("image.dicom_mismatch", "METADATA/image.xml", "img2",
                                 _set_text("image", f"{IMG2}/STRING_ATTRIBUTE[TAG='scanner_model']/VALUE", "X-1")),
    "image.dicom_filled": Case("image.dicom_filled", "METADATA/image.xml", "img2",
                               _remove("image", f"{IMG2}/STRING_ATTRIBUTE[TAG='scanner_model']")),
}


@pytest.mark.parametrize("case_id", list(WARNING_CASES))
def test_warning_is_reported_alone(tmp_path: Path, case_id: str) -> None:
    case = WARNING_CASES[case_id]
    builder = BundleBuilder(tmp_path, clinical=case.clinical)
    case.before(builder)
    root = builder.write()
    case.after(root)
    bundle, report = validate_bundle(root)
    assert bundle is not None and report.ok, report.format()
    assert {p.rule for p in report.warnings} == {case.rule}, report.format()
    hits = [p for p in report.warnings if p.file == case.file and p.alias == case.alias]
    assert hits and all(p.line > 0 for p in hits), report.format()


def test_messages_name_the_expected_tag_and_the_synonyms_tried(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    builder.remove("sample", f"{BEING}/STRING_ATTRIBUTE[TAG='sex']")
    _set_tag("sample", f"{BEING}/CODE_ATTRIBUTE[TAG='animal_species']", "Animal_Species")(builder)
    builder.remove("policy", "POLICY/ATTRIBUTES/STRING_ATTRIBUTE[TAG='type_of_access']")
    _, report = validate_bundle(builder.write())
    messages = {p.rule: p.message for p in report.problems}
    assert "TAG sex" in messages["attribute.recommended"] and "gender" in messages["attribute.recommended"]
    assert "'animal_species'" in messages["attribute.synonym"] and "species" in messages["attribute.synonym"]
    assert "TAG type_of_access" in messages["attribute.required"] and "access_type" in messages["attribute.required"]


def test_many_warnings_of_one_kind_are_counted_not_listed(tmp_path: Path) -> None:
    from metaflex.rules import MAX_EACH

    builder = BundleBuilder(tmp_path)
    samples = builder.trees["sample"]
    for i in range(MAX_EACH + 5):
        samples.append(E("BIOLOGICAL_BEING", nil("ATTRIBUTES"), alias=f"extra{i}"))
    _, report = validate_bundle(builder.write())
    sex = [p for p in report.warnings if p.rule == "attribute.recommended" and "'sex'" in p.message]
    assert len(sex) == MAX_EACH + 1, report.format()
    assert "and 5 more biological being(s)" in sex[-1].message


@pytest.mark.parametrize("clinical", [True, False])
def test_valid_bundle_has_no_problems(tmp_path: Path, clinical: bool) -> None:
    bundle, report = validate_bundle(BundleBuilder(tmp_path, clinical=clinical).write())
    assert report.problems == [], report.format()
    assert bundle is not None
    assert bundle.context == ("clinical" if clinical else "non_clinical")


@pytest.mark.parametrize(("given", "canonical", "context"), [
    ("clinical / pseudonymised", "Clinical/Pseudonymized", "clinical"),
    ("Non Clinical/Cryptonymized", "Non-Clinical/Cryptonymised", "non_clinical"),
])
def test_type_of_dataset_is_read_through_normalisation(tmp_path: Path, given: str, canonical: str,
                                                       context: str) -> None:
    builder = BundleBuilder(tmp_path, clinical=context == "clinical")
    _set_text("policy", "POLICY//STRING_ATTRIBUTE[TAG='type_of_dataset']/VALUE", given)(builder)
    _set_tag("policy", "POLICY/ATTRIBUTES/STRING_ATTRIBUTE[TAG='type_of_dataset']", "Type-Of-Dataset")(builder)
    bundle, report = validate_bundle(builder.write())
    assert report.rules() == {"attribute.normalised", "attribute.synonym"}, report.format()
    assert (bundle.context, bundle.type_of_dataset) == (context, canonical)
    stored = bundle.policy.attributes[0]
    assert (stored.tag, stored.value) == ("type_of_dataset", canonical)
    assert f"{canonical!r}" in next(p.message for p in report.warnings if p.rule == "attribute.normalised")


def test_long_short_name_is_fine_for_non_clinical(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path, clinical=False)
    builder.find("dataset", "DATASET/SHORT_NAME").text = "A-VERY-LONG-SHORT-NAME-FOR-A-DS"
    _, report = validate_bundle(builder.write())
    assert report.problems == [], report.format()


def test_non_clinical_rules_do_not_apply_to_clinical(tmp_path: Path) -> None:
    # The clinical builder has no study_group/animal_strain: no problem.
    _, report = validate_bundle(BundleBuilder(tmp_path, clinical=True).write())
    assert report.ok


def test_complements_dataset_ref_by_accession_is_exposed(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    builder.find("dataset", "DATASET/OBSERVATION_REF[last()]").addnext(
        E("COMPLEMENTS_DATASET_REF", alias="older", accession="aa-dataset-6dn9zp-yxcfb4"))
    bundle, report = validate_bundle(builder.write())
    assert report.ok, report.format()
    assert [r.accession for r in bundle.complements] == ["aa-dataset-6dn9zp-yxcfb4"]


def test_accessions_allowed_on_reimport(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    builder.find("dataset", "DATASET").set("accession", "aa-dataset-6dn9zp-yxcfb4")
    builder.find("policy", "POLICY/DATASET_REF").set("accession", "aa-dataset-6dn9zp-yxcfb4")
    bundle, report = validate_bundle(builder.write(), allow_accessions=True)
    assert report.ok, report.format()
    assert bundle.dataset.accession == "aa-dataset-6dn9zp-yxcfb4"


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    for case_id in ("schema.required", "schema.enumeration", "ref.unresolved", "attribute.required",
                    "observer.unreferenced", "accession.supplied"):
        CASES[case_id].before(builder)
    root = builder.write()
    (root / "IMAGES/IMAGE_img2/img2.dcm").write_bytes(b"changed")
    (root / "IMAGES/stray.dcm").write_bytes(b"stray")
    bundle, report = validate_bundle(root)
    assert bundle is None
    assert {"schema.required", "schema.enumeration", "ref.unresolved", "attribute.required", "observer.unreferenced",
            "accession.supplied", "file.checksum", "file.unlisted"} <= report.rules()
    text = report.format()
    for problem in report.problems:
        assert f"[{problem.rule}]" in text
    assert "METADATA/observer.xml:" in text


def test_gross_image_may_show_a_specimen(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    image = builder.find("image", "IMAGE[@alias='img2']")
    image.find("IMAGE_TYPE")[0].tag = "GROSS_IMAGE"
    image.find("IMAGE_OF").set("alias", "spec1")
    _, report = validate_bundle(builder.write())
    # slide2 is now unimaged, which is allowed; scanner attributes are not required for gross images.
    assert report.ok, report.format()


@pytest.mark.parametrize("width", ["²", "٣", "-1", "0", "2.5"])
def test_a_tile_size_that_is_not_a_positive_ascii_integer_is_reported_not_a_crash(tmp_path, width):
    builder = BundleBuilder(tmp_path)
    builder.find("image", "IMAGE/ATTRIBUTES/SET_ATTRIBUTE/VALUE/NUMERIC_ATTRIBUTE/VALUE").text = width
    _, report = validate_bundle(builder.write())
    assert report.problems, report.format()
