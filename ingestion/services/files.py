"""Writes for submitted files: register (and resume, replace), part URLs, receive a part, complete, remove.

The protocol is ingestion/PROTOCOL.md. Storage work goes through `ingestion.uploads`;
an object that a committed change retires (replaced, removed) is deleted after commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from access.models import Organisation
from access.selectors import can_submit_for
from bigpicture.errors import UserError
from governance.services import audit_record
from ingestion.models import FileEvent, Submission, SubmissionFile, UploadPart
from ingestion.selectors import organisation_live_bytes
from ingestion.services.expiry import upload_expires
from ingestion.services.pipeline import file_uploaded
from ingestion.services.submissions import file_state_set, submission_transition
from ingestion.states import EDITABLE_STATES, LIVE_FILE_STATES, Failure, FileState, SubmissionState
from ingestion.uploads import backend_for_inbox, discard_after_commit, upload_of
from ingestion.uploads.local import LocalUploads, part_token_read
from ingestion.uploads.paths import UnsafePath, bundle_path
from ingestion.uploads.types import (
    PartCutShort,
    PartsLost,
    PartUrl,
    ReceivedPart,
    part_expected_size,
    part_size_for,
    parts_total,
)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class FileRefused(UserError):
    """A request about files that the protocol refuses: `code` and `status` are the API's answer."""

    def __init__(self, message: str, *, code: str, status: int = 400, **extra):
        super().__init__(message)
        self.code, self.status, self.extra = code, status, extra


def _size_text(size: int) -> str:
    return f"{filesizeformat(size)} ({size:,} bytes)".replace("\xa0", " ")


def _ensure_contributor(submission: Submission, actor) -> None:
    if not can_submit_for(actor, submission.organisation):
        raise FileRefused("You may not change the files of this submission: only contributors of "
                          f"{submission.organisation.name} may.", code="forbidden", status=403)


def _ensure_editable(submission: Submission) -> None:
    if submission.state not in EDITABLE_STATES:
        raise FileRefused(f"The submission is {submission.get_state_display().lower()}; files can be added, "
                          "replaced or removed only while it is a draft, uploading, or returned to you.",
                          code="submission.state", status=409)


def upload_quota(organisation: Organisation) -> int:
    quota = getattr(organisation, "upload_quota_bytes", None)  # added by access (people); default until then
    return settings.INGESTION_DEFAULT_QUOTA_BYTES if quota is None else quota


@transaction.atomic
def file_register(*, submission: Submission, actor, path: str, size: int,
                  sha256: str = "") -> tuple[SubmissionFile, bool]:
    """Register a file, or return the live one with the same path, size and checksum (a resume).

    Returns (file, created). Same path with another size or checksum replaces the old file.
    """
    _ensure_contributor(submission, actor)
    try:
        path = bundle_path(path)
    except UnsafePath as error:
        raise FileRefused(str(error), code="path.unsafe") from None
    sha256 = sha256.strip().lower()
    if sha256 and not _SHA256.match(sha256):
        raise FileRefused(f"{path}: sha256 must be 64 hexadecimal digits (the SHA-256 of the whole file).",
                          code="sha256.invalid")
    if size > settings.INGESTION_MAX_FILE_BYTES:
        raise FileRefused(f"{path} is {_size_text(size)}; the largest file accepted is "
                          f"{_size_text(settings.INGESTION_MAX_FILE_BYTES)}.", code="file.too_large", status=413,
                          limit=settings.INGESTION_MAX_FILE_BYTES)
    submission = Submission.objects.select_for_update().select_related("organisation").get(pk=submission.pk)
    _ensure_editable(submission)
    live = submission.files.filter(state__in=LIVE_FILE_STATES)
    existing = live.filter(path=path).first()
    if existing and existing.size == size and existing.sha256 == sha256 and existing.state != FileState.ERROR:
        return existing, False
    if sha256:
        twin = live.filter(sha256=sha256).exclude(path=path).first()
        if twin is not None:
            raise FileRefused(f"{path} has the same SHA-256 as {twin.path}, which is already in this submission; "
                              "a bundle holds each file once.", code="file.duplicate", status=409,
                              duplicate={"id": str(twin.id), "path": twin.path})
    _ensure_quota(submission, path, size, freed=existing.size if existing else 0)
    if existing is not None:
        _retire(existing, FileState.REPLACED, actor, f"Replaced by a new upload of {_size_text(size)}.")
    file = SubmissionFile(submission=submission, path=path, size=size, sha256=sha256, part_size=part_size_for(size))
    file.storage_name = f"{submission.inbox_prefix}/{file.id}"
    file.full_clean()
    file.upload_id = backend_for_inbox().start(upload_of(file))
    file.save()
    FileEvent.objects.create(file=file, actor=actor, from_state="", to_state=FileState.REGISTERED,
                             message=f"Registered {_size_text(size)}.")
    if submission.state in (SubmissionState.DRAFT, SubmissionState.RETURNED):
        submission_transition(submission=submission, action="upload")
    return file, True


