"""SOP templates (with their steps) and tickets are editable in the Django admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.roles import Role
from access.services import user_create
from ingestion.models import SOPTemplate, Ticket
from tests.ingestion import ticket_factories as make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def admin_client(client):
    client.force_login(user_create(username="ada", email="ada@example.org", password="pw-admin-1",
                                   roles=(Role.ADMIN,)))
    return client


def test_sop_template_with_steps_is_added_in_the_admin(admin_client):
    response = admin_client.post(reverse("admin:ingestion_soptemplate_add"), {
        "name": "Non-clinical tox", "description": "", "active": "on",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "1", "steps-0-title": "Study report on file", "steps-0-help": "",
        "steps-1-order": "2", "steps-1-title": "Approved by steward", "steps-1-help": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    template = SOPTemplate.objects.get(name="Non-clinical tox")
    assert list(template.steps.values_list("title", flat=True)) == ["Study report on file", "Approved by steward"]


def test_ticket_change_page_shows_checklist_comments_and_history(admin_client):
    org = make.organisation()
    ticket = make.submission(org, make.contributor(org)).ticket
    response = admin_client.get(reverse("admin:ingestion_ticket_change", args=[ticket.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "DSA on file" in html and "Ticket events" in html
    assert admin_client.get(reverse("admin:ingestion_ticket_changelist")).status_code == 200
    response = admin_client.post(reverse("admin:ingestion_ticket_change", args=[ticket.pk]), {
        "assignee": "", "sop_template": ticket.sop_template_id, "sla_hours": "48",
        **_inline_management(ticket)})
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.sla_hours == 48 and ticket.due_at - ticket.opened_at == ticket.age(now=ticket.due_at)


def _inline_management(ticket) -> dict:
    data = {}
    items = list(ticket.checklist.all())
    data.update({"checklist-TOTAL_FORMS": str(len(items)), "checklist-INITIAL_FORMS": str(len(items)),
                 "checklist-MIN_NUM_FORMS": "0", "checklist-MAX_NUM_FORMS": "1000"})
    for index, item in enumerate(items):
        data.update({f"checklist-{index}-id": str(item.pk), f"checklist-{index}-ticket": str(ticket.pk),
                     f"checklist-{index}-order": str(item.order), f"checklist-{index}-title": item.title})
    for prefix in ("comments", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    events = list(ticket.events.all())
    data.update({"events-TOTAL_FORMS": str(len(events)), "events-INITIAL_FORMS": str(len(events))})
    for index, event in enumerate(events):
        data.update({f"events-{index}-id": str(event.pk), f"events-{index}-ticket": str(ticket.pk)})
    return data
