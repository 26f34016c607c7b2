"""Reads about the processing pipeline: each file's and image's steps, for the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingestion.models import ImageJob, PipelineStep, Submission
from ingestion.pipeline.steps import FILE_STEPS, IMAGE_STEPS
from ingestion.states import LIVE_FILE_STATES


@dataclass
class StepRow:
    name: str
    label: str
    state: str
    state_label: str
    message: str
    seconds: float | None
    attempts: int
    pk: int | None
    failed: bool


@dataclass
class Track:
    """One file's or one image's steps."""

    title: str
    steps: list[StepRow]
    job: ImageJob | None = None
    outputs: list = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(step.failed for step in self.steps)

    @property
    def policy(self):
        """The image policy the pipeline applies to this image (`ingestion.pipeline.policy.ImagePolicy`)."""
        from ingestion.pipeline.policy import job_policy

        return job_policy(self.job) if self.job is not None else None


def _rows(specs, steps: dict[str, PipelineStep]) -> list[StepRow]:
    rows = []
    for spec in specs:
        step = steps.get(spec.name)
        if step is None:
            rows.append(StepRow(spec.name, spec.label, "", "not started", "", None, 0, None, False))
            continue
        rows.append(StepRow(spec.name, spec.label, step.state, step.get_state_display(), step.message,
                            step.seconds, step.attempts, step.pk, step.state == "failed"))
    return rows


def job_sources(job: ImageJob) -> list:
    """An image job's live source files, in bundle order."""
    return list(job.sources.filter(state__in=sorted(LIVE_FILE_STATES)).order_by("path"))


def pipeline_tracks(submission: Submission) -> dict[str, list[Track]]:
    """{"images": one track per active image job, "files": one per live file} in a few queries."""
    steps = PipelineStep.objects.filter(file__submission=submission) | PipelineStep.objects.filter(
        job__submission=submission, job__active=True)
    by_file: dict = {}
    by_job: dict = {}
    for step in steps:
        (by_file.setdefault(step.file_id, {}) if step.file_id else by_job.setdefault(step.job_id, {}))[
            step.name] = step
    jobs = submission.image_jobs.filter(active=True).prefetch_related("outputs")
    images = [Track(title=f"IMAGE {job.image_alias}", steps=_rows(IMAGE_STEPS, by_job.get(job.pk, {})), job=job,
                    outputs=list(job.outputs.all())) for job in jobs]
    files = [Track(title=file.path, steps=_rows(FILE_STEPS, by_file.get(file.pk, {})))
             for file in submission.files.filter(state__in=sorted(LIVE_FILE_STATES)).order_by("path")]
    return {"images": images, "files": files}


def pipeline_step_of(submission: Submission, step_id: int) -> PipelineStep | None:
    steps = PipelineStep.objects.filter(pk=step_id)
    return (steps.filter(file__submission=submission) | steps.filter(job__submission=submission)).first()