def _ensure_quota(submission: Submission, path: str, size: int, *, freed: int) -> None:
    organisation = Organisation.objects.select_for_update().get(pk=submission.organisation_id)
    quota = upload_quota(organisation)
    used = organisation_live_bytes(organisation) - freed
    if used + size > quota:
        raise FileRefused(f"{path} ({_size_text(size)}) would bring {organisation.name}'s uploads to "
                          f"{_size_text(used + size)}; its quota is {_size_text(quota)}. Remove files that are no "
                          "longer needed, or ask a data steward to raise the quota.", code="quota.exceeded",
                          status=413, limit=quota, used=used)


def _retire(file: SubmissionFile, state: str, actor, message: str) -> None:
    file_state_set(file=file, state=state, actor=actor, message=message)
    file.parts.all().delete()
    discard_after_commit(file)
    audit_record(actor=actor, action=f"submission.file_{state}", target=file.submission,
                 detail={"file": str(file.id), "path": file.path, "size": file.size})


@transaction.atomic
def file_remove(*, file: SubmissionFile, actor) -> SubmissionFile:
    _ensure_contributor(file.submission, actor)
    submission = Submission.objects.select_for_update().get(pk=file.submission_id)
    _ensure_editable(submission)
    file = SubmissionFile.objects.select_for_update().get(pk=file.pk)
    if file.state not in LIVE_FILE_STATES:
        raise FileRefused(f"{file.path} is {file.get_state_display().lower()} already.", code="file.state",
                          status=409)
    _retire(file, FileState.REMOVED, actor, "Removed by the contributor.")
    return file


def _ensure_uploading(file: SubmissionFile) -> None:
    if file.state != FileState.REGISTERED:
        raise FileRefused(f"{file.path} is {file.get_state_display().lower()}; it takes no more parts. "
                          "Register it again to send it anew.", code="file.state", status=409)


def file_part_urls(*, file: SubmissionFile, actor, numbers: list[int],
                   absolute_url: Callable[[str], str]) -> list[PartUrl]:
    """URLs to PUT the given parts to (signed for the portal's part endpoint, or presigned for S3)."""
    _ensure_contributor(file.submission, actor)
    _ensure_editable(file.submission)
    _ensure_uploading(file)
    total = parts_total(file.size, file.part_size)
    wrong = sorted({number for number in numbers if not 1 <= number <= total})
    if wrong:
        raise FileRefused(f"{file.path} has parts 1 to {total}; there is no part {', '.join(map(str, wrong))}.",
                          code="part.number")
    backend = backend_for_inbox()
    if not isinstance(backend, LocalUploads):
        _parts_record(file, backend.received(upload_of(file)))  # so the file list shows S3's progress too
    return backend.part_urls(upload_of(file), sorted(set(numbers)), absolute_url=absolute_url)


def _parts_record(file: SubmissionFile, parts: list[ReceivedPart]) -> None:
    """Mirror the parts S3 listed in UploadPart rows."""
    with transaction.atomic():
        file.parts.all().delete()
        UploadPart.objects.bulk_create(UploadPart(file=file, number=p.number, size=p.size, etag=p.etag)
                                       for p in parts)


