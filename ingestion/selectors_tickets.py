"""Reads about tickets: who may see and work them, the steward queue, and a ticket's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from access.models import User
from access.roles import Role
from ingestion.models import SubmissionEvent, Ticket, TicketAttachment, TicketComment
from ingestion.selectors import is_steward, submission_visible
from ingestion.ticket_states import TicketStatus

ASSIGNEE_FILTERS = ("any", "me", "unassigned")
# The queue's status filter: "" is every ticket still open, "all" includes closed ones.
ACTIVE_STATUSES = (TicketStatus.OPEN, TicketStatus.CLAIMED, TicketStatus.WAITING_FOR_CONTRIBUTOR)


def stewards() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.DATA_STEWARD.value, is_active=True).order_by("username")


def ticket_visible(ticket: Ticket, user) -> bool:
    return submission_visible(ticket.submission, user)


def ticket_get(*, pk, user) -> Ticket | None:
    """The ticket if `user` may see it (stewards: any; contributors: their organisation's)."""
    ticket = Ticket.objects.select_related("submission__organisation", "assignee", "sop_template").filter(
        pk=pk).first()
    return ticket if ticket is not None and ticket_visible(ticket, user) else None


@dataclass(frozen=True)
class QueueFilters:
    organisation: str = ""  # slug
    status: str = ""  # "", "all", or a TicketStatus
    older_than_days: int | None = None
    breached: bool = False
    assignee: str = "any"  # ASSIGNEE_FILTERS


def ticket_queue(*, user, filters: QueueFilters, now: datetime | None = None) -> QuerySet[Ticket]:
    """The steward queue, oldest first; empty for anyone who is not a steward."""
    now = now or timezone.now()
    if not is_steward(user):
        return Ticket.objects.none()
    tickets = Ticket.objects.select_related("submission__organisation", "assignee").order_by("opened_at", "id")
    if filters.organisation:
        tickets = tickets.filter(submission__organisation__slug=filters.organisation)
    if filters.status == "":
        tickets = tickets.filter(status__in=ACTIVE_STATUSES)
    elif filters.status != "all":
        tickets = tickets.filter(status=filters.status)
    if filters.older_than_days is not None:
        tickets = tickets.filter(opened_at__lt=now - timedelta(days=filters.older_than_days))
    if filters.breached:
        tickets = tickets.filter(closed_at__isnull=True, due_at__lt=now)
    if filters.assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif filters.assignee == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    return tickets


def ticket_comments(ticket: Ticket, user) -> QuerySet[TicketComment]:
    """The comments `user` may read: stewards all, contributors those that are not internal notes."""
    comments = ticket.comments.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=TicketAttachment.objects.order_by("name")))
    return comments if is_steward(user) else comments.filter(internal=False)


def attachment_get(*, pk, user) -> TicketAttachment | None:
    attachment = TicketAttachment.objects.select_related("comment__ticket__submission__organisation").filter(
        pk=pk).first()
    if attachment is None or not ticket_visible(attachment.comment.ticket, user):
        return None
    if attachment.comment.internal and not is_steward(user):
        return None
    return attachment


@dataclass(frozen=True)
class TimelineEntry:
    created: datetime
    kind: str  # "ticket" or "submission"
    actor: object
    text: str
    note: str


def ticket_timeline(ticket: Ticket) -> list[TimelineEntry]:
    """The ticket's status history and its submission's events, in one list, oldest first."""
    entries = [TimelineEntry(event.created, "ticket", event.actor,
                             f"Ticket {event.get_to_status_display().lower()}"
                             if event.from_status else "Ticket opened", event.note)
               for event in ticket.events.select_related("actor")]
    entries += [TimelineEntry(event.created, "submission", event.actor,
                              f"Submission: {event.get_from_state_display().lower()} → "
                              f"{event.get_to_state_display().lower()}", event.message)
                for event in SubmissionEvent.objects.filter(submission=ticket.submission_id).select_related("actor")]
    return sorted(entries, key=lambda entry: entry.created)


def report_summary(submission) -> dict | None:
    """The validation report in a few numbers: ok, errors, warnings, problems; None before any report."""
    report = submission.report or {}
    if not report:
        return None
    problems = report.get("problems") or []
    severities = [str(problem.get("severity", "")).lower() for problem in problems]
    return {"ok": bool(report.get("ok")), "problems": len(problems), "errors": severities.count("error"),
            "warnings": severities.count("warning"), "at": submission.report_at}
