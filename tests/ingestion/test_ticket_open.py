"""Every submission opens a ticket with the default SOP's checklist; opening again changes nothing."""

from __future__ import annotations

import pytest

from governance.models import AuditEvent
from ingestion.models import SOPTemplate, Ticket
from ingestion.services.tickets import ticket_open
from ingestion.ticket_states import TicketStatus
from tests.ingestion import ticket_factories as make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_creating_a_submission_opens_its_ticket_with_the_default_checklist(settings):
    org = make.organisation()
    submission = make.submission(org, make.contributor(org))
    ticket = Ticket.objects.get(submission=submission)
    assert ticket.status == TicketStatus.OPEN
    assert ticket.assignee is None
    template = SOPTemplate.objects.get(is_default=True)
    assert ticket.sop_template == template
    titles = [item.title for item in ticket.checklist.all()]
    assert titles == [step.title for step in template.steps.order_by("order")]
    assert titles[0] == "DSA on file" and titles[-1] == "Approved by steward"
    assert not any(item.done_at for item in ticket.checklist.all())
    assert ticket.sla_hours == 120
    assert ticket.due_at - ticket.opened_at == ticket.age(now=ticket.due_at)
    assert [(e.from_status, e.to_status) for e in ticket.events.all()] == [("", "open")]
    assert AuditEvent.objects.filter(action="ticket.open", target_id=str(ticket.pk)).exists()


def test_sla_hours_come_from_settings(settings):
    settings.INGESTION_TICKET_SLA_HOURS = 48
    org = make.organisation()
    ticket = make.submission(org, make.contributor(org)).ticket
    assert ticket.sla_hours == 48


def test_opening_twice_returns_the_same_ticket():
    org = make.organisation()
    submission = make.submission(org, make.contributor(org))
    first = submission.ticket
    again = ticket_open(submission=submission)
    assert again.pk == first.pk
    assert Ticket.objects.filter(submission=submission).count() == 1
    assert again.checklist.count() == first.checklist.count()
    assert first.events.count() == 1


def test_without_an_active_default_sop_the_ticket_has_no_checklist():
    SOPTemplate.objects.update(active=False)
    org = make.organisation()
    ticket = make.submission(org, make.contributor(org)).ticket
    assert ticket.sop_template is None
    assert ticket.checklist.count() == 0
