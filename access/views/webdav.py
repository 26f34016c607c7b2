"""/webdav/: a read-only WebDAV server (class 1) over the datasets a user may read.

OPTIONS, PROPFIND (Depth 0 or 1; infinity on a collection is refused with 403, no Depth is 1), GET and HEAD (one byte range:
206, or 416). Every write method is 405. The tree and its permission rules: access.selectors.webdav.
"""

from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from access.middleware import pixel_read
from access.selectors.webdav import Collection, File, Member, webdav_resolve
from access.services.webdav_audit import webdav_read_record
from access.webdav.auth import REALM, Unauthenticated, webdav_user
from access.webdav.multistatus import CONTENT_TYPE, BadPropfind, finite_depth_error, multistatus, requested
from access.webdav.ranges import Unsatisfiable, byte_range
from access.webdav.stream import file_chunks
from bigpicture.http import client_address

ROOT = "/webdav/"
READ_METHODS = ("OPTIONS", "PROPFIND", "GET", "HEAD")
ALLOW = ", ".join(READ_METHODS)
XML = 'application/xml; charset="utf-8"'


@pixel_read
@csrf_exempt  # read-only; PROPFIND is not a "safe" method to Django, and it cannot come cross-site
def webdav(request: HttpRequest, path: str = "") -> HttpResponse:
    if request.method not in READ_METHODS:
        return _plain(405, "This WebDAV share is read-only.", Allow=ALLOW)
    if request.method == "OPTIONS":
        return _plain(200, "", Allow=ALLOW, DAV="1", **{"MS-Author-Via": "DAV"})
    try:
        user = webdav_user(request)
    except Unauthenticated as exc:
        return _plain(401, str(exc), **{"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'})
    segments = tuple(part for part in path.split("/") if part)
    try:
        resource = webdav_resolve(user, segments)
    except Http404 as exc:
        return _plain(404, str(exc) or "Not found.")
    except PermissionDenied as exc:
        return _plain(403, str(exc) or "You have no access to this dataset.")
    if request.method == "PROPFIND":
        return _propfind(request, resource)
    if isinstance(resource, Collection):
        return _index(request, resource)
    return _file(request, user, resource)


def _propfind(request: HttpRequest, resource: Collection | File) -> HttpResponse:
    # RFC 4918 reads a missing Depth as infinity, which we may refuse; clients that omit it (webdav4's
    # info) want the resource itself, so it is answered as 1. An explicit infinity on a collection is 403.
    depth = request.headers.get("Depth", "1").strip().lower()
    if depth not in ("0", "1") and isinstance(resource, Collection):
        return HttpResponse(finite_depth_error(), status=403, content_type=XML)
    try:
        mode, asked = requested(request.body)
    except BadPropfind as exc:
        return _plain(400, str(exc))
    href = ROOT + "".join(f"{part}/" for part in resource.path)
    if isinstance(resource, File):
        row = resource.row
        entries = [(href.rstrip("/"), Member(resource.name, False, resource.version.published_at, row.size,
                                             resource.etag))]
    else:
        entries = [(href, Member(resource.path[-1] if resource.path else "", True, resource.modified))]
        if depth == "1":
            entries += [(href + member.name + ("/" if member.is_collection else ""), member)
                        for member in resource.members]
    return HttpResponse(multistatus(entries, mode, asked), status=207, content_type=XML)


def _index(request: HttpRequest, collection: Collection) -> HttpResponse:
    """A collection asked with GET: a plain page of links, for a browser."""
    return render(request, "access/webdav/index.html", {
        "path": ROOT + "".join(f"{part}/" for part in collection.path),
        "members": [(quote(member.name) + ("/" if member.is_collection else ""), member)
                    for member in collection.members]})


def _file(request: HttpRequest, user, file: File) -> HttpResponse:
    size = file.row.size
    headers = {"Accept-Ranges": "bytes", "ETag": file.etag, "Cache-Control": "private, no-transform",
               "Content-Disposition": f"inline; filename*=UTF-8''{quote(file.name)}"}
    if file.version.published_at is not None:
        headers["Last-Modified"] = http_date(file.version.published_at.timestamp())
    if file.etag in _etags(request.headers.get("If-None-Match", "")):
        return _with(HttpResponse(status=304), headers)
    wanted = None
    if_range = request.headers.get("If-Range")
    if if_range is None or if_range.strip() == file.etag:
        try:
            wanted = byte_range(request.headers.get("Range", ""), size)
        except Unsatisfiable:
            return _plain(416, "The range starts past the end of the file.", **{"Content-Range": f"bytes */{size}"})
    start, length = (0, size) if wanted is None else (wanted.start, wanted.length)
    if wanted is not None:
        headers["Content-Range"] = wanted.content_range(size)
    status = 200 if wanted is None else 206
    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=CONTENT_TYPE)
    else:
        webdav_read_record(user=user, file=file, byte_range=headers.get("Content-Range"),
                           ip_address=client_address(request))
        response = StreamingHttpResponse(file_chunks(file.row, start, length), status=status,
                                         content_type=CONTENT_TYPE)
    headers["Content-Length"] = str(length)
    return _with(response, headers)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _plain(status: int, text: str, **headers: str) -> HttpResponse:
    return _with(HttpResponse(text, status=status, content_type="text/plain; charset=utf-8"), headers)


def _with(response: HttpResponse, headers: dict[str, str]) -> HttpResponse:
    for name, value in headers.items():
        response[name] = value
    return response
