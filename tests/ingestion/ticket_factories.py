"""People and submissions for the ticket tests, made through the real services."""

from __future__ import annotations

from access.roles import Role
from access.services import organisation_create, user_create
from ingestion.services.submissions import submission_create, submission_transition
from tests.governance.factories import dsa_signed


def organisation(slug: str = "karolinska", name: str = "Karolinska"):
    """An organisation that has signed the current DSA, so its contributors may submit."""
    org = organisation_create(name=name, slug=slug)
    # Recorded by a steward without a mail address, so mail tests see only their own stewards.
    user_create(username=f"steward-{slug}", email="", password=None, roles=(Role.DATA_STEWARD,))
    dsa_signed(org)
    return org


def contributor(org, username: str = "carla"):
    return user_create(username=username, email=f"{username}@example.org", password="pw-contributor-1",
                       organisation=org, roles=(Role.CONTRIBUTOR,))


def steward(username: str = "stella"):
    return user_create(username=username, email=f"{username}@example.org", password="pw-steward-1",
                       roles=(Role.DATA_STEWARD,))


def submission(org, user, title: str = "Breast biopsies"):
    return submission_create(organisation=org, actor=user, title=title)


def to_review(submission, contributor) -> None:
    """Walk a draft (or returned) submission to awaiting review, as the upload and the workers would."""
    if submission.state in ("draft", "returned"):
        submission_transition(submission=submission, action="upload")
    submission_transition(submission=submission, action="submit", actor=contributor)
    submission_transition(submission=submission, action="validation_passed")
    submission_transition(submission=submission, action="processing_done")
