"""The metadata profile: which attributes the repository knows, how they are spelled, what they hold.

The profile is data, `profiles/<name>.toml` (read that file for the attributes
themselves); this module loads it into small frozen objects and says how a
tag or a controlled value is matched:

- tags and nested tags case-insensitively, ignoring `_`, `-` and spaces
  (`tag_key`), and through each attribute's synonyms;
- values the same way, also ignoring spaces around `/` and British or
  American spelling (`value_key`), and through each term's synonyms.

`find_attribute(attributes, tag)` is the one way other code reads an attribute
by its canonical tag, so summaries, facets and exports never spell tags
themselves.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .types import Attribute

PROFILE_DIR = Path(__file__).with_name("profiles")
DEFAULT_PROFILE = "bigpicture-2.0"
CONTEXTS = ("clinical", "non_clinical")
LEVELS = ("required", "recommended", "optional")
FORMATS = ("duration", "datetime", "age_interval", "pixels")

_SEPARATORS = re.compile(r"[\s_\-]+")
_AROUND_SLASH = re.compile(r"\s*/\s*")
# British -> American, applied to both sides of a comparison, so only agreement matters.
_SPELLING = ((re.compile(r"(?<=\w)is(e|ed|es|ing|ation|ations)\b"), r"iz\1"),
             (re.compile(r"(?<=\w)ys(e|ed|es|ing)\b"), r"yz\1"),
             (re.compile(r"(?<=\w)our\b"), "or"),
             (re.compile(r"(?<=\w)(ae|oe)(?=\w)"), "e"))


@lru_cache(maxsize=4096)
def tag_key(tag: str) -> str:
    """`Animal_Species`, `animal-species` and `animal species` all give `animalspecies`."""
    return _SEPARATORS.sub("", tag).casefold()


@lru_cache(maxsize=4096)
def value_key(value: str) -> str:
    """`Clinical / Pseudonymised` and `clinical/pseudonymized` give the same key."""
    text = _AROUND_SLASH.sub("/", value.strip().casefold())
    for pattern, replacement in _SPELLING:
        text = pattern.sub(replacement, text)
    return _SEPARATORS.sub("", text)


@dataclass(frozen=True)
class Code:
    code: str
    scheme: str
    meaning: str

    def as_value(self) -> dict[str, Any]:
        return {"code": self.code, "scheme": self.scheme, "meaning": self.meaning, "scheme_version": None}


@dataclass(frozen=True)
class Term:
    value: str
    synonyms: tuple[str, ...] = ()
    context: str | None = None
    codes: dict[str, Code] = field(default_factory=dict)  # context or "general" -> code

    def code_for(self, context: str | None) -> Code | None:
        """The code in this context's scheme; None when the context is unknown and codes differ."""
        if "general" in self.codes:
            return self.codes["general"]
        return self.codes.get(context) if context else None


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]
    closed: bool = True
    by_key: dict[str, Term] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Term] = {}
        for term in self.terms:
            for name in (term.value, *term.synonyms):
                index.setdefault(value_key(name), term)
        object.__setattr__(self, "by_key", index)

    def lookup(self, text: str) -> Term | None:
        return self.by_key.get(value_key(text))

    def values(self) -> str:
        return ", ".join(term.value for term in self.terms)


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of the profile (see the TOML file's header for each field)."""

    entity: str
    tag: str
    kinds: tuple[str, ...]
    level: str
    synonyms: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ("general",)
    vocabulary: Vocabulary | None = None
    schemes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # context or "general" -> schemes
    format: str | None = None
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical nested tag -> synonyms
    image_types: tuple[str, ...] = ()
    dicom: str | None = None
    nillable: bool = True
    example: str = ""

    keys: frozenset[str] = field(init=False, repr=False, compare=False)
    _members: dict[str, str] = field(init=False, repr=False, compare=False)
    _parts: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", frozenset(tag_key(t) for t in (self.tag, *self.synonyms)))
        members = {tag_key(name): member for member, synonyms in self.members.items()
                   for name in (member, *synonyms)}
        object.__setattr__(self, "_members", members)
        object.__setattr__(self, "_parts", {tag_key(name) + key: member for name in (self.tag, *self.synonyms)
                                            for key, member in members.items()})

    def member_of(self, tag: str) -> str | None:
        """The canonical nested tag that `tag` spells, or None."""
        return self._members.get(tag_key(tag))

    def part_of(self, tag: str) -> str | None:
        """The member a top-level tag carries, e.g. `age_at_extraction_interval_start` -> `start`."""
        return self._parts.get(tag_key(tag))

    def accepted_schemes(self, context: str | None) -> tuple[str, ...] | None:
        if "general" in self.schemes:
            return self.schemes["general"]
        return self.schemes.get(context) if context else None

    def applies(self, context: str | None, image_type: str | None) -> bool:
        if "general" not in self.contexts and context not in self.contexts:
            return False
        return not self.image_types or image_type in self.image_types

    def tried(self) -> str:
        """For messages: the canonical tag and the synonyms a bundle may use instead."""
        return f"TAG {self.tag}" + (f" (synonyms tried: {', '.join(self.synonyms)})" if self.synonyms else "")


@dataclass(frozen=True)
class Profile:
    name: str
    version: str
    attributes: tuple[AttributeSpec, ...]
    clinical_short_name_max: int | None = None
    _by_entity: dict[str, tuple[AttributeSpec, ...]] = field(init=False, repr=False, compare=False)
    _by_tag: dict[tuple[str, str], AttributeSpec] = field(init=False, repr=False, compare=False)
    _keys_of: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_entity: dict[str, tuple[AttributeSpec, ...]] = {}
        keys_of: dict[str, frozenset[str]] = {}
        for spec in self.attributes:
            by_entity[spec.entity] = (*by_entity.get(spec.entity, ()), spec)
            keys_of[spec.tag] = keys_of.get(spec.tag, frozenset()) | spec.keys
        object.__setattr__(self, "_by_entity", by_entity)
        object.__setattr__(self, "_by_tag", {(s.entity, key): s for s in self.attributes for key in s.keys})
        object.__setattr__(self, "_keys_of", keys_of)

    def for_entity(self, kind: str) -> tuple[AttributeSpec, ...]:
        return self._by_entity.get(kind, ())

    def spec_for(self, kind: str, tag: str) -> AttributeSpec | None:
        """The attribute of `kind` that `tag` spells (canonically or by a synonym), or None."""
        return self._by_tag.get((kind, tag_key(tag)))

    def keys_of(self, tag: str) -> frozenset[str]:
        """Every tag key that spells the canonical `tag` on any entity (just its own key if unknown)."""
        return self._keys_of.get(tag, frozenset({tag_key(tag)}))

    def spec(self, kind: str, tag: str) -> AttributeSpec:
        found = next((s for s in self.for_entity(kind) if s.tag == tag), None)
        if found is None:
            raise KeyError(f"the {self.name} profile has no attribute {tag!r} on {kind}")
        return found

    def context_of(self, type_of_dataset: str | None) -> str | None:
        """'clinical', 'non_clinical', or None when the type of dataset is missing or unknown."""
        if not type_of_dataset:
            return None
        vocabulary = self.spec("policy", "type_of_dataset").vocabulary
        term = vocabulary.lookup(type_of_dataset) if vocabulary else None
        return term.context if term else None


# -- loading ---------------------------------------------------------------------------------------


class ProfileError(ValueError):
    """The profile file itself is wrong (a developer's or steward's mistake, found at load)."""


def _code(data: dict[str, str], where: str) -> Code:
    try:
        return Code(code=str(data["code"]), scheme=str(data["scheme"]), meaning=str(data["meaning"]))
    except KeyError as missing:
        raise ProfileError(f"{where}: a code needs code, scheme and meaning; {missing} is missing") from None


def _vocabulary(name: str, data: dict[str, Any]) -> Vocabulary:
    terms = tuple(
        Term(value=t["value"], synonyms=tuple(t.get("synonyms", ())), context=t.get("context"),
             codes={ctx: _code(c, f"vocabulary.{name}.{t['value']}") for ctx, c in t.get("codes", {}).items()})
        for t in data.get("terms", ()))
    return Vocabulary(name=name, terms=terms, closed=bool(data.get("closed", True)))


def _spec(data: dict[str, Any], vocabularies: dict[str, Vocabulary], schemes: dict[str, tuple[str, ...]]
          ) -> AttributeSpec:
    where = f"attribute {data.get('entity')}.{data.get('tag')}"
    if data.get("level") not in LEVELS:
        raise ProfileError(f"{where}: level must be one of {', '.join(LEVELS)}")
    if data.get("format") not in (None, *FORMATS):
        raise ProfileError(f"{where}: format must be one of {', '.join(FORMATS)}")
    vocabulary = data.get("vocabulary")
    if vocabulary is not None and vocabulary not in vocabularies:
        raise ProfileError(f"{where}: no [vocabulary.{vocabulary}]")
    families = data.get("schemes", {})
    if any(family not in schemes for family in families.values()):
        raise ProfileError(f"{where}: schemes must name families of [schemes] ({', '.join(schemes)})")
    return AttributeSpec(
        entity=data["entity"], tag=data["tag"], kinds=tuple(data["kinds"]), level=data["level"],
        synonyms=tuple(data.get("synonyms", ())), contexts=tuple(data.get("contexts", ("general",))),
        vocabulary=vocabularies[vocabulary] if vocabulary else None,
        schemes={context: schemes[family] for context, family in families.items()},
        format=data.get("format"), members={k: tuple(v) for k, v in data.get("members", {}).items()},
        image_types=tuple(data.get("image_types", ())), dicom=data.get("dicom"),
        nillable=bool(data.get("nillable", True)), example=data.get("example", ""))


@cache
def load_profile(name: str = DEFAULT_PROFILE) -> Profile:
    """The profile `profiles/<name>.toml`, read once."""
    path = PROFILE_DIR / f"{name}.toml"
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    if "version" not in data:
        raise ProfileError(f"{path}: the profile needs a version")
    vocabularies = {key: _vocabulary(key, value) for key, value in data.get("vocabulary", {}).items()}
    schemes = {key: tuple(value) for key, value in data.get("schemes", {}).items()}
    attributes = tuple(_spec(a, vocabularies, schemes) for a in data.get("attribute", ()))
    return Profile(name=data.get("name", name), version=str(data["version"]), attributes=attributes,
                   clinical_short_name_max=data.get("dataset", {}).get("clinical_short_name_max"))


# -- reading attributes by canonical tag -------------------------------------------------------------


def find_attributes(attributes: Iterable[Attribute] | None, tag: str, profile: Profile | None = None
                    ) -> list[Attribute]:
    """Every attribute spelling the canonical `tag` (or one of its synonyms), in order."""
    keys = (profile or load_profile()).keys_of(tag)
    return [a for a in attributes or () if tag_key(a.tag) in keys]


def find_attribute(attributes: Iterable[Attribute] | None, tag: str, profile: Profile | None = None
                   ) -> Attribute | None:
    """The first attribute spelling the canonical `tag`, or None."""
    found = find_attributes(attributes, tag, profile)
    return found[0] if found else None
