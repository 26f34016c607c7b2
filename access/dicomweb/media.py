"""Accept negotiation and multipart/related bodies for WADO-RS (PS3.18 8.7)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

EXPLICIT_LITTLE = "1.2.840.10008.1.2.1"
OCTET = "application/octet-stream"
# The media type of frames in each compressed transfer syntax, and each media type's default syntax.
SYNTAX_MEDIA = {
    "1.2.840.10008.1.2.4.50": "image/jpeg", "1.2.840.10008.1.2.4.51": "image/jpeg",
    "1.2.840.10008.1.2.4.57": "image/jpeg", "1.2.840.10008.1.2.4.70": "image/jpeg",
    "1.2.840.10008.1.2.4.80": "image/jls", "1.2.840.10008.1.2.4.81": "image/jls",
    "1.2.840.10008.1.2.4.90": "image/jp2", "1.2.840.10008.1.2.4.91": "image/jp2",
    "1.2.840.10008.1.2.4.201": "image/jphc", "1.2.840.10008.1.2.4.202": "image/jphc",
    "1.2.840.10008.1.2.4.203": "image/jphc",
}
MEDIA_DEFAULT_SYNTAX = {"image/jpeg": "1.2.840.10008.1.2.4.50", "image/jls": "1.2.840.10008.1.2.4.80",
                        "image/jp2": "1.2.840.10008.1.2.4.90", "image/jphc": "1.2.840.10008.1.2.4.201",
                        OCTET: EXPLICIT_LITTLE}
_RANGE = re.compile(r'(?:[^,"]|"[^"]*")+')


@dataclass(frozen=True)
class MediaRange:
    media_type: str
    params: dict[str, str]


def accept_ranges(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header, best first (by q, then as listed)."""
    ranges = []
    for index, part in enumerate(_RANGE.findall(header or "")):
        media_type, *raw_params = [p.strip() for p in part.split(";")]
        params = {}
        for raw in raw_params:
            name, _, value = raw.partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        try:
            quality = float(params.pop("q", "1"))
        except ValueError:
            quality = 1.0
        if media_type and quality > 0:
            ranges.append((-quality, index, MediaRange(media_type.lower(), params)))
    return [media for _, _, media in sorted(ranges, key=lambda r: r[:2])]


def stored_media_type(transfer_syntax: str) -> str:
    return SYNTAX_MEDIA.get(transfer_syntax, OCTET)


def frames_negotiate(accept: str, transfer_syntax: str) -> str | None:
    """The Content-Type of each part of a frames answer for frames stored in `transfer_syntax`, or
    None (406): frames are only ever sent as stored, never decoded or re-encoded.

    The client takes the stored bytes when it accepts their media type (with the stored transfer
    syntax or none), `application/octet-stream; transfer-syntax=*`, or any type. Octet-stream without
    a transfer syntax means uncompressed (PS3.18 8.7.3.5), so it fits only frames stored uncompressed.
    """
    stored = stored_media_type(transfer_syntax)
    ranges = accept_ranges(accept) or [MediaRange("*/*", {})]
    for media in ranges:
        kind, params = media.media_type, media.params
        if kind == "multipart/related":
            kind = params.get("type", OCTET).lower()
        if kind in ("*/*", "multipart/*", "*"):
            return f"{stored}; transfer-syntax={transfer_syntax}"
        wanted = params.get("transfer-syntax") or MEDIA_DEFAULT_SYNTAX.get(kind, "")
        if kind == stored and wanted in (transfer_syntax, "*"):
            return f"{stored}; transfer-syntax={transfer_syntax}"
        if kind == OCTET and wanted == "*":
            return f"{OCTET}; transfer-syntax={transfer_syntax}"
    return None


def accepts_any(accept: str, media_types: Iterable[str]) -> str | None:
    """The first of `media_types` that the Accept header takes (for rendered images), or None."""
    offered = list(media_types)
    for media in accept_ranges(accept) or [MediaRange("*/*", {})]:
        if media.media_type in ("*/*", "image/*"):
            return offered[0]
        if media.media_type in offered:
            return media.media_type
    return None


def multipart_boundary() -> str:
    return secrets.token_hex(16)


def multipart_parts(parts: Iterable[tuple[str, str, bytes]], boundary: str) -> Iterator[bytes]:
    """multipart/related body chunks for (content type, content location, bytes) parts."""
    for content_type, location, body in parts:
        yield (f"--{boundary}\r\nContent-Type: {content_type}\r\n"
               f"Content-Location: {location}\r\n\r\n").encode() + body + b"\r\n"
    yield f"--{boundary}--\r\n".encode()


def multipart_content_type(part_type: str, boundary: str) -> str:
    media, *params = [p.strip() for p in part_type.split(";")]
    extra = "".join(f"; {p}" for p in params)
    return f'multipart/related; type="{media}"{extra}; boundary={boundary}'
