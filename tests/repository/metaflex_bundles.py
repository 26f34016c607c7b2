"""Build small, valid MetaFleX 2.0 bundles on disk for tests, with hooks to break them.

The XML is built directly with lxml (not with `metaflex.write`), so
the validator and the writer are tested against an independent source.

    builder = BundleBuilder(tmp_path, clinical=True)
    builder.find("image", "IMAGE[@alias='img1']/IMAGE_TYPE").clear()   # break something
    root = builder.write()
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from lxml import etree

from repository.synthetic.small import StubFacts, dicom_stub, sample_image_bytes

XSI = "http://www.w3.org/2001/XMLSchema-instance"
# What the images' DICOM headers say; the image metadata says the same.
SCANNER = StubFacts(manufacturer="Acme", model="Scan 3000", software_versions="1.2.3",
                    acquisition_datetime="20240501134500")
NIL = f"{{{XSI}}}nil"

FILES = {
    "dataset": "METADATA/dataset.xml", "policy": "METADATA/policy.xml", "sample": "METADATA/sample.xml",
    "staining": "METADATA/staining.xml", "image": "METADATA/image.xml",
    "annotation": "METADATA/annotation.xml", "observer": "METADATA/observer.xml",
    "observation": "METADATA/observation.xml", "rems": "PRIVATE/rems.xml",
    "organisation": "PRIVATE/organisation.xml", "landing_page": "LANDING_PAGE/landing_page.xml",
}
SETS = {"dataset": "DATASET_SET", "policy": "POLICY_SET", "sample": "SAMPLE_SET", "staining": "STAINING_SET",
        "image": "IMAGE_SET", "annotation": "ANNOTATION_SET", "observer": "OBSERVER_SET",
        "observation": "OBSERVATION_SET", "rems": "REMS_SET", "organisation": "ORGANISATION_SET",
        "landing_page": "LANDING_PAGE_SET"}


def E(tag: str, *children: etree._Element | str, **attrib: str) -> etree._Element:
    """An element; string children become its text."""
    el = etree.Element(tag, {k: v for k, v in attrib.items()})
    for child in children:
        if isinstance(child, str):
            el.text = (el.text or "") + child
        else:
            el.append(child)
    return el


def nil(tag: str) -> etree._Element:
    return etree.Element(tag, {NIL: "true"}, nsmap={"xsi": XSI})


def s_attr(tag: str, value: str | None) -> etree._Element:
    return E("STRING_ATTRIBUTE", E("TAG", tag), nil("VALUE") if value is None else E("VALUE", value))


def n_attr(tag: str, value: str) -> etree._Element:
    return E("NUMERIC_ATTRIBUTE", E("TAG", tag), E("VALUE", value))


def m_attr(tag: str, value: str, units: str) -> etree._Element:
    return E("MEASUREMENT_ATTRIBUTE", E("TAG", tag), E("VALUE", value), E("UNITS", units))


def c_attr(tag: str, code: str, scheme: str, meaning: str, version: str | None = None) -> etree._Element:
    return E("CODE_ATTRIBUTE", E("TAG", tag), c_value(code, scheme, meaning, version))


def c_value(code: str, scheme: str, meaning: str, version: str | None = None, tag: str = "VALUE"
            ) -> etree._Element:
    return E(tag, E("CODE", code), E("SCHEME", scheme), E("MEANING", meaning),
             nil("SCHEME_VERSION") if version is None else E("SCHEME_VERSION", version))


def set_attr(tag: str, *attributes: etree._Element) -> etree._Element:
    return E("SET_ATTRIBUTE", E("TAG", tag), E("VALUE", *attributes))


def attrs(*attributes: etree._Element) -> etree._Element:
    return E("ATTRIBUTES", *attributes) if attributes else nil("ATTRIBUTES")


def ref(tag: str, alias: str) -> etree._Element:
    return E(tag, alias=alias)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BundleBuilder:
    """A small valid bundle: 1 being, case, specimen, block, 2 slides, 2 stainings, 2 images,
    1 annotation, 1 observer, 2 observations, plus policy, REMS, organisation and landing page."""

    def __init__(self, base: Path, *, clinical: bool = True, name: str = "DATASET_test",
                 slides: bool = False) -> None:
        """`slides`: each image is a small synthetic Aperio SVS (for the pipeline to convert), not a
        header-only DICOM instance."""
        self.root = Path(base) / name
        self.clinical = clinical
        self.slides = slides
        self.trees: dict[str, etree._Element] = {}
        self.root.mkdir(parents=True)
        self._build()

    # -- hooks ---------------------------------------------------------------------------------

    def find(self, file: str, path: str) -> etree._Element:
        """First element matching an XPath relative to the file's root; fails loudly if none."""
        found = self.trees[file].xpath(path)
        assert found, f"{path} not found in {file}"
        return found[0]

    def remove(self, file: str, path: str) -> None:
        el = self.find(file, path)
        el.getparent().remove(el)

    def data_file(self, rel: str, data: bytes) -> str:
        """Write a data file into the bundle; return its SHA256."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return sha256(data)

    def file_el(self, rel: str, data: bytes, filetype: str, tag: str = "FILE") -> etree._Element:
        return E(tag, filename=rel, checksum_method="SHA256", checksum=self.data_file(rel, data), filetype=filetype)

    def write(self) -> Path:
        for name, root in self.trees.items():
            path = self.root / FILES[name]
            path.parent.mkdir(parents=True, exist_ok=True)
            etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return self.root

    # -- content -------------------------------------------------------------------------------

    def _set(self, name: str, *entities: etree._Element) -> None:
        root = etree.Element(SETS[name], nsmap={"xsi": XSI})
        for entity in entities:
            root.append(entity)
        self.trees[name] = root

    def _build(self) -> None:
        self._set("dataset", E(
            "DATASET", E("TITLE", "Test dataset of skin biopsies"), E("SHORT_NAME", "TEST-SKIN"),
            E("DESCRIPTION", "A tiny dataset for tests."), E("VERSION", "1.0"), E("METADATA_STANDARD", "2.0.0"),
            E("DATASET_OWNER_CONTACT_EMAIL", "owner@example.org"), E("DATASET_TYPE", "Whole slide imaging"),
            ref("IMAGE_REF", "img1"), ref("IMAGE_REF", "img2"), ref("ANNOTATION_REF", "ann1"),
            ref("OBSERVATION_REF", "obsv1"), ref("OBSERVATION_REF", "obsv2"),
            attrs(s_attr("keyword", "skin")), alias="ds1"))
        type_of_dataset = "Clinical/Anonymized" if self.clinical else "Non-Clinical/Obscured"
        self._set("policy", E("POLICY", ref("DATASET_REF", "ds1"), attrs(
            s_attr("type_of_dataset", type_of_dataset), s_attr("type_of_access", "Direct"),
            s_attr("policy_text", "Research use only.")), alias="policy1"))
        self._build_samples()
        self._set("staining",
                  E("STAINING", E("PROCEDURE_INFORMATION", c_attr("procedure", "12710003", "SCT", "H&E stain")),
                    attrs(), alias="stain-he"),
                  E("STAINING", E("STAIN", c_attr("compound", "C1", "SCT", "Antibody")),
                    E("STAIN", s_attr("target", "CD3")), attrs(), alias="stain-ihc"))
        self._set("image", self._image("img1", "slide1"), self._image("img2", "slide2"))
        self._set("annotation", E(
            "ANNOTATION", ref("IMAGE_REF", "img1"),
            E("FILES", self.file_el("ANNOTATIONS/ann1.json", b'{"type": "FeatureCollection"}', "json")),
            attrs(), alias="ann1"))
        self._set("observer", E("OBSERVER", E("OBSERVER_TYPE", "Human"), attrs(), alias="pathologist1"))
        self._set("observation", self._observation("obsv1", ref("SLIDE_REF", "slide1")),
                  self._observation("obsv2", ref("IMAGE_REF", "img2")))
        self._set("rems", E("REMS", E("WORKFLOW_ID", "1"), E("ORGANISATION_ID", "org"),
                            ref("DATASET_REF", "ds1"), attrs(), alias="rems1"))
        self._set("organisation", E("ORGANISATION", E("NAME", "Test Hospital"), E("PIC_CODE", "999999999"),
                                    E("DATAMANAGER_PERUN_GROUP", "bp-test"), ref("DATASET_REF", "ds1"),
                                    attrs(), alias="org1"))
        self._set("landing_page", E(
            "LANDING_PAGE", ref("DATASET_REF", "ds1"), E("REMS_ACCESS_LINK", "https://rems.example.org/1"),
            E("SAMPLE_IMAGE_FILES", self.file_el("LANDING_PAGE/THUMBNAILS/thumb1.jpg", sample_image_bytes("thumb1"),
                                                 "jpg", "SAMPLE_IMAGE_FILE")),
            attrs(), alias="lp1"))

    def _build_samples(self) -> None:
        if self.clinical:
            being = attrs(s_attr("sex", "Female"), c_attr("animal_species", "337915000", "SCT", "Homo sapiens"))
        else:
            being = attrs(s_attr("sex", "Male"), c_attr("animal_species", "C14238", "CDISC", "Rat"),
                          s_attr("animal_strain", "Wistar Han"), s_attr("study_group", "TREATED"),
                          s_attr("study_duration", "P28D"), s_attr("termination_status", "Scheduled sacrifice"))
        specimen = attrs(c_attr("extraction_method", "86273004", "SCT", "Biopsy"),
                         c_attr("fixation_type", "431510009", "SCT", "Formalin", "2024-01"),
                         s_attr("age_at_extraction", "P52Y/PT0S"))
        self._set("sample",
                  E("BIOLOGICAL_BEING", being, alias="being1"),
                  E("CASE", ref("BIOLOGICAL_BEING_REF", "being1"), attrs(), alias="case1"),
                  E("SPECIMEN", ref("EXTRACTED_FROM_REF", "being1"), ref("PART_OF_CASE_REF", "case1"), specimen,
                    alias="spec1"),
                  E("BLOCK", ref("SAMPLED_FROM_REF", "spec1"), attrs(), alias="block1"),
                  E("SLIDE", ref("CREATED_FROM_REF", "block1"), ref("STAINING_INFORMATION_REF", "stain-he"),
                    attrs(), alias="slide1"),
                  E("SLIDE", ref("CREATED_FROM_REF", "block1"), ref("STAINING_INFORMATION_REF", "stain-ihc"),
                    attrs(), alias="slide2"))

    def _image_file(self, alias: str) -> etree._Element:
        if not self.slides:
            rel = f"IMAGES/IMAGE_{alias}/{alias}.dcm"
            return self.file_el(rel, dicom_stub(rel, SCANNER), "dcm")
        from repository.synthetic.svs import write_svs

        rel = f"IMAGES/IMAGE_{alias}/{alias}.svs"
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        write_svs(self.root / rel, width=768, height=512, seed=int(sha256(alias.encode())[:8], 16))
        return self.file_el(rel, (self.root / rel).read_bytes(), "dcm")

    def _image(self, alias: str, slide: str) -> etree._Element:
        return E("IMAGE", ref("IMAGE_OF", slide), E("IMAGE_TYPE", E("WSI_IMAGE")),
                 E("FILES", self._image_file(alias)),
                 attrs(s_attr("scanner_manufacturer", "Acme"), s_attr("scanner_model", "Scan 3000"),
                       s_attr("scanner_software_versions", "1.2.3"),
                       s_attr("acquisition_datetime", "2024-05-01T13:45:00"),
                       set_attr("base_layer_tile_size", n_attr("width", "256"), n_attr("height", "256")),
                       set_attr("base_layer_dimensions", n_attr("width", str(SCANNER.total_width)),
                                n_attr("height", str(SCANNER.total_height))),
                       m_attr("base_layer_resolution", "0.25", "um/px")),
                 alias=alias)

    def _observation(self, alias: str, target: etree._Element) -> etree._Element:
        return E("OBSERVATION", target, ref("OBSERVER_REF", "pathologist1"), E(
            "STATEMENT", E("STATEMENT_TYPE", "Diagnosis"), E("STATEMENT_STATUS", "Summary"),
            E("CODE_ATTRIBUTES", c_attr("diagnosis", "8720/3", "ICD-O-3", "Malignant melanoma, NOS")),
            nil("CUSTOM_ATTRIBUTES"), E("FREETEXT", "Melanoma."), nil("ATTRIBUTES")),
            attrs(), alias=alias)


def build_bundle(base: Path, *, clinical: bool = True) -> Path:
    """A valid bundle written to `base`; returns its root."""
    return BundleBuilder(base, clinical=clinical).write()


def copy_bundle(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst
