"""The contributor's pages: my submissions, create one, and a submission's detail with the upload client."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.selectors import can_submit_for
from bigpicture.errors import UserError
from ingestion.forms import SubmissionCreateForm, TransitionForm
from ingestion.models import Submission
from ingestion.selectors import (
    contributor_submissions,
    report_groups,
    submission_actions,
    submission_files,
    submission_visible,
)
from ingestion.selectors_pipeline import pipeline_tracks
from ingestion.services.submissions import submission_create, submission_transition
from ingestion.services.validation import report_request
from ingestion.states import EDITABLE_STATES, FileState

# The page asks for the report every 1.5 s after "Check bundle"; after this many it stops asking.
MAX_REPORT_POLLS = 120


def _visible_submission(request, submission_id) -> Submission:
    submission = get_object_or_404(Submission.objects.select_related("organisation", "dataset"), pk=submission_id)
    if not submission_visible(submission, request.user):
        raise Http404("No such submission.")  # another organisation's submission: not even its existence
    return submission


@login_required
@require_GET
def submission_list(request):
    return render(request, "ingestion/contributor/list.html",
                  {"submissions": contributor_submissions(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def submission_new(request):
    form = SubmissionCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submission_create(organisation=form.cleaned_data["organisation"], actor=request.user,
                                           title=form.cleaned_data["title"], dataset=form.cleaned_data["dataset"])
        except UserError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Submission created. Upload the bundle's folder below.")
            return redirect("ingestion:detail", submission_id=submission.pk)
    return render(request, "ingestion/contributor/create.html", {"form": form})


def _report_context(submission) -> dict:
    if not submission.report_at:
        return {"report": None}
    return {"report": submission.report, "report_groups": report_groups(submission.report)}


@login_required
@require_GET
def submission_detail(request, submission_id):
    submission = _visible_submission(request, submission_id)
    files = list(submission_files(submission))
    context = {
        "submission": submission,
        "files": files,
        "has_incomplete": any(file.state == FileState.REGISTERED for file in files),
        # Files change only while the state allows it, and only by the submitting side (not a steward).
        "editable": submission.state in EDITABLE_STATES and can_submit_for(request.user, submission.organisation),
        "actions": submission_actions(submission, request.user),
        "events": submission.events.select_related("actor"),
        "checking": request.GET.get("checking", ""),
        "tracks": pipeline_tracks(submission),
        **_report_context(submission),
    }
    return render(request, "ingestion/contributor/detail.html", context)


@login_required
@require_GET
def submission_report(request, submission_id):
    """The report section alone; the page polls it after "Check bundle" until a newer report is there."""
    submission = _visible_submission(request, submission_id)
    since = request.GET.get("since", "")
    polls = int(request.GET.get("polls", "0")) if request.GET.get("polls", "0").isdigit() else 0
    waiting = since != "" and since == (submission.report_at.isoformat() if submission.report_at else "none")
    return render(request, "ingestion/contributor/_report.html", {
        "submission": submission, "checking": since if waiting and polls < MAX_REPORT_POLLS else "",
        "check_slow": waiting and polls >= MAX_REPORT_POLLS, "polls": polls + 1, **_report_context(submission)})


@login_required
@require_POST
def submission_action(request, submission_id):
    submission = _visible_submission(request, submission_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an action from the page's buttons.")
        return redirect("ingestion:detail", submission_id=submission.pk)
    try:
        event = submission_transition(submission=submission, action=form.cleaned_data["action"],
                                      actor=request.user, message=form.cleaned_data["message"])
    except UserError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Done: the submission is now {submission.get_state_display().lower()}.")
        if event.action == "submit":
            messages.info(request, "The bundle is being validated; the report appears on this page.")
    return redirect("ingestion:detail", submission_id=submission.pk)


@login_required
@require_POST
def submission_check(request, submission_id):
    """Ask for a validation report of the bundle as it is now, without a transition."""
    submission = _visible_submission(request, submission_id)
    since = submission.report_at.isoformat() if submission.report_at else "none"
    try:
        report_request(submission=submission, actor=request.user)
    except UserError as error:
        messages.error(request, str(error))
        return redirect("ingestion:detail", submission_id=submission.pk)
    messages.info(request, "Checking the bundle; the report appears below when it is ready.")
    detail = reverse("ingestion:detail", kwargs={"submission_id": submission.pk})
    return redirect(f"{detail}?{urlencode({'checking': since})}#report")


urlpatterns = [
    path("", submission_list, name="list"),
    path("new/", submission_new, name="create"),
    path("<uuid:submission_id>/", submission_detail, name="detail"),
    path("<uuid:submission_id>/report/", submission_report, name="report"),
    path("<uuid:submission_id>/actions/", submission_action, name="action"),
    path("<uuid:submission_id>/check/", submission_check, name="check"),
]
