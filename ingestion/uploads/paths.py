"""Paths inside a bundle as clients send them, sanitised; anything that could escape the bundle is refused."""

from __future__ import annotations

import re
import unicodedata

MAX_PATH = 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafePath(ValueError):
    """The path could leave the bundle or is not a plain relative path; the message says why."""


def bundle_path(raw: str) -> str:
    """NFC, `\\` to `/`, empty and `.` segments dropped; refuses absolute paths, `..`, drive letters and controls."""
    shown = repr(raw)[:200]
    path = unicodedata.normalize("NFC", raw).replace("\\", "/")
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in path):
        raise UnsafePath(f"The path {shown} contains control characters; use a plain file name.")
    if path.startswith("/"):
        raise UnsafePath(f"The path {shown} is absolute; send the path inside the bundle, such as "
                         "METADATA/dataset.xml.")
    if _DRIVE.match(path):
        raise UnsafePath(f"The path {shown} starts with a drive letter; send the path inside the bundle.")
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    if ".." in segments:
        raise UnsafePath(f"The path {shown} contains '..', which could leave the bundle; send the path inside "
                         "the bundle.")
    if any(":" in segment for segment in segments):
        raise UnsafePath(f"The path {shown} contains ':', which is not allowed in a bundle's file names.")
    clean = "/".join(segments)
    if not clean:
        raise UnsafePath(f"The path {shown} names no file.")
    if len(clean) > MAX_PATH:
        raise UnsafePath(f"The path {shown} is longer than {MAX_PATH} characters.")
    return clean
