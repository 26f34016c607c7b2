"""The checks of the pipeline's first step: an uploaded file's SHA-256, recomputed from the inbox.

A file fails (a user failure: the message says to upload that file again) when its size or
checksum is not what the client declared, when it is crypt4gh-encrypted to another key than
the repository's, or when another live file of the submission has the same content.
"""

from __future__ import annotations

import io

from botocore.exceptions import BotoCoreError

from bigpicture.errors import TransientError
from bigpicture.objects import object_digest
from bigpicture.storage import storage_for
from ingestion.models import SubmissionFile
from ingestion.states import LIVE_FILE_STATES
from ingestion.uploads import backend_for_inbox, upload_of
from metaflex.encryption import EncryptionError, is_encrypted, session_keys
from repository.keys import crypt4gh_secret_key

HEADER_BYTES = 64 * 1024  # a crypt4gh header is a few hundred bytes


def checksum_problem(file: SubmissionFile) -> tuple[str, str | None]:
    """(computed SHA-256, problem or None), streaming the file from the inbox."""
    try:
        sha256, size = object_digest(storage_for("inbox"), file.storage_name)
    except FileNotFoundError:
        return "", f"{file.path} is missing from the inbox. Upload this file again."
    except BotoCoreError as error:
        raise TransientError(f"inbox storage did not answer while verifying {file.path}: {error}") from error
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


def twin_of(file: SubmissionFile, sha256: str) -> SubmissionFile | None:
    """Another live file of the same submission with the same content, if any."""
    others = SubmissionFile.objects.filter(submission_id=file.submission_id, state__in=LIVE_FILE_STATES,
                                           computed_sha256=sha256).exclude(pk=file.pk)
    return others.order_by("path").first()
