"""Safe, streaming parsing of MetaFleX XML files.

Safety: MetaFleX never needs a DOCTYPE, so any DOCTYPE (internal entities,
external DTDs, parameter entities, XXE, "billion laughs") is refused with an
`xml.entity` problem and the file is not read. The parser itself decides: a
first pass feeds the file to an lxml target parser that stops at its
`doctype()` callback (called before the internal subset is read, so nothing
is declared or expanded) or at the root element, however long the prolog
(comments, processing instructions) is and whatever the encoding. A DOCTYPE
anywhere else is not well-formed XML. As a second line of defence the
reading parser runs with entity resolution, DTD loading and network access
off and `huge_tree` off.

Streaming: `iter_entities` uses `lxml.etree.iterparse` and builds one
`Entity` per top-level element, then clears that element and its finished
siblings, so memory stays bounded by the largest single entity, not by the
file (a 65,407-image `image.xml` is fine).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .schema import BUNDLE_FILES, ELEMENT_TO_KIND, ENTITIES, BundleFile
from .structure import Context, check_set_element, read_entity, stray_text
from .types import Entity, Problem

_PROLOG_CHUNK = 1 << 13  # bytes fed per step while looking for a DOCTYPE (small: locates it closely)
# Entities, DTDs and the network stay off for every XML file the portal reads.
SAFE_PARSER_OPTIONS = {"resolve_entities": False, "load_dtd": False, "no_network": True, "huge_tree": False,
         "dtd_validation": False}


class _Stop(Exception):
    def __init__(self, doctype: bool) -> None:
        self.doctype = doctype


class _PrologTarget:
    """Parser target that ends the parse at the DOCTYPE or at the root element, whichever comes first."""

    def doctype(self, *args: object) -> None:
        raise _Stop(doctype=True)

    def start(self, *args: object) -> None:
        raise _Stop(doctype=False)

    def close(self) -> None:
        return None


def find_doctype(path: Path) -> int | None:
    """The line of the file's DOCTYPE declaration (0 if it cannot be located), or None if it has none."""
    parser = etree.XMLParser(target=_PrologTarget(), **SAFE_PARSER_OPTIONS)
    fed = 0
    with open(path, "rb") as fh:
        try:
            while chunk := fh.read(_PROLOG_CHUNK):
                fed += len(chunk)
                parser.feed(chunk)
            parser.close()
        except _Stop as stop:
            return _line_of_last_doctype(path, fed) if stop.doctype else None
        except etree.XMLSyntaxError:
            return None  # not well-formed before the root: the reading pass reports where
    return None


