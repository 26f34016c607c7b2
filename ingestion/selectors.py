"""Reads about submissions: who may do what, and the queues."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from access.roles import Role
from access.selectors import can_submit_for, submission_organisations
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


def _sides(submission, actor) -> set[str]:
    """Which sides of the transition table `actor` is on for this submission (one query)."""
    sides = set()
    if is_steward(actor):
        sides.add(STEWARD)
    if can_submit_for(actor, submission.organisation):
        sides.add(CONTRIBUTOR)
    return sides


def transition_allowed(submission, transition: Transition, actor) -> bool:
    if actor is None:
        return True  # the portal itself; system transitions are never a person's
    return transition.by in _sides(submission, actor)


def submission_actions(submission, user) -> list[Transition]:
    """The transitions `user` may fire now: the buttons, and the API's `actions` field."""
    sides = _sides(submission, user)
    return [t for t in transitions_from(submission.state) if t.by in sides]


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
    if not user.is_authenticated:
        return submissions.none()
    return submissions.filter(organisation__in=submission_organisations(user))


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


def contributor_submissions(user) -> QuerySet[Submission]:
    """The contributor's own list: submissions of the organisations `user` may submit for, stewards included."""
    return Submission.objects.filter(organisation__in=submission_organisations(user)).select_related(
        "organisation", "dataset")


def derived_object_names(submission) -> list[str]:
    """Inbox objects the pipeline made for a submission: plaintexts, DICOM outputs, thumbnails."""
    from ingestion.models import ConvertedFile, ImageJob

    names = list(submission.files.exclude(plain_name="").values_list("plain_name", flat=True))
    names += ConvertedFile.objects.filter(job__submission=submission).values_list("storage_name", flat=True)
    for thumbnail, preview in ImageJob.objects.filter(submission=submission).values_list("thumbnail_name",
                                                                                          "preview_name"):
        names += [name for name in (thumbnail, preview) if name]
    return names
