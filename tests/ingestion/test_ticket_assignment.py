"""Stewards claim ("I'm handling this"), assign and unassign tickets; nobody else may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bigpicture.errors import UserError
from governance.models import AuditEvent
from ingestion.models import Ticket
from ingestion.services.tickets import ticket_assign
from ingestion.ticket_states import TicketStatus
from tests.ingestion import ticket_factories as make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def ticket():
    org = make.organisation()
    carla = make.contributor(org)
    return make.submission(org, carla).ticket


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_steward_claims_an_unassigned_ticket_and_it_is_audited(client, ticket):
    stella = make.steward()
    client.force_login(stella)
    response = client.post(reverse("ingestion:ticket-claim", args=[ticket.pk]), follow=True)
    assert response.status_code == 200
    assert f"You are handling ticket #{ticket.pk}." in _messages(response)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (stella, TicketStatus.CLAIMED)
    audit = AuditEvent.objects.get(action="ticket.claim", target_id=str(ticket.pk))
    assert audit.actor_id == stella.pk and audit.detail == {"from": None, "to": "stella"}


def test_a_ticket_someone_handles_cannot_be_claimed_by_another(client, ticket):
    stella, simon = make.steward(), make.steward("simon")
    client.force_login(stella)
    client.post(reverse("ingestion:ticket-claim", args=[ticket.pk]))
    client.force_login(simon)
    response = client.post(reverse("ingestion:ticket-claim", args=[ticket.pk]), follow=True)
    assert (f"stella is already handling ticket #{ticket.pk}; ask them, or assign it to yourself."
            in _messages(response))
    assert Ticket.objects.get(pk=ticket.pk).assignee == stella


def test_a_contributor_cannot_claim_or_assign(client, ticket):
    carla = ticket.submission.created_by
    client.force_login(carla)
    response = client.post(reverse("ingestion:ticket-claim", args=[ticket.pk]), follow=True)
    assert "Only data stewards may claim tickets." in _messages(response)
    response = client.post(reverse("ingestion:ticket-assign", args=[ticket.pk]), {"assignee": carla.pk},
                           follow=True)
    assert "Choose a data steward to assign the ticket to." in _messages(response)
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_someone_elses_ticket_is_not_found_by_an_outside_contributor(client, ticket):
    other = make.organisation("umc", "UMC Utrecht")
    client.force_login(make.contributor(other, "otto"))
    assert client.post(reverse("ingestion:ticket-claim", args=[ticket.pk])).status_code == 404


def test_assign_to_another_steward_then_unassign(client, ticket):
    stella, simon = make.steward(), make.steward("simon")
    client.force_login(stella)
    response = client.post(reverse("ingestion:ticket-assign", args=[ticket.pk]), {"assignee": simon.pk},
                           follow=True)
    assert f"Ticket #{ticket.pk} is assigned to simon." in _messages(response)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (simon, TicketStatus.CLAIMED)

    response = client.post(reverse("ingestion:ticket-unassign", args=[ticket.pk]), follow=True)
    assert f"Nobody is handling ticket #{ticket.pk} now." in _messages(response)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (None, TicketStatus.OPEN)
    assert list(AuditEvent.objects.filter(target_id=str(ticket.pk), action__startswith="ticket.")
                .values_list("action", flat=True).order_by("sequence")) == [
        "ticket.open", "ticket.assign", "ticket.unassign"]


def test_only_stewards_can_be_assigned(ticket):
    with pytest.raises(UserError, match="carla is not a data steward"):
        ticket_assign(ticket=ticket, assignee=ticket.submission.created_by, actor=make.steward())


def test_anonymous_posts_go_to_login(client, ticket):
    response = client.post(reverse("ingestion:ticket-claim", args=[ticket.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
