"""Apply the metadata profile (`profile.py`) to entities: what strays, and the form the repository stores.

One pass over an entity's attributes both reports problems and builds its
canonical form, so what the validator warns about is exactly what the importer
changes:

- a tag spelled another way (`Animal_Species`, `gender`, nested `interval_start`)
  is stored with the canonical tag (`attribute.synonym`, a warning);
- a controlled value spelled another way (`Clinical / Pseudonymised`) is stored
  as the vocabulary's term (`attribute.normalised`, a warning);
- a plain string where a code is expected (`species = human`) becomes the code
  when the vocabulary maps it unambiguously in this context (`attribute.kind`);
- an age given as two top-level attributes (`age_at_extraction_interval_start`,
  `..._interval_duration`) becomes one set {start, length};
- image facts missing from the metadata are filled in from the DICOM headers
  (`dicom.ImageFacts`), and metadata that disagrees with them is reported
  (`image.dicom_mismatch`), never an error.

A missing or malformed attribute is an error only at level `required`
(`attribute.required`, `attribute.value`, `attribute.kind`), else a warning
(`attribute.recommended`, ...). Every message names the tag the profile
expected and the synonyms it tried.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from .dicom import ImageFacts, fact_attribute, fact_disagrees, fact_text
from .durations import duration_parse
from .profile import AttributeSpec, Profile, find_attribute, load_profile, tag_key, value_key
from .schema import ATTRIBUTE_ELEMENT
from .types import Attribute, Entity, Problem

POSITIVE_INT_RE = re.compile(r"[0-9]+\Z")
MAX_EACH = 10  # warnings of one kind listed one by one; the rest are counted

Report = Callable[[str, str, str, str], None]  # (rule, severity, tag, message)


def policy_type_of_dataset(policy: Entity | None, profile: Profile | None = None) -> str | None:
    """The policy's type_of_dataset in its canonical spelling (or as given when not in the vocabulary)."""
    profile = profile or load_profile()
    attribute = find_attribute(policy.attributes if policy else None, "type_of_dataset", profile)
    if attribute is None or attribute.nil or attribute.kind not in ("string", "code"):
        return None
    text = attribute.value if attribute.kind == "string" else attribute.value.get("meaning")
    vocabulary = profile.spec("policy", "type_of_dataset").vocabulary
    term = vocabulary.lookup(text or "") if vocabulary else None
    return term.value if term else text


# -- value formats -----------------------------------------------------------------------------------


def _members(attribute: Attribute, kinds: tuple[str, ...]) -> dict[str, str]:
    return {a.tag: a.value.strip() for a in attribute.value or [] if a.kind in kinds and not a.nil and a.value}


def _format_problem(spec: AttributeSpec, attribute: Attribute) -> str | None:
    if spec.format == "duration" and attribute.kind == "string":
        if duration_parse(attribute.value) is None:
            return f"{attribute.value!r} is not an ISO-8601 duration such as P28D"
    elif spec.format == "datetime" and attribute.kind == "string":
        try:
            datetime.fromisoformat(attribute.value.strip().replace("Z", "+00:00"))
        except ValueError:
            return f"{attribute.value!r} is not an ISO-8601 date-time such as 2024-05-01T13:45:00"
    elif spec.format == "age_interval":
        if attribute.kind == "set":
            parts = _members(attribute, ("string",))
            start, length = parts.get("start"), parts.get("length")
        else:
            start, _, length = attribute.value.strip().partition("/")
        if not (start and length and duration_parse(start) and duration_parse(length)):
            return ("give the age as an ISO-8601 interval start and length, e.g. 'P52Y/PT0S' (PT0S for an exact "
                    "age), or a set {start, length}")
    elif spec.format == "pixels" and attribute.kind == "set":
        parts = _members(attribute, ("numeric", "string"))
        if not all(POSITIVE_INT_RE.match(parts.get(k, "")) and int(parts[k]) > 0 for k in ("width", "height")):
            return "give a set with positive integer NUMERIC 'width' and 'height' (pixels)"
    return None


def _kinds(spec: AttributeSpec) -> str:
    return " or ".join(ATTRIBUTE_ELEMENT[k] for k in spec.kinds)


