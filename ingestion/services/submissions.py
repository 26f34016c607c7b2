"""Writes for submissions: creation and every state transition, each recorded as an event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from access.selectors import can_submit_for
from bigpicture.errors import UserError
from governance.selectors import dsa_missing
from governance.services import audit_record
from ingestion.models import FileEvent, Submission, SubmissionEvent, SubmissionFile
from ingestion.selectors import transition_allowed
from ingestion.states import TRANSITION_BY_ACTION, Failure, FileState


class TransitionRefused(UserError):
    pass


@transaction.atomic
def submission_create(*, organisation, actor, title: str = "", dataset=None) -> Submission:
    if not can_submit_for(actor, organisation):
        raise UserError(f"You may not submit for {organisation.name}: ask its node coordinator or a data "
                        "steward to give you the contributor role there.")
    missing_agreement = dsa_missing(organisation)
    if missing_agreement:
        raise UserError(missing_agreement)
    if dataset is not None and dataset.organisation_id not in (None, organisation.pk):
        raise UserError(f"Dataset {dataset.accession} belongs to another organisation.")
    submission = Submission.objects.create(organisation=organisation, created_by=actor, title=title[:255],
                                           dataset=dataset)
    audit_record(actor=actor, action="submission.create", target=submission,
                 detail={"organisation": organisation.slug})
    return submission


@transaction.atomic
def submission_transition(*, submission: Submission, action: str, actor=None, message: str = "",
                          failure: str = Failure.NONE) -> SubmissionEvent:
    """Fire `action` (a row of `ingestion.states.TRANSITIONS`) if the table allows it for `actor`.

    `actor=None` is the portal itself (workers), which alone may fire `system` transitions.
    """
    transition = TRANSITION_BY_ACTION.get(action)
    if transition is None:
        raise TransitionRefused(f"Unknown action {action!r}.")
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.state not in transition.sources:
        raise TransitionRefused(f"Cannot {transition.label.lower()}: the submission is "
                                f"{locked.get_state_display().lower()}.")
    if not transition_allowed(locked, transition, actor):
        raise TransitionRefused(f"You may not {transition.label.lower()} this submission.")
    if transition.needs_message and not message.strip():
        raise TransitionRefused(f"{transition.label} needs a message that says why.")
    event = SubmissionEvent.objects.create(submission=locked, actor=actor, action=action,
                                           from_state=locked.state, to_state=transition.target,
                                           message=message, failure=failure)
    locked.state = transition.target
    locked.save(update_fields=["state", "updated"])
    submission.state = locked.state
    audit_record(actor=actor, action=f"submission.{action}", target=locked,
                 detail={"from": event.from_state, "to": event.to_state, "failure": failure})
    return event


def file_state_set(*, file: SubmissionFile, state: str, actor=None, message: str = "",
                   failure: str = Failure.NONE, **fields) -> FileEvent:
    """Move a file to `state` and record the event; `fields` are saved with it (caller holds the transaction)."""
    event = FileEvent.objects.create(file=file, actor=actor, from_state=file.state, to_state=state,
                                     message=message, failure=failure)
    file.state = state
    file.error = message if state == FileState.ERROR else ""
    file.failure = failure
    if state == FileState.UPLOADED:
        fields.setdefault("uploaded_at", timezone.now())
    if state == FileState.VERIFIED:
        fields.setdefault("verified_at", timezone.now())
    for name, value in fields.items():
        setattr(file, name, value)
    file.save(update_fields=["state", "error", "failure", "updated", *fields])
    return event
