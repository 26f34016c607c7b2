"""/downloads/: files re-encrypted with crypt4gh to the user's key or plain, and per-version manifests.

    GET /downloads/files/<file accession>[?mode=crypt4gh|plain&key=<fingerprint>]
    GET /downloads/datasets/<accession>/v<n>/files/<file accession>[?mode=...&key=...]
    GET /downloads/datasets/<accession>/v<n>/manifest.tsv|.json[?mode=...]
    GET /downloads/datasets/<accession>/v<n>/bundle.tar[?mode=...&key=...]  (every file, streamed)

The session or `Authorization: Bearer <API token>` authenticates. Each request asks the permission
function, then writes its audit row, then streams (or, plain on S3, redirects to a presigned URL).
"""

from __future__ import annotations

import csv
import io
import json
from functools import partial, wraps

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from access.downloads.presigned import is_s3, object_head, presigned_url
from access.downloads.streams import Archived, crypt4gh_stream, plain_stream
from access.downloads.tar import Member, tar_size, tar_stream
from access.models import UserPublicKey
from access.selectors import token_user
from access.selectors.downloads import (
    CRYPT4GH,
    MANIFEST_COLUMNS,
    MODES,
    PLAIN,
    DownloadFile,
    file_in_version,
    file_latest,
    manifest_rows,
    version_files,
    version_for_download,
    while_permitted,
)
from access.selectors.keys import download_key
from access.services.downloads import file_download_record, manifest_record
from access.tokens import TokenRefused
from bigpicture.storage import storage_for
from metaflex.encryption import MAGIC
from repository.keys import crypt4gh_secret_key

KEYS_PAGE = "/account/keys/"


def _user(request):
    """The session's user, or the API token's (a refused token is refused, not ignored)."""
    words = request.headers.get("Authorization", "").split()
    if not words or words[0].lower() != "bearer":
        user = request.user
    else:
        try:
            user = token_user(words[1] if len(words) == 2 else "")
        except TokenRefused as error:
            raise PermissionDenied(str(error)) from None
    if not user.is_authenticated:
        raise PermissionDenied("Log in, or send Authorization: Bearer <API token>, to download.")
    return user


def _mode(request) -> str:
    mode = request.GET.get("mode", CRYPT4GH)
    if mode not in MODES:
        raise BadRequest(f"mode must be one of {', '.join(MODES)}")
    return mode


