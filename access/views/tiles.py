"""The slide viewer page, its Deep Zoom descriptor and its tiles: all behind image_for_pixels.

Tiles are audited in sessions (pixel_reads_record); opening the viewer page is audited on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from access.middleware import pixel_read
from access.selectors.pixels import image_for_pixels
from access.selectors.viewer import viewer_facts
from access.services.pixel_audit import pixel_reads_record
from access.tiles.deepzoom import TileNotFound, deep_zoom, slide_handles, tile_bytes, tile_etag
from governance.services import audit_record

VIEWER_OPEN = "pixels.viewer_open"


@require_GET
@login_required
def viewer(request, accession: str):
    pixels = image_for_pixels(request.user, accession)
    zoom = deep_zoom(pixels)
    facts = viewer_facts(pixels, zoom, slide_handles().get(pixels).slide)
    audit_record(actor=request.user, action=VIEWER_OPEN, target_type="repository.image", target_id=accession,
                 detail={"dataset": pixels.version.dataset.accession, "version": pixels.version.number})
    return render(request, "access/tiles/viewer.html", {
        "pixels": pixels, "image": pixels.image, "version": pixels.version, "dataset": pixels.version.dataset,
        "zoom": zoom, "facts": facts, "dzi_url": reverse("tiles:dzi", args=[accession]),
    })


@require_GET
@pixel_read
def dzi(request, accession: str):
    pixels = image_for_pixels(request.user, accession)
    response = HttpResponse(deep_zoom(pixels).xml(), content_type="application/xml")
    return _private(response)


@require_GET
@pixel_read
def tile(request, accession: str, level: int, col: int, row: int):
    pixels = image_for_pixels(request.user, accession)
    etag = tile_etag(pixels, level, col, row)
    if etag in _etags(request.headers.get("If-None-Match", "")):
        pixel_reads_record(user=request.user, image_accession=accession, via="tile")
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return _private(response)
    try:
        data = tile_bytes(pixels, level, col, row)
    except TileNotFound as exc:
        raise Http404(str(exc)) from None
    pixel_reads_record(user=request.user, image_accession=accession, via="tile")
    response = HttpResponse(data, content_type="image/jpeg")
    response["ETag"] = etag
    return _private(response)


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def _private(response: HttpResponse) -> HttpResponse:
    # Controlled data: only the user's own browser may keep it, and briefly (revocation within 60 s).
    patch_cache_control(response, private=True, max_age=settings.TILE_MAX_AGE_SECONDS)
    response["Vary"] = "Cookie"
    return response
