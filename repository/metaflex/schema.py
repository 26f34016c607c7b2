"""The MetaFleX 2.0.0 XSD content models, written out as readable tables.

These tables are read from the official `BP.*.xsd` files (2.0.0) and drive
both the structural checks (`structure.py`) and the writer (`write.py`), so
the two cannot disagree. The XSDs are not needed at runtime.

Conventions:
- `Child` is one element of an xs:sequence; `min`/`max` are minOccurs and
  maxOccurs (`None` = unbounded).
- `Choice` is an xs:choice between children; only one option may be used.
- `type` says how the element is read and stored on `Entity`:
  `text`/`enum`/`pattern` -> `fields[name]` (str, list[str] when repeatable);
  `tagchoice` (IMAGE_TYPE) -> `fields[name]` = chosen child element name;
  `ref` -> `refs[name]`; `files` -> `files`; `attributes` named ATTRIBUTES at
  entity level -> `attributes`, elsewhere -> `fields[name]`; `complex`
  (STATEMENT) -> `fields[name]` as a dict of its own children.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# xs:decimal lexical space (whitespace is collapsed before matching).
DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
INT_RE = re.compile(r"^[+-]?\d+$")
CHECKSUM_RE = re.compile(r"^[0-9a-f]{64}$")
METADATA_STANDARD_RE = re.compile(r"^2\.0\.\d+$")

# Attribute kind (`types.Attribute.kind`) -> its XSD element, in AttributesType order.
ATTRIBUTE_ELEMENT = {"string": "STRING_ATTRIBUTE", "numeric": "NUMERIC_ATTRIBUTE",
                     "measurement": "MEASUREMENT_ATTRIBUTE", "code": "CODE_ATTRIBUTE", "set": "SET_ATTRIBUTE"}
ELEMENT_ATTRIBUTE_KIND = {element: kind for kind, element in ATTRIBUTE_ELEMENT.items()}

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSI_NIL = f"{{{XSI_NS}}}nil"


@dataclass(frozen=True)
class Child:
    """One element in a content model."""

    name: str
    type: str  # text | enum | pattern | int | tagchoice | ref | files | attributes | code_attributes | complex
    min: int = 1
    max: int | None = 1
    nillable: bool = False
    enum: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""
    targets: tuple[str, ...] = ()  # ref: entity kinds the reference may point to
    file_element: str = "FILE"
    filetypes: tuple[str, ...] = ()
    max_files: int | None = None
    children: tuple[Child | Choice, ...] = ()  # complex


@dataclass(frozen=True)
class Choice:
    """An xs:choice: exactly one option (which may itself repeat)."""

    options: tuple[Child, ...]
    min: int = 1
    rule: str = "schema.choice"
    description: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.options)


@dataclass(frozen=True)
class EntitySpec:
    kind: str
    element: str
    accession_type: str
    children: tuple[Child | Choice, ...]


def _ref(name: str, *targets: str, min: int = 1, max: int | None = 1) -> Child:
    return Child(name, "ref", min=min, max=max, targets=targets)


ATTRIBUTES = Child("ATTRIBUTES", "attributes", nillable=True)

STATEMENT_TYPES = ("Diagnosis", "Macroscopic Description", "Microscopic Description", "Finding")
STATEMENT_STATUSES = ("Summary", "Distinct")
OBSERVER_TYPES = ("Human", "Machine")
IMAGE_TYPES = ("WSI_IMAGE", "GROSS_IMAGE")
DATASET_TYPES = ("Whole slide imaging",)
CHECKSUM_METHODS = ("SHA256",)

STATEMENT = Child("STATEMENT", "complex", children=(
    Child("STATEMENT_TYPE", "enum", enum=STATEMENT_TYPES),
    Child("STATEMENT_STATUS", "enum", enum=STATEMENT_STATUSES),
    Child("CODE_ATTRIBUTES", "code_attributes", nillable=True),
    Child("CUSTOM_ATTRIBUTES", "attributes", nillable=True),
    Child("FREETEXT", "text", nillable=True),
    Child("ATTRIBUTES", "attributes", nillable=True),
))

# Observation targets, in XSD order; the element name decides the target kind.
OBSERVATION_TARGET_REFS = (
    _ref("ANNOTATION_REF", "annotation"), _ref("CASE_REF", "case"),
    _ref("BIOLOGICAL_BEING_REF", "biological_being"), _ref("SPECIMEN_REF", "specimen"),
    _ref("BLOCK_REF", "block"), _ref("SLIDE_REF", "slide"), _ref("IMAGE_REF", "image"),
)

ENTITIES: dict[str, EntitySpec] = {s.kind: s for s in (
    EntitySpec("dataset", "DATASET", "dataset", (
        Child("TITLE", "text"),
        Child("SHORT_NAME", "text"),
        Child("DESCRIPTION", "text", min=0),
        Child("VERSION", "text"),
        Child("METADATA_STANDARD", "pattern", pattern=METADATA_STANDARD_RE, pattern_hint="2.0.x, e.g. 2.0.0"),
        Child("DATASET_OWNER_CONTACT_EMAIL", "text", min=0),
        Child("DATASET_TYPE", "enum", min=0, max=None, enum=DATASET_TYPES),
        _ref("IMAGE_REF", "image", min=0, max=None),
        _ref("ANNOTATION_REF", "annotation", min=0, max=None),
        _ref("OBSERVATION_REF", "observation", min=0, max=None),
        # Other datasets in the repository, by accession: not resolved in the bundle.
        _ref("COMPLEMENTS_DATASET_REF", "dataset", min=0, max=None),
        ATTRIBUTES,
    )),
    EntitySpec("policy", "POLICY", "policy", (_ref("DATASET_REF", "dataset"), ATTRIBUTES)),
    EntitySpec("landing_page", "LANDING_PAGE", "landing_page", (
        _ref("DATASET_REF", "dataset"),
        Child("REMS_ACCESS_LINK", "text", min=0),
        Child("SAMPLE_IMAGE_FILES", "files", min=0, file_element="SAMPLE_IMAGE_FILE",
              filetypes=("jpg", "png"), max_files=5),
        ATTRIBUTES,
    )),
    EntitySpec("rems", "REMS", "rems", (
        Child("WORKFLOW_ID", "text"), Child("ORGANISATION_ID", "text"),
        _ref("DATASET_REF", "dataset"), ATTRIBUTES,
    )),
    EntitySpec("organisation", "ORGANISATION", "organisation", (
        Child("NAME", "text"),
        Child("PIC_CODE", "int"),
        Child("DATAMANAGER_PERUN_GROUP", "text"),
        _ref("DATASET_REF", "dataset"),
        ATTRIBUTES,
    )),
    EntitySpec("biological_being", "BIOLOGICAL_BEING", "sample", (ATTRIBUTES,)),
    EntitySpec("case", "CASE", "sample", (_ref("BIOLOGICAL_BEING_REF", "biological_being"), ATTRIBUTES)),
    EntitySpec("specimen", "SPECIMEN", "sample", (
        _ref("EXTRACTED_FROM_REF", "biological_being"),
        _ref("PART_OF_CASE_REF", "case", min=0),
        ATTRIBUTES,
    )),
    EntitySpec("block", "BLOCK", "sample", (_ref("SAMPLED_FROM_REF", "specimen", max=None), ATTRIBUTES)),
    EntitySpec("slide", "SLIDE", "sample", (
        _ref("CREATED_FROM_REF", "block"),
        _ref("STAINING_INFORMATION_REF", "staining"),
        ATTRIBUTES,
    )),
    EntitySpec("staining", "STAINING", "staining", (
        Choice((Child("PROCEDURE_INFORMATION", "attributes"), Child("STAIN", "attributes", max=None)),
               description="either one PROCEDURE_INFORMATION or one or more STAIN elements"),
        ATTRIBUTES,
    )),
    EntitySpec("image", "IMAGE", "image", (
        _ref("IMAGE_OF", "slide", max=None),
        Child("IMAGE_TYPE", "tagchoice", enum=IMAGE_TYPES),
        Child("FILES", "files", filetypes=("dcm",)),
        ATTRIBUTES,
    )),
    EntitySpec("annotation", "ANNOTATION", "annotation", (
        _ref("IMAGE_REF", "image"),
        Child("FILES", "files", filetypes=("dcm", "json")),
        ATTRIBUTES,
    )),
    EntitySpec("observer", "OBSERVER", "observer", (
        Child("OBSERVER_TYPE", "enum", enum=OBSERVER_TYPES), ATTRIBUTES,
    )),
    EntitySpec("observation", "OBSERVATION", "observation", (
        Choice(OBSERVATION_TARGET_REFS, rule="observation.target",
               description="exactly one target reference (ANNOTATION_REF, CASE_REF, BIOLOGICAL_BEING_REF, "
                           "SPECIMEN_REF, BLOCK_REF, SLIDE_REF or IMAGE_REF)"),
        _ref("OBSERVER_REF", "observer", min=0, max=None),
        STATEMENT,
        ATTRIBUTES,
    )),
)}

ELEMENT_TO_KIND = {spec.element: kind for kind, spec in ENTITIES.items()}
SAMPLE_KINDS = ("biological_being", "case", "specimen", "block", "slide")


@dataclass(frozen=True)
class BundleFile:
    """One MetaFleX XML file of the bundle layout."""

    name: str  # short name used in the API, e.g. "image", "sample"
    path: str  # relative to the bundle root
    set_element: str
    kinds: tuple[str, ...]
    required: bool = True


BUNDLE_FILES: tuple[BundleFile, ...] = (
    BundleFile("dataset", "METADATA/dataset.xml", "DATASET_SET", ("dataset",)),
    BundleFile("policy", "METADATA/policy.xml", "POLICY_SET", ("policy",)),
    BundleFile("sample", "METADATA/sample.xml", "SAMPLE_SET", SAMPLE_KINDS),
    BundleFile("staining", "METADATA/staining.xml", "STAINING_SET", ("staining",)),
    BundleFile("image", "METADATA/image.xml", "IMAGE_SET", ("image",)),
    BundleFile("annotation", "METADATA/annotation.xml", "ANNOTATION_SET", ("annotation",), required=False),
    BundleFile("observer", "METADATA/observer.xml", "OBSERVER_SET", ("observer",)),
    BundleFile("observation", "METADATA/observation.xml", "OBSERVATION_SET", ("observation",)),
    BundleFile("rems", "PRIVATE/rems.xml", "REMS_SET", ("rems",)),
    BundleFile("organisation", "PRIVATE/organisation.xml", "ORGANISATION_SET", ("organisation",)),
    BundleFile("landing_page", "LANDING_PAGE/landing_page.xml", "LANDING_PAGE_SET", ("landing_page",)),
)
BUNDLE_FILE_BY_NAME = {f.name: f for f in BUNDLE_FILES}
FILE_OF_KIND = {kind: f for f in BUNDLE_FILES for kind in f.kinds}

# Not MetaFleX, but part of the layout: kept, never validated as MetaFleX.
OPTIONAL_LAYOUT_FILES = ("PRIVATE/datacite.xml",)
