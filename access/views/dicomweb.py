"""DICOMweb views (PS3.18): QIDO-RS searches, WADO-RS metadata, frames, bulk data and rendered images.

Authentication: the session, or `Authorization: Bearer <API token>`. What a user sees is
access.selectors.dicomweb.dicomweb_instances; pixels (frames, rendered images) go through
access.selectors.pixels.image_for_pixels, and frame reads are audited in sessions by
pixel_reads_record; searches, metadata, bulk data and rendered images by audit_record.
"""

from __future__ import annotations

import functools
import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from access.dicomweb import qido
from access.dicomweb.files import stored_open
from access.dicomweb.frames import TooLarge, encoded, frame_image, frames_read, instance_image
from access.dicomweb.media import (
    OCTET,
    accepts_any,
    frames_negotiate,
    multipart_boundary,
    multipart_content_type,
    multipart_parts,
    stored_media_type,
)
from access.middleware import pixel_read
from access.models import DicomInstance
from access.selectors import token_user
from access.selectors.dicomweb import QueryError, dicomweb_instances, published_instances, qido_query
from access.selectors.pixels import image_for_pixels
from access.selectors.principals import recent_user
from access.services.dicomweb_index import bulk_value, header_read, instance_path
from access.services.pixel_audit import pixel_reads_record
from access.tokens import TokenRefused
from governance.services import audit_record

DICOM_JSON = "application/dicom+json"
RENDERED_TYPES = ("image/jpeg", "image/png")
THUMBNAIL_SIZE = 256


def _refused(message: str) -> HttpResponse:
    response = HttpResponse(message, status=401, content_type="text/plain")
    response["WWW-Authenticate"] = 'Bearer realm="dicomweb"'
    return response


def dicomweb_view(function):
    """A GET view with the DICOMweb user (session or bearer token) as its second argument."""
    @require_GET
    @pixel_read
    @functools.wraps(function)
    def view(request, *args, **kwargs):
        words = request.headers.get("Authorization", "").split()
        if words and words[0].lower() == "bearer":
            raw = words[1] if len(words) == 2 else ""
            try:
                user = recent_user("token", raw, lambda: token_user(raw))
            except TokenRefused as exc:
                return _refused(str(exc))
        elif request.user.is_authenticated:
            user = request.user
        else:
            return _refused("Log in, or send an API token as 'Authorization: Bearer <token>'.")
        try:
            response = function(request, user, *args, **kwargs)
        except QueryError as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain")
        response["Cache-Control"] = "private"
        response["Vary"] = "Authorization, Cookie"
        return response
    return view


def _json(data) -> HttpResponse:
    return HttpResponse(json.dumps(data), content_type=DICOM_JSON)


def _base(request) -> str:
    return request.build_absolute_uri("/dicomweb/")


def _search(level: str, search, request, user, **uids) -> HttpResponse:
    query = qido_query(request.GET)
    instances = dicomweb_instances(user).filter(**uids)
    results = search(instances, query)
    audit_record(actor=user, action="dicomweb.search", target_type="dicomweb", target_id=level,
                 detail={"query": request.GET.urlencode()[:1000], **uids, "results": len(results)})
    return _json(results)


@dicomweb_view
def studies(request, user):
    return _search("studies", qido.studies_search, request, user)


@dicomweb_view
def series(request, user, study=None):
    return _search("series", qido.series_search, request, user, **({"study_uid": study} if study else {}))


@dicomweb_view
def instances(request, user, study=None, series=None):
    uids = {"study_uid": study} if study else {}
    if series:
        uids["series_uid"] = series
    return _search("instances", qido.instances_search, request, user, **uids)


def _with_bulk_base(value, base: str):
    if isinstance(value, dict):
        return {k: (base + v if k == "BulkDataURI" else _with_bulk_base(v, base)) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_bulk_base(v, base) for v in value]
    return value


@dicomweb_view
def metadata(request, user, study, series=None, instance=None):
    rows = dicomweb_instances(user).filter(study_uid=study)
    if series:
        rows = rows.filter(series_uid=series)
    if instance:
        rows = rows.filter(sop_uid=instance)
    found = list(rows.order_by("series_uid", "sop_uid").values_list("metadata", "dataset_id"))
    if not found:
        raise Http404("No such study, series or instance that you may see.")
    audit_record(actor=user, action="dicomweb.metadata", target_type="repository.dataset",
                 target_id=str(found[0][1]), detail={"study": study, "series": series, "instance": instance,
                                                     "instances": len(found)})
    base = _base(request)
    return _json([_with_bulk_base(data, base) for data, _ in found])


def _pixel_instance(user, study: str, series: str, instance: str) -> DicomInstance:
    """The instance, if `user` may read its pixels (image_for_pixels: 404 or 403 otherwise)."""
    row = (published_instances().filter(study_uid=study, series_uid=series, sop_uid=instance)
           .select_related("image", "image_file").first())
    if row is None:
        raise Http404("No such instance.")
    image_for_pixels(user, row.image.accession)
    return row


def _frame_numbers(raw: str, count: int) -> list[int]:
    try:
        numbers = [int(part) for part in raw.split(",")]
    except ValueError:
        raise QueryError("frame numbers are integers separated by commas") from None
    if not numbers or any(n < 1 or n > count for n in numbers):
        raise QueryError(f"frame numbers run from 1 to {count}")
    return numbers


