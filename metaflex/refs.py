"""Alias uniqueness and reference resolution across the whole bundle.

Only small facts are kept per entity (kind, location, accession) and per
reference (owner, element, target), so resolving 65k image references costs a
few megabytes, not the entities themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from .accession import accession_problem
from .schema import ENTITIES, FILE_OF_KIND, SAMPLE_KINDS
from .types import Entity, Problem

# GROSS_IMAGEs photograph tissue before it is on a slide.
GROSS_IMAGE_TARGETS = ("slide", "block", "specimen")


@dataclass(frozen=True, slots=True)
class Known:
    kind: str
    file: str
    line: int
    accession: str | None


@dataclass(frozen=True, slots=True)
class PendingRef:
    file: str
    line: int
    owner: str
    element: str
    alias: str
    accession: str | None
    targets: tuple[str, ...]


def _targets(entity: Entity, element: str) -> tuple[str, ...]:
    if entity.kind == "image" and element == "IMAGE_OF" and entity.fields.get("IMAGE_TYPE") == "GROSS_IMAGE":
        return GROSS_IMAGE_TARGETS
    for child in ENTITIES[entity.kind].children:
        options = getattr(child, "options", (child,))
        for option in options:
            if option.name == element:
                return option.targets
    return ()


def _label(kind: str) -> str:
    return kind.replace("_", " ")


class AliasIndex:
    """Every alias in the bundle and every reference waiting to be resolved."""

    def __init__(self) -> None:
        self.known: dict[str, Known] = {}
        self.pending: list[PendingRef] = []
        self.referenced_observers: set[str] = set()

    def add(self, entity: Entity) -> list[Problem]:
        problems: list[Problem] = []
        if entity.alias:
            first = self.known.get(entity.alias)
            if first is not None:
                problems.append(Problem(
                    rule="alias.duplicate", file=entity.source_file, line=entity.line,
                    element=ENTITIES[entity.kind].element, alias=entity.alias,
                    message=f"alias {entity.alias!r} is already used by a {_label(first.kind)} at "
                            f"{first.file}:{first.line}; aliases must be unique within the dataset, so "
                            "rename one of them (and the references to it)."))
            else:
                self.known[entity.alias] = Known(entity.kind, entity.source_file, entity.line, entity.accession)
        for element, ref in entity.all_refs():
            if element == "COMPLEMENTS_DATASET_REF":
                continue  # resolved against the repository by the importer, not in the bundle
            if element == "OBSERVER_REF":
                self.referenced_observers.add(ref.alias)
            self.pending.append(PendingRef(entity.source_file, entity.line, entity.alias, element, ref.alias,
                                           ref.accession, _targets(entity, element)))
        return problems

    def resolve(self, *, skip_kinds: set[str] = frozenset()) -> list[Problem]:  # type: ignore[assignment]
        """Check every pending reference; `skip_kinds` are kinds whose file could not be read."""
        problems: list[Problem] = []
        for ref in self.pending:
            if skip_kinds & set(ref.targets):
                continue
            target = self.known.get(ref.alias)
            wanted = " or ".join(_label(k) for k in ref.targets)
            where = FILE_OF_KIND[ref.targets[0]].path if ref.targets else "the bundle"
            if target is None:
                problems.append(Problem(
                    rule="ref.unresolved", file=ref.file, line=ref.line, element=ref.element, alias=ref.owner,
                    message=f"<{ref.element} alias={ref.alias!r}> refers to no object in the bundle; add the "
                            f"{wanted} {ref.alias!r} (to {where}) or correct the "
                            "alias."))
            elif target.kind not in ref.targets:
                problems.append(Problem(
                    rule="ref.kind", file=ref.file, line=ref.line, element=ref.element, alias=ref.owner,
                    message=f"<{ref.element} alias={ref.alias!r}> must refer to a {wanted}, but {ref.alias!r} "
                            f"is a {_label(target.kind)} ({target.file}:{target.line}); point it at a {wanted}."))
            elif ref.accession is not None and target.accession is not None and ref.accession != target.accession:
                problems.append(Problem(
                    rule="ref.accession", file=ref.file, line=ref.line, element=ref.element, alias=ref.owner,
                    message=f"<{ref.element} alias={ref.alias!r}> carries accession {ref.accession!r}, but that "
                            f"object's accession is {target.accession!r}; make them agree."))
        return problems


def check_accessions(entity: Entity, *, allow: bool) -> list[Problem]:
    """Accessions are assigned by the repository: refuse them from submitters, check them on re-import."""
    problems: list[Problem] = []
    element = ENTITIES[entity.kind].element

    def add(rule: str, message: str, where: str = element) -> None:
        problems.append(Problem(rule=rule, file=entity.source_file, line=entity.line, element=where,
                                alias=entity.alias, message=message))

    if entity.accession is not None:
        if not allow:
            add("accession.supplied", f"accession={entity.accession!r} must not be sent; the repository "
                                      "assigns accessions. Remove the accession attribute.")
        elif (msg := accession_problem(entity.accession, ENTITIES[entity.kind].accession_type)):
            add("accession.format", msg + ".")
    for ref_element, ref in entity.all_refs():
        target_type = "sample" if ref.kind in SAMPLE_KINDS else ENTITIES[ref.kind].accession_type
        if ref_element == "COMPLEMENTS_DATASET_REF":
            if ref.accession is None:
                add("ref.accession", f"<COMPLEMENTS_DATASET_REF alias={ref.alias!r}> needs the accession of "
                                     "the published dataset it complements; add accession=\"...\".", ref_element)
            elif (msg := accession_problem(ref.accession, "dataset")):
                add("accession.format", msg + ".", ref_element)
            continue
        if ref.accession is None:
            continue
        if not allow:
            add("accession.supplied", f"<{ref_element} alias={ref.alias!r}> carries accession="
                                      f"{ref.accession!r}; submitters refer by alias only. Remove the accession.",
                ref_element)
        elif (msg := accession_problem(ref.accession, target_type)):
            add("accession.format", msg + ".", ref_element)
    return problems
