"""The landing-page summary and catalogue facets, gathered while a bundle streams by."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from metaflex.profile import find_attribute, find_attributes, load_profile
from metaflex.types import Attribute, Entity
from repository.display import MICROMETRE, PER_PIXEL, duration_parse, units_text
from repository.summary_fields import SUMMARY_FIELDS

MAX_VALUES = 50
# The policy's attributes, in the profile's order: the terms of use read them all.
POLICY_TAGS = tuple(spec.tag for spec in load_profile().for_entity("policy"))
IMAGE_TYPE_LABELS = {"WSI_IMAGE": "Whole-slide image", "GROSS_IMAGE": "Gross image"}


def attribute_text(attribute: Attribute | None) -> str | None:
    """What a person reads for an attribute: the meaning of a code, the value with units."""
    if attribute is None or attribute.nil or attribute.value in (None, ""):
        return None
    if attribute.kind == "code":
        return attribute.value.get("meaning") or attribute.value.get("code")
    if attribute.kind == "measurement":
        return f"{attribute.value} {units_text(attribute.units)}".strip()
    if attribute.kind == "set":
        return None
    return str(attribute.value)


def attribute_texts(attribute: Attribute) -> list[str]:
    """What a person reads for an attribute as a list: a set gives one entry per nested attribute."""
    if attribute.kind != "set":
        text = attribute_text(attribute)
        return [text] if text else []
    entries = []
    for nested in [] if attribute.nil else attribute.value or []:
        if nested.kind == "set":
            texts = attribute_texts(nested)
            text = f"{nested.tag.replace('_', ' ').capitalize()}: {', '.join(texts)}" if texts else None
        else:
            text = attribute_text(nested)
        if text:
            entries.append(text)
    return entries


def _texts(attributes: list[Attribute] | None, *tags: str) -> list[str]:
    """What people read of the attributes with these canonical tags (synonyms included)."""
    return [text for tag in tags for a in find_attributes(attributes, tag) if (text := attribute_text(a))]


def _resolutions(attributes: list[Attribute] | None) -> list[str]:
    """Base-layer resolutions, always written in µm/px (the unit the tag means)."""
    texts = []
    for a in attributes or []:
        if a.tag != "base_layer_resolution" or a.nil or a.value in (None, "") or a.kind not in (
                "numeric", "measurement"):
            continue
        units = units_text(a.units) if a.kind == "measurement" else PER_PIXEL
        texts.append(f"{a.value} {PER_PIXEL if units in (MICROMETRE, PER_PIXEL) else units}")
    return texts


def _age_years(attribute: Attribute | None) -> float | None:
    if attribute is None or attribute.nil:
        return None
    text = attribute.value if attribute.kind == "string" else next(
        (a.value for a in attribute.value or [] if a.tag == "start" and not a.nil), None)
    duration = duration_parse((text or "").split("/")[0])
    return duration.in_years() if duration else None


class SummaryCollector:
    def __init__(self) -> None:
        self.values: dict[str, set[str]] = defaultdict(set)
        self.ages: list[float] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.policy: dict[str, Any] = {}

    def _add(self, key: str, values) -> None:
        bucket = self.values[key]
        for value in values:
            if len(bucket) < MAX_VALUES:
                bucket.add(value)

    def add(self, entity: Entity) -> None:
        self.counts[entity.kind] += 1
        attrs = entity.attributes
        if entity.kind == "biological_being":
            self._add("species", _texts(attrs, "animal_species"))
            self._add("sexes", _texts(attrs, "sex"))
            self._add("study_durations", _texts(attrs, "study_duration"))
        elif entity.kind == "specimen":
            self._add("extraction_methods", _texts(attrs, "extraction_method"))
            self._add("anatomical_sites", _texts(attrs, "anatomical_site"))
            self._add("specimen_types", _texts(attrs, "specimen_type") or _texts(attrs, "extraction_method"))
            age = _age_years(find_attribute(attrs, "age_at_extraction"))
            if age is not None:
                self.ages.append(age)
        elif entity.kind == "staining":
            procedure = entity.fields.get("PROCEDURE_INFORMATION") or []
            stains = [a for stain in entity.fields.get("STAIN") or [] for a in (stain or [])]
            self._add("stainings", [t for a in [*procedure, *stains] if (t := attribute_text(a))][:3])
        elif entity.kind == "image":
            self._add("image_types", [IMAGE_TYPE_LABELS.get(entity.fields.get("IMAGE_TYPE"), "Other")])
            self._add("resolutions_um_per_px", _resolutions(attrs))
            scanner = " ".join(_texts(attrs, "scanner_manufacturer") + _texts(attrs, "scanner_model"))
            if scanner:
                self._add("scanners", [scanner])
        elif entity.kind == "observation":
            statement = entity.fields.get("STATEMENT") or {}
            if statement.get("STATEMENT_TYPE") in ("Diagnosis", "Finding"):
                codes = statement.get("CODE_ATTRIBUTES") or []
                self._add("diagnoses", [text for a in codes if (text := attribute_text(a))])
        elif entity.kind == "policy":
            for tag in POLICY_TAGS:
                texts = [text for a in attrs or [] if a.tag == tag for text in attribute_texts(a)]
                self.policy[tag] = texts[0] if len(texts) == 1 else (texts or None)

    def age_range(self) -> str | None:
        if not self.ages:
            return None
        low, high = min(self.ages), max(self.ages)
        if high < 2:
            low, high, unit = round(low * 52.18), round(high * 52.18), "weeks"
        else:
            low, high, unit = round(low, 1), round(high, 1), "years"
        return f"{low:g} {unit}" if low == high else f"{low:g}–{high:g} {unit}"

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {key: sorted(self.values.get(key, ())) for key, _ in SUMMARY_FIELDS}
        summary["age_range"] = self.age_range()
        summary["policy"] = self.policy
        return summary

    def facets(self) -> dict[str, list[str]]:
        return {
            "species": sorted(self.values.get("species", ())),
            "anatomical_site": sorted(self.values.get("anatomical_sites", ())),
            "stain": sorted(self.values.get("stainings", ())),
            "diagnosis": sorted(self.values.get("diagnoses", ())),
            "specimen_type": sorted(self.values.get("specimen_types", ())),
        }
