"""The submission state machine: one table of allowed transitions.

The service (`services.submissions.submission_transition`), the web buttons and
the API all read `TRANSITIONS`; nothing else decides what may happen next.

    draft -> uploading -> validating -> processing -> awaiting_review -> publishing -> published
    side paths: returned (to the contributor, with reasons), rejected, cancelled, and blocked
    (malware found: nothing moves until a steward returns or rejects it)

`by` says who may fire a transition: the submitting side (`contributor`: a user who
may submit for the submission's organisation), a data steward (`steward`), or only
the portal itself (`system`: workers and services, never a button).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class SubmissionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    UPLOADING = "uploading", "Uploading"
    VALIDATING = "validating", "Validating"
    PROCESSING = "processing", "Processing"
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"
    PUBLISHING = "publishing", "Publishing"
    PUBLISHED = "published", "Published"
    RETURNED = "returned", "Returned to contributor"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    BLOCKED = "blocked", "Blocked (malware found)"


class Failure(models.TextChoices):
    """How a failure is classified: who has to act."""

    NONE = "", "No failure"
    USER = "user", "User error (the contributor can fix it)"
    TRANSIENT = "transient", "Transient (retried by the portal)"
    PERMANENT = "permanent", "Permanent (an operator must look)"


CONTRIBUTOR, STEWARD, SYSTEM = "contributor", "steward", "system"

S = SubmissionState
FINAL_STATES = frozenset({S.PUBLISHED, S.REJECTED, S.CANCELLED})
# While in these states the contributor may add, replace or remove files.
EDITABLE_STATES = frozenset({S.DRAFT, S.UPLOADING, S.RETURNED})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    by: str
    label: str
    # A button that needs a message (reasons) before it fires.
    needs_message: bool = False
    # Shown as a danger button.
    destructive: bool = False


def _t(action, sources, target, by, label, **kw) -> Transition:
    return Transition(action, frozenset(sources), target, by, label, **kw)


TRANSITIONS: tuple[Transition, ...] = (
    _t("upload", {S.DRAFT, S.RETURNED}, S.UPLOADING, SYSTEM, "First file registered"),
    _t("submit", {S.UPLOADING, S.RETURNED}, S.VALIDATING, CONTRIBUTOR, "Submit for review"),
    _t("validation_failed", {S.VALIDATING}, S.UPLOADING, SYSTEM, "Validation found errors"),
    _t("validation_passed", {S.VALIDATING}, S.PROCESSING, SYSTEM, "Validation passed"),
    _t("processing_failed", {S.PROCESSING}, S.UPLOADING, SYSTEM, "Processing found a problem"),
    _t("processing_done", {S.PROCESSING}, S.AWAITING_REVIEW, SYSTEM, "Processing done"),
    _t("approve", {S.AWAITING_REVIEW}, S.PUBLISHING, STEWARD, "Approve and publish"),
    _t("publish_failed", {S.PUBLISHING}, S.AWAITING_REVIEW, SYSTEM, "Publishing failed"),
    _t("publish_done", {S.PUBLISHING}, S.PUBLISHED, SYSTEM, "Published"),
    _t("malware_found", {S.UPLOADING, S.VALIDATING, S.PROCESSING, S.RETURNED, S.AWAITING_REVIEW}, S.BLOCKED,
       SYSTEM, "Malware found"),
    _t("return", {S.AWAITING_REVIEW, S.PROCESSING, S.BLOCKED}, S.RETURNED, STEWARD, "Return to contributor",
       needs_message=True),
    _t("reject", {S.AWAITING_REVIEW, S.PROCESSING, S.RETURNED, S.BLOCKED}, S.REJECTED, STEWARD, "Reject",
       needs_message=True, destructive=True),
    _t("cancel", {S.DRAFT, S.UPLOADING, S.RETURNED, S.AWAITING_REVIEW}, S.CANCELLED, CONTRIBUTOR,
       "Cancel submission", destructive=True),
)

TRANSITION_BY_ACTION = {transition.action: transition for transition in TRANSITIONS}


def transitions_from(state: str) -> list[Transition]:
    return [transition for transition in TRANSITIONS if state in transition.sources]


class FileState(models.TextChoices):
    """A submitted file's states: the upload's, then the pipeline's (issue: processing pipeline)."""

    REGISTERED = "registered", "Registered"
    UPLOADED = "uploaded", "Uploaded"
    VERIFIED = "verified", "Verified (checksum)"
    SCANNED = "scanned", "Scanned"
    CONVERTED = "converted", "Converted"
    READY = "ready", "Ready"
    ERROR = "error", "Error"
    EXPIRED = "expired", "Upload expired"
    REPLACED = "replaced", "Replaced"
    REMOVED = "removed", "Removed"
    # History states after the inbox: moved to the archive on publication, or to quarantine (malware).
    ARCHIVED = "archived", "Archived (published)"
    QUARANTINED = "quarantined", "Quarantined"


# Files in these states count for the bundle; the others are history.
LIVE_FILE_STATES = frozenset(
    {FileState.REGISTERED, FileState.UPLOADED, FileState.VERIFIED, FileState.SCANNED, FileState.CONVERTED,
     FileState.READY, FileState.ERROR}
)
# The pipeline is done with a file in this state.
PIPELINE_DONE_STATES = frozenset({FileState.READY})
