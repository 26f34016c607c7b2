"""Write entities back out as a MetaFleX 2.0 bundle (same layout as submissions).

Each XML file is streamed with `lxml.etree.xmlfile`: one entity element is
built, written and dropped at a time, so exporting 65k images needs memory
for one image only. Element order and shapes come from `schema.py`, the same
tables the validator uses, and the output validates against the official
XSDs.

`source` is anything with `iter_entities(name)` where `name` is a bundle file
name from `schema.BUNDLE_FILES` ("dataset", "sample", "image", ...): a
validated `Bundle`, an `EntityCollection`, or the importer's own adapter over
the database. For "sample" it yields beings, cases, specimens, blocks and
slides in the order they should be written.
"""

from __future__ import annotations

import dataclasses
import itertools
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from lxml import etree

from .schema import ATTRIBUTE_ELEMENT, BUNDLE_FILES, ENTITIES, SAMPLE_KINDS, XSI_NIL, XSI_NS, Child, Choice
from .types import Attribute, Entity, FileEntry, Ref

NSMAP = {"xsi": XSI_NS}


class EntitySource(Protocol):
    def iter_entities(self, name: str) -> Iterable[Entity]: ...


class EntityCollection:
    """An in-memory `EntitySource`: entities grouped by kind."""

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self.by_kind: dict[str, list[Entity]] = {}
        for entity in entities:
            self.add(entity)

    def add(self, entity: Entity) -> None:
        self.by_kind.setdefault(entity.kind, []).append(entity)

    def iter_entities(self, name: str) -> Iterable[Entity]:
        kinds = SAMPLE_KINDS if name == "sample" else (name,)
        for kind in kinds:
            yield from self.by_kind.get(kind, [])


# -- element builders ----------------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = text
    return el


