"""The ticket page: submission link, checklist ticked by POST, report summary and one merged timeline."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ingestion.models import ChecklistItem
from ingestion.services.submissions import submission_transition
from tests.ingestion import ticket_factories as make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def setup():
    org = make.organisation()
    carla = make.contributor(org)
    submission = make.submission(org, carla)
    return submission, carla, make.steward()


def test_page_shows_submission_report_and_timeline(client, setup):
    submission, carla, stella = setup
    submission.report = {"ok": False, "problems": [
        {"rule": "xsd", "severity": "error", "file": "METADATA/policy.xml", "line": 3, "message": "x"},
        {"rule": "profile", "severity": "warning", "file": "METADATA/sample.xml", "line": 9, "message": "y"},
        {"rule": "profile", "severity": "warning", "file": "METADATA/sample.xml", "line": 12, "message": "z"}]}
    submission.report_at = timezone.now()
    submission.save()
    make.to_review(submission, carla)
    submission_transition(submission=submission, action="return", actor=stella, message="Fix the policy")
    client.force_login(stella)
    response = client.get(reverse("ingestion:ticket", args=[submission.ticket.pk]))
    html = response.content.decode()
    assert f'href="/submissions/{submission.pk}/review/"' in html
    assert "Not valid</span>:\n      1 error, 2 warnings (3 problems)" in html
    texts = [entry.text for entry in response.context["timeline"]]
    assert texts == ["Ticket opened", "Submission: draft → uploading", "Submission: uploading → validating",
                     "Submission: validating → processing", "Submission: processing → awaiting review",
                     "Submission: awaiting review → returned to contributor",
                     "Ticket waiting for contributor"]
    assert "Fix the policy" in html


def test_checklist_items_are_ticked_and_unticked_by_stewards(client, setup):
    submission, carla, stella = setup
    item = submission.ticket.checklist.get(title="Checksums verified")
    url = reverse("ingestion:ticket-checklist", args=[submission.ticket.pk, item.pk])

    client.force_login(carla)
    client.post(url, {"done": "1"})
    assert ChecklistItem.objects.get(pk=item.pk).done_at is None

    client.force_login(stella)
    response = client.post(url, {"done": "1"}, follow=True)
    assert "“Checksums verified” is done." in [str(m) for m in response.context["messages"]]
    item.refresh_from_db()
    assert item.done_by == stella and item.done_at is not None
    assert 'aria-pressed="true"' in response.content.decode()

    client.post(url, {"done": "0"})
    item.refresh_from_db()
    assert item.done_by is None and item.done_at is None


def test_closed_ticket_checklist_is_read_only(client, setup):
    submission, carla, stella = setup
    submission_transition(submission=submission, action="cancel", actor=carla)
    item = submission.ticket.checklist.first()
    client.force_login(stella)
    response = client.post(reverse("ingestion:ticket-checklist", args=[submission.ticket.pk, item.pk]),
                           {"done": "1"}, follow=True)
    assert any("is closed" in str(m) for m in response.context["messages"])
    assert ChecklistItem.objects.get(pk=item.pk).done_at is None
