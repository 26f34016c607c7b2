"""The MetaFleX 2.0.0 XSD content models, written out as readable tables.

These tables are read from the official `BP.*.xsd` files (2.0.0) and drive
both the structural checks (`structure.py`) and the writer (`write.py`), so
the two cannot disagree. The XSDs are not needed at runtime; the tests check
the tables against them (`tests/repository/test_metaflex_xsd_mutations.py`).

Conventions:
- `Child` is one element of an xs:sequence; `min`/`max` are minOccurs and
  maxOccurs (`None` = unbounded).
- `Choice` is an xs:choice between children; only one option may be used.
- `type` says how the element is read and stored on `Entity`:
  `text`/`enum`/`pattern`/`int`/`decimal`/`uri` -> `fields[name]` (str,
  list[str] when repeatable); `tagchoice` (IMAGE_TYPE) -> `fields[name]` =
  chosen child element name; `ref` -> `refs[name]`; `files` -> `files`;
  `attributes` named ATTRIBUTES at entity level -> `attributes`, elsewhere
  -> `fields[name]`; `complex` (STATEMENT) -> `fields[name]` as a dict of its
  own children; `code` is the VALUE of a CODE_ATTRIBUTE.
- `xsd_type` is the element's declared XSD type in Clark notation (see
  `datatypes.py`); it decides which `xsi:type` values are allowed and how a
  simple value is checked. `None` means an anonymous type.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .datatypes import (
    BP,
    CHECKSUM_RE,  # noqa: F401  (files.py reads it from here)
    XS,
)

# Attribute kind (`types.Attribute.kind`) -> its XSD element, in AttributesType order.
ATTRIBUTE_ELEMENT = {"string": "STRING_ATTRIBUTE", "numeric": "NUMERIC_ATTRIBUTE",
                     "measurement": "MEASUREMENT_ATTRIBUTE", "code": "CODE_ATTRIBUTE", "set": "SET_ATTRIBUTE"}
ELEMENT_ATTRIBUTE_KIND = {element: kind for kind, element in ATTRIBUTE_ELEMENT.items()}

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSI_NIL = f"{{{XSI_NS}}}nil"
XSI_TYPE = f"{{{XSI_NS}}}type"
# The four attributes XML Schema allows on every element (Part 1, 3.4.4); no other xsi:* is allowed.
XSI_ATTRIBUTES = frozenset({XSI_NIL, XSI_TYPE, f"{{{XSI_NS}}}schemaLocation",
                            f"{{{XSI_NS}}}noNamespaceSchemaLocation"})

# Declared XSD type of each `Child.type`, unless the child names its own.
_TYPE_OF = {"text": XS + "string", "int": XS + "int", "decimal": XS + "decimal", "uri": XS + "anyURI",
            "ref": BP + "ReferenceType", "attributes": BP + "AttributesType",
            "code_attributes": BP + "CodeAttributesType", "code": BP + "CodeType"}


@dataclass(frozen=True)
class Child:
    """One element in a content model."""

    name: str
    type: str  # text|enum|pattern|int|decimal|uri|tagchoice|ref|files|attributes|code_attributes|code|complex
    min: int = 1
    max: int | None = 1
    nillable: bool = False
    enum: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()  # ref: entity kinds the reference may point to
    file_element: str = "FILE"
    file_type: str = ""  # files: the XSD type of each file element
    filetypes: tuple[str, ...] = ()
    max_files: int | None = None
    children: tuple[Child | Choice, ...] = ()  # complex, code
    xsd_type: str | None = ""  # "" = the default for `type`; None = anonymous (enumerations, IMAGE_TYPE)
    nonempty: bool = False  # the repository (not the XSD) needs a non-blank value: rule value.empty

    @cached_property
    def declared_type(self) -> str | None:
        return _TYPE_OF.get(self.type) if self.xsd_type == "" else self.xsd_type


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
    xsd_type: str
    children: tuple[Child | Choice, ...]


def _ref(name: str, *targets: str, min: int = 1, max: int | None = 1) -> Child:
    return Child(name, "ref", min=min, max=max, targets=targets)


def _text(name: str, *, min: int = 1) -> Child:
    """A required xs:string that the repository needs filled in (XSD-valid when empty: rule value.empty)."""
    return Child(name, "text", min=min, nonempty=True)


ATTRIBUTES = Child("ATTRIBUTES", "attributes", nillable=True)

STATEMENT_TYPES = ("Diagnosis", "Macroscopic Description", "Microscopic Description", "Finding")
STATEMENT_STATUSES = ("Summary", "Distinct")
OBSERVER_TYPES = ("Human", "Machine")
IMAGE_TYPES = ("WSI_IMAGE", "GROSS_IMAGE")  # each of type xs:anyType
DATASET_TYPES = ("Whole slide imaging",)
CHECKSUM_METHODS = ("SHA256",)

STATEMENT = Child("STATEMENT", "complex", xsd_type="StatementType", children=(
    Child("STATEMENT_TYPE", "enum", enum=STATEMENT_TYPES, xsd_type=None),
    Child("STATEMENT_STATUS", "enum", enum=STATEMENT_STATUSES, xsd_type=None),
    Child("CODE_ATTRIBUTES", "code_attributes", nillable=True),
    Child("CUSTOM_ATTRIBUTES", "attributes", nillable=True),
    Child("FREETEXT", "text", nillable=True),
    Child("ATTRIBUTES", "attributes", nillable=True),
))

# BP.common: the attribute elements of an AttributesType, each TAG then VALUE (and UNITS).
ATTRIBUTE_TYPES = {"string": BP + "StringAttributeType", "numeric": BP + "NumericAttributeType",
                   "measurement": BP + "MeasurementAttributeType", "code": BP + "CodeAttributeType",
                   "set": BP + "SetAttributeType"}
_TAG = Child("TAG", "text")
CODE_VALUE = Child("VALUE", "code", nillable=True, children=(
    Child("CODE", "text"), Child("SCHEME", "text"), Child("MEANING", "text"),
    Child("SCHEME_VERSION", "text", nillable=True)))
ATTRIBUTE_MODELS: dict[str, tuple[Child | Choice, ...]] = {
    "string": (_TAG, Child("VALUE", "text", nillable=True)),
    "numeric": (_TAG, Child("VALUE", "decimal", nillable=True)),
    "measurement": (_TAG, Child("VALUE", "decimal", nillable=True), Child("UNITS", "text")),
    "code": (_TAG, CODE_VALUE),
    "set": (_TAG, Child("VALUE", "attributes", nillable=True)),
}

# Observation targets, in XSD order; the element name decides the target kind.
OBSERVATION_TARGET_REFS = (
    _ref("ANNOTATION_REF", "annotation"), _ref("CASE_REF", "case"),
    _ref("BIOLOGICAL_BEING_REF", "biological_being"), _ref("SPECIMEN_REF", "specimen"),
    _ref("BLOCK_REF", "block"), _ref("SLIDE_REF", "slide"), _ref("IMAGE_REF", "image"),
)

ENTITIES: dict[str, EntitySpec] = {s.kind: s for s in (
    EntitySpec("dataset", "DATASET", "dataset", "DatasetType", (
        _text("TITLE"),
        _text("SHORT_NAME"),
        Child("DESCRIPTION", "text", min=0),
        _text("VERSION"),
        Child("METADATA_STANDARD", "pattern", xsd_type="VersionType2_0"),
        Child("DATASET_OWNER_CONTACT_EMAIL", "text", min=0),
        Child("DATASET_TYPE", "enum", min=0, max=None, enum=DATASET_TYPES, xsd_type=None),
        _ref("IMAGE_REF", "image", min=0, max=None),
        _ref("ANNOTATION_REF", "annotation", min=0, max=None),
        _ref("OBSERVATION_REF", "observation", min=0, max=None),
        # Other datasets in the repository, by accession: not resolved in the bundle.
        _ref("COMPLEMENTS_DATASET_REF", "dataset", min=0, max=None),
        ATTRIBUTES,
    )),
    EntitySpec("policy", "POLICY", "policy", "PolicyType", (_ref("DATASET_REF", "dataset"), ATTRIBUTES)),
    EntitySpec("landing_page", "LANDING_PAGE", "landing_page", "LandingPageType", (
        _ref("DATASET_REF", "dataset"),
        Child("REMS_ACCESS_LINK", "uri", min=0),
        Child("SAMPLE_IMAGE_FILES", "files", min=0, file_element="SAMPLE_IMAGE_FILE",
              xsd_type="SampleImageFilesType", file_type="SampleImageFileType", filetypes=("jpg", "png"),
              max_files=5),
        ATTRIBUTES,
    )),
    EntitySpec("rems", "REMS", "rems", "REMSType", (
        _text("WORKFLOW_ID"), _text("ORGANISATION_ID"),
        _ref("DATASET_REF", "dataset"), ATTRIBUTES,
    )),
    EntitySpec("organisation", "ORGANISATION", "organisation", "OrganisationType", (
        _text("NAME"),
        Child("PIC_CODE", "int"),
        _text("DATAMANAGER_PERUN_GROUP"),
        _ref("DATASET_REF", "dataset"),
        ATTRIBUTES,
    )),
    EntitySpec("biological_being", "BIOLOGICAL_BEING", "sample", "BiologicalBeingType", (ATTRIBUTES,)),
    EntitySpec("case", "CASE", "sample", "CaseType",
               (_ref("BIOLOGICAL_BEING_REF", "biological_being"), ATTRIBUTES)),
    EntitySpec("specimen", "SPECIMEN", "sample", "SpecimenType", (
        _ref("EXTRACTED_FROM_REF", "biological_being"),
        _ref("PART_OF_CASE_REF", "case", min=0),
        ATTRIBUTES,
    )),
    EntitySpec("block", "BLOCK", "sample", "BlockType",
               (_ref("SAMPLED_FROM_REF", "specimen", max=None), ATTRIBUTES)),
    EntitySpec("slide", "SLIDE", "sample", "SlideType", (
        _ref("CREATED_FROM_REF", "block"),
        _ref("STAINING_INFORMATION_REF", "staining"),
        ATTRIBUTES,
    )),
    EntitySpec("staining", "STAINING", "staining", "StainingType", (
        Choice((Child("PROCEDURE_INFORMATION", "attributes"), Child("STAIN", "attributes", max=None)),
               description="either one PROCEDURE_INFORMATION or one or more STAIN elements"),
        ATTRIBUTES,
    )),
    EntitySpec("image", "IMAGE", "image", "ImageType", (
        _ref("IMAGE_OF", "slide", max=None),
        Child("IMAGE_TYPE", "tagchoice", enum=IMAGE_TYPES, xsd_type=None),
        Child("FILES", "files", xsd_type="ImageFilesType", file_type="ImageFileType", filetypes=("dcm",)),
        ATTRIBUTES,
    )),
    EntitySpec("annotation", "ANNOTATION", "annotation", "AnnotationType", (
        _ref("IMAGE_REF", "image"),
        Child("FILES", "files", xsd_type="AnnotationFilesType", file_type="AnnotationFileType",
              filetypes=("dcm", "json")),
        ATTRIBUTES,
    )),
    EntitySpec("observer", "OBSERVER", "observer", "ObserverType", (
        Child("OBSERVER_TYPE", "enum", enum=OBSERVER_TYPES, xsd_type=None), ATTRIBUTES,
    )),
    EntitySpec("observation", "OBSERVATION", "observation", "ObservationType", (
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
    """One MetaFleX XML file of the bundle layout, validated against `BP.<name>.xsd`."""

    name: str  # short name used in the API, e.g. "image", "sample"
    path: str  # relative to the bundle root
    set_element: str
    set_type: str
    kinds: tuple[str, ...]
    required: bool = True  # False: may be left out when it would be empty (a *_SET may not be empty)


BUNDLE_FILES: tuple[BundleFile, ...] = (
    BundleFile("dataset", "METADATA/dataset.xml", "DATASET_SET", "DatasetSetType", ("dataset",)),
    BundleFile("policy", "METADATA/policy.xml", "POLICY_SET", "PolicySetType", ("policy",)),
    BundleFile("sample", "METADATA/sample.xml", "SAMPLE_SET", "SampleSetType", SAMPLE_KINDS),
    BundleFile("staining", "METADATA/staining.xml", "STAINING_SET", "StainingSetType", ("staining",)),
    BundleFile("image", "METADATA/image.xml", "IMAGE_SET", "ImageSetType", ("image",)),
    BundleFile("annotation", "METADATA/annotation.xml", "ANNOTATION_SET", "AnnotationSetType", ("annotation",),
               required=False),
    BundleFile("observer", "METADATA/observer.xml", "OBSERVER_SET", "ObserverSetType", ("observer",),
               required=False),
    BundleFile("observation", "METADATA/observation.xml", "OBSERVATION_SET", "ObservationSetType",
               ("observation",)),
    BundleFile("rems", "PRIVATE/rems.xml", "REMS_SET", "REMSSetType", ("rems",)),
    BundleFile("organisation", "PRIVATE/organisation.xml", "ORGANISATION_SET", "OrganisationSetType",
               ("organisation",)),
    BundleFile("landing_page", "LANDING_PAGE/landing_page.xml", "LANDING_PAGE_SET", "LandingPageSetType",
               ("landing_page",)),
)
BUNDLE_FILE_BY_NAME = {f.name: f for f in BUNDLE_FILES}
FILE_OF_KIND = {kind: f for f in BUNDLE_FILES for kind in f.kinds}

# Not MetaFleX, but part of the layout: kept, never validated as MetaFleX.
OPTIONAL_LAYOUT_FILES = ("PRIVATE/datacite.xml",)


def _local_types(bundle_file: BundleFile) -> frozenset[str]:
    """The no-namespace types BP.<name>.xsd declares (those an xsi:type may name without a prefix)."""
    found = {bundle_file.set_type, *(ENTITIES[k].xsd_type for k in bundle_file.kinds)}

    def walk(model: tuple[Child | Choice, ...]) -> None:
        for particle in model:
            for child in particle.options if isinstance(particle, Choice) else (particle,):
                found.update(t for t in (child.declared_type, child.file_type) if t and not t.startswith("{"))
                walk(child.children)

    for kind in bundle_file.kinds:
        walk(ENTITIES[kind].children)
    return frozenset(found)


LOCAL_TYPES = {f.name: _local_types(f) for f in BUNDLE_FILES}


def is_xsd_rule(rule: str) -> bool:
    """Would an XSD validator report this too? (observation.target is the XSD's xs:choice of targets.)"""
    return rule.startswith(("schema.", "xml.")) or rule == "observation.target"