def _nil(parent: etree._Element, tag: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.set(XSI_NIL, "true")
    return el


def attribute_element(parent: etree._Element, attribute: Attribute) -> None:
    el = _sub(parent, ATTRIBUTE_ELEMENT[attribute.kind])
    _sub(el, "TAG", attribute.tag)
    if attribute.nil or attribute.value is None:
        _nil(el, "VALUE")
    elif attribute.kind == "code":
        value = _sub(el, "VALUE")
        for key in ("code", "scheme", "meaning"):
            _sub(value, key.upper(), attribute.value[key])
        if attribute.value.get("scheme_version") is None:
            _nil(value, "SCHEME_VERSION")
        else:
            _sub(value, "SCHEME_VERSION", attribute.value["scheme_version"])
    elif attribute.kind == "set":
        attributes_element(el, "VALUE", attribute.value, nillable=True)
    else:
        _sub(el, "VALUE", attribute.value)
    if attribute.kind == "measurement":
        _sub(el, "UNITS", attribute.units or "")


def attributes_element(parent: etree._Element, tag: str, attributes: list[Attribute] | None,
                       *, nillable: bool) -> None:
    if attributes is None and nillable:
        _nil(parent, tag)
        return
    el = _sub(parent, tag)
    for attribute in attributes or []:
        attribute_element(el, attribute)


def _ref(parent: etree._Element, tag: str, ref: Ref) -> None:
    attrib = {"alias": ref.alias}
    if ref.accession:
        attrib["accession"] = ref.accession
    _sub(parent, tag, **attrib)


def _files(parent: etree._Element, child: Child, files: list[FileEntry]) -> None:
    container = _sub(parent, child.name)
    for f in files:
        # Attribute order as in the XSD, for readable diffs.
        attrib = {"filename": f.filename, "checksum_method": f.checksum_method, "checksum": f.checksum}
        if f.unencrypted_checksum:
            attrib["unencrypted_checksum"] = f.unencrypted_checksum
        attrib["filetype"] = f.filetype
        _sub(container, child.file_element, **attrib)


def _value(parent: etree._Element, child: Child, value: Any) -> None:
    if child.type in ("attributes", "code_attributes"):
        attributes_element(parent, child.name, value, nillable=child.nillable)
    elif child.type == "complex":
        el = _sub(parent, child.name)
        _emit(el, child.children, lambda c: _as_list(c, value.get(c.name, _MISSING)))
    elif child.type == "tagchoice":
        _sub(_sub(parent, child.name), value)
    elif value is None and child.nillable:
        _nil(parent, child.name)
    else:
        _sub(parent, child.name, "" if value is None else str(value))


_MISSING = object()


def _as_list(child: Child, value: Any) -> list[Any]:
    if value is _MISSING:
        return []
    return list(value) if child.max != 1 else [value]


def _emit(parent: etree._Element, model: tuple[Child | Choice, ...], get: Callable[[Child], list[Any]]) -> None:
    for particle in model:
        for child in particle.options if isinstance(particle, Choice) else (particle,):
            for value in get(child):
                _value(parent, child, value)


def entity_element(entity: Entity) -> etree._Element:
    """The XML element for one entity, children in XSD order."""
    spec = ENTITIES[entity.kind]
    el = etree.Element(spec.element, nsmap=NSMAP)
    el.set("alias", entity.alias)
    if entity.accession:
        el.set("accession", entity.accession)
    for particle in spec.children:
        for child in particle.options if isinstance(particle, Choice) else (particle,):
            if child.type == "ref":
                for ref in entity.refs.get(child.name, []):
                    _ref(el, child.name, ref)
            elif child.type == "files":
                if entity.files or child.min:
                    _files(el, child, entity.files)
            elif child.name == "ATTRIBUTES":
                attributes_element(el, "ATTRIBUTES", entity.attributes, nillable=True)
            else:
                for value in _as_list(child, entity.fields.get(child.name, _MISSING)):
                    _value(el, child, value)
    return el


# -- accessions ----------------------------------------------------------------------------------


def with_accessions(entity: Entity, accessions: Mapping[str, str]) -> Entity:
    """Fill in missing accessions on the entity and its references from alias -> accession."""
    refs = {element: [r if r.accession or r.alias not in accessions
                      else dataclasses.replace(r, accession=accessions[r.alias]) for r in refs]
            for element, refs in entity.refs.items()}
    accession = entity.accession or accessions.get(entity.alias)
    return dataclasses.replace(entity, accession=accession, refs=refs)


# -- bundle --------------------------------------------------------------------------------------

CopyFile = Callable[[Entity, FileEntry, Path], None]


def write_file(path: Path, set_element: str, entities: Iterable[Entity]) -> int:
    """Stream entities into one XML file; returns how many were written.

    With no entity, no file is written: a *_SET must hold at least one entity.
    """
    stream = iter(entities)
    first = next(stream, None)
    if first is None:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with etree.xmlfile(str(path), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(set_element, nsmap=NSMAP):
            for entity in itertools.chain((first,), stream):
                xf.write("\n")
                xf.write(entity_element(entity), pretty_print=True)
                count += 1
            xf.write("\n")
    return count


def write_bundle(source: EntitySource, out_dir: str | Path, *, accessions: Mapping[str, str] | None = None,
                 copy_files_from: str | Path | None = None, copy_file: CopyFile | None = None) -> Path:
    """Write every MetaFleX XML file of the bundle to `out_dir` and return it.

    `accessions` (alias -> accession) fills in accessions that the entities
    lack. Data files are copied from `copy_files_from` (a bundle root) or by
    calling `copy_file(entity, entry, destination)`; with neither, only XML is
    written. A file with no entity (no annotations, no observers) is left out.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    src_root = Path(copy_files_from) if copy_files_from is not None else None

    def entities(name: str) -> Iterable[Entity]:
        for entity in source.iter_entities(name):
            if accessions:
                entity = with_accessions(entity, accessions)
            for entry in entity.files:
                destination = out / entry.filename
                if src_root is not None:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src_root / entry.filename, destination)
                elif copy_file is not None:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    copy_file(entity, entry, destination)
            yield entity

    for bundle_file in BUNDLE_FILES:
        write_file(out / bundle_file.path, bundle_file.set_element, entities(bundle_file.name))
    return out
