"""The file steps: verify the checksum, decrypt crypt4gh, scan for malware.

Each works on one uploaded file, reading it from the inbox as a stream (or from a local spool
where a library needs a path) and writing only staged objects, which the runner commits.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from bigpicture.errors import TransientError, UserError
from bigpicture.objects import object_reader
from bigpicture.staging import journal_finish, object_stage
from bigpicture.storage import storage_for
from ingestion.models import PipelineStep, Submission, SubmissionFile
from ingestion.pipeline.runner import Outcome, StepFailure
from ingestion.pipeline.workdir import spool
from ingestion.services.verification import checksum_problem, twin_of
from ingestion.states import Failure
from ingestion.uploads import backend_for_inbox, upload_of
from metaflex.encryption import Crypt4GHReader, is_encrypted
from repository.keys import crypt4gh_secret_key

HEADER_BYTES = 64 * 1024


def verify(step: PipelineStep, work: Path) -> Outcome:
    file = step.file
    sha256, problem = checksum_problem(file)
    if problem:
        raise ChecksumFailure(problem, sha256)

    def commit() -> None:
        Submission.objects.select_for_update().get(pk=file.submission_id)  # duplicates judged one at a time
        twin = twin_of(file, sha256)
        if twin is not None:
            raise UserError(f"{file.path} has the same content (SHA-256 {sha256}) as {twin.path} in this submission; "
                        "a bundle holds each file once. Remove one of the two.")
        SubmissionFile.objects.filter(pk=file.pk).update(computed_sha256=sha256)

    return Outcome(details={"sha256": sha256, "size": file.size}, commit=commit)


class ChecksumFailure(StepFailure):
    """The file is not what was declared; the SHA-256 computed is kept, to show what arrived."""

    def __init__(self, message: str, sha256: str):
        super().__init__(message)
        self.sha256 = sha256

    def apply(self, step: PipelineStep) -> None:
        SubmissionFile.objects.filter(pk=step.file_id).update(computed_sha256=self.sha256)


def decrypt(step: PipelineStep, work: Path) -> Outcome:
    """Decrypt a crypt4gh upload as a stream into the inbox, beside the ciphertext."""
    file = step.file
    if not is_encrypted(backend_for_inbox().head(upload_of(file), HEADER_BYTES)):
        return Outcome(skipped=True, message="not encrypted")
    cipher = spool("inbox", file.storage_name, work / "cipher.c4gh", size=file.size, what=file.path)
    plain_name = f"{file.storage_name}.plain"
    with Crypt4GHReader(cipher, crypt4gh_secret_key(), checksum=file.computed_sha256 or None) as reader:
        staged = object_stage(area="inbox", name=plain_name, source=reader)  # EncryptionError: a UserError

    def commit() -> None:
        SubmissionFile.objects.filter(pk=file.pk).update(plain_name=plain_name, plain_sha256=staged.sha256)

    return Outcome(details={"plain_sha256": staged.sha256, "plain_size": staged.size}, commit=commit)


class MalwareFound(StepFailure):
    def __init__(self, file: SubmissionFile, signature: str):
        self.file, self.signature = file, signature
        super().__init__(f"{file.path} contains malware ({signature}); it was moved to quarantine. Nothing of "
                         "this submission goes further until a data steward has looked at it.")

    def apply(self, step: PipelineStep) -> None:
        from ingestion.services.retention import file_quarantine
        from ingestion.services.submissions import submission_transition
        from ingestion.states import TRANSITION_BY_ACTION

        file_quarantine(self.file, f"malware {self.signature}")
        if self.file.plain_name:
            transaction.on_commit(lambda: storage_for("inbox").delete(self.file.plain_name), robust=True)
        submission = Submission.objects.select_for_update().get(pk=self.file.submission_id)
        if submission.state in TRANSITION_BY_ACTION["malware_found"].sources:
            submission_transition(submission=submission, action="malware_found", failure=Failure.USER,
                                  message=str(self))


def scan(step: PipelineStep, work: Path) -> Outcome:
    """Stream the file (its plaintext, when it was encrypted) through clamd."""
    from ingestion.scanning.windows import scan_file

    file = SubmissionFile.objects.get(pk=step.file_id)
    name = file.plain_name or file.storage_name
    size = storage_for("inbox").size(name) if file.plain_name else file.size
    try:
        with object_reader(storage_for("inbox"), name) as stream:
            verdict = scan_file(stream, name=file.path, size=size)
    except FileNotFoundError:
        journal_finish("inbox", name)  # a plaintext whose move storage failed after the commit: there on the retry
        raise TransientError(f"{file.path}: its bytes are not in the inbox (yet); retrying.") from None
    if not verdict.clean:
        raise MalwareFound(file, verdict.signature or "unknown signature")
    if verdict.bytes_scanned != size:
        raise TransientError(f"{file.path}: clamd scanned {verdict.bytes_scanned:,} of its {size:,} bytes; "
                             "scanning it again.")
    return Outcome(details={"clamd": verdict.clamd_version, "bytes_scanned": verdict.bytes_scanned},
                   message=f"clean ({verdict.clamd_version.split('/')[0]})")


WORK = {"verify": verify, "decrypt": decrypt, "scan": scan}
