"""The data steward's review page: report, files, preview, diff, history, and the review actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from bigpicture.errors import UserError
from ingestion.models import Submission
from ingestion.selectors import is_steward, report_groups, submission_actions
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


urlpatterns: list = [
    path("<uuid:submission_id>/review/", review, name="review"),
    path("<uuid:submission_id>/review/action/", review_action, name="review_action"),
]
