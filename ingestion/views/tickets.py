"""Ticket pages: the steward queue, a ticket's page, and the posts that work it (see ingestion/urls.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from access.models import Organisation
from bigpicture.errors import UserError
from bigpicture.storage import storage_for
from governance.services import audit_record
from ingestion.models import ChecklistItem
from ingestion.selectors import is_steward
from ingestion.selectors_tickets import (
    ASSIGNEE_FILTERS,
    QueueFilters,
    attachment_get,
    report_summary,
    stewards,
    ticket_comments,
    ticket_get,
    ticket_queue,
    ticket_timeline,
)
from ingestion.services import tickets as ticket_services
from ingestion.ticket_states import TicketStatus


class QueueFilterForm(forms.Form):
    organisation = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "Not closed"), ("all", "Any status"),
                                                        *TicketStatus.choices])
    older_than_days = forms.IntegerField(required=False, min_value=0, max_value=3650,
                                         label="Older than (days)")
    breached = forms.BooleanField(required=False, label="SLA breached only")
    assignee = forms.ChoiceField(required=False, choices=[("any", "Anyone"), ("me", "Me"),
                                                          ("unassigned", "Unassigned")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Any organisation"),
                                               *Organisation.objects.values_list("slug", "name")]

    def filters(self) -> QueueFilters:
        data = self.cleaned_data
        return QueueFilters(organisation=data["organisation"], status=data["status"],
                            older_than_days=data["older_than_days"], breached=data["breached"],
                            assignee=data["assignee"] if data["assignee"] in ASSIGNEE_FILTERS else "any")


def _steward_required(request) -> None:
    if not is_steward(request.user):
        raise PermissionDenied("Only data stewards work the ticket queue.")


def _ticket_or_404(request, pk):
    ticket = ticket_get(pk=pk, user=request.user)
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def review_url(submission) -> str:
    try:
        return reverse("ingestion:review", args=[submission.pk])
    except NoReverseMatch:  # the review pages are another area's; until they exist, the plain path
        return f"/submissions/{submission.pk}/review/"


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = default
    return redirect(target)


def _attempt(request, work, success: str) -> None:
    """Run a service call; its UserError becomes a message on the next page instead of a traceback."""
    try:
        work()
    except UserError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)


@login_required
@require_GET
def queue(request):
    _steward_required(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else QueueFilters()
    tickets = ticket_queue(user=request.user, filters=filters)[:500]
    return render(request, "ingestion/tickets/queue.html", {"form": form, "tickets": tickets})


@login_required
@require_GET
def detail(request, pk: int):
    _steward_required(request)
    ticket = _ticket_or_404(request, pk)
    return render(request, "ingestion/tickets/detail.html", {
        "ticket": ticket,
        "submission": ticket.submission,
        "review_url": review_url(ticket.submission),
        "checklist": ticket.checklist.select_related("done_by"),
        "comments": ticket_comments(ticket, request.user),
        "timeline": ticket_timeline(ticket),
        "report": report_summary(ticket.submission),
        "stewards": stewards(),
        "is_steward": True,
        "closed": ticket.status == TicketStatus.CLOSED,
    })


@login_required
@require_POST
def claim(request, pk: int):
    ticket = _ticket_or_404(request, pk)
    _attempt(request, lambda: ticket_services.ticket_claim(ticket=ticket, actor=request.user),
             f"You are handling ticket #{ticket.pk}.")
    return _back(request, reverse("ingestion:ticket", args=[ticket.pk]))


@login_required
@require_POST
def assign(request, pk: int):
    ticket = _ticket_or_404(request, pk)
    assignee = stewards().filter(pk=request.POST.get("assignee") or None).first()
    if assignee is None:
        messages.error(request, "Choose a data steward to assign the ticket to.")
    else:
        _attempt(request, lambda: ticket_services.ticket_assign(ticket=ticket, assignee=assignee,
                                                                actor=request.user),
                 f"Ticket #{ticket.pk} is assigned to {assignee.get_username()}.")
    return _back(request, reverse("ingestion:ticket", args=[ticket.pk]))


@login_required
@require_POST
def unassign(request, pk: int):
    ticket = _ticket_or_404(request, pk)
    _attempt(request, lambda: ticket_services.ticket_unassign(ticket=ticket, actor=request.user),
             f"Nobody is handling ticket #{ticket.pk} now.")
    return _back(request, reverse("ingestion:ticket", args=[ticket.pk]))


@login_required
@require_POST
def checklist_tick(request, pk: int, item_pk: int):
    ticket = _ticket_or_404(request, pk)
    item = get_object_or_404(ChecklistItem, pk=item_pk, ticket=ticket)
    done = request.POST.get("done") == "1"
    _attempt(request, lambda: ticket_services.checklist_item_set(item=item, done=done, actor=request.user),
             f"“{item.title}” is {'done' if done else 'not done'}.")
    return redirect(reverse("ingestion:ticket", args=[ticket.pk]) + "#checklist")


@login_required
@require_POST
def comment(request, pk: int):
    """Post a comment (multipart, with attachments); stewards and the submission's contributors."""
    ticket = _ticket_or_404(request, pk)
    internal = request.POST.get("internal") == "1"
    _attempt(request, lambda: ticket_services.ticket_comment_add(
        ticket=ticket, author=request.user, body=request.POST.get("body", ""), internal=internal,
        files=request.FILES.getlist("attachments")), "Internal note added." if internal else "Comment sent.")
    default = (reverse("ingestion:ticket", args=[ticket.pk]) if is_steward(request.user)
               else f"/submissions/{ticket.submission_id}/")
    return _back(request, default + "#conversation")


@login_required
@require_GET
def attachment(request, pk):
    """Permission check, audit row, then the bytes streamed from storage."""
    found = attachment_get(pk=pk, user=request.user)
    if found is None:
        raise Http404("No such attachment.")
    try:
        handle = storage_for(ticket_services.ATTACHMENT_AREA).open(found.storage_name, "rb")
    except FileNotFoundError as missing:
        raise Http404("The attachment's file is missing from storage; tell a data steward.") from missing
    audit_record(actor=request.user, action="ticket.attachment.download", target=found.comment.ticket,
                 detail={"attachment": str(found.pk), "name": found.name})
    return FileResponse(handle, as_attachment=True, filename=found.name)


urlpatterns = [
    path("tickets/", queue, name="tickets"),
    path("tickets/<int:pk>/", detail, name="ticket"),
    path("tickets/<int:pk>/claim/", claim, name="ticket-claim"),
    path("tickets/<int:pk>/assign/", assign, name="ticket-assign"),
    path("tickets/<int:pk>/unassign/", unassign, name="ticket-unassign"),
    path("tickets/<int:pk>/checklist/<int:item_pk>/", checklist_tick, name="ticket-checklist"),
    path("tickets/<int:pk>/comments/", comment, name="ticket-comment"),
    path("tickets/attachments/<uuid:pk>/", attachment, name="ticket-attachment"),
]
