"""Writes for ingestion tickets: opening, following the submission, assignment, checklist, comments.

A ticket's status changes only through `_status_set`, which checks
`ingestion.ticket_states.TICKET_TRANSITIONS` and records a TicketEvent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.db import transaction
from django.utils import timezone

from bigpicture.errors import UserError
from bigpicture.staging import object_stage, staged_atomic
from governance.services import audit_record
from ingestion.models import (
    ChecklistItem,
    SOPTemplate,
    Submission,
    SubmissionEvent,
    Ticket,
    TicketAttachment,
    TicketComment,
    TicketEvent,
)
from ingestion.selectors import is_steward
from ingestion.selectors_tickets import ticket_visible
from ingestion.services import notifications
from ingestion.states import SubmissionState
from ingestion.ticket_states import CLOSING_SUBMISSION_STATES, TICKET_TRANSITIONS, TicketStatus

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = (".pdf", ".png", ".jpg", ".txt", ".csv", ".xml")
ATTACHMENT_AREA = "default"


@transaction.atomic
def ticket_open(*, submission: Submission, actor=None) -> Ticket:
    """The submission's ticket, opened now with the default SOP's checklist if it has none (idempotent)."""
    existing = Ticket.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    template = SOPTemplate.objects.filter(is_default=True, active=True).first()
    ticket = Ticket.objects.create(submission=submission, sop_template=template)
    if template is not None:
        ChecklistItem.objects.bulk_create(
            ChecklistItem(ticket=ticket, title=step.title, help=step.help, order=step.order)
            for step in template.steps.all())
    TicketEvent.objects.create(ticket=ticket, actor=actor, from_status="", to_status=ticket.status)
    audit_record(actor=actor, action="ticket.open", target=ticket, detail={"submission": str(submission.pk)})
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    # of=self: the assignee is an outer join, which PostgreSQL cannot lock.
    return (Ticket.objects.select_for_update(of=("self",)).select_related("submission", "assignee")
            .get(pk=ticket.pk))


def _status_set(ticket: Ticket, status: str, *, actor=None, note: str = "") -> None:
    """Move a locked ticket to `status` if the table allows it (same status: nothing to record)."""
    if status == ticket.status:
        return
    if status not in TICKET_TRANSITIONS[ticket.status]:
        raise UserError(f"Ticket #{ticket.pk} is {ticket.get_status_display().lower()}; it cannot become "
                        f"{TicketStatus(status).label.lower()}.")
    TicketEvent.objects.create(ticket=ticket, actor=actor, from_status=ticket.status, to_status=status, note=note)
    ticket.status = status
    ticket.closed_at = timezone.now() if status == TicketStatus.CLOSED else None
    ticket.save(update_fields=["status", "closed_at"])


@transaction.atomic
def ticket_on_transition(event: SubmissionEvent) -> Ticket:
    """Let the ticket follow a submission transition, and tell the people concerned by mail."""
    ticket = _locked(ticket_open(submission=event.submission))
    target = event.to_state
    if target == SubmissionState.AWAITING_REVIEW and ticket.status != TicketStatus.CLOSED:
        _status_set(ticket, TicketStatus.CLAIMED if ticket.assignee_id else TicketStatus.OPEN,
                    actor=event.actor, note="Ready for review")
    elif target == SubmissionState.RETURNED:
        _status_set(ticket, TicketStatus.WAITING_FOR_CONTRIBUTOR, actor=event.actor, note=event.message)
    elif target in CLOSING_SUBMISSION_STATES:
        _status_set(ticket, TicketStatus.CLOSED, actor=event.actor,
                    note=f"Submission {event.get_to_state_display().lower()}")
    notifications.submission_event_notify(event=event, ticket=ticket)
    return ticket


def _require_steward(actor, doing: str) -> None:
    if not is_steward(actor):
        raise UserError(f"Only data stewards may {doing}.")


def _require_not_closed(ticket: Ticket) -> None:
    if ticket.status == TicketStatus.CLOSED:
        raise UserError(f"Ticket #{ticket.pk} is closed; its submission is "
                        f"{ticket.submission.get_state_display().lower()}.")


def _assignee_set(ticket: Ticket, assignee, *, actor, action: str) -> Ticket:
    previous = ticket.assignee
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee"])
    if assignee is not None and ticket.status == TicketStatus.OPEN:
        _status_set(ticket, TicketStatus.CLAIMED, actor=actor, note=f"Handled by {assignee.get_username()}")
    elif assignee is None and ticket.status == TicketStatus.CLAIMED:
        _status_set(ticket, TicketStatus.OPEN, actor=actor, note="Unassigned")
    elif previous != assignee:
        TicketEvent.objects.create(ticket=ticket, actor=actor, from_status=ticket.status, to_status=ticket.status,
                                   note=f"Handled by {assignee.get_username()}" if assignee else "Unassigned")
    audit_record(actor=actor, action=f"ticket.{action}", target=ticket,
                 detail={"from": previous.get_username() if previous else None,
                         "to": assignee.get_username() if assignee else None})
    return ticket


@transaction.atomic
def ticket_claim(*, ticket: Ticket, actor) -> Ticket:
    """"I'm handling this": the steward takes an unassigned ticket."""
    _require_steward(actor, "claim tickets")
    ticket = _locked(ticket)
    _require_not_closed(ticket)
    if ticket.assignee_id == actor.pk:
        return ticket
    if ticket.assignee_id is not None:
        raise UserError(f"{ticket.assignee.get_username()} is already handling ticket #{ticket.pk}; "
                        "ask them, or assign it to yourself.")
    return _assignee_set(ticket, actor, actor=actor, action="claim")


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee, actor) -> Ticket:
    _require_steward(actor, "assign tickets")
    if not is_steward(assignee):
        raise UserError(f"{assignee.get_username()} is not a data steward; tickets go to data stewards only.")
    ticket = _locked(ticket)
    _require_not_closed(ticket)
    if ticket.assignee_id == assignee.pk:
        return ticket
    return _assignee_set(ticket, assignee, actor=actor, action="assign")


@transaction.atomic
def ticket_unassign(*, ticket: Ticket, actor) -> Ticket:
    _require_steward(actor, "unassign tickets")
    ticket = _locked(ticket)
    _require_not_closed(ticket)
    if ticket.assignee_id is None:
        return ticket
    return _assignee_set(ticket, None, actor=actor, action="unassign")


@transaction.atomic
def checklist_item_set(*, item: ChecklistItem, done: bool, actor) -> ChecklistItem:
    """Tick (or untick) one SOP step of a ticket."""
    _require_steward(actor, "tick checklist items")
    item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("ticket__submission").get(pk=item.pk)
    _require_not_closed(item.ticket)
    if bool(item.done_at) == done:
        return item
    item.done_by, item.done_at = (actor, timezone.now()) if done else (None, None)
    item.save(update_fields=["done_by", "done_at"])
    audit_record(actor=actor, action="ticket.checklist", target=item.ticket,
                 detail={"item": item.title, "done": done})
    return item


def _attachment_check(upload) -> str:
    """The upload's lower-case extension, if it is allowed; otherwise a UserError that says what is."""
    name = PurePosixPath(upload.name or "").name
    extension = PurePosixPath(name).suffix.lower()
    if extension not in ATTACHMENT_EXTENSIONS:
        raise UserError(f"{name or 'The attachment'}: files of this type cannot be attached; attach "
                        f"{', '.join(e.lstrip('.') for e in ATTACHMENT_EXTENSIONS)} files.")
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise UserError(f"{name} is {upload.size / 1024 / 1024:.1f} MiB; attachments may be at most "
                        f"{ATTACHMENT_MAX_BYTES // 1024 // 1024} MiB.")
    return extension


