"""Plain data classes for MetaFleX 2.0 content and validation reports.

Everything here is immutable, free of Django, and JSON-serialisable through
`to_json()` / `from_json()`, so a parsed entity or a report can be stored in a
JSONField, sent to a Celery task or shown in a UI without the XML.

Equality of entities ignores where they came from (`source_file`, `line`), so
a bundle re-parsed from our own export compares equal to the original.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

ATTRIBUTE_KINDS = ("string", "numeric", "measurement", "code", "set")

AttributeKind = Literal["string", "numeric", "measurement", "code", "set"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Attribute:
    """One TAG/VALUE attribute.

    `value` is a str for string attributes, the exact decimal text for numeric
    and measurement attributes, a dict {code, scheme, meaning, scheme_version}
    for code attributes (scheme_version None when nil) and a list of Attribute
    for set attributes. A nil VALUE gives `nil=True, value=None`; an empty
    string value is `""` and not nil.
    """

    kind: AttributeKind
    tag: str
    value: Any = None
    units: str | None = None
    nil: bool = False

    def to_json(self) -> dict[str, Any]:
        value = self.value
        if self.kind == "set" and value is not None:
            value = [a.to_json() for a in value]
        elif self.kind == "code" and value is not None:
            value = dict(value)
        data: dict[str, Any] = {"kind": self.kind, "tag": self.tag, "value": value, "nil": self.nil}
        if self.kind == "measurement":
            data["units"] = self.units
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attribute:
        value = data.get("value")
        if data["kind"] == "set" and value is not None:
            value = [cls.from_json(a) for a in value]
        return cls(kind=data["kind"], tag=data["tag"], value=value, units=data.get("units"),
                   nil=bool(data.get("nil", False)))


def attributes_to_json(attributes: list[Attribute] | None) -> list[dict[str, Any]] | None:
    return None if attributes is None else [a.to_json() for a in attributes]


def attributes_from_json(data: list[dict[str, Any]] | None) -> list[Attribute] | None:
    return None if data is None else [Attribute.from_json(a) for a in data]


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference (`*_REF`, `IMAGE_OF`, ...) to another object by alias (and accession)."""

    kind: str
    alias: str
    accession: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "alias": self.alias, "accession": self.accession}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Ref:
        return cls(kind=data["kind"], alias=data["alias"], accession=data.get("accession"))


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A FILE (or SAMPLE_IMAGE_FILE) element: a path relative to the bundle root."""

    filename: str
    checksum_method: str
    checksum: str
    filetype: str
    unencrypted_checksum: str | None = None
    line: int = field(default=0, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"filename": self.filename, "checksum_method": self.checksum_method,
                "checksum": self.checksum, "unencrypted_checksum": self.unencrypted_checksum,
                "filetype": self.filetype, "line": self.line}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileEntry:
        return cls(filename=data["filename"], checksum_method=data["checksum_method"],
                   checksum=data["checksum"], filetype=data["filetype"],
                   unencrypted_checksum=data.get("unencrypted_checksum"), line=data.get("line", 0))


# Field values hold str, None (nil), lists, dicts, and Attribute lists (STAIN,
# PROCEDURE_INFORMATION, STATEMENT parts). Attributes are tagged in JSON so
# they can be told apart from plain dicts on the way back.
def field_to_json(value: Any) -> Any:
    if isinstance(value, Attribute):
        return {"__attribute__": value.to_json()}
    if isinstance(value, list):
        return [field_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: field_to_json(v) for k, v in value.items()}
    return value


def field_from_json(value: Any) -> Any:
    if isinstance(value, list):
        return [field_from_json(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__attribute__"}:
            return Attribute.from_json(value["__attribute__"])
        return {k: field_from_json(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class Entity:
    """One MetaFleX object (DATASET, IMAGE, SLIDE, OBSERVATION, ...).

    `fields` holds the object's own child elements by XSD element name (see
    `schema.ENTITIES` for what each kind has); `refs` holds its references by
    XSD element name; `attributes` is None when ATTRIBUTES is nil.
    """

    kind: str
    alias: str
    accession: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, list[Ref]] = field(default_factory=dict)
    attributes: list[Attribute] | None = None
    files: list[FileEntry] = field(default_factory=list)
    source_file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def ref(self, element: str) -> Ref | None:
        """The first reference under `element`, or None."""
        refs = self.refs.get(element) or []
        return refs[0] if refs else None

    def all_refs(self) -> Iterable[tuple[str, Ref]]:
        for element, refs in self.refs.items():
            for ref in refs:
                yield element, ref

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "alias": self.alias, "accession": self.accession,
            "fields": field_to_json(self.fields),
            "refs": {k: [r.to_json() for r in v] for k, v in self.refs.items()},
            "attributes": attributes_to_json(self.attributes),
            "files": [f.to_json() for f in self.files],
            "source_file": self.source_file, "line": self.line,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entity:
        return cls(
            kind=data["kind"], alias=data["alias"], accession=data.get("accession"),
            fields=field_from_json(data.get("fields") or {}),
            refs={k: [Ref.from_json(r) for r in v] for k, v in (data.get("refs") or {}).items()},
            attributes=attributes_from_json(data.get("attributes")),
            files=[FileEntry.from_json(f) for f in data.get("files") or []],
            source_file=data.get("source_file", ""), line=data.get("line", 0),
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding. `rule` is a stable id (see README of rule ids in validate.py)."""

    rule: str
    message: str
    file: str = ""
    line: int = 0
    element: str = ""
    alias: str = ""
    severity: Severity = "error"

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "file": self.file, "line": self.line, "element": self.element,
                "alias": self.alias, "message": self.message, "severity": self.severity}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        return cls(rule=data["rule"], message=data["message"], file=data.get("file", ""),
                   line=data.get("line", 0), element=data.get("element", ""),
                   alias=data.get("alias", ""), severity=data.get("severity", "error"))

    def format(self) -> str:
        where = f"{self.file or '<bundle>'}:{self.line}"
        what = " ".join(p for p in (self.element, repr(self.alias) if self.alias else "") if p)
        level = "" if self.severity == "error" else f" ({self.severity})"
        return f"{where}: [{self.rule}]{level} {what}: {self.message}" if what else \
            f"{where}: [{self.rule}]{level} {self.message}"


@dataclass(slots=True)
class Report:
    """All problems found in a bundle. `ok` is true when none is an error."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def rules(self) -> set[str]:
        return {p.rule for p in self.problems}

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": [p.to_json() for p in self.problems]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(problems=[Problem.from_json(p) for p in data.get("problems", [])])

    def format(self) -> str:
        if not self.problems:
            return "No problems found."
        errors, warnings = len(self.errors), len(self.warnings)
        lines = [p.format() for p in self.problems]
        lines.append(f"{errors} error(s), {warnings} warning(s).")
        return "\n".join(lines)
