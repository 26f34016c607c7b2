"""/account/applications/: apply for access, my applications, the handler queue, one application's page
with its history and the commands the permission table allows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from access.applications.commands import COMMANDS, CommandRefused, application_command, command_args
from access.applications.page import application_page_for
from access.models import Application, ApplicationState
from access.models.applications import OPEN_STATES
from access.selectors.applications import (
    catalogue_item_enabled,
    handler_queue,
    open_application_for,
    sla_age_days,
    sla_overdue,
    user_applications,
    user_unaccepted_versions,
)
from access.services.applications import application_attachment_add, applications_bulk
from repository.models import Dataset


@login_required
def my_applications(request):
    rows = [{"application": application, "terms_pending": application.state in OPEN_STATES
             and bool(user_unaccepted_versions(request.user, application))}
            for application in user_applications(request.user)]
    return render(request, "access/applications/mine.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def application_apply(request, accession: str):
    """The landing page's "Request access": the terms and a button that starts the draft."""
    dataset = get_object_or_404(Dataset, accession=accession)
    item = catalogue_item_enabled(dataset)
    existing = open_application_for(request.user, dataset)
    if existing is not None:
        messages.info(request, f"You already have an application for {dataset.accession} "
                               f"({existing.get_state_display().lower()}); here it is.")
        return redirect("access:application", existing.pk)
    if request.method == "POST" and item is not None:
        try:
            outcome = application_command(application=None, command="create", actor=request.user,
                                          catalogue_items=[item.pk])
        except CommandRefused as error:
            messages.error(request, str(error))
        else:
            return redirect("access:application", outcome.application.pk)
    return render(request, "access/applications/apply.html", {"dataset": dataset, "item": item,
                                                              "version": dataset.latest_version})


@login_required
def application_detail(request, pk: int):
    application, page = application_page_for(pk, request.user)
    return render(request, "access/applications/detail.html", {"application": application, **page})


@login_required
@require_POST
def application_command_view(request, pk: int, command: str):
    application, page = application_page_for(pk, request.user)
    if command not in COMMANDS:
        raise Http404("No such command.")
    args = command_args(command, request.POST)
    try:
        if command in ("save-draft", "submit"):
            # The answers are saved as a draft first, so a refused submit loses nothing typed.
            draft = application_command(application=application, command="save-draft", actor=request.user,
                                        answers=_answers_from_post(request, application, page))
            for problem in draft.result["problems"]:
                if command == "save-draft":
                    messages.warning(request, str(problem))
        outcome = draft if command == "save-draft" else application_command(
            application=application, command=command, actor=request.user, **args)
    except CommandRefused as error:
        messages.error(request, str(error))
        return redirect("access:application", application.pk)
    if outcome.application is None:
        messages.success(request, "The draft is deleted.")
        return redirect("access:my_applications")
    if "new_application" in outcome.result:
        messages.success(request, "A new application was made from this one.")
        return redirect("access:application", outcome.result["new_application"].pk)
    messages.success(request, f"{COMMANDS[command].label}: done.")
    if "token" in outcome.result:
        messages.info(request, "The invitation is on its way by email.")
    return redirect("access:application", application.pk)


def _answers_from_post(request, application, page) -> dict:
    """The form's answers from the POST: tables as rows, multiselects as lists, uploads as attachments."""
    answers = dict(application.answers)
    for field in page["fields"]:
        key = field.key
        if field.kind in ("label", "header"):
            continue
        if field.kind == "multiselect":
            answers[key] = request.POST.getlist(key)
        elif field.kind == "table":
            rows = []
            for row in range(int(request.POST.get(f"{key}__rows") or 0)):
                rows.append({column["key"]: request.POST.get(f"{key}__{row}__{column['key']}", "")
                             for column in field.columns})
            answers[key] = rows
        elif field.kind == "attachment":
            upload = request.FILES.get(key)
            if upload is not None:
                answers[key] = application_attachment_add(application=application, upload=upload,
                                                          actor=request.user).pk
        else:
            answers[key] = request.POST.get(key, "")
    return answers


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    application, page = application_page_for(pk, request.user)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk, redacted_at__isnull=True)
    if attachment.pk in page["private_attachment_ids"]:
        raise Http404("No such attachment.")
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename)


@login_required
@require_http_methods(["GET", "POST"])
def application_invitation(request, pk: int, token: str):
    application = get_object_or_404(Application, pk=pk)
    if request.method == "POST":
        try:
            application_command(application=application, command="accept-invitation", actor=request.user,
                                token=token)
        except CommandRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "You have joined the application.")
            return redirect("access:application", application.pk)
    return render(request, "access/applications/invitation.html", {"application": application, "token": token})


@login_required
@require_http_methods(["GET", "POST"])
def handler_queue_view(request):
    if request.method == "POST":
        command = request.POST.get("command", "")
        chosen = handler_queue(request.user).filter(pk__in=request.POST.getlist("applications"))
        args = command_args(command, request.POST)
        try:
            result = applications_bulk(applications=list(chosen), command=command, actor=request.user, **args)
        except CommandRefused as error:
            messages.error(request, str(error))
        else:
            if result["done"]:
                messages.success(request, f"{COMMANDS[command].label}: {len(result['done'])} applications.")
            for pk, reason in result["refused"]:
                messages.error(request, f"Application {pk}: {reason}")
        return redirect(request.get_full_path())
    state = request.GET.get("state", ApplicationState.SUBMITTED)
    state = state if state in ApplicationState.values or state == "" else ApplicationState.SUBMITTED
    queue = list(handler_queue(request.user, state=state, mine=request.GET.get("mine") == "1",
                               unassigned=request.GET.get("unassigned") == "1"))
    rows = [{"application": a, "age": sla_age_days(a), "overdue": sla_overdue(a)} for a in queue]
    return render(request, "access/applications/queue.html", {
        "rows": rows, "state": state, "states": ApplicationState.choices,
        "mine": request.GET.get("mine") == "1", "unassigned": request.GET.get("unassigned") == "1"})
