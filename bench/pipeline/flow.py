"""One submission through the pipeline on a real worker: the bundle around the big SVS, its upload, the
submit, and the step times the worker recorded.

The bundle is the synthetic writer's (one case, one small SVS), with the small SVS replaced by a hard
link to the cached big one and its SHA-256 in the metadata replaced to match, so validation passes.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

from bench.pipeline.slide import CachedSlide, SlideSpec
from bench.processes import ManagedProcess
from bigpicture.celery import queues_purge
from bigpicture.storage import storage_for
from ingestion.models import PipelineStep, Submission, SubmissionFile
from ingestion.states import FileState, SubmissionState
from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle
from repository.synthetic.info import file_sha256

FILE_STEP_NAMES = ("verify", "decrypt", "scan")
IMAGE_STEP_NAMES = ("identify", "convert", "deidentify", "extract", "handover")


def bundle_with_slide(folder: Path, slide: CachedSlide) -> tuple[Path, str]:
    """A valid bundle whose one IMAGE file is `slide` (hard-linked); returns (bundle, its SVS's path)."""
    shutil.rmtree(folder, ignore_errors=True)
    spec = BundleSpec(alias="bench-pipeline", title="Pipeline benchmark slide", short_name="BENCH",
                      clinical=True, cases=1, seed=8, image_files="svs", slide_width=1024, slide_height=768,
                      description="One big synthetic slide for the pipeline benchmark.")
    bundle = write_synthetic_bundle(folder, spec)
    (small,) = bundle.rglob("*.svs")
    small_sha256 = file_sha256(small)
    small.unlink()
    small.hardlink_to(slide.path)
    replaced = 0
    for path in bundle.rglob("*.xml"):
        text = path.read_text()
        if small_sha256 in text:
            path.write_text(text.replace(small_sha256, slide.sha256))
            replaced += 1
    if not replaced:
        raise RuntimeError(f"no metadata file of {bundle} lists the SVS's SHA-256 {small_sha256}")
    return bundle, small.relative_to(bundle).as_posix()


def worker_ready(worker: ManagedProcess, timeout: float = 120) -> float:
    """Seconds until the worker answers a ping task."""
    from bench.tasks import ping

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not worker.alive:
            raise RuntimeError(f"the worker exited:\n{worker.log_tail()}")
        try:
            ping.apply_async((1,)).get(timeout=2)
            return time.monotonic() - started
        except Exception:  # not up yet (a result timeout)
            continue
    raise RuntimeError(f"the worker did not answer within {timeout:.0f} s:\n{worker.log_tail()}")


def _seconds(start, end) -> float:
    return (end - start).total_seconds()


def _step_times(step: PipelineStep) -> dict:
    return {"state": step.state, "wait": _seconds(step.queued_at, step.started_at),
            "work": _seconds(step.started_at, step.finished_at), "attempts": step.attempts,
            "details": step.details, "message": step.message}


class PipelineRun:
    """The people, the submission and its upload; then the waits, and what the step rows say."""

    def __init__(self, worker: ManagedProcess | None, folder: Path, slide: CachedSlide, spec: SlideSpec):
        from access.roles import Role
        from access.services import organisation_create, user_create

        self.worker, self.slide, self.spec = worker, slide, spec
        self.bundle, self.svs_path = bundle_with_slide(folder, slide)
        run = uuid.uuid4().hex[:8]
        organisation = organisation_create(name=f"Bench pipeline {run}", slug=f"bench-pipeline-{run}",
                                           country="SE")
        self.contributor = user_create(username=f"bench-contributor-{run}", email=f"c-{run}@example.org",
                                       password=None, organisation=organisation, roles=(Role.CONTRIBUTOR,))
        self.submission = Submission.objects.create(organisation=organisation, created_by=self.contributor,
                                                    title="Pipeline benchmark", changelog="Benchmark run.")
        queues_purge()
        # No worker: the tasks run eagerly in this process (bench/pipeline/profile.py).
        self.ready_seconds = worker_ready(worker) if worker is not None else 0.0

    def _wait(self, done, timeout: float, what: str) -> Submission:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            submission = Submission.objects.get(pk=self.submission.pk)
            if done(submission):
                return submission
            if self.worker is not None and not self.worker.alive:
                break
            time.sleep(0.5)
        steps = "\n".join(f"  {s.name} {s.state} {s.message}" for s in self._steps())
        log = self.worker.log_tail() if self.worker is not None else ""
        raise RuntimeError(f"{what} did not finish within {timeout:.0f} s\n{steps}\n{log}")

    def _steps(self):
        return (PipelineStep.objects.filter(file__submission=self.submission)
                | PipelineStep.objects.filter(job__submission=self.submission)).order_by("pk")

    def upload_and_scan(self, timeout: float) -> None:
        """Every bundle file into the inbox and to the pipeline; wait until the worker has scanned them."""
        from tests.ingestion.pipeline.pipeline_kit import bundle_uploaded

        bundle_uploaded(self.submission, self.bundle)
        files = SubmissionFile.objects.filter(submission=self.submission)

        def scanned(_submission) -> bool:
            states = set(files.values_list("state", flat=True))
            if FileState.ERROR in states:
                failed = list(files.values_list("path", "state", "message"))
                raise RuntimeError(f"a file failed its steps: {failed}")
            return states == {FileState.SCANNED}

        self._wait(scanned, timeout, "the file steps")
        self.svs_file = files.get(path=self.svs_path)

    def inbox_path(self) -> Path:
        return Path(storage_for("inbox").path(self.svs_file.storage_name))

    def submit_and_process(self, timeout: float) -> None:
        from ingestion.services.submissions import submission_transition

        submission_transition(submission=self.submission, action="submit", actor=self.contributor)
        done = self._wait(lambda s: s.state not in (SubmissionState.VALIDATING, SubmissionState.PROCESSING),
                          timeout, "validation and the image steps")
        if done.state != SubmissionState.AWAITING_REVIEW:
            steps = "\n".join(f"  {s.name} {s.state} {s.message}" for s in self._steps())
            raise RuntimeError(f"the submission ended {done.state}: {done.events.last().message}\n{steps}")

    def measured(self) -> dict:
        job = self.submission.image_jobs.get(active=True)
        image = {s.name: s for s in PipelineStep.objects.filter(job=job)}
        files = {s.name: s for s in PipelineStep.objects.filter(file=self.svs_file)}
        outputs = list(job.outputs.values_list("role", "size"))
        return {
            "worker_ready_seconds": self.ready_seconds,
            "image_chain_seconds": _seconds(image["identify"].queued_at, image["handover"].finished_at),
            "convert_to_handover_seconds": _seconds(image["convert"].queued_at,
                                                    image["handover"].finished_at),
            "image_steps": {name: _step_times(image[name]) for name in IMAGE_STEP_NAMES},
            "file_steps": {**{name: _step_times(files[name]) for name in FILE_STEP_NAMES},
                           "chain_seconds": _seconds(files["verify"].queued_at, files["scan"].finished_at)},
            "outputs": [{"role": role, "size": size} for role, size in outputs],
            "lossless": job.lossless,
        }

    def cleanup(self) -> None:
        """The submission's objects out of the inbox (the rows stay, as a record)."""
        inbox = Path(storage_for("inbox").path(self.submission.inbox_prefix))
        shutil.rmtree(inbox, ignore_errors=True)
