"""Reads about submissions: who may do what, and the queues."""

from __future__ import annotations

from django.db.models import Sum
from django.db.models.functions import Coalesce

from access.roles import Role
from access.selectors import can_submit_for
from ingestion.models import Submission
from ingestion.states import CONTRIBUTOR, LIVE_FILE_STATES, STEWARD, Transition, transitions_from


def is_steward(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.DATA_STEWARD))


def transition_allowed(submission, transition: Transition, actor) -> bool:
    if actor is None:
        return True  # the portal itself
    if transition.by == CONTRIBUTOR:
        return can_submit_for(actor, submission.organisation)
    if transition.by == STEWARD:
        return is_steward(actor)
    return False  # system transitions are never a person's


def submission_actions(submission, user) -> list[Transition]:
    """The transitions `user` may fire now: the buttons, and the API's `actions` field."""
    return [t for t in transitions_from(submission.state) if transition_allowed(submission, t, user)]


def submission_visible(submission, user) -> bool:
    return is_steward(user) or can_submit_for(user, submission.organisation)


def contributor_submissions(user):
    """The contributor's list: submissions of the organisation `user` may submit for, newest first."""
    if not user.is_authenticated or not can_submit_for(user, user.organisation):
        return Submission.objects.none()
    return Submission.objects.filter(organisation_id=user.organisation_id).select_related("organisation")


def submission_live_files(submission):
    """The files that count for the bundle now (replaced and removed ones are history)."""
    return submission.files.filter(state__in=sorted(LIVE_FILE_STATES)).annotate(
        received_bytes=Coalesce(Sum("parts__size"), 0))