@dicomweb_view
def frames(request, user, study, series, instance, numbers):
    row = _pixel_instance(user, study, series, instance)
    wanted = _frame_numbers(numbers, row.number_of_frames)
    part_type = frames_negotiate(request.headers.get("Accept", ""), row.transfer_syntax_uid)
    if part_type is None:
        return HttpResponse(f"These frames are served only as stored: ask for multipart/related; "
                            f'type="{stored_media_type(row.transfer_syntax_uid)}"; '
                            f"transfer-syntax={row.transfer_syntax_uid}", status=406, content_type="text/plain")
    pixel_reads_record(user=user, image_accession=row.image.accession, via="frame", count=len(wanted))
    location = f"{_base(request)}{instance_path(study, series, instance)}/frames/"
    parts = ((part_type, f"{location}{n}", data) for n, data in zip(wanted, frames_read(row, wanted), strict=True))
    boundary = multipart_boundary()
    return StreamingHttpResponse(multipart_parts(parts, boundary),
                                 content_type=multipart_content_type(part_type, boundary))


@dicomweb_view
def bulkdata(request, user, study, series, instance, key):
    row = dicomweb_instances(user).filter(study_uid=study, series_uid=series, sop_uid=instance).first()
    if row is None:
        raise Http404("No such instance that you may see.")
    with stored_open(row.image_file.storage_name) as handle:
        value = bulk_value(header_read(handle).dataset, key)
    if value is None:
        raise Http404("No such bulk data in this instance.")
    audit_record(actor=user, action="dicomweb.bulkdata", target_type="repository.image",
                 target_id=row.image.accession, detail={"instance": instance, "key": key, "bytes": len(value)})
    boundary = multipart_boundary()
    location = f"{_base(request)}{instance_path(study, series, instance)}/bulkdata/{key}"
    return HttpResponse(b"".join(multipart_parts([(OCTET, location, value)], boundary)),
                        content_type=multipart_content_type(OCTET, boundary))


def _rendered(request, image_of, *, size: int | None) -> HttpResponse:
    media_type = accepts_any(request.headers.get("Accept", ""), RENDERED_TYPES)
    if media_type is None:
        return HttpResponse("Rendered images are image/jpeg or image/png.", status=406, content_type="text/plain")
    viewport = request.GET.get("viewport", "")
    if viewport:
        try:
            size = max(int(v) for v in viewport.split(","))
        except ValueError:
            raise QueryError("viewport is width,height in pixels") from None
    try:
        image = image_of()
    except TooLarge as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    return HttpResponse(encoded(image, media_type, size=size), content_type=media_type)


@dicomweb_view
def frame_rendered(request, user, study, series, instance, numbers):
    row = _pixel_instance(user, study, series, instance)
    wanted = _frame_numbers(numbers, row.number_of_frames)
    if len(wanted) != 1:
        raise QueryError("render one frame at a time")
    pixel_reads_record(user=user, image_accession=row.image.accession, via="frame", count=1)
    return _rendered(request, lambda: frame_image(row, next(frames_read(row, wanted))), size=None)


def _instance_rendered(request, user, row: DicomInstance, *, size: int | None, action: str) -> HttpResponse:
    """The whole instance rendered; the caller has asked image_for_pixels."""
    audit_record(actor=user, action=action, target_type="repository.image", target_id=row.image.accession,
                 detail={"instance": row.sop_uid})
    return _rendered(request, lambda: instance_image(row), size=size)


@dicomweb_view
def instance_rendered(request, user, study, series, instance):
    row = _pixel_instance(user, study, series, instance)
    return _instance_rendered(request, user, row, size=None, action="dicomweb.rendered")


@dicomweb_view
def instance_thumbnail(request, user, study, series, instance):
    row = _pixel_instance(user, study, series, instance)
    return _instance_rendered(request, user, row, size=THUMBNAIL_SIZE, action="dicomweb.thumbnail")


@dicomweb_view
def series_thumbnail(request, user, study, series=None):
    """The series' THUMBNAIL instance, or else its smallest pyramid level, shrunk."""
    rows = dicomweb_instances(user).filter(study_uid=study, flavor__in=["THUMBNAIL", "VOLUME"])
    if series:
        rows = rows.filter(series_uid=series)
    row = (rows.select_related("image", "image_file")
           .order_by("flavor", "series_uid", "number_of_frames").first())  # THUMBNAIL sorts before VOLUME
    if row is None:
        raise Http404("No such study or series that you may see.")
    image_for_pixels(user, row.image.accession)
    return _instance_rendered(request, user, row, size=THUMBNAIL_SIZE, action="dicomweb.thumbnail")



@login_required
def viewer(request, accession: str):
    """A second slide viewer: dicom-microscopy-viewer (Slim's engine) reading /dicomweb/ with the session."""
    found = image_for_pixels(request.user, accession)
    row = (published_instances().filter(image=found.image, flavor="VOLUME").order_by("pk")
           .values("study_uid", "series_uid").first())
    if row is None:
        raise Http404("This image has no DICOM pyramid to show.")
    return render(request, "access/dicomweb/viewer.html", {
        "image": found.image, "version": found.version, "study_uid": row["study_uid"],
        "series_uid": row["series_uid"], "dicomweb_url": _base(request).rstrip("/")})