def _where(spec: AttributeSpec) -> str:
    contexts = [c.replace("_", "-") for c in spec.contexts if c != "general"]
    return f" in {' and '.join(contexts)} datasets" if contexts else ""


# -- one attribute -----------------------------------------------------------------------------------


def _canonical_value(spec: AttributeSpec, attribute: Attribute, context: str | None, said: Report
                     ) -> Attribute:
    """Tag, nested tags, controlled value and kind in the profile's spelling; reports what it changed."""
    tag = spec.tag
    severity = "error" if spec.level == "required" else "warning"

    def report(rule: str, level: str, tag: str, message: str) -> None:  # every message names the profile's tag
        said(rule, level, tag, message if "TAG " in message else f"{message} (profile: {spec.tried()})")

    if attribute.tag != tag:
        report("attribute.synonym", "warning", tag, f"TAG {attribute.tag!r} is read as {tag!r}, the profile's "
                                                    f"{spec.tried()}; the repository stores it as {tag}.")
        attribute = dataclasses.replace(attribute, tag=tag)
    if attribute.nil:
        if not spec.nillable:
            report("attribute.value", severity, tag, f"{tag!r} may not be nil; give one of its allowed values.")
        return attribute
    if attribute.kind == "set" and spec.members:
        renamed = []
        for member in attribute.value or []:
            canonical = spec.member_of(member.tag)
            if canonical and member.tag != canonical:
                report("attribute.synonym", "warning", tag, f"{tag}: nested TAG {member.tag!r} is read as "
                                                            f"{canonical!r} (nested tags: {', '.join(spec.members)}); "
                                                            f"stored as {canonical}.")
                member = dataclasses.replace(member, tag=canonical)
            renamed.append(member)
        if any(a is not b for a, b in zip(renamed, attribute.value or [], strict=True)):
            attribute = dataclasses.replace(attribute, value=renamed)
    vocabulary = spec.vocabulary
    if attribute.kind not in spec.kinds:
        converted = _convert(spec, attribute, context)
        if converted is not None:
            shown = converted.value if converted.kind == "string" else \
                " / ".join(converted.value[k] for k in ("code", "scheme", "meaning"))
            report("attribute.kind", "warning", tag, f"{tag}: a {ATTRIBUTE_ELEMENT[attribute.kind]} "
                                                     f"{_shown(attribute)!r} stands where the profile expects a "
                                                     f"{_kinds(spec)}; stored as {shown}.")
            return converted
        example = f" (e.g. {spec.example})" if spec.example else ""
        report("attribute.kind", severity, tag, f"{tag} should be a {_kinds(spec)}{example}, not a "
                                                f"{ATTRIBUTE_ELEMENT[attribute.kind]}; stored as given.")
        return attribute
    if vocabulary is not None and attribute.kind in ("string", "code"):
        text = attribute.value if attribute.kind == "string" else attribute.value.get("meaning") or ""
        term = vocabulary.lookup(text)
        if term is None and vocabulary.closed:
            report("attribute.value", severity, tag, f"{tag}: {text!r} is not allowed; use one of: "
                                                     f"{vocabulary.values()}.")
        elif term is not None and attribute.kind == "string" and term.value != attribute.value:
            report("attribute.normalised", "warning", tag, f"{tag}: {attribute.value!r} is read as "
                                                           f"{term.value!r}; stored as {term.value!r}.")
            attribute = dataclasses.replace(attribute, value=term.value)
    if attribute.kind == "code":
        accepted = spec.accepted_schemes(context)
        scheme = attribute.value.get("scheme") or ""
        if accepted and value_key(scheme) not in {value_key(s) for s in accepted}:
            where = f"{context.replace('_', '-')} datasets code" if context and "general" not in spec.schemes \
                else "code"
            report("attribute.value", severity, tag, f"{where} {tag} in {accepted[0]} (SCHEME {accepted[0]!r}"
                                                     f"{_example(spec)}), not scheme {scheme!r}.")
    message = _format_problem(spec, attribute)
    if message:
        report("attribute.value", severity, tag, f"{tag}: {message}.")
    return attribute


