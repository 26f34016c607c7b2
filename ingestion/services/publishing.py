"""Publishing an approved submission through the importer, and moving its files out of the inbox.

`dataset_import` assigns accessions, writes the immutable version and archives the files,
all in one transaction with this module's own writes (the submission's dataset and version,
a file event per file, `publish_done`). Only after that commit are the inbox objects
deleted; `archived_inbox_sweep` deletes those a crash left. Any failure rolls all of it back, archive objects included, and returns the
submission to review with `publish_failed` and its failure class.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bigpicture.errors import TransientError, UserError
from bigpicture.objects import object_list, object_reader
from bigpicture.staging import staged_atomic
from bigpicture.storage import storage_for
from ingestion.models import Submission, SubmissionFile
from ingestion.selectors import derived_object_names
from ingestion.services.bundle import bundle_files, converted_jobs, inbox_bundle
from ingestion.services.submissions import file_state_set, submission_transition
from ingestion.services.validation import report_json
from ingestion.states import Failure, FileState, SubmissionState
from metaflex.types import Report
from repository.services import ImportResult, dataset_import
from repository.services.archive import file_archive
from repository.services.import_errors import IMPORT_ERRORS, import_problem

logger = logging.getLogger(__name__)


class _Refused(Exception):
    """The importer refused the bundle (its report has errors): roll back and tell the steward."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.format())


def submission_publish(*, submission_id) -> Submission | None:
    """Publish a `publishing` submission; idempotent (any other state is left alone)."""
    submission = Submission.objects.select_related("organisation").get(pk=submission_id)
    if submission.state != SubmissionState.PUBLISHING:
        return None
    try:
        with inbox_bundle(submission) as root, staged_atomic():
            locked = Submission.objects.select_for_update().get(pk=submission.pk)
            if locked.state != SubmissionState.PUBLISHING:
                return None
            actor = _approver(locked)
            result = dataset_import(bundle_dir=root, organisation=locked.organisation, actor=actor,
                                    changelog=locked.changelog)
            if not result.ok:
                raise _Refused(result.report)
            _published(locked, result)
        return locked
    except _Refused as refused:
        errors = len(refused.report.errors)
        _failed(submission, Failure.USER, f"The importer refused the bundle: {errors} error(s); see the report.",
                report=refused.report)
    except UserError as error:
        _failed(submission, Failure.USER, f"Publishing was refused: {error}")
    except TransientError as error:
        _failed(submission, Failure.TRANSIENT, f"Publishing was interrupted ({error}); approve again to retry.")
    except IMPORT_ERRORS as error:
        _failed(submission, Failure.PERMANENT, f"Publishing failed: {import_problem(error).message} An operator "
                                               "must look before it is approved again.")
    except Exception as error:  # a bug: keep the trace in the log, give the steward a sentence
        logger.exception("publishing submission %s failed", submission.pk)
        _failed(submission, Failure.PERMANENT, f"Publishing failed ({type(error).__name__}); an operator must look "
                                               "at the worker log before it is approved again.")
    submission.refresh_from_db()
    return submission


def _approver(submission: Submission):
    event = submission.events.filter(action="approve").order_by("-created", "-id").first()
    return event.actor if event else None


def _published(submission: Submission, result: ImportResult) -> None:
    submission.dataset, submission.version = result.dataset, result.version
    submission.report = report_json(result.report)
    submission.save(update_fields=["dataset", "version", "report", "updated"])
    names = derived_object_names(submission)
    where = f"{result.dataset.accession} version {result.version.number}"
    converted = {f["filename"] for job in converted_jobs(submission) for f in job.plan.get("files", [])}
    for file in bundle_files(submission).select_for_update():
        names.append(file.storage_name)
        if file.path not in converted:
            file_state_set(file=file, state=FileState.ARCHIVED,
                           message=f"published in {where}; the inbox copy {file.storage_name} is deleted")
        elif settings.PIPELINE_KEEP_SCANNER_FILES:
            kept, _size = file_archive(source=object_reader(storage_for("inbox"), file.plain_name or file.storage_name),
                                       checksum=file.plain_sha256 or file.computed_sha256,
                                       filetype=_extension(file.path), dataset_accession=result.dataset.accession)
            file_state_set(file=file, state=FileState.ARCHIVED,
                           message=f"converted to DICOM for {where}; the scanner file is kept in the archive as "
                                   f"{kept} (PIPELINE_KEEP_SCANNER_FILES)")
        else:
            file_state_set(file=file, state=FileState.REMOVED,
                           message=f"converted to DICOM for {where}; the scanner file is not kept (policy), so its "
                                   f"inbox copy {file.storage_name} (SHA256 {file.computed_sha256}) is deleted")
    # Their inbox objects go with the rest (derived_object_names); the facts stay on the jobs.
    submission.image_jobs.update(thumbnail_name="", preview_name="")
    submission_transition(submission=submission, action="publish_done", message=f"Published as {where}.")
    transaction.on_commit(lambda: inbox_objects_delete(names), robust=True)


def _extension(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lstrip(".").lower()
    return suffix or "bin"


def archived_inbox_sweep(*, now: datetime | None = None) -> int:
    """Delete inbox copies of published files that the after-commit delete missed (a crash in between).

    Looks at files archived between an hour and a day ago, one listing per submission, so the
    hourly beat checks each publication about 23 times and then never again.
    """
    now = now or timezone.now()
    recent = SubmissionFile.objects.filter(state=FileState.ARCHIVED, updated__range=(
        now - timedelta(days=1), now - timedelta(hours=1))).exclude(storage_name="")
    storage, removed = storage_for("inbox"), 0
    for submission_id in recent.values_list("submission_id", flat=True).distinct():
        archived = set(recent.filter(submission_id=submission_id).values_list("storage_name", flat=True))
        left = [name for name, _ in object_list(storage, f"submissions/{submission_id}") if name in archived]
        inbox_objects_delete(left)
        removed += len(left)
    return removed


def inbox_objects_delete(names: list[str]) -> None:
    storage = storage_for("inbox")
    for name in names:
        storage.delete(name)


@transaction.atomic
def _failed(submission: Submission, failure: str, message: str, *, report: Report | None = None) -> None:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.state != SubmissionState.PUBLISHING:
        return
    if report is not None:
        locked.report = report_json(report)
        locked.save(update_fields=["report", "updated"])
    submission_transition(submission=locked, action="publish_failed", failure=failure, message=message)
