"""The ticket state machine: one small table of allowed status changes.

    open -> claimed (a steward: "I'm handling this") -> waiting_for_contributor (returned) -> claimed ...
    any open status -> closed (the submission was published, rejected or cancelled)

The ticket follows its submission (`services.tickets.ticket_on_transition`) and
its assignment (`ticket_claim`, `ticket_assign`, `ticket_unassign`); only
`services.tickets` changes a status, through `TICKET_TRANSITIONS`.
"""

from __future__ import annotations

from django.db import models

from ingestion.states import SubmissionState


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLAIMED = "claimed", "In progress"
    WAITING_FOR_CONTRIBUTOR = "waiting_for_contributor", "Waiting for contributor"
    CLOSED = "closed", "Closed"


T = TicketStatus
TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    T.OPEN: frozenset({T.CLAIMED, T.WAITING_FOR_CONTRIBUTOR, T.CLOSED}),
    T.CLAIMED: frozenset({T.OPEN, T.WAITING_FOR_CONTRIBUTOR, T.CLOSED}),
    T.WAITING_FOR_CONTRIBUTOR: frozenset({T.OPEN, T.CLAIMED, T.CLOSED}),
    T.CLOSED: frozenset(),
}

S = SubmissionState
# The submission state that moves its ticket, and where to (awaiting review: see `ticket_on_transition`).
CLOSING_SUBMISSION_STATES = frozenset({S.PUBLISHED, S.REJECTED, S.CANCELLED})
