"""Bundles written the way tools outside this project write MetaFleX, for tests and the demo.

Such a tool builds the XML with Python's `xml.etree.ElementTree`, pretty-prints
it with `xml.dom.minidom.toprettyxml`, declares its own prefix for the XML
Schema instance namespace, and spells attributes its own way. Everything it
writes is valid against the official XSDs; only the attribute vocabulary
strays from the repository's profile. Each stray is a keyword flag, so a test
can switch one on alone:

    root = OtherTool(species_as_string=False).write(tmp_path)

Images carry no scanner attributes by default: their DICOM headers do
(`repository.synthetic.small.dicom_stub` with `SCANNER`).
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from xml.dom import minidom

from metaflex.encryption import crypt4gh_encrypt
from repository.synthetic.small import StubFacts, dicom_stub, sample_image_bytes

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCANNER = StubFacts(manufacturer="Hamamatsu", model="NanoZoomer S360", software_versions="NDP.scan 3.4",
                    acquisition_datetime="20230315101500", tile_width=512, tile_height=512,
                    total_width=98304, total_height=73728, um_per_px=0.23)
CASES = 3
# Per case: how this tool spells the being's species and sex (tag, value).
SPECIES_TAGS = ("species", "Animal_Species", "species")
SEX = (("sex", "female"), ("Sex", "M"), ("gender", "Female"))


def _svs_bytes(*, seed: int) -> bytes:
    import tempfile

    from repository.synthetic.svs import write_svs

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slide.svs"
        write_svs(path, width=768, height=512, seed=seed)
        return path.read_bytes()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class OtherTool:
    """One bundle in an outside tool's style; each flag is one way it strays from the profile."""

    name: str = "DATASET_other_tool"
    alias: str = "ot-dataset"
    xsi_prefix: str = "xsi0"  # its own prefix for the XML Schema instance namespace
    type_of_dataset: str = "Clinical / Pseudonymised"  # spaces around "/", British spelling
    type_of_access: str = "direct"
    own_spellings: bool = True  # species, Animal_Species, Sex, gender instead of the profile's tags
    species_as_string: bool = True  # species = "human", a string where a code is expected
    age_as_interval_attributes: bool = True  # age_at_extraction_interval_start / _interval_duration
    consent_restrictions_set: bool = True  # a SET_ATTRIBUTE with nested entries in the policy
    scanner_from_dicom: bool = True  # no scanner attributes on images; their DICOM headers have them
    schema_locations: bool = True  # xsi:noNamespaceSchemaLocation on every root element
    observers: bool = True  # False: no observer.xml and no OBSERVER_REF (the XSDs allow both)
    long_values: bool = False  # a 600-character title, a 120-character VERSION, DATASET_TYPE many times
    encrypt_to: bytes | None = None  # a crypt4gh public key: data files are encrypted to it
    slides: bool = False  # True: the images are the scanner's files (small synthetic SVS), for the pipeline

    # -- writing -----------------------------------------------------------------------------------

    def write(self, base: Path) -> Path:
        """Write the bundle under `base`; returns its root folder."""
        self.root = Path(base) / self.name
        self.root.mkdir(parents=True)
        for rel, element in self.files().items():
            self._xml(rel, element)
        return self.root

    def _xml(self, rel: str, element: ET.Element) -> None:
        element.set(f"xmlns:{self.xsi_prefix}", XSI)  # declared by hand, as such tools do
        if self.schema_locations:
            xsd = "BP." + Path(rel).stem + ".xsd"
            element.set(f"{self.xsi_prefix}:noNamespaceSchemaLocation", f"https://example.org/metaflex/2.0.0/{xsd}")
        pretty = minidom.parseString(ET.tostring(element, encoding="utf-8")).toprettyxml(indent="  ",
                                                                                        encoding="UTF-8")
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pretty)

    def data_file(self, rel: str, data: bytes, filetype: str, tag: str = "FILE") -> ET.Element:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.encrypt_to is None or tag != "FILE":  # sample images are public: never encrypted
            path.write_bytes(data)
            return self.el(tag, filename=rel, checksum_method="SHA256", checksum=_sha256(data), filetype=filetype)
        encrypted = crypt4gh_encrypt(data, self.encrypt_to)
        path.write_bytes(encrypted)
        return self.el(tag, filename=rel, checksum_method="SHA256", checksum=_sha256(encrypted),
                       unencrypted_checksum=_sha256(data), filetype=filetype)

    # -- elements ----------------------------------------------------------------------------------

    def el(self, tag: str, *children: ET.Element | str | None, **attrib: str) -> ET.Element:
        element = ET.Element(tag, attrib)
        for child in children:
            if child is None:
                continue
            if isinstance(child, str):
                element.text = child
            else:
                element.append(child)
        return element

    def nil(self, tag: str) -> ET.Element:
        return ET.Element(tag, {f"{self.xsi_prefix}:nil": "true"})

    def string(self, tag: str, value: str) -> ET.Element:
        return self.el("STRING_ATTRIBUTE", self.el("TAG", tag), self.el("VALUE", value))

    def code(self, tag: str, code: str, scheme: str, meaning: str) -> ET.Element:
        return self.el("CODE_ATTRIBUTE", self.el("TAG", tag), self.el(
            "VALUE", self.el("CODE", code), self.el("SCHEME", scheme), self.el("MEANING", meaning),
            self.nil("SCHEME_VERSION")))

    def set_attr(self, tag: str, *members: ET.Element) -> ET.Element:
        return self.el("SET_ATTRIBUTE", self.el("TAG", tag), self.el("VALUE", *members))

    def attributes(self, *attributes: ET.Element | None) -> ET.Element:
        given = [a for a in attributes if a is not None]
        return self.el("ATTRIBUTES", *given) if given else self.nil("ATTRIBUTES")

    def ref(self, tag: str, alias: str) -> ET.Element:
        return self.el(tag, alias=alias)

    def container(self, tag: str, *children: ET.Element) -> ET.Element:
        return self.el(tag, *children)

    # -- the bundle --------------------------------------------------------------------------------

    def files(self) -> dict[str, ET.Element]:
        images = [self.image(case) for case in range(1, CASES + 1)]
        return {
            "METADATA/dataset.xml": self.container("DATASET_SET", self.dataset()),
            "METADATA/policy.xml": self.container("POLICY_SET", self.policy()),
            "METADATA/sample.xml": self.container("SAMPLE_SET", *self.samples()),
            "METADATA/staining.xml": self.container("STAINING_SET", self.el(
                "STAINING", self.el("PROCEDURE_INFORMATION", self.code("staining_procedure", "12710003", "SCT",
                                                                        "Hematoxylin and eosin stain")),
                self.nil("ATTRIBUTES"), alias="he")),
            "METADATA/image.xml": self.container("IMAGE_SET", *images),
            **({"METADATA/observer.xml": self.container("OBSERVER_SET", self.el(
                "OBSERVER", self.el("OBSERVER_TYPE", "Human"), self.nil("ATTRIBUTES"), alias="pathologist"))}
               if self.observers else {}),
            "METADATA/observation.xml": self.container("OBSERVATION_SET", *(
                self.observation(case) for case in range(1, CASES + 1))),
            "PRIVATE/rems.xml": self.container("REMS_SET", self.el(
                "REMS", self.el("WORKFLOW_ID", "7"), self.el("ORGANISATION_ID", "other-hospital"),
                self.ref("DATASET_REF", self.alias), self.nil("ATTRIBUTES"), alias="rems")),
            "PRIVATE/organisation.xml": self.container("ORGANISATION_SET", self.el(
                "ORGANISATION", self.el("NAME", "Other Tool Hospital"), self.el("PIC_CODE", "999888777"),
                self.el("DATAMANAGER_PERUN_GROUP", "bp-other"), self.ref("DATASET_REF", self.alias),
                self.nil("ATTRIBUTES"), alias="org")),
            "LANDING_PAGE/landing_page.xml": self.container("LANDING_PAGE_SET", self.el(
                "LANDING_PAGE", self.ref("DATASET_REF", self.alias),
                self.el("SAMPLE_IMAGE_FILES", self.data_file(
                    "LANDING_PAGE/THUMBNAILS/case-1.jpg", sample_image_bytes("other-tool", size=(320, 240)),
                    "jpg", "SAMPLE_IMAGE_FILE")),
                self.nil("ATTRIBUTES"), alias="landing")),
        }

    def dataset(self) -> ET.Element:
        title = "Breast biopsies exported by another tool"
        version, types = "1", 1
        if self.long_values:
            title = (title + ", " + "with a very long title as some tools write it") * 7
            title = title[:600]
            version, types = "1." + "0" * 118, 12
        return self.el(
            "DATASET", self.el("TITLE", title),
            self.el("SHORT_NAME", "OT-BREAST"), self.el("DESCRIPTION", "Three cases, written with ElementTree."),
            self.el("VERSION", version), self.el("METADATA_STANDARD", "2.0.0"),
            *(self.el("DATASET_TYPE", "Whole slide imaging") for _ in range(types)),
            *(self.ref("IMAGE_REF", f"image-{case}") for case in range(1, CASES + 1)),
            *(self.ref("OBSERVATION_REF", f"observation-{case}") for case in range(1, CASES + 1)),
            self.attributes(self.string("keywords", "breast, biopsy")), alias=self.alias)

    def policy(self) -> ET.Element:
        consent = self.set_attr("consent_restrictions", self.string("restriction", "No commercial use"),
                           self.string("restriction", "Ethics approval required")) \
            if self.consent_restrictions_set else None
        return self.el("POLICY", self.ref("DATASET_REF", self.alias), self.attributes(
            self.string("type_of_dataset", self.type_of_dataset), self.string("type_of_access", self.type_of_access),
            consent, self.string("policy_text", "Research use only.")), alias="policy")

    def being(self, case: int) -> ET.Element:
        species_tag = SPECIES_TAGS[case - 1] if self.own_spellings else "animal_species"
        sex_tag, sex = SEX[case - 1] if self.own_spellings else ("sex", "Female")
        species = self.string(species_tag, "human") if self.species_as_string else \
            self.code(species_tag, "337915000", "SCT", "Homo sapiens")
        return self.el("BIOLOGICAL_BEING", self.attributes(species, self.string(sex_tag, sex)), alias=f"patient-{case}")

    def samples(self) -> list[ET.Element]:
        out = []
        for case in range(1, CASES + 1):
            age = f"P{40 + case}Y"
            ages = (self.string("age_at_extraction_interval_start", age),
                    self.string("age_at_extraction_interval_duration", "P1Y")) if self.age_as_interval_attributes \
                else (self.string("age_at_extraction", f"{age}/P1Y"),)
            out += [
                self.being(case),
                self.el("CASE", self.ref("BIOLOGICAL_BEING_REF", f"patient-{case}"), self.nil("ATTRIBUTES"),
                        alias=f"case-{case}"),
                self.el("SPECIMEN", self.ref("EXTRACTED_FROM_REF", f"patient-{case}"),
                        self.ref("PART_OF_CASE_REF", f"case-{case}"), self.attributes(
                            self.code("extraction_method", "86273004", "SCT", "Biopsy"),
                            self.code("fixation_type", "431510009", "SCT", "Formalin"), *ages),
                        alias=f"specimen-{case}"),
                self.el("BLOCK", self.ref("SAMPLED_FROM_REF", f"specimen-{case}"), self.nil("ATTRIBUTES"),
                        alias=f"block-{case}"),
                self.el("SLIDE", self.ref("CREATED_FROM_REF", f"block-{case}"),
                        self.ref("STAINING_INFORMATION_REF", "he"), self.nil("ATTRIBUTES"), alias=f"slide-{case}"),
            ]
        return out

    def image(self, case: int) -> ET.Element:
        alias = f"image-{case}"
        rel = f"IMAGES/IMAGE_{alias}/{alias}.dcm"
        scanner = () if self.scanner_from_dicom else (
            self.string("scanner_manufacturer", SCANNER.manufacturer), self.string("scanner_model", SCANNER.model))
        if self.slides:
            rel = f"IMAGES/IMAGE_{alias}/{alias}.svs"
            data = _svs_bytes(seed=case)
        else:
            data = dicom_stub(alias, SCANNER)
        return self.el("IMAGE", self.ref("IMAGE_OF", f"slide-{case}"), self.el("IMAGE_TYPE", self.el("WSI_IMAGE")),
                       self.el("FILES", self.data_file(rel, data, "dcm")),
                       self.attributes(*scanner), alias=alias)

    def observation(self, case: int) -> ET.Element:
        return self.el(
            "OBSERVATION", self.ref("SLIDE_REF", f"slide-{case}"),
            self.ref("OBSERVER_REF", "pathologist") if self.observers else None,
            self.el("STATEMENT", self.el("STATEMENT_TYPE", "Diagnosis"), self.el("STATEMENT_STATUS", "Summary"),
                    self.el("CODE_ATTRIBUTES", self.code("diagnosis", "8500/3", "ICD-O-3",
                                                         "Infiltrating duct carcinoma, NOS")),
                    self.nil("CUSTOM_ATTRIBUTES"), self.el("FREETEXT", "Invasive ductal carcinoma."),
                    self.nil("ATTRIBUTES")),
            self.nil("ATTRIBUTES"), alias=f"observation-{case}")
