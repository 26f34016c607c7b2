"""The pipeline's first step: recompute an uploaded file's SHA-256 from the inbox, streaming.

The file moves to `verified`, or to `error` (a user failure: the message says to upload
that file again) when its size or checksum is not what the client declared, when it is
crypt4gh-encrypted to another key than the repository's, or when another live file of
the submission has the same content. Files encrypted to the repository's key are kept
as they are: the import decrypts them at publish.
"""

from __future__ import annotations

import io

from botocore.exceptions import BotoCoreError
from django.db import transaction

from bigpicture.errors import TransientError
from bigpicture.objects import object_digest
from bigpicture.storage import storage_for
from ingestion.models import Submission, SubmissionFile
from ingestion.services.submissions import file_state_set
from ingestion.states import LIVE_FILE_STATES, Failure, FileState
from ingestion.uploads import backend_for_inbox, upload_of
from metaflex.encryption import EncryptionError, is_encrypted, session_keys
from repository.keys import crypt4gh_secret_key

HEADER_BYTES = 64 * 1024  # a crypt4gh header is a few hundred bytes


def file_verify(*, file_id: str) -> SubmissionFile | None:
    """Verify one uploaded file; a file in any other state is left alone (so running twice is harmless)."""
    file = SubmissionFile.objects.filter(pk=file_id).first()
    if file is None or file.state != FileState.UPLOADED:
        return file
    try:
        sha256, problem = _check(file)
    except BotoCoreError as error:
        raise TransientError(f"inbox storage did not answer while verifying {file.path}: {error}") from error
    with transaction.atomic():
        Submission.objects.select_for_update().get(pk=file.submission_id)  # duplicates are judged one at a time
        file = SubmissionFile.objects.select_for_update().get(pk=file_id)
        if file.state != FileState.UPLOADED:
            return file
        if problem is None:
            twin = _twin(file, sha256)
            if twin is not None:
                problem = (f"{file.path} has the same content (SHA-256 {sha256}) as {twin.path} in this submission; "
                           "a bundle holds each file once. Remove one of the two.")
        if problem is None:
            file_state_set(file=file, state=FileState.VERIFIED, computed_sha256=sha256)
        else:
            file_state_set(file=file, state=FileState.ERROR, message=problem, failure=Failure.USER,
                           computed_sha256=sha256)
    return file


def _check(file: SubmissionFile) -> tuple[str, str | None]:
    """(computed SHA-256, problem or None)."""
    try:
        sha256, size = object_digest(storage_for("inbox"), file.storage_name)
    except FileNotFoundError:
        return "", f"{file.path} is missing from the inbox. Upload this file again."
    if size != file.size:
        return sha256, (f"{file.path}: the inbox holds {size} bytes, but {file.size} were registered. "
                        "Upload this file again.")
    if file.sha256 and sha256 != file.sha256:
        return sha256, (f"{file.path}: the SHA-256 of the bytes received is {sha256}, but {file.sha256} was "
                        "declared, so the file was damaged on the way or changed meanwhile. Upload this file again.")
    head = backend_for_inbox().head(upload_of(file), HEADER_BYTES)
    if is_encrypted(head):
        try:
            session_keys(io.BytesIO(head), crypt4gh_secret_key(), file.path)
        except EncryptionError as error:
            return sha256, f"{error} Then upload this file again."
    return sha256, None


def _twin(file: SubmissionFile, sha256: str) -> SubmissionFile | None:
    others = SubmissionFile.objects.filter(submission_id=file.submission_id, state__in=LIVE_FILE_STATES,
                                           computed_sha256=sha256).exclude(pk=file.pk)
    return others.order_by("path").first()
