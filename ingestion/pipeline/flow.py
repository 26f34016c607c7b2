"""How steps follow each other: queueing, what finishing or failing a step does to its file, image
job and submission, and the steward's retry.

Every function here runs inside the caller's transaction.
"""

from __future__ import annotations

from django.utils import timezone

from bigpicture.errors import UserError
from governance.services import audit_record
from ingestion.models import ImageJob, PipelineStep, SubmissionFile
from ingestion.pipeline.runner import Outcome, step_event
from ingestion.pipeline.steps import (
    FILE_STEPS,
    IMAGE_STEPS,
    STEP_BY_NAME,
    StepState,
    next_step,
)
from ingestion.selectors_pipeline import job_sources
from ingestion.states import LIVE_FILE_STATES, Failure, FileState, SubmissionState


def file_steps_create(file: SubmissionFile) -> None:
    """Create a completed file's steps and queue the first (the pipeline's hand-off)."""
    steps = [PipelineStep.objects.get_or_create(file=file, name=step.name)[0] for step in FILE_STEPS]
    if steps[0].state == StepState.PENDING:
        step_queue(steps[0])


def job_steps_create(job: ImageJob) -> None:
    for step in IMAGE_STEPS:
        PipelineStep.objects.get_or_create(job=job, name=step.name)


def step_queue(step: PipelineStep, *, message: str = "") -> None:
    from ingestion.tasks.pipeline import STEP_TASKS

    step_event(step, StepState.QUEUED, message=message)
    step.queued_at, step.message, step.failure = timezone.now(), "", Failure.NONE
    step.save(update_fields=["state", "queued_at", "message", "failure"])
    STEP_TASKS[STEP_BY_NAME[step.name].queue].dispatch(step.pk)


def _files_of(step: PipelineStep) -> list[SubmissionFile]:
    if step.file_id:
        return list(SubmissionFile.objects.filter(pk=step.file_id, state__in=sorted(LIVE_FILE_STATES)))
    return job_sources(step.job)


def _submission(step: PipelineStep):
    return step.file.submission if step.file_id else step.job.submission


def step_done(step: PipelineStep, outcome: Outcome) -> None:
    from ingestion.services.submissions import file_state_set

    state = StepState.SKIPPED if outcome.skipped else StepState.DONE
    step_event(step, state, message=outcome.message)
    step.finished_at, step.message, step.failure = timezone.now(), outcome.message, Failure.NONE
    step.details = {**step.details, **outcome.details}
    step.save(update_fields=["state", "finished_at", "message", "failure", "details"])
    after = STEP_BY_NAME[step.name].file_state_after
    if after:
        for file in _files_of(step):
            if file.state != FileState.ERROR:
                file_state_set(file=file, state=after)
    following = next_step(step.name)
    if following is not None:
        owner = {"file": step.file} if step.file_id else {"job": step.job}
        step_queue(PipelineStep.objects.get(name=following.name, **owner))
    elif step.file_id:
        file_scanned(SubmissionFile.objects.get(pk=step.file_id))
    else:
        job_finished(step.job)


def step_failed(step: PipelineStep, message: str, failure: str) -> None:
    from ingestion.services.review import processing_check
    from ingestion.services.submissions import file_state_set

    step_event(step, StepState.FAILED, message=message, failure=failure)
    step.finished_at, step.message, step.failure = timezone.now(), message, failure
    step.save(update_fields=["state", "finished_at", "message", "failure"])
    for file in _files_of(step):
        file_state_set(file=file, state=FileState.ERROR, message=message, failure=failure)
    processing_check(_submission(step))


def file_scanned(file: SubmissionFile) -> None:
    """A file's own steps are done: an image source waits for its image's steps; any other is ready
    once validation has said it is not an image."""
    from ingestion.services.review import processing_check
    from ingestion.services.submissions import file_state_set

    if file.image_job_id:
        job_start(file.image_job)
    elif file.submission.state == SubmissionState.PROCESSING:
        file_state_set(file=file, state=FileState.READY)
        processing_check(file.submission)


def job_start(job: ImageJob) -> None:
    """Queue a job's first step once all its source files have passed their own steps."""
    if not job.active or job.sources.exclude(state=FileState.SCANNED).filter(
            state__in=sorted(LIVE_FILE_STATES)).exists():
        return
    first = PipelineStep.objects.get(job=job, name=IMAGE_STEPS[0].name)
    if first.state == StepState.PENDING:
        step_queue(first)


def job_finished(job: ImageJob) -> None:
    from ingestion.services.review import processing_check

    processing_check(job.submission)


def step_retry(*, step: PipelineStep, actor) -> None:
    """A steward's retry of a failed step: the file or image goes back to where the step starts."""
    from ingestion.selectors import is_steward
    from ingestion.services.submissions import file_state_set

    if not is_steward(actor):
        raise UserError("Only data stewards retry pipeline steps.")
    step = PipelineStep.objects.select_for_update().get(pk=step.pk)
    if step.state != StepState.FAILED:
        raise UserError(f"The step {step.get_name_display()} is {step.get_state_display().lower()}, not failed.")
    back_to = _state_before(step)
    for file in _files_of(step):
        if file.state == FileState.ERROR:
            file_state_set(file=file, state=back_to, actor=actor, message=f"retry of {step.name}")
    audit_record(actor=actor, action="pipeline.step_retry", target=_submission(step),
                 detail={"step": step.name, "step_id": step.pk})
    step_queue(step, message=f"retried by {actor}")


def _state_before(step: PipelineStep) -> str:
    """The file state a step starts from: the `file_state_after` of the last earlier step that has one."""
    names = [s.name for s in (FILE_STEPS + IMAGE_STEPS)]
    state = FileState.UPLOADED
    for name in names[:names.index(step.name)]:
        state = STEP_BY_NAME[name].file_state_after or state
    return state