def _refusals_as_text(view):
    """Refusals in plain text with their reason, for scripts and curl as much as for browsers."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return _text(403, str(error) or "You may not download this.")
        except Http404 as error:
            return _text(404, str(error) or "Not found.")
    return wrapped


def _key_or_none(request, user, mode: str) -> UserPublicKey | None:
    return download_key(user, request.GET.get("key", "")) if mode == CRYPT4GH else None


def _no_key(request) -> HttpResponse:
    which = "has this fingerprint" if request.GET.get("key") else "is registered"
    return _text(409, f"No crypt4gh public key of yours {which}: register one at "
                      f"{request.build_absolute_uri(KEYS_PAGE)}, or download with mode=plain where the "
                      "dataset's policy allows it.")


def _archived(file: DownloadFile) -> Archived:
    return Archived(file.row.storage_name, file.row.checksum, file.row.encrypted_checksum)


def _chunks(file: DownloadFile, mode: str, key: UserPublicKey | None):
    if mode == CRYPT4GH:
        return crypt4gh_stream(_archived(file), bytes(key.public_key), archive_key=crypt4gh_secret_key())
    return plain_stream(_archived(file), archive_key=crypt4gh_secret_key())


def _text(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@require_GET
@_refusals_as_text
def file_latest_download(request, file_accession: str):
    user, mode = _user(request), _mode(request)
    file = file_latest(file_accession)
    version_for_download(user, file.version.dataset.accession, file.version.number, mode=mode)
    return _file_download(request, user, mode, file)


@require_GET
@_refusals_as_text
def file_download(request, accession: str, number: int, file_accession: str):
    user, mode = _user(request), _mode(request)
    version = version_for_download(user, accession, number, mode=mode)
    return _file_download(request, user, mode, file_in_version(version, file_accession))


def _file_download(request, user, mode: str, file: DownloadFile):
    """`file`, its version already checked for `user` and `mode`."""
    key = _key_or_none(request, user, mode)
    if mode == CRYPT4GH and key is None:
        return _no_key(request)
    archived = _archived(file)
    storage = storage_for("archive")
    # Only a plaintext object can be handed out as it is stored.
    presign = mode == PLAIN and is_s3(storage) and not object_head(storage, archived.storage_name,
                                                                   len(MAGIC)).startswith(MAGIC)
    file_download_record(user=user, file=file, mode=mode, key=key, delivery="presigned" if presign else "stream",
                         ip_address=request.META.get("REMOTE_ADDR"))
    name = file.delivered_name(mode).rsplit("/", 1)[-1]
    if presign:
        return HttpResponseRedirect(presigned_url(storage, archived.storage_name, filename=name))
    plain_dicom = mode == PLAIN and name.endswith(".dcm")
    response = StreamingHttpResponse(while_permitted(_chunks(file, mode, key), user, file.version),
                                     content_type="application/dicom" if plain_dicom else "application/octet-stream")
    response["Content-Length"] = str(file.delivered_size(mode))
    response["Content-Disposition"] = f'attachment; filename="{name.replace(chr(34), "")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _manifest_text(request, version, files: list[DownloadFile], mode: str, fmt: str) -> str:
    def url_of(file: DownloadFile) -> str:
        path = reverse("downloads:file", args=[version.dataset.accession, version.number, file.row.accession])
        return request.build_absolute_uri(path) + ("?mode=plain" if mode == PLAIN else "")

    rows = manifest_rows(files, mode=mode, url_of=url_of)
    if fmt == "json":
        return json.dumps({"dataset": version.dataset.accession, "version": version.number, "mode": mode,
                           "files": rows}, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MANIFEST_COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "sha256": row["sha256"] or ""} for row in rows)
    return out.getvalue()


@require_GET
@_refusals_as_text
def manifest(request, accession: str, number: int, fmt: str):
    user, mode = _user(request), _mode(request)
    version = version_for_download(user, accession, number, mode=mode)
    files = version_files(version)
    text = _manifest_text(request, version, files, mode, fmt)
    manifest_record(user=user, version=version, mode=mode, fmt=fmt, files=len(files),
                    ip_address=request.META.get("REMOTE_ADDR"))
    content_type = "application/json" if fmt == "json" else "text/tab-separated-values; charset=utf-8"
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{accession}-v{number}-{mode}-manifest.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@_refusals_as_text
def bundle_tar(request, accession: str, number: int):
    """Every file of the version in one streamed tar (crypt4gh: each file encrypted on its own), with
    MANIFEST.tsv first; one audit row per file, all written before the first byte."""
    user, mode = _user(request), _mode(request)
    version = version_for_download(user, accession, number, mode=mode)
    key = _key_or_none(request, user, mode)
    if mode == CRYPT4GH and key is None:
        return _no_key(request)
    files = version_files(version)
    ip_address = request.META.get("REMOTE_ADDR")
    manifest_bytes = _manifest_text(request, version, files, mode, "tsv").encode()
    stem = f"{accession}-v{number}"
    moment = version.published_at.timestamp()
    members = [Member(f"{stem}/MANIFEST.tsv", len(manifest_bytes), moment, lambda: iter([manifest_bytes]))]
    for file in files:
        file_download_record(user=user, file=file, mode=mode, key=key, delivery="tar", ip_address=ip_address)
        members.append(Member(f"{stem}/{file.delivered_name(mode)}", file.delivered_size(mode), moment,
                              partial(_chunks, file, mode, key)))
    response = StreamingHttpResponse(while_permitted(tar_stream(members), user, version),
                                     content_type="application/x-tar")
    response["Content-Length"] = str(tar_size(members))
    response["Content-Disposition"] = f'attachment; filename="{stem}-{mode}.tar"'
    response["Cache-Control"] = "private, no-store"
    return response
