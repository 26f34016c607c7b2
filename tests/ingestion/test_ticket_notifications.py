"""State changes queue mail in the outbox: to the contributor, and to the assignee or all stewards."""

from __future__ import annotations

import pytest

from bigpicture.models import OutboxMessage
from ingestion.services.submissions import submission_transition
from ingestion.services.tickets import ticket_claim
from tests.ingestion import ticket_factories as make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def people():
    org = make.organisation()
    return org, make.contributor(org), make.steward(), make.steward("simon")


def _mail() -> list[tuple[list[str], str]]:
    return [(message.to, message.subject) for message in OutboxMessage.objects.order_by("id")]


def test_submitted_and_awaiting_review_go_to_the_contributor_and_every_steward(people):
    org, carla, stella, simon = people
    submission = make.submission(org, carla)
    make.to_review(submission, carla)
    assert _mail() == [
        (["carla@example.org"], "[Bigpicture portal] Submission received: Breast biopsies"),
        (["simon@example.org", "stella@example.org"],
         "[Bigpicture portal] Awaiting review: Breast biopsies (Karolinska)"),
    ]
    assert "claim it from the queue" in OutboxMessage.objects.last().body


def test_awaiting_review_goes_to_the_assignee_only_once_claimed(people):
    org, carla, stella, simon = people
    submission = make.submission(org, carla)
    ticket_claim(ticket=submission.ticket, actor=simon)
    make.to_review(submission, carla)
    assert OutboxMessage.objects.get(subject__contains="Awaiting review").to == ["simon@example.org"]


def test_returned_with_reasons_rejected_and_published(people):
    org, carla, stella, _ = people
    submission = make.submission(org, carla)
    make.to_review(submission, carla)
    submission_transition(submission=submission, action="return", actor=stella,
                          message="policy.xml: allowed_uses is missing")
    returned = OutboxMessage.objects.get(subject__contains="Returned to you")
    assert returned.to == ["carla@example.org"]
    assert "policy.xml: allowed_uses is missing" in returned.body
    assert f"/submissions/{submission.pk}/" in returned.body

    make.to_review(submission, carla)
    submission_transition(submission=submission, action="approve", actor=stella)
    submission_transition(submission=submission, action="publish_done")
    assert OutboxMessage.objects.get(subject__contains="Published").to == ["carla@example.org"]

    other = make.submission(org, carla, "Second")
    make.to_review(other, carla)
    submission_transition(submission=other, action="reject", actor=stella, message="Duplicate of the first")
    rejected = OutboxMessage.objects.get(subject__contains="Rejected")
    assert "Duplicate of the first" in rejected.body


def test_failed_transitions_queue_no_mail(people):
    org, carla, _, _ = people
    submission = make.submission(org, carla)
    with pytest.raises(Exception, match="Cannot submit"):
        submission_transition(submission=submission, action="submit", actor=carla)
    assert not OutboxMessage.objects.exists()
