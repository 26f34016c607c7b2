"""From processing to review: the hand-off when the pipeline is done with every file, and steward actions.

The pipeline (the uploads helper's verify task today; scan, conversion and QC later)
calls `processing_check(submission)` whenever a file finishes.
"""

from __future__ import annotations

from django.db import transaction

from bigpicture.errors import UserError
from ingestion.models import Submission
from ingestion.selectors import is_steward
from ingestion.services.submissions import submission_transition
from ingestion.states import (
    LIVE_FILE_STATES,
    PIPELINE_DONE_STATES,
    STEWARD,
    TRANSITION_BY_ACTION,
    Failure,
    FileState,
    SubmissionState,
)


@transaction.atomic
def processing_check(submission: Submission) -> str:
    """Move a processing submission on when its files allow it; returns the state it is in."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.state != SubmissionState.PROCESSING:
        return locked.state
    files = list(locked.files.filter(state__in=sorted(LIVE_FILE_STATES)))
    # A user failure goes back to the contributor; transient and permanent ones wait for a steward's retry.
    failed = [f for f in files if f.state == FileState.ERROR and f.failure == Failure.USER]
    if failed:
        named = "; ".join(f"{f.path}: {f.error or 'failed'}" for f in failed[:10])
        more = f" (and {len(failed) - 10} more)" if len(failed) > 10 else ""
        submission_transition(submission=locked, action="processing_failed", failure=Failure.USER,
                              message=f"{len(failed)} file(s) failed processing; replace them and submit "
                                      f"again. {named}{more}")
    elif files and all(f.state in PIPELINE_DONE_STATES for f in files):
        submission_transition(submission=locked, action="processing_done")
    submission.state = locked.state
    return locked.state


def review_act(*, submission: Submission, action: str, actor, message: str = "") -> None:
    """A steward's button on the review page (approve, return, reject): only steward transitions."""
    transition = TRANSITION_BY_ACTION.get(action)
    if transition is None or transition.by != STEWARD:
        raise UserError(f"{action!r} is not a review action.")
    if not is_steward(actor):
        raise UserError("Only data stewards review submissions.")
    submission_transition(submission=submission, action=action, actor=actor, message=message)
