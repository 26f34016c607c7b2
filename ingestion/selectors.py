"""Reads about submissions: who may do what, and the queues."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from access.roles import Role
from access.selectors import can_submit_for
from ingestion.models import Submission, SubmissionFile
from ingestion.states import (
    CONTRIBUTOR,
    FINAL_STATES,
    LIVE_FILE_STATES,
    STEWARD,
    FileState,
    Transition,
    transitions_from,
)
from ingestion.uploads import backend_for_inbox, upload_of
from ingestion.uploads.types import ReceivedPart


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


def report_groups(report: dict) -> list[dict]:
    """A stored validation report's problems as groups for the page: errors, then warnings, by file."""
    groups = []
    for severity, title in (("error", "Errors"), ("warning", "Warnings")):
        problems = [p for p in report.get("problems", []) if p.get("severity", "error") == severity]
        by_file: dict[str, list[dict]] = {}
        for problem in problems:
            by_file.setdefault(problem.get("file") or "(the bundle)", []).append(problem)
        if problems:
            groups.append({"severity": severity, "title": title, "count": len(problems), "files": by_file})
    return groups


# Reads for the submissions API and uploads (ingestion/PROTOCOL.md).

def submission_list(user) -> QuerySet[Submission]:
    """The submissions `user` may see: a steward's are all, a contributor's those of their organisation."""
    submissions = Submission.objects.select_related("organisation", "dataset").order_by("-created")
    if is_steward(user):
        return submissions
    if user.is_authenticated and can_submit_for(user, user.organisation):
        return submissions.filter(organisation_id=user.organisation_id)
    return submissions.none()


def submission_files(submission) -> QuerySet[SubmissionFile]:
    """The live files of a submission, each with `received_bytes` (the sum of its recorded parts)."""
    return (submission.files.filter(state__in=LIVE_FILE_STATES)
            .annotate(received_bytes=Coalesce(Sum("parts__size"), 0)).order_by("path", "created"))


def submission_file_counts(submission) -> dict[str, int]:
    rows = submission.files.values("state").annotate(n=Count("id")).order_by("state")
    return {row["state"]: row["n"] for row in rows}


def organisation_live_bytes(organisation) -> int:
    """What counts against the quota: live files of the organisation's unfinished submissions."""
    return SubmissionFile.objects.filter(
        submission__organisation=organisation, state__in=LIVE_FILE_STATES,
    ).exclude(submission__state__in=FINAL_STATES).aggregate(total=Coalesce(Sum("size"), 0))["total"]


def file_received_parts(file) -> list[ReceivedPart]:
    """The parts the inbox holds in full (local rows, or S3's ListParts) while a file is registered."""
    if file.state != FileState.REGISTERED:
        return [ReceivedPart(part.number, part.size, part.etag) for part in file.parts.all()]
    return backend_for_inbox().received(upload_of(file))
