"""Small mutations of valid MetaFleX files, generated from `schema.py`'s tables.

`roles(root, bundle_file)` walks a file alongside the tables and says what
each element is (its declared XSD type, whether it is nillable, what content
it may have); `mutations(...)` then breaks (or legally varies) each element
in many small ways. The test compares our verdict with `XMLSchema`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from metaflex.datatypes import ANY_TYPE, BP, XS
from metaflex.parse import EntityReader
from metaflex.schema import (
    ATTRIBUTE_MODELS,
    ATTRIBUTE_TYPES,
    CHECKSUM_METHODS,
    ELEMENT_ATTRIBUTE_KIND,
    ENTITIES,
    XSI_NIL,
    XSI_NS,
    XSI_TYPE,
    BundleFile,
    Child,
    Choice,
)
from metaflex.types import Problem

XS_NS, BP_NS = XS[1:-1], BP[1:-1]
NSMAP = {"xsi": XSI_NS, "xs": XS_NS, "bp": BP_NS}  # declared on every base root, so xsi:type can name types


def our_problems(bundle_file: BundleFile, path: Path) -> list[Problem]:
    """Everything `EntityReader` reports for one file of the bundle (structure only: no data files)."""
    problems: list[Problem] = []
    for _ in EntityReader(path, label=bundle_file.path, allowed=bundle_file.kinds,
                          set_element=bundle_file.set_element, problems=problems):
        pass
    return problems


@dataclass(frozen=True)
class Role:
    """What one element is, as the XSD declares it."""

    path: str  # XPath in the base document
    schema_path: str  # the same without positions: mutations are generated once per schema_path
    xsd_type: str | None  # Clark name, None for anonymous types
    content: str  # element | empty | simple | any
    nillable: bool = False
    child: Child | None = None
    owner: str = ""  # set | entity | ref | file | attribute | value | option


def _qname(clark: str) -> str:
    for prefix, ns in (("xs", XS_NS), ("bp", BP_NS)):
        if clark.startswith(f"{{{ns}}}"):
            return f"{prefix}:{clark[len(ns) + 2:]}"
    return clark


def with_namespaces(root: etree._Element) -> etree._Element:
    """A copy of `root` that also declares the xs: and bp: prefixes."""
    copy = etree.Element(root.tag, dict(root.attrib), nsmap={**root.nsmap, **NSMAP})
    copy.text = root.text
    for child in root:
        copy.append(child)
    return copy


def roles(root: etree._Element, bundle_file: BundleFile) -> list[Role]:
    tree = root.getroottree()
    out: list[Role] = []

    def add(el: etree._Element, xsd_type: str | None, content: str, *, nillable: bool = False,
            child: Child | None = None, owner: str = "") -> None:
        path = tree.getpath(el)
        out.append(Role(path, "/".join(p.split("[")[0] for p in path.split("/")), xsd_type, content,
                        nillable, child, owner))

    def model(parent: etree._Element, particles: tuple[Child | Choice, ...]) -> None:
        by_name = {c.name: c for p in particles for c in (p.options if isinstance(p, Choice) else (p,))}
        for el in parent:
            if isinstance(el.tag, str) and el.tag in by_name:
                value(el, by_name[el.tag])

    def value(el: etree._Element, child: Child, owner: str = "value") -> None:
        declared, nil = child.declared_type, child.nillable
        if child.type == "ref":
            add(el, declared, "empty", child=child, owner="ref")
        elif child.type == "files":
            add(el, declared, "element", child=child)
            for item in el:
                add(item, child.file_type, "empty", child=child, owner="file")
        elif child.type in ("attributes", "code_attributes"):
            add(el, declared, "element", nillable=nil, child=child)
            for item in el:
                kind = ELEMENT_ATTRIBUTE_KIND[item.tag]
                add(item, ATTRIBUTE_TYPES[kind], "element", owner="attribute")
                model(item, ATTRIBUTE_MODELS[kind])
        elif child.type in ("complex", "code"):
            add(el, declared, "element", nillable=nil, child=child)
            model(el, child.children)
        elif child.type == "tagchoice":
            add(el, declared, "element", child=child)
            for option in el:
                add(option, ANY_TYPE, "any", owner="option")
        else:
            add(el, declared, "simple", nillable=nil, child=child, owner=owner)

    if root.tag == bundle_file.set_element:
        add(root, bundle_file.set_type, "element", owner="set")
        entities = list(root)
    else:
        entities = [root]
    for entity in entities:
        spec = next(s for s in ENTITIES.values() if s.element == entity.tag)
        add(entity, spec.xsd_type, "element", owner="entity")
        model(entity, spec.children)
    return out


# -- values by declared type: (valid, invalid), as the XSDs define them ---------------------------

VALUES: dict[str | None, tuple[tuple[str, ...], tuple[str, ...]]] = {
    XS + "string": (("", " ", "two\nlines", "\u00a0", "x" * 600), ()),
    XS + "decimal": ((" 1 ", "+.5", "1.", "-0", "\t7\n", "007.50", "99999999999999999999.000000001",
                      "9" * 5000),
                     ("1e5", "\u0661", "\u00b2", "1,5", "", " ", "+", ".", "1.2.3", "\u00a01", "NaN", "1 0", "0x1",
                      "\uff11")),
    XS + "int": ((" 42 ", "+1", "-2147483648", "0001", "2147483647", "\t7\r\n"),
                 ("2147483648", "-2147483649", "9" * 5000, "\u0661\u0662", "\u00b2", "1.0", "", "1 2", "x", "\u00a01")),
    "VersionType2_0": (("2.0.10", "2.0.\u0663", "2.0.\uff11", "2.0.00"),
                       ("2.0.0\n", " 2.0.0", "2.0.", "2.1.0", "2.0.\u00b2", "", "2.0.0 ", "2.0.x", "2.0.\u2460")),
    XS + "anyURI": (("", " x ", "http://\u00e9.org/\u00e4", "#[x]", "a b", "https://rems.example.org/app?id=1"),
                    ("%zz", "::", "http://x:abc", "a#b#c", "http://:", "[")),
}

# xsi:type values derived from (or unrelated to) a declared simple type, each with a value to try.
DERIVED: dict[str, tuple[tuple[str, str], ...]] = {
    XS + "string": (("xs:token", " a  b "), ("xs:normalizedString", "a\tb"), ("bp:ChecksumString", "x"),
                    ("bp:ChecksumString", "0" * 64), ("VersionType2_0", "2.0.1"), ("xs:decimal", "1"),
                    ("xs:anyURI", "x")),
    XS + "decimal": (("xs:integer", "5"), ("xs:integer", "1.5"), ("xs:positiveInteger", "0"), ("xs:byte", "-128"),
                     ("xs:byte", "128"), ("xs:unsignedLong", "18446744073709551615"), ("xs:long", "-9223372036854775809"),
                     ("xs:nonPositiveInteger", "-0"), ("xs:float", "1"), ("xs:string", "1"),
                     ("xs:integer", "-" + "9" * 5000), ("xs:long", "0" * 5000 + "7"), ("xs:unsignedLong", "9" * 5000)),
    XS + "int": (("xs:short", "40000"), ("xs:short", "-32768"), ("xs:byte", "7"), ("xs:long", "7"),
                 ("xs:integer", "7")),
    "VersionType2_0": (("xs:string", "2.0.0"),),
    XS + "anyURI": (("xs:string", "x"), ("xs:anyURI", "x")),
}


@dataclass(frozen=True)
class Mutation:
    name: str
    apply: Callable[[etree._Element], None]  # changes the element the role points at, in a copy


def _set_text(text: str | None, *, clear: bool = True) -> Callable[[etree._Element], None]:
    def apply(el: etree._Element) -> None:
        if clear:
            for child in list(el):
                el.remove(child)
        el.text = text
    return apply


def _set_attr(name: str, value: str) -> Callable[[etree._Element], None]:
    return lambda el: el.set(name, value)


def _del_attr(name: str) -> Callable[[etree._Element], None]:
    return lambda el: el.attrib.pop(name, None)


def _nil(value: str, *, clear: bool) -> Callable[[etree._Element], None]:
    def apply(el: etree._Element) -> None:
        if clear:
            _set_text(None)(el)
        el.set(XSI_NIL, value)
    return apply


def _append(make: Callable[[], etree._Element]) -> Callable[[etree._Element], None]:
    return lambda el: el.append(make())


def _tail_after_first(text: str) -> Callable[[etree._Element], None]:
    def apply(el: etree._Element) -> None:
        if len(el):
            el[0].tail = text
        else:
            el.text = text
    return apply


def _drop(el: etree._Element) -> None:
    el.getparent().remove(el)


def _duplicate(el: etree._Element) -> None:
    el.addnext(etree.fromstring(etree.tostring(el)))


def _empty_set(el: etree._Element) -> None:
    for child in list(el):
        el.remove(child)
    el.text = None


def _typed(xsi_type: str, text: str) -> Callable[[etree._Element], None]:
    def apply(el: etree._Element) -> None:
        el.set(XSI_TYPE, xsi_type)
        el.text = text
    return apply


def mutations(role: Role) -> Iterator[Mutation]:
    """Every mutation for one element (valid ones too: the verdicts must agree both ways)."""
    yield Mutation("unknown attribute", _set_attr("colour", "blue"))
    yield Mutation("unknown xsi attribute", _set_attr(f"{{{XSI_NS}}}colour", "blue"))
    yield Mutation("namespaced attribute", _set_attr("{urn:example}colour", "blue"))
    yield Mutation("xml:lang", _set_attr("{http://www.w3.org/XML/1998/namespace}lang", "en"))
    yield Mutation("xsi:schemaLocation", _set_attr(f"{{{XSI_NS}}}schemaLocation", "urn:x BP.x.xsd"))
    yield Mutation("xsi:noNamespaceSchemaLocation", _set_attr(f"{{{XSI_NS}}}noNamespaceSchemaLocation", "x.xsd"))
    if role.xsd_type:
        yield Mutation("xsi:type declared", _set_attr(XSI_TYPE, _qname(role.xsd_type)))
        yield Mutation("xsi:type declared, padded", _set_attr(XSI_TYPE, f" {_qname(role.xsd_type)} "))
    yield Mutation("xsi:type xs:string", _set_attr(XSI_TYPE, "xs:string"))
    yield Mutation("xsi:type bp:AttributesType", _set_attr(XSI_TYPE, "bp:AttributesType"))
    yield Mutation("xsi:type unbound prefix", _set_attr(XSI_TYPE, "nope:string"))
    yield Mutation("xsi:type unknown", _set_attr(XSI_TYPE, "NoSuchType"))
    yield Mutation("nil false, content kept", _nil("false", clear=False))
    yield Mutation("nil true, emptied", _nil("true", clear=True))
    if role.nillable:
        yield Mutation("nil true, content kept", _nil("true", clear=False))
        yield Mutation("nil true, a space", lambda el: (_nil("true", clear=True)(el), setattr(el, "text", " ")))
        yield Mutation("nil yes", _nil("yes", clear=True))
        yield Mutation("nil ' true '", _nil(" true ", clear=True))
        yield Mutation("nil 1", _nil("1", clear=True))
        yield Mutation("nil false, emptied", _nil("false", clear=True))
    if role.owner != "set":
        yield Mutation("drop", _drop)
        yield Mutation("duplicate", _duplicate)
        yield Mutation("rename lower-case", lambda el: setattr(el, "tag", el.tag.lower()))
        yield Mutation("rename into a namespace", lambda el: setattr(el, "tag", f"{{{BP_NS}}}{el.tag}"))
    else:
        yield Mutation("empty set", _empty_set)
    if role.owner in ("entity", "ref"):
        yield Mutation("no alias", _del_attr("alias"))
        yield Mutation("empty alias", _set_attr("alias", ""))
        yield Mutation("accession", _set_attr("accession", "x"))
    if role.content == "element":
        yield Mutation("text first", _set_text("x", clear=False))
        yield Mutation("text between elements", _tail_after_first("x"))
        yield Mutation("NBSP between elements", _tail_after_first("\u00a0"))
        yield Mutation("whitespace between elements", _tail_after_first("\n \t\r\n"))
        yield Mutation("unknown child", _append(lambda: etree.Element("EXTRA")))
        yield Mutation("emptied", _set_text(None))
    elif role.content == "empty":
        yield Mutation("a space inside", _set_text(" ", clear=False))
        yield Mutation("a line break inside", _set_text("\n", clear=False))
        yield Mutation("text inside", _set_text("x", clear=False))
        yield Mutation("child inside", _append(lambda: etree.Element("X")))
    elif role.content == "simple":
        yield Mutation("child element", _append(lambda: etree.Element("B")))
        yield from _value_mutations(role)
    elif role.content == "any":
        yield Mutation("text inside", _set_text("some text"))
        yield Mutation("other option", lambda el: setattr(el, "tag", "GROSS_IMAGE" if el.tag == "WSI_IMAGE"
                                                          else "WSI_IMAGE"))
        yield Mutation("unknown option", lambda el: setattr(el, "tag", "MRI_IMAGE"))
        yield Mutation("second option", lambda el: el.addnext(etree.Element("GROSS_IMAGE")))
        yield Mutation("xsi:type xs:anyType", _set_attr(XSI_TYPE, "xs:anyType"))
    if role.owner == "file":
        yield from _file_mutations(role)


def _value_mutations(role: Role) -> Iterator[Mutation]:
    child = role.child
    assert child is not None
    if role.xsd_type is None:
        for value in child.enum:
            yield Mutation(f"enumeration {value!r}", _set_text(value))
            for bad in (value + "\n", " " + value, value.lower(), value.upper(), value + " "):
                if bad != value:
                    yield Mutation(f"enumeration {bad!r}", _set_text(bad))
        yield Mutation("enumeration 'Robot'", _set_text("Robot"))
        return
    valid, invalid = VALUES[role.xsd_type]
    for value in valid + invalid:
        yield Mutation(f"value {value[:30]!r}", _set_text(value))
    for xsi_type, value in DERIVED.get(role.xsd_type, ()):
        yield Mutation(f"xsi:type {xsi_type} {value[:20]!r}", _typed(xsi_type, value))


def _file_mutations(role: Role) -> Iterator[Mutation]:
    child = role.child
    assert child is not None
    for name in ("filename", "checksum_method", "checksum", "filetype"):
        yield Mutation(f"no {name}", _del_attr(name))
    for method in (*CHECKSUM_METHODS, "sha256", "MD5", " SHA256"):
        yield Mutation(f"checksum_method {method!r}", _set_attr("checksum_method", method))
    for filetype in (*child.filetypes, "dcm", "json", "jpg", "png", "tiff", "DCM", "dcm "):
        yield Mutation(f"filetype {filetype!r}", _set_attr("filetype", filetype))
    for attr in ("checksum", "unencrypted_checksum"):
        for value in ("0" * 64, "A" * 64, "0" * 63, "0" * 65, "0" * 64 + "\n", " " + "0" * 64, "\u0660" * 64):
            yield Mutation(f"{attr} {value[:3]!r}x{len(value)}", _set_attr(attr, value))