def ticket_comment_add(*, ticket: Ticket, author, body: str, internal: bool = False,
                       files: Iterable = ()) -> TicketComment:
    """Add a comment (stewards: optionally an internal note) with attachments, and tell the other side.

    Attachments are staged: if any is refused, or the transaction fails, no file stays in storage.
    """
    if not ticket_visible(ticket, author):
        raise UserError("You may not comment on this ticket.")
    if internal and not is_steward(author):
        raise UserError("Only data stewards may write internal notes.")
    body = body.strip()
    files = list(files)
    if not body and not files:
        raise UserError("Write a comment or attach a file.")
    with staged_atomic():
        ticket = _locked(ticket)
        _require_not_closed(ticket)
        comment = TicketComment.objects.create(ticket=ticket, author=author, body=body, internal=internal)
        for upload in files:
            extension = _attachment_check(upload)
            staged = object_stage(area=ATTACHMENT_AREA, source=upload,
                                  name=f"tickets/{ticket.pk}/{uuid.uuid4().hex}{extension}")
            TicketAttachment.objects.create(comment=comment, name=PurePosixPath(upload.name).name[:255],
                                            storage_name=staged.name, size=staged.size, sha256=staged.sha256)
        audit_record(actor=author, action="ticket.note" if internal else "ticket.comment", target=ticket,
                     detail={"comment": comment.pk, "attachments": len(files)})
        notifications.comment_notify(comment=comment)
    return comment
