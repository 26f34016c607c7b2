"""The steward queue /submissions/tickets/: stewards only, filtered, oldest first, breaches marked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ingestion.models import Ticket
from ingestion.services.submissions import submission_transition
from ingestion.services.tickets import ticket_claim
from tests.ingestion import ticket_factories as make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _age(ticket: Ticket, days: float) -> None:
    ticket.opened_at = timezone.now() - timedelta(days=days)
    ticket.save()


@pytest.fixture
def queue():
    """Three tickets: Karolinska 1 day old claimed by stella; Karolinska 10 days; UMC 3 days."""
    karolinska, umc = make.organisation(), make.organisation("umc", "UMC Utrecht")
    carla, otto = make.contributor(karolinska), make.contributor(umc, "otto")
    stella = make.steward()
    fresh = make.submission(karolinska, carla, "Fresh biopsies").ticket
    old = make.submission(karolinska, carla, "Old biopsies").ticket
    middle = make.submission(umc, otto, "Liver tox").ticket
    _age(fresh, 1), _age(old, 10), _age(middle, 3)
    ticket_claim(ticket=fresh, actor=stella)
    return {"stella": stella, "carla": carla, "fresh": fresh, "old": old, "middle": middle}


def _listed(client, **params) -> list[int]:
    response = client.get(reverse("ingestion:tickets"), params)
    assert response.status_code == 200
    return [ticket.pk for ticket in response.context["tickets"]]


def test_queue_is_for_stewards_only(client, queue):
    assert client.get(reverse("ingestion:tickets")).status_code == 302  # to login
    client.force_login(queue["carla"])
    assert client.get(reverse("ingestion:tickets")).status_code == 403
    assert client.get(reverse("ingestion:ticket", args=[queue["old"].pk])).status_code == 403


def test_oldest_first_with_sla_age_and_breach(client, queue):
    client.force_login(queue["stella"])
    assert _listed(client) == [queue["old"].pk, queue["middle"].pk, queue["fresh"].pk]
    html = client.get(reverse("ingestion:tickets")).content.decode()
    old_row = html.split(f'data-ticket="{queue["old"].pk}"')[1].split("</tr>")[0]
    assert "1\xa0week, 3\xa0days" in old_row and "SLA breached" in old_row  # 120 h SLA
    fresh_row = html.split(f'data-ticket="{queue["fresh"].pk}"')[1].split("</tr>")[0]
    assert "SLA breached" not in fresh_row and "I&#x27;m handling this" not in fresh_row


def test_filters(client, queue):
    client.force_login(queue["stella"])
    old, middle, fresh = queue["old"].pk, queue["middle"].pk, queue["fresh"].pk
    assert _listed(client, organisation="umc") == [middle]
    assert _listed(client, organisation="karolinska") == [old, fresh]
    assert _listed(client, status="claimed") == [fresh]
    assert _listed(client, status="open") == [old, middle]
    assert _listed(client, assignee="me") == [fresh]
    assert _listed(client, assignee="unassigned") == [old, middle]
    assert _listed(client, older_than_days=2) == [old, middle]
    assert _listed(client, breached="on") == [old]
    assert _listed(client, organisation="karolinska", assignee="unassigned") == [old]


def test_closed_tickets_only_when_asked(client, queue):
    submission_transition(submission=queue["old"].submission, action="cancel", actor=queue["carla"])
    client.force_login(queue["stella"])
    assert queue["old"].pk not in _listed(client)
    assert _listed(client, status="closed") == [queue["old"].pk]
    assert queue["old"].pk in _listed(client, status="all")


def test_a_bad_filter_is_shown_not_a_traceback(client, queue):
    client.force_login(queue["stella"])
    response = client.get(reverse("ingestion:tickets"), {"older_than_days": "soon"})
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()
