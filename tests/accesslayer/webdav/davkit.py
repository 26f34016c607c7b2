"""Reading PROPFIND answers in tests."""

from __future__ import annotations

from urllib.parse import unquote
from xml.etree import ElementTree as ET

D = "{DAV:}"


def propfind(client, path: str, depth: str = "1", body: str = ""):
    return client.request("PROPFIND", path, headers={"Depth": depth}, content=body)


def hrefs(response) -> list[str]:
    assert response.status_code == 207, response.text
    return [unquote(element.text) for element in ET.fromstring(response.content).iter(f"{D}href")]


def properties(response) -> dict[str, dict[str, str | None]]:
    """href -> {property name: text} for the properties found (status 200)."""
    found = {}
    for entry in ET.fromstring(response.content).iter(f"{D}response"):
        props = {}
        for propstat in entry.iter(f"{D}propstat"):
            if propstat.find(f"{D}status").text.endswith("200 OK"):
                for prop in propstat.find(f"{D}prop"):
                    collection = prop.find(f"{D}collection") is not None
                    props[prop.tag.removeprefix(D)] = "collection" if collection else prop.text
        found[unquote(entry.find(f"{D}href").text)] = props
    return found
