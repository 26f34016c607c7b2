"""The XSD simple types the MetaFleX 2.0.0 XSDs use, checked exactly as `lxml.etree.XMLSchema` does.

What a value may look like is decided here, once: the lexical spaces of
xs:decimal, xs:int and their relatives (ASCII digits only, after XML
whitespace collapse), xs:anyURI (libxml2's URI-reference grammar), the
`VersionType2_0` and `ChecksumString` patterns (which keep whitespace), and
xs:boolean for `xsi:nil`. `xsi_type` decides whether an `xsi:type` names the
declared type or one derived from it (XML Schema Part 1, 3.4.4).

Type names are in Clark notation: `{http://www.w3.org/2001/XMLSchema}string`,
`{BP.common}AttributesType`, or a bare name for the no-namespace types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

XS = "{http://www.w3.org/2001/XMLSchema}"
BP = "{BP.common}"
XML_SPACE = " \t\n\r"  # the only whitespace XSD collapses (not NBSP, not Unicode spaces)

# `\d` in an XSD pattern is Unicode category Nd; libxml2 uses its Unicode 4.0 tables for it.
_XSD_DIGIT_RANGES = (
    (0x0030, 0x0039), (0x0660, 0x0669), (0x06F0, 0x06F9), (0x0966, 0x096F), (0x09E6, 0x09EF),
    (0x0A66, 0x0A6F), (0x0AE6, 0x0AEF), (0x0B66, 0x0B6F), (0x0BE7, 0x0BEF), (0x0C66, 0x0C6F),
    (0x0CE6, 0x0CEF), (0x0D66, 0x0D6F), (0x0E50, 0x0E59), (0x0ED0, 0x0ED9), (0x0F20, 0x0F29),
    (0x1040, 0x1049), (0x1369, 0x1371), (0x17E0, 0x17E9), (0x1810, 0x1819), (0x1946, 0x194F),
    (0xFF10, 0xFF19), (0x104A0, 0x104A9), (0x1D7CE, 0x1D7FF),
)
_XSD_DIGIT = "".join(f"{chr(a)}-{chr(b)}" for a, b in _XSD_DIGIT_RANGES)

# Every pattern is anchored at both ends (`\Z`, not `$`, which also matches before a final newline).
DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
INTEGER_RE = re.compile(r"[+-]?[0-9]+\Z")
CHECKSUM_RE = re.compile(r"[0-9a-f]{64}\Z")
VERSION_2_0_RE = re.compile(rf"2\.0\.[{_XSD_DIGIT}]+\Z")  # BP.dataset.xsd VersionType2_0: 2\.0\.\d+

# xs:anyURI as libxml2 checks it: collapse, replace characters it tolerates by "_", then parse the
# result as an RFC 3986 URI-reference (libxml2 also allows "[" and "]" in a fragment, and no empty port).
_UNRESERVED, _PCT, _SUB = r"[A-Za-z0-9\-._~]", r"%[0-9A-Fa-f]{2}", r"[!$&'()*+,;=]"
_PCHAR = rf"(?:{_UNRESERVED}|{_PCT}|{_SUB}|[:@])"
_SEGMENTS = rf"(?:/{_PCHAR}*)*"
_AUTHORITY = (rf"(?:(?:{_UNRESERVED}|{_PCT}|{_SUB}|:)*@)?"
              rf"(?:\[[^\]]*\]|(?:{_UNRESERVED}|{_PCT}|{_SUB})*)(?::[0-9]+)?")
_PATH_ABSOLUTE = rf"/(?:{_PCHAR}+{_SEGMENTS})?"
_HIER = rf"(?://{_AUTHORITY}{_SEGMENTS}|{_PATH_ABSOLUTE}|{_PCHAR}+{_SEGMENTS}|)"
_RELATIVE = rf"(?://{_AUTHORITY}{_SEGMENTS}|{_PATH_ABSOLUTE}|(?:{_UNRESERVED}|{_PCT}|{_SUB}|@)+{_SEGMENTS}|)"
_URI_RE = re.compile(rf"(?:[A-Za-z][A-Za-z0-9+.\-]*:{_HIER}|{_RELATIVE})"
                     rf"(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?\[\]])*)?\Z")
_URI_TOLERATED = re.compile(r"[^\x21-\x7e]|[<>\"{}|\\^`']")


def collapse(text: str) -> str:
    """XSD whiteSpace="collapse": trim XML whitespace and squeeze inner runs to one space."""
    return re.sub(f"[{XML_SPACE}]+", " ", text).strip(" ")


def _integer(low: int | None, high: int | None) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        value = text.strip(XML_SPACE)
        if not INTEGER_RE.match(value):
            return False
        negative, digits = value.startswith("-"), value.lstrip("+-").lstrip("0") or "0"
        if len(digits) > 40:  # beyond every bound (and beyond Python's int() digit limit)
            return low is None if negative else high is None
        number = -int(digits) if negative else int(digits)
        return (low is None or number >= low) and (high is None or number <= high)
    return check


def _is_decimal(text: str) -> bool:
    return DECIMAL_RE.match(text.strip(XML_SPACE)) is not None


def _is_uri(text: str) -> bool:
    value = collapse(text)
    return not value or _URI_RE.match(_URI_TOLERATED.sub("_", value)) is not None


def _anything(text: str) -> bool:
    return True


def is_boolean(text: str) -> bool | None:
    """The value of an xs:boolean (as in xsi:nil), or None if it is not one."""
    return {"true": True, "1": True, "false": False, "0": False}.get(text.strip(XML_SPACE))


@dataclass(frozen=True)
class SimpleType:
    """A named simple type: what it restricts, and its lexical check (None: allowed, but not read here)."""

    base: str
    check: Callable[[str], bool] | None
    hint: str = ""
    schema: str | None = None  # the bundle file whose XSD declares it (None: every XSD has it)


_INT = 2**31
SIMPLE_TYPES: Mapping[str, SimpleType] = {
    XS + "string": SimpleType(XS + "anySimpleType", _anything),
    XS + "normalizedString": SimpleType(XS + "string", _anything),
    XS + "token": SimpleType(XS + "normalizedString", _anything),
    **{XS + name: SimpleType(XS + base, None) for name, base in (
        ("language", "token"), ("NMTOKEN", "token"), ("Name", "token"), ("NCName", "Name"), ("ID", "NCName"),
        ("IDREF", "NCName"), ("ENTITY", "NCName"))},
    BP + "ChecksumString": SimpleType(XS + "string", lambda t: CHECKSUM_RE.match(t) is not None,
                                      "64 lower-case hexadecimal digits"),
    "VersionType2_0": SimpleType(XS + "string", lambda t: VERSION_2_0_RE.match(t) is not None,
                                 "2.0.x, e.g. 2.0.0", schema="dataset"),
    XS + "anyURI": SimpleType(XS + "anySimpleType", _is_uri, "a URI such as https://rems.example.org/catalogue"),
    XS + "decimal": SimpleType(XS + "anySimpleType", _is_decimal, "a decimal number such as 12 or 0.25"),
    XS + "integer": SimpleType(XS + "decimal", _integer(None, None), "a whole number"),
    XS + "nonPositiveInteger": SimpleType(XS + "integer", _integer(None, 0), "a whole number <= 0"),
    XS + "negativeInteger": SimpleType(XS + "nonPositiveInteger", _integer(None, -1), "a whole number < 0"),
    XS + "long": SimpleType(XS + "integer", _integer(-2**63, 2**63 - 1), "a 64-bit whole number"),
    XS + "int": SimpleType(XS + "long", _integer(-_INT, _INT - 1), "a whole number such as 999999999"),
    XS + "short": SimpleType(XS + "int", _integer(-2**15, 2**15 - 1), "a 16-bit whole number"),
    XS + "byte": SimpleType(XS + "short", _integer(-2**7, 2**7 - 1), "an 8-bit whole number"),
    XS + "nonNegativeInteger": SimpleType(XS + "integer", _integer(0, None), "a whole number >= 0"),
    XS + "unsignedLong": SimpleType(XS + "nonNegativeInteger", _integer(0, 2**64 - 1), "a whole number >= 0"),
    XS + "unsignedInt": SimpleType(XS + "unsignedLong", _integer(0, 2**32 - 1), "a whole number >= 0"),
    XS + "unsignedShort": SimpleType(XS + "unsignedInt", _integer(0, 2**16 - 1), "a whole number >= 0"),
    XS + "unsignedByte": SimpleType(XS + "unsignedShort", _integer(0, 2**8 - 1), "a whole number >= 0"),
    XS + "positiveInteger": SimpleType(XS + "nonNegativeInteger", _integer(1, None), "a whole number > 0"),
}
ANY_TYPE = XS + "anyType"
# Other types an xsi:type may name on an xs:anyType element (WSI_IMAGE): the built-ins and BP.common's
# concrete complex types. The no-namespace types of each file come from schema.py.
OTHER_TYPES = frozenset({ANY_TYPE, XS + "anySimpleType", *(XS + name for name in (
    "boolean", "float", "double", "duration", "dateTime", "time", "date", "gYearMonth", "gYear", "gMonthDay",
    "gDay", "gMonth", "hexBinary", "base64Binary", "QName", "NMTOKENS", "IDREFS", "ENTITIES")),
    *(BP + name for name in ("CodeType", "AttributesType", "CodeAttributesType", "StringAttributeType",
                             "NumericAttributeType", "MeasurementAttributeType", "CodeAttributeType",
                             "SetAttributeType", "ReferenceType"))})


def value_ok(type_name: str, text: str) -> bool:
    """Is `text` in the lexical space of the simple type (as validated, whitespace rules included)?"""
    check = SIMPLE_TYPES[type_name].check
    return check is None or check(text)


def _derived_from(name: str, declared: str) -> bool:
    while name in SIMPLE_TYPES:
        if name == declared:
            return True
        name = SIMPLE_TYPES[name].base
    return name == declared


@dataclass(frozen=True)
class XsiType:
    """What an xsi:type attribute means for one element."""

    verdict: str  # "ok" | "unsupported" (allowed by the XSD, but not read here) | "invalid"
    name: str | None = None  # the type to validate the value with, when "ok"


def xsi_type(value: str, nsmap: Mapping[str | None, str], declared: str | None, schema: str,
             local_types: frozenset[str] = frozenset()) -> XsiType:
    """Judge `xsi:type="value"` on an element declared with type `declared` (None: anonymous).

    `schema` is the bundle file whose XSD applies, `local_types` the no-namespace types it declares.
    """
    prefix, _, local = value.rpartition(":")
    namespace = nsmap.get(prefix or None)
    if prefix and namespace is None or not local:
        return XsiType("invalid")  # libxml2 does not trim the QName either
    name = f"{{{namespace}}}{local}" if namespace else local
    known = SIMPLE_TYPES.get(name)
    if known is not None and known.schema not in (None, schema):
        return XsiType("invalid")  # declared in another file's XSD
    if declared is None:
        return XsiType("invalid")  # nothing derives from an anonymous type
    if name == declared:
        return XsiType("ok", name)
    if declared == ANY_TYPE:  # any type goes, but we read <WSI_IMAGE/> only by its name
        exists = known is not None or name in OTHER_TYPES or name in local_types
        return XsiType("unsupported" if exists else "invalid")
    if known is not None and _derived_from(name, declared):
        return XsiType("ok" if known.check is not None else "unsupported", name)
    return XsiType("invalid")