def file_part_receive(*, token: str, body: BinaryIO, content_length: int | None) -> ReceivedPart:
    """Store one part PUT to the portal's part endpoint (local inbox); the signed token is the credential."""
    try:
        file_id, number = part_token_read(token)
    except signing.SignatureExpired:
        raise FileRefused("This part URL has expired. Ask for new part URLs (POST .../parts/) and send the part "
                          "again.", code="part_url.expired", status=403) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise FileRefused("This part URL is not valid. Ask for part URLs with POST .../parts/.",
                          code="part_url.invalid", status=403) from None
    backend = backend_for_inbox()
    file = SubmissionFile.objects.filter(pk=file_id).first()
    if file is None or not isinstance(backend, LocalUploads):
        raise FileRefused("No upload waits for this part.", code="not_found", status=404)
    _ensure_uploading(file)
    expected = part_expected_size(file.size, file.part_size, number)
    if content_length != expected:
        got = "no Content-Length" if content_length is None else f"Content-Length {content_length}"
        raise FileRefused(f"Part {number} of {file.path} is {expected} bytes; the request has {got}.",
                          code="part.length")
    try:
        part = backend.part_write(upload_of(file), number=number, offset=(number - 1) * file.part_size,
                                  length=expected, body=body)
    except PartCutShort as cut:
        raise FileRefused(f"Part {number} of {file.path}: the connection ended after {cut.received} of "
                          f"{expected} bytes. Send the part again.", code="part.incomplete") from None
    with transaction.atomic():
        file = SubmissionFile.objects.select_for_update().get(pk=file.pk)
        _ensure_uploading(file)
        UploadPart.objects.update_or_create(file=file, number=number,
                                            defaults={"size": part.size, "etag": part.etag})
    return part


@transaction.atomic
def file_complete(*, file: SubmissionFile, actor) -> SubmissionFile:
    """All parts there: assemble the object, move the file to `uploaded` and hand it to the pipeline."""
    _ensure_contributor(file.submission, actor)
    file = SubmissionFile.objects.select_for_update().get(pk=file.pk)
    if file.state in (FileState.UPLOADED, *_PIPELINE_STATES):
        return file  # completed before: the same answer
    _ensure_editable(file.submission)
    _ensure_uploading(file)
    backend = backend_for_inbox()
    upload = upload_of(file)
    received = {part.number: part for part in backend.received(upload)}
    total = parts_total(file.size, file.part_size)
    missing = [n for n in range(1, total + 1) if n not in received]
    wrong = [n for n, part in sorted(received.items())
             if n <= total and part.size != part_expected_size(file.size, file.part_size, n)]
    if missing or wrong:
        problems = []
        if missing:
            problems.append(f"{len(missing)} of {total} parts are missing ({_numbers(missing)})")
        if wrong:
            problems.append(f"parts {_numbers(wrong)} have the wrong size")
        raise FileRefused(f"{file.path} is not complete: {'; '.join(problems)}. Send those parts, then complete "
                          "again.", code="upload.incomplete", status=409, missing=missing, wrong_size=wrong)
    parts = [received[n] for n in range(1, total + 1)]
    try:
        backend.complete(upload, parts)
    except PartsLost:
        file_state_set(file=file, state=FileState.ERROR, actor=actor, failure=Failure.USER,
                       message=f"The parts of {file.path} are gone from the inbox. Register and upload it again.")
        return file
    if not isinstance(backend, LocalUploads):
        _parts_record(file, parts)
    file_state_set(file=file, state=FileState.UPLOADED, actor=actor)
    file_uploaded(file)
    return file


_PIPELINE_STATES = (FileState.VERIFIED, FileState.SCANNED, FileState.CONVERTED, FileState.READY)


def _numbers(numbers: list[int], shown: int = 20) -> str:
    text = ", ".join(map(str, numbers[:shown]))
    return text + (f" and {len(numbers) - shown} more" if len(numbers) > shown else "")


__all__ = ["FileRefused", "file_complete", "file_part_receive", "file_part_urls", "file_register", "file_remove",
           "upload_expires", "upload_quota"]
