"""The ticket's status follows its submission: review opens it, a return waits, the end closes it."""

from __future__ import annotations

import pytest

from bigpicture.errors import UserError
from ingestion.models import Ticket
from ingestion.services.submissions import submission_transition
from ingestion.services.tickets import ticket_claim
from ingestion.ticket_states import TicketStatus
from tests.ingestion import ticket_factories as make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def people():
    org = make.organisation()
    return org, make.contributor(org), make.steward()


def _ticket(submission) -> Ticket:
    return Ticket.objects.get(submission=submission)


def test_awaiting_review_leaves_an_unclaimed_ticket_open(people):
    org, carla, _ = people
    submission = make.submission(org, carla)
    make.to_review(submission, carla)
    assert _ticket(submission).status == TicketStatus.OPEN


def test_return_waits_for_the_contributor_and_resubmission_goes_back_to_the_steward(people):
    org, carla, stella = people
    submission = make.submission(org, carla)
    ticket_claim(ticket=submission.ticket, actor=stella)
    make.to_review(submission, carla)
    assert _ticket(submission).status == TicketStatus.CLAIMED  # stays claimed

    submission_transition(submission=submission, action="return", actor=stella, message="Add the policy.xml")
    ticket = _ticket(submission)
    assert ticket.status == TicketStatus.WAITING_FOR_CONTRIBUTOR
    assert ticket.events.last().note == "Add the policy.xml"

    make.to_review(submission, carla)
    ticket = _ticket(submission)
    assert ticket.status == TicketStatus.CLAIMED
    assert ticket.assignee == stella
    assert [e.to_status for e in ticket.events.all()] == ["open", "claimed", "waiting_for_contributor", "claimed"]


@pytest.mark.parametrize("ending", ["publish", "reject", "cancel"])
def test_the_end_of_a_submission_closes_its_ticket(people, ending):
    org, carla, stella = people
    submission = make.submission(org, carla)
    make.to_review(submission, carla)
    if ending == "publish":
        submission_transition(submission=submission, action="approve", actor=stella)
        submission_transition(submission=submission, action="publish_done")
    elif ending == "reject":
        submission_transition(submission=submission, action="reject", actor=stella, message="Not pathology")
    else:
        submission_transition(submission=submission, action="cancel", actor=carla)
    ticket = _ticket(submission)
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.closed_at is not None
    assert not ticket.sla_breached()
    with pytest.raises(UserError, match="is closed"):
        ticket_claim(ticket=ticket, actor=stella)


def test_steps_that_do_not_concern_the_ticket_leave_it_alone(people):
    org, carla, _ = people
    submission = make.submission(org, carla)
    submission_transition(submission=submission, action="upload")
    submission_transition(submission=submission, action="submit", actor=carla)
    submission_transition(submission=submission, action="validation_failed", message="policy.xml missing")
    ticket = _ticket(submission)
    assert ticket.status == TicketStatus.OPEN
    assert ticket.events.count() == 1
