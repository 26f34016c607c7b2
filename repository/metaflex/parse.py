"""Safe, streaming parsing of MetaFleX XML files.

Safety: MetaFleX never needs a DOCTYPE, so any DOCTYPE (internal entities,
external DTDs, XXE, "billion laughs") is refused with an `xml.entity`
problem before the parser sees the file. As a second line of defence the
lxml parser runs with entity resolution, DTD loading and network access off
and `huge_tree` off.

Streaming: `iter_entities` uses `lxml.etree.iterparse` and builds one
`Entity` per top-level element, then clears that element and its finished
siblings, so memory stays bounded by the largest single entity, not by the
file (a 65,407-image `image.xml` is fine).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .schema import BUNDLE_FILES, ELEMENT_TO_KIND, ENTITIES
from .structure import read_entity
from .types import Entity, Problem

_PROLOG_LIMIT = 1 << 20  # bytes of prolog we inspect for a DOCTYPE before giving up
_PROLOG_TOKEN = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def _decode_head(head: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return head.decode(encoding, errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without BOM
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def find_doctype(path: Path) -> int | None:
    """The line of a DOCTYPE declaration in the prolog, or None if there is none."""
    with open(path, "rb") as fh:
        text = _decode_head(fh.read(_PROLOG_LIMIT))
    pos = 0
    while True:
        match = _PROLOG_TOKEN.match(text, pos)
        if not match:
            break
        pos = match.end()
    if text.startswith("<!DOCTYPE", pos) or text.startswith("<!ENTITY", pos):
        return text.count("\n", 0, pos) + 1
    return None


def _parser_kwargs() -> dict[str, object]:
    return {"events": ("start", "end"), "resolve_entities": False, "load_dtd": False, "no_network": True,
            "huge_tree": False, "dtd_validation": False, "remove_comments": True, "remove_pis": True}


class EntityReader:
    """Iterate the entities of one MetaFleX XML file, collecting problems.

    `kinds` restricts which entity kinds are yielded (others are skipped
    unread); by default every kind allowed in the file is yielded. Problems
    (XML safety, well-formedness and structure) are appended to `problems`.
    """

    def __init__(self, path: str | Path, *, label: str | None = None, kinds: tuple[str, ...] | None = None,
                 allowed: tuple[str, ...] | None = None, set_element: str | None = None,
                 problems: list[Problem] | None = None) -> None:
        self.path = Path(path)
        self.label = label or self.path.name
        self.kinds = kinds
        self.allowed = allowed
        self.set_element = set_element
        self.problems: list[Problem] = problems if problems is not None else []
        self.count = 0  # entities seen, including skipped ones
        self._context: etree.iterparse | None = None

    def _problem(self, rule: str, line: int, message: str, element: str = "") -> None:
        self.problems.append(Problem(rule=rule, message=message, file=self.label, line=line, element=element))

    def __iter__(self) -> Iterator[Entity]:
        try:
            line = find_doctype(self.path)
        except OSError as exc:
            self._problem("layout.missing_file", 0, f"cannot read the file: {exc.strerror}.")
            return
        if line is not None:
            self._problem("xml.entity", line, "the file has a <!DOCTYPE> declaration. MetaFleX files must "
                                              "not declare a DTD or entities (they can read local files or "
                                              "expand without limit); remove the DOCTYPE and any &entity; "
                                              "references. The file was not parsed.", element="DOCTYPE")
            return
        try:
            yield from self._iterate()
        except etree.XMLSyntaxError as exc:
            # With entity resolution off, lxml's exception can be vague; its log has the first real error.
            log = self._context.error_log if self._context is not None else exc.error_log
            first = next(iter(log), None) if log else None
            message = first.message if first is not None else (exc.msg or str(exc))
            line = first.line if first is not None else (exc.lineno or 0)
            if "entity" in message.lower():
                self._problem("xml.entity", line, f"{message}: MetaFleX files may only use the predefined "
                                                  "entities (&amp; &lt; &gt; &quot; &apos;); write the text "
                                                  "itself instead.")
            else:
                self._problem("xml.malformed", line, f"the XML is not well-formed ({message}); fix the file so "
                                                     "that it parses (e.g. check it with `xmllint --noout`).")

    def _root_kinds(self, root: etree._Element) -> tuple[str, ...] | None:
        tag = root.tag
        if self.set_element is not None:
            expected = {self.set_element, *(ENTITIES[k].element for k in self.allowed or ())}
            if tag not in expected:
                self._problem("schema.unexpected", root.sourceline or 0,
                              f"the root element is <{tag}>, but this file must have <{self.set_element}> "
                              "as its root; fix the root element.", element=str(tag))
                return None
            return self.allowed
        for bundle_file in BUNDLE_FILES:
            if tag == bundle_file.set_element:
                return bundle_file.kinds
        if tag in ELEMENT_TO_KIND:
            return (ELEMENT_TO_KIND[tag],)
        self._problem("schema.unexpected", root.sourceline or 0,
                      f"<{tag}> is not a MetaFleX 2.0 root element; use a *_SET element.", element=str(tag))
        return None

    def _iterate(self) -> Iterator[Entity]:
        context = self._context = etree.iterparse(str(self.path), **_parser_kwargs())
        depth = 0
        entity_depth = 1
        allowed: tuple[str, ...] = ()
        for event, el in context:
            if event == "start":
                if depth == 0:
                    kinds = self._root_kinds(el)
                    if kinds is None:
                        return
                    allowed = kinds
                    entity_depth = 0 if el.tag in ELEMENT_TO_KIND else 1
                depth += 1
                continue
            depth -= 1
            if depth != entity_depth:
                continue
            kind = ELEMENT_TO_KIND.get(el.tag) if isinstance(el.tag, str) else None
            if kind is None or kind not in allowed:
                self._problem("schema.unexpected", el.sourceline or 0,
                              f"<{el.tag}> does not belong in this file; it may hold only "
                              f"{', '.join('<' + ENTITIES[k].element + '>' for k in allowed)}.",
                              element=str(el.tag))
            else:
                self.count += 1
                if self.kinds is None or kind in self.kinds:
                    entity = read_entity(el, kind, self.label, self.problems)
                    if entity is not None:
                        yield entity
            # Free what we have read: the element and any earlier siblings.
            el.clear(keep_tail=False)
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]


def iter_entities(path: str | Path, kind: str | None = None, *, problems: list[Problem] | None = None,
                  label: str | None = None) -> Iterator[Entity]:
    """Stream the entities of a MetaFleX file (optionally only one kind).

    Problems go into `problems` if given (pass a list to collect them).
    """
    return iter(EntityReader(path, label=label, kinds=(kind,) if kind else None, problems=problems))


def parse_file(path: str | Path, *, label: str | None = None) -> tuple[list[Entity], list[Problem]]:
    """Read a whole (small) file into memory; convenient for tests and tiny files."""
    problems: list[Problem] = []
    entities = list(EntityReader(path, label=label, problems=problems))
    return entities, problems
