"""Handler work (REMS #1795, #2058): assignment, bulk approve and reject, the SLA age, one reminder per 7 days."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.applications.commands import CommandRefused
from access.models import Application, ApplicationState
from access.selectors.applications import handler_queue, sla_age_days
from access.services.applications import applications_bulk
from bigpicture.models import OutboxMessage
from tests.access.applications.conftest import run
from tests.access.applications.factories import CatalogueItemFactory
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _submitted(workflow, n):
    applications = []
    for _ in range(n):
        applicant = UserFactory()
        item = CatalogueItemFactory(workflow=workflow)
        application = run(None, "create", applicant, catalogue_items=[item.pk]).application
        run(application, "submit", applicant)
        applications.append(application)
    return applications


def test_assignment(submitted, handler, workflow):
    other = UserFactory()
    run(submitted, "assign", handler)
    assert list(handler_queue(handler, mine=True)) == [submitted]
    assert list(handler_queue(handler, unassigned=True)) == []
    with pytest.raises(CommandRefused, match="not a handler"):
        run(submitted, "assign", handler, user=other.username)
    workflow.handlers.add(other)
    run(submitted, "assign", handler, user=other.username)
    run(submitted, "assign", other, user="")
    submitted.refresh_from_db()
    assert submitted.assignee is None


def test_bulk_approve_and_reject_report_each_refusal(workflow, handler):
    first, second, third = _submitted(workflow, 3)
    run(third, "return", handler, comment="More detail.")
    result = applications_bulk(applications=[first, second, third], command="approve", actor=handler)
    assert result["done"] == [first.pk, second.pk] and [pk for pk, _ in result["refused"]] == [third.pk]
    assert set(Application.objects.filter(state=ApplicationState.APPROVED)) == {first, second}
    with pytest.raises(CommandRefused):
        applications_bulk(applications=[third], command="revoke", actor=handler)


def test_bulk_reject_from_the_queue_page(client, workflow, handler):
    first, second = _submitted(workflow, 2)
    client.force_login(handler)
    page = client.get(reverse("access:application_queue"))
    assert page.status_code == 200 and f"Application {first.pk}" in page.content.decode()
    client.post(reverse("access:application_queue"), {"command": "reject", "comment": "Out of scope.",
                                                      "applications": [first.pk, second.pk]})
    assert set(Application.objects.values_list("state", flat=True)) == {ApplicationState.REJECTED}


def test_sla_age_counts_from_the_last_submission(submitted):
    submitted.submitted_at = timezone.now() - timedelta(days=15, hours=1)
    assert sla_age_days(submitted) == 15


def test_one_reminder_per_seven_days(submitted, applicant, handler):
    run(submitted, "remind", applicant)
    assert OutboxMessage.objects.filter(subject__contains="Reminder", to__contains=[handler.email]).exists()
    with pytest.raises(CommandRefused, match="next one from"):
        run(submitted, "remind", applicant)
    event = submitted.events.get(type="remind")
    event.created = timezone.now() - timedelta(days=7, minutes=1)
    event.save()
    submitted.last_reminder_at = event.created
    submitted.save()
    run(submitted, "remind", applicant)
