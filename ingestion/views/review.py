"""The data steward's review page: report, files, preview, diff, history, and the review actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from access.selectors import can_access_pixels
from bigpicture.errors import UserError
from bigpicture.objects import object_reader
from bigpicture.storage import storage_for
from governance.services import audit_record
from ingestion.models import Submission
from ingestion.selectors import is_steward, report_groups, submission_actions
from ingestion.selectors_pipeline import pipeline_step_of, pipeline_tracks
from ingestion.services.pipeline import pipeline_step_retry
from ingestion.services.review import review_act
from ingestion.states import STEWARD


def _reviewed(request, submission_id) -> Submission:
    if not is_steward(request.user):
        raise PermissionDenied("Only data stewards review submissions.")
    return get_object_or_404(Submission.objects.select_related("organisation", "dataset", "version"),
                             pk=submission_id)


@login_required
@require_GET
def review(request, submission_id):
    submission = _reviewed(request, submission_id)
    return render(request, "ingestion/review/review.html", {
        "submission": submission,
        "report": submission.report,
        "groups": report_groups(submission.report),
        "files": submission.files.all(),
        "tracks": pipeline_tracks(submission),
        "events": submission.events.select_related("actor"),
        # A steward who also contributes for the organisation gets the contributor's buttons elsewhere.
        "actions": [a for a in submission_actions(submission, request.user) if a.by == STEWARD],
    })


@login_required
@require_POST
def review_action(request, submission_id):
    submission = _reviewed(request, submission_id)
    action = request.POST.get("action", "")
    try:
        review_act(submission=submission, action=action, actor=request.user,
                   message=request.POST.get("message", ""))
    except UserError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Done: the submission is now {submission.get_state_display().lower()}.")
    return redirect("ingestion:review", submission_id=submission.pk)


@login_required
@require_POST
def step_retry(request, submission_id, step_id):
    submission = _reviewed(request, submission_id)
    step = pipeline_step_of(submission, step_id)
    if step is None:
        raise Http404("No such step in this submission.")
    try:
        pipeline_step_retry(step=step, actor=request.user)
    except UserError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{step.get_name_display()} is queued again.")
    return redirect("ingestion:review", submission_id=submission.pk)


@login_required
@require_GET
def image_thumbnail(request, submission_id, job_id):
    """An image's thumbnail from the inbox, for the people who may see the submission's pixels."""
    submission = get_object_or_404(Submission.objects.select_related("organisation"), pk=submission_id)
    if not can_access_pixels(request.user, submission):
        raise Http404("No such image.")
    job = get_object_or_404(submission.image_jobs.exclude(thumbnail_name=""), pk=job_id)
    audit_record(actor=request.user, action="submission.thumbnail_view", target=submission,
                 detail={"image": job.image_alias})
    response = FileResponse(object_reader(storage_for("inbox"), job.thumbnail_name), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


urlpatterns: list = [
    path("<uuid:submission_id>/steps/<int:step_id>/retry/", step_retry, name="step_retry"),
    path("<uuid:submission_id>/images/<uuid:job_id>/thumbnail.jpg", image_thumbnail, name="image_thumbnail"),
    path("<uuid:submission_id>/review/", review, name="review"),
    path("<uuid:submission_id>/review/action/", review_action, name="review_action"),
]
