"""A submission's MetaFleX validation report, with the landing-page preview and the diff it makes.

The report is the importer's own: a dry run of `repository.services.dataset_import` on the
inbox bundle, which validates exactly as `import_metaflex` does (and also refuses what the
import would refuse: an identical version, a withdrawn dataset). So contributors read the
same messages as the command line prints; `report["text"]` is that text.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from access.selectors import can_submit_for
from bigpicture.celery import app
from bigpicture.errors import UserError
from governance.services import audit_record
from ingestion.models import Submission
from ingestion.pipeline.jobs import image_plans, processing_start
from ingestion.selectors import is_steward
from ingestion.services.bundle import inbox_bundle
from ingestion.services.review import processing_check
from ingestion.services.submissions import submission_transition
from ingestion.states import EDITABLE_STATES, Failure, SubmissionState
from metaflex.types import Report
from repository.services import ImportResult, dataset_import
from repository.services.import_errors import IMPORT_ERRORS, import_problem
from repository.views.landing import landing_page_context

LANDING_TEMPLATE = "repository/landing_page.html"
# By name, because the task module imports this one.
REPORT_TASK = "ingestion.tasks.review.submission_report"


def report_json(report: Report) -> dict:
    """The stored form: problems, counts, and `text` exactly as `import_metaflex` prints it."""
    return {**report.to_json(), "errors": len(report.errors), "warnings": len(report.warnings),
            "text": report.format()}


def report_request(submission: Submission, actor) -> None:
    """Ask for a fresh report while uploading ("Check bundle"); no transition."""
    if not (can_submit_for(actor, submission.organisation) or is_steward(actor)):
        raise UserError("You may not check this submission's bundle.")
    if submission.state not in EDITABLE_STATES:
        raise UserError(f"The bundle is checked only while uploading; the submission is "
                        f"{submission.get_state_display().lower()}.")
    audit_record(actor=actor, action="submission.check", target=submission)
    app.tasks[REPORT_TASK].dispatch(str(submission.pk))


def submission_validate(*, submission_id, transition: bool = True) -> Submission | None:
    """Validate the inbox bundle and store the report; with `transition`, move on from `validating`.

    Idempotent: with `transition`, a submission that is no longer validating is left alone.
    """
    submission = Submission.objects.select_related("organisation").get(pk=submission_id)
    if transition and submission.state != SubmissionState.VALIDATING:
        return None
    result = _rehearse(submission)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if transition and locked.state != SubmissionState.VALIDATING:
            return None
        locked.report = report_json(result.report)
        locked.report_at = timezone.now()
        locked.preview_html = result.preview_html
        locked.diff = result.diff
        locked.save(update_fields=["report", "report_at", "preview_html", "diff", "updated"])
        if not transition:
            return locked
        if not result.import_result.ok:
            errors = len(result.report.errors)
            submission_transition(submission=locked, action="validation_failed", failure=Failure.USER,
                                  message=f"{errors} error{'s' if errors != 1 else ''}; see the report.")
            return locked
        submission_transition(submission=locked, action="validation_passed")
        processing_start(locked, result.plans)
    processing_check(locked)
    locked.refresh_from_db()
    return locked


class _Rehearsal:
    """What one dry run of the importer gives: the result, the preview and the diff."""

    def __init__(self) -> None:
        self.import_result: ImportResult | None = None
        self.preview_html = ""
        self.diff: dict = {}
        self.plans: dict[str, dict] = {}

    @property
    def report(self) -> Report:
        return self.import_result.report

    def __call__(self, result: ImportResult, bundle) -> None:
        # Inside the dry run's transaction: the version's rows exist until it rolls back.
        self.plans = image_plans(bundle)
        request = _preview_request()
        self.preview_html = render_to_string(LANDING_TEMPLATE, landing_page_context(result.version, request),
                                             request=request)
        if result.version.number > 1:
            counts: dict[str, int] = {}
            for change in result.changes:
                counts[change["change"]] = counts.get(change["change"], 0) + 1
            self.diff = {"dataset": result.dataset.accession, "previous_version": result.version.number - 1,
                         "version": result.version.number, "counts": counts, "changes": result.changes,
                         "entity_counts": result.counts}


def _rehearse(submission: Submission) -> _Rehearsal:
    rehearsal = _Rehearsal()
    try:
        # The files as uploaded: the plans describe them, so an IMAGE sent again unchanged keeps its job.
        with inbox_bundle(submission, converted=False) as root:
            rehearsal.import_result = dataset_import(bundle_dir=root, organisation=submission.organisation,
                                                     changelog=submission.changelog, dry_run=True,
                                                     scanner_files=True, rehearsal=rehearsal)
    except IMPORT_ERRORS as error:
        rehearsal.import_result = ImportResult(report=Report(problems=[import_problem(error)]), dry_run=True)
    if not rehearsal.import_result.ok:
        rehearsal.preview_html, rehearsal.diff = "", {}
    return rehearsal


def _preview_request() -> HttpRequest:
    """A request for rendering outside a web request: the first configured host, nobody signed in."""
    request = HttpRequest()
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if "*" not in h]
    request.META = {"SERVER_NAME": hosts[0] if hosts else "localhost", "SERVER_PORT": "80"}
    request.user = AnonymousUser()
    return request
