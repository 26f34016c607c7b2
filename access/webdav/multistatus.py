"""PROPFIND (RFC 4918 §9.1): which properties the client asks for, and the 207 Multi-Status body."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote
from xml.etree import ElementTree as ET

from django.utils.http import http_date

from access.selectors.webdav import Member

DAV = "DAV:"
CONTENT_TYPE = "application/dicom"
LIVE_PROPERTIES = ("displayname", "resourcetype", "getcontentlength", "getcontenttype", "getetag",
                   "getlastmodified", "creationdate")
ET.register_namespace("D", DAV)


class BadPropfind(Exception):
    """The request body is not a PROPFIND document: 400."""


def requested(body: bytes) -> tuple[str, list[tuple[str, str]]]:
    """("allprop" | "propname" | "prop", the (namespace, name) pairs asked for with "prop")."""
    if not body.strip():
        return "allprop", []  # an empty body is allprop (§9.1)
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise BadPropfind(f"The PROPFIND body is not XML: {exc}") from exc
    if root.tag != f"{{{DAV}}}propfind":
        raise BadPropfind("The PROPFIND body must be a DAV:propfind element.")
    for child in root:
        if child.tag == f"{{{DAV}}}prop":
            return "prop", [_split(prop.tag) for prop in child]
        if child.tag in (f"{{{DAV}}}allprop", f"{{{DAV}}}propname"):
            return child.tag.split("}")[1], []
    raise BadPropfind("The PROPFIND body names neither prop, allprop nor propname.")


def multistatus(entries: Iterable[tuple[str, Member]], mode: str, asked: list[tuple[str, str]]) -> bytes:
    """The 207 body: one response per (href, member)."""
    root = ET.Element(f"{{{DAV}}}multistatus")
    for href, member in entries:
        response = ET.SubElement(root, f"{{{DAV}}}response")
        ET.SubElement(response, f"{{{DAV}}}href").text = quote(href)
        values = _properties(member)
        if mode == "prop":
            found = [name for ns, name in asked if ns == DAV and name in values]
            missing = [(ns, name) for ns, name in asked if ns != DAV or name not in values]
        else:
            found, missing = list(values), []
        if found or not missing:
            prop = _propstat(response, "200 OK")
            for name in found:
                element = ET.SubElement(prop, f"{{{DAV}}}{name}")
                if mode != "propname":
                    _fill(element, values[name])
        if missing:
            prop = _propstat(response, "404 Not Found")
            for ns, name in missing:
                ET.SubElement(prop, f"{{{ns}}}{name}" if ns else name)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root)


def _properties(member: Member) -> dict[str, object]:
    values: dict[str, object] = {"displayname": member.name,
                                 "resourcetype": "collection" if member.is_collection else None}
    if not member.is_collection:
        values.update(getcontentlength=str(member.size), getcontenttype=CONTENT_TYPE, getetag=member.etag)
    if member.modified is not None:
        values.update(getlastmodified=http_date(member.modified.timestamp()),
                      creationdate=_iso(member.modified))
    return values


def _fill(element: ET.Element, value: object) -> None:
    if value == "collection" and element.tag == f"{{{DAV}}}resourcetype":
        ET.SubElement(element, f"{{{DAV}}}collection")
    elif value is not None:
        element.text = str(value)


def _propstat(response: ET.Element, status: str) -> ET.Element:
    propstat = ET.SubElement(response, f"{{{DAV}}}propstat")
    prop = ET.SubElement(propstat, f"{{{DAV}}}prop")
    ET.SubElement(propstat, f"{{{DAV}}}status").text = f"HTTP/1.1 {status}"
    return prop


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, name = tag[1:].split("}", 1)
        return namespace, name
    return "", tag


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def finite_depth_error() -> bytes:
    """The body of the 403 that refuses Depth: infinity (§9.1, propfind-finite-depth)."""
    root = ET.Element(f"{{{DAV}}}error")
    ET.SubElement(root, f"{{{DAV}}}propfind-finite-depth")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root)
