"""Mail about submissions and tickets, queued in the outbox inside the caller's transaction.

To the contributor: submitted, returned (with the reasons), rejected, published, blocked.
To the assignee (or, while nobody handles the ticket, every data steward): awaiting review, blocked.
Both sides hear of malware found (blocked), with the signature's name.
Comments go to the other side; internal notes to nobody outside the stewards.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from bigpicture.outbox import mail_enqueue
from ingestion.selectors import is_steward
from ingestion.selectors_tickets import stewards
from ingestion.states import SubmissionState

S = SubmissionState
# (the submission event, as action or target state) -> mail template, for the contributor
CONTRIBUTOR_MAIL = {"submit": "submitted", S.RETURNED: "returned", S.REJECTED: "rejected",
                    S.PUBLISHED: "published", S.BLOCKED: "blocked"}


def _link(path: str) -> str:
    return f"{settings.EMAIL_LINK_BASE_URL.rstrip('/')}{path}"


def _ticket_link(ticket) -> str:
    return _link(reverse("ingestion:ticket", args=[ticket.pk]))


def _submission_link(submission) -> str:
    # The contributor's submission page (web helper's); a plain path so mail works before it lands.
    return _link(f"/submissions/{submission.pk}/")


def _steward_addresses(ticket) -> list[str]:
    if ticket.assignee_id and ticket.assignee.email:
        return [ticket.assignee.email]
    return list(stewards().exclude(email="").values_list("email", flat=True))


def _send(template: str, *, to: list[str], context: dict, dedupe_key: str) -> None:
    subject = render_to_string(f"ingestion/mail/{template}.subject.txt", context)
    body = render_to_string(f"ingestion/mail/{template}.txt", context)
    mail_enqueue(to=to, subject=f"[{settings.PORTAL_NAME}] {subject}", body=body, dedupe_key=dedupe_key)


def submission_event_notify(*, event, ticket) -> None:
    submission = event.submission
    context = {"submission": submission, "event": event, "ticket": ticket, "portal": settings.PORTAL_NAME,
               "ticket_link": _ticket_link(ticket),
               "submission_link": _submission_link(submission)}
    template = CONTRIBUTOR_MAIL.get(event.action) or CONTRIBUTOR_MAIL.get(event.to_state)
    if template and submission.created_by.email:
        _send(template, to=[submission.created_by.email], context=context,
              dedupe_key=f"submission-event-{event.pk}-contributor")
    steward_template = {S.AWAITING_REVIEW: "awaiting_review", S.BLOCKED: "blocked_steward"}.get(event.to_state)
    if steward_template:
        _send(steward_template, to=_steward_addresses(ticket), context=context,
              dedupe_key=f"submission-event-{event.pk}-stewards")


def comment_notify(*, comment) -> None:
    """Steward comments go to the contributor; contributor comments to the stewards (never internal notes)."""
    ticket = comment.ticket
    if comment.internal:
        return
    if is_steward(comment.author):
        to = [ticket.submission.created_by.email]
    else:
        to = _steward_addresses(ticket)
    to = [address for address in to if address != getattr(comment.author, "email", None)]
    context = {"comment": comment, "ticket": ticket, "submission": ticket.submission,
               "portal": settings.PORTAL_NAME,
               "link": _submission_link(ticket.submission) if is_steward(comment.author) else _ticket_link(ticket)}
    _send("comment", to=to, context=context, dedupe_key=f"ticket-comment-{comment.pk}")
