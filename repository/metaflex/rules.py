"""Context-dependent attribute rules: which ATTRIBUTES each entity must carry.

MetaFleX leaves most content to TAG/VALUE attributes; which ones are
mandatory depends on the dataset context, decided by the policy's
`type_of_dataset` attribute:

- general: every dataset;
- clinical: `Clinical/Anonymized`, `Clinical/Pseudonymized`, `Clinical/Scrambled`;
- non_clinical: `Non-Clinical/Obscured`, `Non-Clinical/Cryptonymised`.

Tags are Bigpicture-style snake_case names (we could not consult the
Bigpicture attribute catalogue, so the names below are our documented
choice; change them here only). Shapes we accept:

| entity            | tag                          | context      | attribute kind / value                                   |
|-------------------|------------------------------|--------------|----------------------------------------------------------|
| policy            | type_of_dataset              | general      | string, one of TYPE_OF_DATASET                           |
| policy            | type_of_access               | general      | string, Direct or Indirect                               |
| biological_being  | sex                          | general      | string (or code meaning) Male/Female/Not-known/Other     |
| biological_being  | animal_species               | general      | code; SNOMED CT (SCT) if clinical, CDISC/SEND otherwise  |
| biological_being  | animal_strain                | non_clinical | string or code                                           |
| biological_being  | study_group                  | non_clinical | string CONTROL or TREATED                                |
| biological_being  | study_duration               | non_clinical | measurement, or string ISO-8601 duration (P28D)          |
| biological_being  | termination_status           | non_clinical | string or code                                           |
| specimen          | extraction_method            | general      | code, SNOMED CT (e.g. 86273004 Biopsy)                   |
| specimen          | fixation_type                | general      | code                                                     |
| specimen          | age_at_extraction            | general      | string "start/length" of ISO-8601 durations (P52Y/PT0S)  |
|                   |                              |              | or set {start, length}; PT0S length = exact age          |
| image (WSI_IMAGE) | scanner_manufacturer         | general      | string                                                   |
| image (WSI_IMAGE) | scanner_model                | general      | string                                                   |
| image (WSI_IMAGE) | scanner_software_versions    | general      | string                                                   |
| image (WSI_IMAGE) | acquisition_datetime         | general      | string, ISO-8601 date-time                               |
| image (WSI_IMAGE) | base_layer_tile_size         | general      | set {width, height} of positive integer numerics         |

A nil VALUE means "known to be unknown" and satisfies a mandatory rule
unless the rule says `nillable=False`. Clinical datasets also keep their
SHORT_NAME to at most 25 characters (`short_name.too_long`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .schema import ATTRIBUTE_ELEMENT
from .types import Attribute, Entity, Problem

TYPE_OF_DATASET = ("Non-Clinical/Obscured", "Non-Clinical/Cryptonymised", "Clinical/Anonymized",
                   "Clinical/Pseudonymized", "Clinical/Scrambled")
TYPE_OF_ACCESS = ("Direct", "Indirect")
SEX = ("Male", "Female", "Not-known", "Other")
STUDY_GROUP = ("CONTROL", "TREATED")
SNOMED_SCHEMES = ("SCT", "SNOMED CT", "SNOMED-CT", "SNOMEDCT")
SEND_SCHEMES = ("CDISC", "SEND", "CDISC/SEND", "CDISC SEND", "NCIt")
CLINICAL_SHORT_NAME_MAX = 25

DURATION_RE = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")

Check = Callable[[Attribute, str], str | None]


def context_of(type_of_dataset: str | None) -> str | None:
    """'clinical', 'non_clinical', or None when unknown."""
    if type_of_dataset in TYPE_OF_DATASET:
        return "non_clinical" if type_of_dataset.startswith("Non-Clinical/") else "clinical"
    return None


# -- value checks: return a message when the value is wrong -------------------------------------


def _text(attribute: Attribute) -> str | None:
    if attribute.kind == "string":
        return attribute.value
    if attribute.kind == "code":
        return attribute.value["meaning"]
    return None


def _vocabulary(values: tuple[str, ...]) -> Check:
    def check(attribute: Attribute, context: str) -> str | None:
        text = _text(attribute)
        if text not in values:
            return f"{text!r} is not allowed; use one of: {', '.join(values)}"
        return None
    return check


def _species(attribute: Attribute, context: str) -> str | None:
    scheme = attribute.value["scheme"]
    if context == "clinical" and scheme not in SNOMED_SCHEMES:
        return f"clinical datasets code species in SNOMED CT (SCHEME 'SCT'), not {scheme!r}"
    if context == "non_clinical" and scheme not in SEND_SCHEMES:
        return f"non-clinical datasets code species in CDISC/SEND (SCHEME 'CDISC'), not {scheme!r}"
    return None


def _snomed(attribute: Attribute, context: str) -> str | None:
    scheme = attribute.value["scheme"]
    if scheme not in SNOMED_SCHEMES:
        return f"use a SNOMED CT code (SCHEME 'SCT', e.g. 86273004 Biopsy), not scheme {scheme!r}"
    return None


def _duration(attribute: Attribute, context: str) -> str | None:
    if attribute.kind == "string" and not DURATION_RE.match(attribute.value.strip()):
        return f"{attribute.value!r} is not an ISO-8601 duration such as P28D"
    return None


def _age(attribute: Attribute, context: str) -> str | None:
    if attribute.kind == "set":
        parts = {a.tag: a.value for a in attribute.value if a.kind == "string" and not a.nil}
        start, length = parts.get("start"), parts.get("length")
    else:
        start, _, length = attribute.value.strip().partition("/")
    if not (start and length and DURATION_RE.match(start) and DURATION_RE.match(length)):
        return ("give the age as an ISO-8601 interval start and length, e.g. 'P52Y/PT0S' "
                "(PT0S for an exact age) or a set {start, length}")
    return None


def _datetime(attribute: Attribute, context: str) -> str | None:
    try:
        datetime.fromisoformat(attribute.value.strip().replace("Z", "+00:00"))
    except ValueError:
        return f"{attribute.value!r} is not an ISO-8601 date-time such as 2024-05-01T13:45:00"
    return None


def _tile_size(attribute: Attribute, context: str) -> str | None:
    parts = {a.tag: a.value for a in attribute.value if a.kind == "numeric" and not a.nil}
    for key in ("width", "height"):
        value = parts.get(key) or ""
        if not value.isdigit() or int(value) <= 0:
            return "give a set with positive integer NUMERIC 'width' and 'height' (pixels)"
    return None


def _is_wsi(entity: Entity) -> bool:
    return entity.fields.get("IMAGE_TYPE") == "WSI_IMAGE"


@dataclass(frozen=True)
class AttributeRule:
    entity: str
    tag: str
    context: str  # general | clinical | non_clinical
    kinds: tuple[str, ...]
    check: Check | None = None
    nillable: bool = True
    when: Callable[[Entity], bool] | None = None
    example: str = ""


RULES: tuple[AttributeRule, ...] = (
    AttributeRule("policy", "type_of_dataset", "general", ("string",), _vocabulary(TYPE_OF_DATASET),
                  nillable=False, example="Clinical/Anonymized"),
    AttributeRule("policy", "type_of_access", "general", ("string",), _vocabulary(TYPE_OF_ACCESS),
                  nillable=False, example="Direct"),
    AttributeRule("biological_being", "sex", "general", ("string", "code"), _vocabulary(SEX), example="Female"),
    AttributeRule("biological_being", "animal_species", "general", ("code",), _species,
                  example="337915000 / SCT / Homo sapiens"),
    AttributeRule("biological_being", "animal_strain", "non_clinical", ("string", "code")),
    AttributeRule("biological_being", "study_group", "non_clinical", ("string",), _vocabulary(STUDY_GROUP),
                  example="CONTROL"),
    AttributeRule("biological_being", "study_duration", "non_clinical", ("measurement", "string"), _duration,
                  example="P28D"),
    AttributeRule("biological_being", "termination_status", "non_clinical", ("string", "code"),
                  example="Scheduled sacrifice"),
    AttributeRule("specimen", "extraction_method", "general", ("code",), _snomed, example="86273004 / SCT / Biopsy"),
    AttributeRule("specimen", "fixation_type", "general", ("code",), example="431510009 / SCT / Formalin"),
    AttributeRule("specimen", "age_at_extraction", "general", ("string", "set"), _age, example="P52Y/PT0S"),
    AttributeRule("image", "scanner_manufacturer", "general", ("string",), when=_is_wsi),
    AttributeRule("image", "scanner_model", "general", ("string",), when=_is_wsi),
    AttributeRule("image", "scanner_software_versions", "general", ("string",), when=_is_wsi),
    AttributeRule("image", "acquisition_datetime", "general", ("string",), _datetime, when=_is_wsi,
                  example="2024-05-01T13:45:00"),
    AttributeRule("image", "base_layer_tile_size", "general", ("set",), _tile_size, when=_is_wsi,
                  example="{width: 256, height: 256}"),
)
RULES_BY_ENTITY: dict[str, tuple[AttributeRule, ...]] = {}
for _rule in RULES:
    RULES_BY_ENTITY[_rule.entity] = (*RULES_BY_ENTITY.get(_rule.entity, ()), _rule)



def check_attributes(entity: Entity, context: str | None) -> list[Problem]:
    """Problems with the mandatory attributes of one entity in the given context."""
    problems: list[Problem] = []

    def add(rule: str, message: str) -> None:
        problems.append(Problem(rule=rule, message=message, file=entity.source_file, line=entity.line,
                                element="ATTRIBUTES", alias=entity.alias))

    for rule in RULES_BY_ENTITY.get(entity.kind, ()):
        if rule.context != "general" and rule.context != context:
            continue
        if rule.when is not None and not rule.when(entity):
            continue
        attribute = entity.attribute(rule.tag)
        kinds = " or ".join(ATTRIBUTE_ELEMENT[k] for k in rule.kinds)
        if attribute is None:
            example = f" (e.g. {rule.example})" if rule.example else ""
            where = "" if rule.context == "general" else f" in {rule.context.replace('_', '-')} datasets"
            add("attribute.mandatory", f"the {rule.tag!r} attribute is mandatory{where}; add a {kinds} "
                                       f"with TAG {rule.tag}{example}.")
            continue
        if attribute.nil:
            if not rule.nillable:
                add("attribute.value", f"{rule.tag!r} may not be nil; give one of its allowed values.")
            continue
        if attribute.kind not in rule.kinds:
            add("attribute.value", f"{rule.tag!r} must be a {kinds}, not a {ATTRIBUTE_ELEMENT[attribute.kind]}.")
            continue
        message = rule.check(attribute, context or "") if rule.check else None
        if message:
            add("attribute.value", f"{rule.tag}: {message}.")
    if entity.kind == "dataset" and context == "clinical":
        short_name = entity.fields.get("SHORT_NAME") or ""
        if len(short_name) > CLINICAL_SHORT_NAME_MAX:
            problems.append(Problem(rule="short_name.too_long", file=entity.source_file, line=entity.line,
                                    element="SHORT_NAME", alias=entity.alias,
                                    message=f"SHORT_NAME {short_name!r} has {len(short_name)} characters; "
                                            f"clinical datasets allow at most {CLINICAL_SHORT_NAME_MAX}. "
                                            "Shorten it."))
    return problems


def policy_type_of_dataset(policy: Entity | None) -> str | None:
    attribute = policy.attribute("type_of_dataset") if policy else None
    return attribute.value if attribute and attribute.kind == "string" and not attribute.nil else None
