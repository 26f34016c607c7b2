"""The contributor's own DataCite record: a bundle's optional PRIVATE/datacite.xml.

It is read with the same safe parser settings as MetaFleX (no DTD, no entities, no
network; a DOCTYPE is refused), kept with the version as XML text, merged into the
DataCite output (`datacite.py`), and written back on export. It sits in PRIVATE/,
so it is never part of the public metaflex.zip. A file that cannot be used is a
problem with file and line, not a crash:

- xml.entity, xml.malformed: as for MetaFleX files;
- datacite.root: the root is not a DataCite kernel-4 <resource>.
"""

from __future__ import annotations

import io
from pathlib import Path

from lxml import etree

from metaflex.parse import SAFE_PARSER_OPTIONS, find_doctype
from metaflex.types import Problem

DATACITE_FILE = "PRIVATE/datacite.xml"
NAMESPACE = "http://datacite.org/schema/kernel-4"
RESOURCE = f"{{{NAMESPACE}}}resource"


def _parse(source) -> etree._Element:
    """The root element, parsed with the MetaFleX parser settings."""
    context = etree.iterparse(source, events=("end",), remove_comments=True, remove_pis=True,
                              **SAFE_PARSER_OPTIONS)
    for _ in context:
        pass
    return context.root


def _declares_dtd(root: etree._Element) -> bool:
    # A second line of defence: find_doctype already refuses any DOCTYPE before the root.
    info = root.getroottree().docinfo
    return bool(info.doctype) or info.internalDTD is not None


def datacite_record_read(bundle_root: Path) -> tuple[str, list[Problem]]:
    """The bundle's DataCite record as XML text ("" when the bundle has none), and its problems."""
    path = Path(bundle_root) / DATACITE_FILE
    if not path.is_file():
        return "", []

    def problem(rule: str, line: int, message: str, element: str = "") -> tuple[str, list[Problem]]:
        return "", [Problem(rule=rule, file=DATACITE_FILE, line=line, element=element, message=message)]

    doctype = ("the file has a <!DOCTYPE> declaration; DataCite records need none. Remove it and any "
               "&entity; references.")
    doctype_line = find_doctype(path)
    if doctype_line is not None:
        return problem("xml.entity", doctype_line, doctype, "DOCTYPE")
    try:
        root = _parse(str(path))
    except etree.XMLSyntaxError as error:
        return problem("xml.malformed", error.lineno or 0, f"the XML is not well-formed ({error.msg}); fix it "
                                                            "(e.g. check it with `xmllint --noout`) or remove it.")
    if _declares_dtd(root):
        return problem("xml.entity", 1, doctype, "DOCTYPE")
    if root.tag != RESOURCE:
        return problem("datacite.root", root.sourceline or 0,
                       f"the root element is <{etree.QName(root).localname}> in namespace "
                       f"{etree.QName(root).namespace or '(none)'}, but a DataCite record is <resource "
                       f"xmlns=\"{NAMESPACE}\">; use DataCite Metadata Schema 4 or remove the file.",
                       etree.QName(root).localname)
    return etree.tostring(root, encoding="unicode"), []


def datacite_record_root(text: str) -> etree._Element | None:
    """The stored record as an element tree (None when there is none)."""
    if not text:
        return None
    return _parse(io.BytesIO(text.encode("utf-8")))


def datacite_record_doi(root: etree._Element | None) -> str:
    if root is None:
        return ""
    identifier = root.find(f"{{{NAMESPACE}}}identifier")
    if identifier is None or (identifier.get("identifierType") or "").upper() != "DOI":
        return ""
    return (identifier.text or "").strip()


def datacite_record_file(text: str) -> bytes:
    """The stored record as the file an export writes."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text.encode("utf-8") + b"\n"