def _example(spec: AttributeSpec) -> str:
    return f", e.g. {spec.example}" if spec.example else ""


def _shown(attribute: Attribute) -> str:
    return attribute.value if attribute.kind == "string" else str(attribute.value.get("meaning"))


def _convert(spec: AttributeSpec, attribute: Attribute, context: str | None) -> Attribute | None:
    """A string that the vocabulary codes unambiguously, or a code whose meaning is a vocabulary term."""
    vocabulary = spec.vocabulary
    if vocabulary is None:
        return None
    if attribute.kind == "string" and "code" in spec.kinds:
        term = vocabulary.lookup(attribute.value)
        code = term.code_for(context) if term else None
        return Attribute("code", spec.tag, code.as_value()) if code else None
    if attribute.kind == "code" and "string" in spec.kinds:
        term = vocabulary.lookup(attribute.value.get("meaning") or "")
        return Attribute("string", spec.tag, term.value) if term else None
    return None


def _merge_parts(specs: tuple[AttributeSpec, ...], attributes: list[Attribute], report: Report
                 ) -> list[Attribute]:
    """An age as two top-level attributes (`<tag>_interval_start`, `<tag>_interval_duration`) -> one set."""
    for spec in specs:
        if not spec.members or spec.format != "age_interval":
            continue
        parts = [(i, spec.part_of(a.tag), a) for i, a in enumerate(attributes)]
        parts = [(i, member, a) for i, member, a in parts if member]
        if not parts or any(tag_key(a.tag) in spec.keys for a in attributes):
            continue
        given = {member: a for _, member, a in parts}
        value = [dataclasses.replace(given[m], tag=m) for m in spec.members if m in given]
        merged = Attribute("set", spec.tag, value)
        names = ", ".join(a.tag for _, _, a in parts)
        report("attribute.synonym", "warning", spec.tag, f"{names} are read as one SET_ATTRIBUTE {spec.tag} "
                                                         f"{{{', '.join(spec.members)}}} ({spec.tried()}); stored "
                                                         "as that set.")
        first = parts[0][0]
        drop = {i for i, _, _ in parts}
        attributes = [merged if i == first else a for i, a in enumerate(attributes) if i == first or i not in drop]
    return attributes


# -- one entity --------------------------------------------------------------------------------------


def _apply(entity: Entity, context: str | None, facts: ImageFacts | None, profile: Profile,
           report: Report) -> tuple[Entity, list[str]]:
    """The canonical entity, and the tags filled in from `facts`."""
    specs = profile.for_entity(entity.kind)
    if not specs:
        return entity, []
    original = entity.attributes
    attributes = _merge_parts(specs, list(original or []), report)
    seen: dict[str, int] = {}
    for i, attribute in enumerate(attributes):
        spec = profile.spec_for(entity.kind, attribute.tag)
        if spec is None:
            continue
        attributes[i] = _canonical_value(spec, attribute, context, report)
        seen.setdefault(spec.tag, i)
    image_type = entity.fields.get("IMAGE_TYPE")
    filled: list[str] = []
    for spec in specs:
        if not spec.applies(context, image_type):
            continue
        index = seen.get(spec.tag)
        present = attributes[index] if index is not None else None
        dicom = fact_attribute(spec.dicom, spec.tag, facts) if spec.dicom and facts else None
        if present is not None and not present.nil:
            if dicom is not None and fact_disagrees(spec.dicom, present, facts, dicom):
                report("image.dicom_mismatch", "warning", spec.tag,
                       f"{spec.tag} is {_shown_any(present)!r} in the metadata, but the DICOM header of the base "
                       f"layer says {fact_text(spec.dicom, facts)!r}; check which one is right.")
            continue
        if dicom is not None:
            filled.append(spec.tag)
            if index is None:
                attributes.append(dicom)
            else:
                attributes[index] = dicom
            continue
        if present is None and spec.level != "optional":
            example = f" (e.g. {spec.example})" if spec.example else ""
            rule = f"attribute.{spec.level}"
            report(rule, "error" if spec.level == "required" else "warning", spec.tag,
                   f"the {spec.tag!r} attribute is {spec.level}{_where(spec)}; add a {_kinds(spec)} with "
                   f"{spec.tried()}{example}.")
    if original is None and not filled:
        return entity, filled
    if original is not None and len(attributes) == len(original) and all(
            a is b for a, b in zip(attributes, original, strict=True)):
        return entity, filled
    return dataclasses.replace(entity, attributes=attributes), filled


