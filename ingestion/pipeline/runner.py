"""Running one pipeline step: claim it, do the work outside any transaction, then commit the result.

A step's work writes only to its own work folder and to staged storage keys; its rows and the
moves of its objects into place happen in one `staged_atomic` block with the step's `done`. A
run that is superseded meanwhile (a re-queue after it was thought stuck) commits nothing. So a
step can run twice, or be killed anywhere, and leave one result.

Failures are classified as the rest of the portal does: a `UserError` (the contributor must
act) or a `PermanentError` (an operator must look) fails the step, and the file or image with
it; a transient one (storage, clamd, database) is retried by the task with backoff, and fails
the step as transient once the retries are used up. Stewards can retry a failed step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError
from django.db import DatabaseError, transaction
from django.utils import timezone

from bigpicture.errors import PermanentError, TransientError, UserError
from bigpicture.objects import storage_error_transient
from bigpicture.staging import staged_adopt, staged_atomic, staged_work
from ingestion.models import PipelineStep, StepEvent
from ingestion.pipeline.steps import StepState
from ingestion.pipeline.workdir import work_area
from ingestion.states import Failure

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (TransientError, BotoCoreError, ConnectionError, TimeoutError, DatabaseError)


@dataclass
class Outcome:
    """What a step's work gives the runner: its details, and the writes to commit with `done`."""

    details: dict = field(default_factory=dict)
    skipped: bool = False
    message: str = ""
    commit: Callable[[], None] | None = None


class StepFailure(UserError):
    """A user failure that does more than fail the step (say, quarantine a file): `apply` runs in
    the failing transaction."""

    def apply(self, step: PipelineStep) -> None:  # pragma: no cover - overridden
        pass


class _Superseded(Exception):
    pass


def step_event(step: PipelineStep, to_state: str, *, message: str = "", failure: str = Failure.NONE) -> None:
    StepEvent.objects.create(step=step, from_state=step.state, to_state=to_state, attempt=step.attempts,
                             message=message, failure=failure)
    step.state = to_state


def step_execute(step_id: int, *, last_try: bool = True) -> str:
    """Run one step; returns its state afterwards. Raises TransientError to be retried."""
    from ingestion.pipeline.flow import step_done, step_failed
    from ingestion.pipeline.work import STEP_WORK

    step = _claim(step_id)
    if step is None:
        return PipelineStep.objects.filter(pk=step_id).values_list("state", flat=True).first() or ""
    try:
        with work_area(f"{step.name}-{step.pk}") as work, staged_work() as staged:
            outcome = STEP_WORK[step.name](step, work)
            with staged_atomic():
                staged_adopt(staged)
                locked = _still_ours(step)
                if outcome.commit is not None:
                    outcome.commit()
                step_done(locked, outcome)
                return locked.state
    except _Superseded:
        logger.info("step %s (%s) was re-queued while it ran; this run's result is dropped", step.pk, step.name)
        return ""
    except (UserError, PermanentError) as error:
        failure = Failure.USER if isinstance(error, UserError) else Failure.PERMANENT
        return _fail(step, error, failure, step_failed)
    except ClientError as error:
        if not storage_error_transient(error):
            return _fail(step, PermanentError(f"storage refused the request: {error}"), Failure.PERMANENT,
                         step_failed)
        if last_try:
            return _fail(step, error, Failure.TRANSIENT, step_failed)
        _retrying(step, error)
        raise TransientError(str(error)) from error
    except TRANSIENT_ERRORS as error:
        if last_try:
            return _fail(step, error, Failure.TRANSIENT, step_failed, suffix=" The retries are used up; a "
                         "steward can retry the step once the cause is gone.")
        _retrying(step, error)
        raise TransientError(str(error)) from error
    except Exception as error:
        logger.exception("pipeline step %s (%s) failed unexpectedly", step.pk, step.name)
        unexpected = PermanentError(f"{step.get_name_display()} failed unexpectedly ({type(error).__name__}: "
                                    f"{error}); an operator must look at the worker log.")
        return _fail(step, unexpected, Failure.PERMANENT, step_failed)


def _claim(step_id: int) -> PipelineStep | None:
    with transaction.atomic():
        step = PipelineStep.objects.select_for_update().filter(pk=step_id).first()
        if step is None or step.state not in (StepState.QUEUED, StepState.RETRYING, StepState.RUNNING):
            return None  # finished, failed or pending: a duplicate or stale delivery
        step.attempts += 1
        step_event(step, StepState.RUNNING, message=f"attempt {step.attempts}")
        step.started_at, step.finished_at, step.message = timezone.now(), None, ""
        step.save(update_fields=["state", "attempts", "started_at", "finished_at", "message"])
    return step


def _still_ours(step: PipelineStep) -> PipelineStep:
    locked = PipelineStep.objects.select_for_update().get(pk=step.pk)
    if locked.state != StepState.RUNNING or locked.attempts != step.attempts:
        raise _Superseded
    return locked


def _retrying(step: PipelineStep, error: Exception) -> None:
    with transaction.atomic():
        locked = PipelineStep.objects.select_for_update().get(pk=step.pk)
        if locked.state != StepState.RUNNING or locked.attempts != step.attempts:
            return
        message = f"{error} (will retry)"
        step_event(locked, StepState.RETRYING, message=message, failure=Failure.TRANSIENT)
        locked.message, locked.failure = message, Failure.TRANSIENT
        locked.save(update_fields=["state", "message", "failure"])


def _fail(step: PipelineStep, error: Exception, failure: str, step_failed, *, suffix: str = "") -> str:
    with transaction.atomic():
        locked = PipelineStep.objects.select_for_update().get(pk=step.pk)
        if locked.state != StepState.RUNNING or locked.attempts != step.attempts:
            return locked.state
        if isinstance(error, StepFailure):
            error.apply(locked)  # first: a quarantined file is no longer an error for the contributor to fix
        step_failed(locked, f"{error}{suffix}", failure)
    return locked.state