def _sniff_encoding(head: bytes) -> str:
    """Enough of XML's encoding detection to find ASCII markup and line breaks."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return encoding
    if head[:2] in (b"<\x00", b"\x00<"):
        return "utf-16-le" if head[0] == 0x3C else "utf-16-be"
    return "latin-1"  # any ASCII-compatible encoding: markup and newlines are single bytes


def _line_of_last_doctype(path: Path, end: int) -> int:
    """The line of the last "<!DOCTYPE" in the first `end` bytes, where the parser met a DOCTYPE."""
    found, line, tail = 0, 1, ""
    with open(path, "rb") as fh:
        decoder = codecs.getincrementaldecoder(_sniff_encoding(fh.read(4)))(errors="replace")
        fh.seek(0)
        while fh.tell() < end and (data := fh.read(min(1 << 16, end - fh.tell()))):
            piece = decoder.decode(data)
            window = tail + piece
            if (pos := window.rfind("<!DOCTYPE")) >= 0:
                found = line - tail.count("\n") + window.count("\n", 0, pos)
            line += piece.count("\n")
            tail = window[-8:]
    return found


class EntityReader:
    """Iterate the entities of one MetaFleX XML file, collecting problems.

    `kinds` restricts which entity kinds are yielded (others are skipped
    unread); by default every kind allowed in the file is yielded. Problems
    (XML safety, well-formedness and structure) are appended to `problems`.
    `files_to_fill`: an IMAGE's empty FILES is a warning, not a schema error (`structure.read_entity`).
    """

    def __init__(self, path: str | Path, *, label: str | None = None, kinds: tuple[str, ...] | None = None,
                 allowed: tuple[str, ...] | None = None, set_element: str | None = None,
                 problems: list[Problem] | None = None, files_to_fill: bool = False) -> None:
        self.path = Path(path)
        self.files_to_fill = files_to_fill
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

    def _root(self, root: etree._Element) -> tuple[tuple[str, ...], BundleFile | None] | None:
        """The entity kinds the root may hold, and its bundle file if the root is a *_SET element."""
        tag = root.tag
        if self.set_element is not None:
            expected = {self.set_element, *(ENTITIES[k].element for k in self.allowed or ())}
            if tag not in expected:
                self._problem("schema.unexpected", root.sourceline or 0,
                              f"the root element is <{tag}>, but this file must have <{self.set_element}> "
                              "as its root; fix the root element.", element=str(tag))
                return None
            set_file = next((f for f in BUNDLE_FILES if f.set_element == tag), None)
            return self.allowed or (set_file.kinds if set_file else (ELEMENT_TO_KIND[tag],)), set_file
        for bundle_file in BUNDLE_FILES:
            if tag == bundle_file.set_element:
                return bundle_file.kinds, bundle_file
        if tag in ELEMENT_TO_KIND:
            return (ELEMENT_TO_KIND[tag],), None
        self._problem("schema.unexpected", root.sourceline or 0,
                      f"<{tag}> is not a MetaFleX 2.0 root element; use a *_SET element.", element=str(tag))
        return None

    def _iterate(self) -> Iterator[Entity]:
        context = self._context = etree.iterparse(str(self.path), events=("start", "end"), remove_comments=True,
                                                  remove_pis=True, **SAFE_PARSER_OPTIONS)
        depth = 0
        entity_depth = 1
        allowed: tuple[str, ...] = ()
        root: etree._Element | None = None
        set_ctx: Context | None = None  # checks of the *_SET element itself, when the root is one
        for event, el in context:
            if event == "start":
                if depth == 0:
                    found = self._root(el)
                    if found is None:
                        return
                    allowed, set_file = found
                    root = el
                    entity_depth = 0 if set_file is None else 1
                    if set_file is not None:
                        set_ctx = check_set_element(el, set_file, self.label, self.problems)
                depth += 1
                continue
            depth -= 1
            if depth == 0 and set_ctx is not None and root is not None:
                self._close_set(root, set_ctx, allowed)
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
                    entity = read_entity(el, kind, self.label, self.problems, files_to_fill=self.files_to_fill)
                    if entity is not None:
                        yield entity
            # Free what we have read: the element and any earlier siblings, checking the text between them
            # (a sibling's tail is complete once a later sibling has ended).
            el.clear(keep_tail=True)
            parent = el.getparent()
            if parent is not None and set_ctx is not None:
                if el.getprevious() is None:
                    stray_text(parent.text, parent, str(parent.tag), set_ctx)
                while el.getprevious() is not None:
                    stray_text(parent[0].tail, parent[0], str(parent.tag), set_ctx)
                    del parent[0]

    def _close_set(self, root: etree._Element, ctx: Context, allowed: tuple[str, ...]) -> None:
        """At the end of a *_SET: the text not checked yet, and the XSD's "at least one entity"."""
        if not len(root):
            stray_text(root.text, root, str(root.tag), ctx)
        for child in root:
            stray_text(child.tail, child, str(root.tag), ctx)
        if not self.count:
            elements = " or ".join(f"<{ENTITIES[k].element}>" for k in allowed)
            self._problem("schema.required", root.sourceline or 0,
                          f"<{root.tag}> is empty, but it must hold at least one {elements}; add one, or leave "
                          "the file out of the bundle if it is optional.", element=str(root.tag))


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