def _shown_any(attribute: Attribute) -> str:
    if attribute.kind == "set":
        return "x".join(str(a.value) for a in attribute.value or [])
    if attribute.kind == "measurement":
        return f"{attribute.value} {attribute.units or ''}".strip()
    return _shown(attribute)


def canonical_entity(entity: Entity, context: str | None, facts: ImageFacts | None = None,
                     profile: Profile | None = None) -> Entity:
    """The entity as the repository stores it (what `ProfileChecker.check` reported on)."""
    return _apply(entity, context, facts, profile or load_profile(), lambda *args: None)[0]


class ProfileChecker:
    """Checks entities against the profile as they stream past, keeping only counters.

    Warnings of one kind (rule, entity kind, tag) are listed `MAX_EACH` times, then counted: a bundle of
    65k images without scanner attributes gives a short report, not 300k lines.
    """

    def __init__(self, context: str | None, profile: Profile | None = None) -> None:
        self.context = context
        self.profile = profile or load_profile()
        self._seen: Counter[tuple[str, str, str]] = Counter()
        self._first: dict[tuple[str, str, str], Problem] = {}
        self._filled: Counter[str] = Counter()
        self._first_filled: dict[str, Entity] = {}

    def check(self, entity: Entity, facts: ImageFacts | None = None) -> tuple[Entity, list[Problem], bool]:
        """(canonical entity, problems to report now, whether DICOM facts filled anything in)."""
        problems: list[Problem] = []

        def report(rule: str, severity: str, tag: str, message: str) -> None:
            key = (rule, entity.kind, tag)
            self._seen[key] += 1
            problem = Problem(rule=rule, message=message, file=entity.source_file, line=entity.line,
                              element="ATTRIBUTES", alias=entity.alias, severity=severity)  # type: ignore[arg-type]
            self._first.setdefault(key, problem)
            if severity == "error" or self._seen[key] <= MAX_EACH:
                problems.append(problem)

        canonical, filled = _apply(entity, self.context, facts, self.profile, report)
        for tag in filled:
            self._filled[tag] += 1
            self._first_filled.setdefault(tag, entity)
        if entity.kind == "dataset":
            problems.extend(self._short_name(entity))
        return canonical, problems, bool(filled)

    def _short_name(self, entity: Entity) -> list[Problem]:
        limit = self.profile.clinical_short_name_max
        short_name = entity.fields.get("SHORT_NAME") or ""
        if self.context != "clinical" or limit is None or len(short_name) <= limit:
            return []
        return [Problem(rule="short_name.too_long", file=entity.source_file, line=entity.line, element="SHORT_NAME",
                        alias=entity.alias, severity="warning",
                        message=f"SHORT_NAME {short_name!r} has {len(short_name)} characters; Bigpicture keeps "
                                f"those of clinical datasets to at most {limit}. Shorten it.")]

    def summary(self) -> list[Problem]:
        """What was counted rather than listed, and what the DICOM headers filled in."""
        problems = []
        for key, count in self._seen.items():
            first = self._first[key]
            if first.severity == "warning" and count > MAX_EACH:
                rule, kind, tag = key
                problems.append(dataclasses.replace(first, message=(
                    f"... and {count - MAX_EACH} more {kind.replace('_', ' ')}(s) with the same {rule} problem on "
                    f"{tag} (not listed); the first was: {first.message}")))
        for tag, count in self._filled.items():
            entity = self._first_filled[tag]
            problems.append(Problem(
                rule="image.dicom_filled", file=entity.source_file, line=entity.line, element="ATTRIBUTES",
                alias=entity.alias, severity="warning",
                message=f"{tag} is missing (or nil) on {count} image(s) (first: {entity.alias!r}); the repository fills it "
                        "in from the DICOM headers of their files. Add it to the metadata to state it yourself."))
        return problems
