"""End dates (REMS #3333): access ends, the application closes, everyone is told; reminders before."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import Application, ApplicationState, Entitlement
from access.services.applications import entitlement_end_dates_enforce, entitlement_expiry_remind
from access.tasks.applications import application_end_dates
from bigpicture.models import OutboxMessage
from tests.access.applications.conftest import run

pytestmark = [pytest.mark.postgres]


def _approve_until(application, handler, days):
    end = timezone.now() + timedelta(days=days)
    run(application, "approve", handler, entitlement_end=end)
    application.refresh_from_db()
    return end


@pytest.mark.django_db
def test_the_end_date_closes_and_notifies(submitted, applicant, handler):
    end = _approve_until(submitted, handler, 3)
    assert Entitlement.objects.active().filter(user=applicant).get().end == end
    assert entitlement_end_dates_enforce() == {"closed": 0}
    assert entitlement_end_dates_enforce(now=end + timedelta(seconds=1)) == {"closed": 1}
    submitted.refresh_from_db()
    assert submitted.state == ApplicationState.CLOSED
    assert submitted.events.last().type == "close" and submitted.events.last().actor is None
    assert OutboxMessage.objects.filter(to__contains=[applicant.email], subject__contains="closed").exists()
    [ended] = OutboxMessage.objects.filter(to__contains=[handler.email], subject__contains="Access ended")
    assert "the portal closed the application" in ended.body and applicant.username in ended.body
    assert entitlement_end_dates_enforce(now=end + timedelta(seconds=2)) == {"closed": 0}  # idempotent


@pytest.mark.django_db
def test_a_reminder_before_the_end_once(submitted, applicant, handler, settings):
    settings.APPLICATIONS_EXPIRY_REMINDER_DAYS = 14
    _approve_until(submitted, handler, 20)
    assert entitlement_expiry_remind() == {"reminded": 0}
    soon = timezone.now() + timedelta(days=7)
    assert entitlement_expiry_remind(now=soon) == {"reminded": 1}
    assert entitlement_expiry_remind(now=soon) == {"reminded": 0}
    assert OutboxMessage.objects.filter(to__contains=[applicant.email], subject__contains="Your access ends").exists()


def test_the_beat_task_through_a_real_worker(celery_worker, submitted, handler):
    worker = celery_worker()
    _approve_until(submitted, handler, 1)
    Application.objects.filter(pk=submitted.pk).update(entitlement_end=timezone.now() - timedelta(seconds=1))
    application_end_dates.dispatch()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Application.objects.get(pk=submitted.pk).state == ApplicationState.CLOSED:
            break
        time.sleep(0.5)
    assert Application.objects.get(pk=submitted.pk).state == ApplicationState.CLOSED, worker.log()[-3000:]
