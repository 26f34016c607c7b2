"""Pipeline tasks: one per queue, each running one step (the step table says which queue)."""

from celery.signals import worker_process_init, worker_ready

from bigpicture.tasks import portal_task
from ingestion.pipeline import maintenance, workdir
from ingestion.pipeline.runner import step_execute


def _run(task, step_id: int) -> str:
    return step_execute(int(step_id), last_try=task.request.retries >= task.max_retries)


@portal_task(queue="ingest", bind=True)
def pipeline_step_ingest(self, step_id: int) -> str:
    """Run an `ingest` queue step (verify, decrypt, identify, extract, handover)."""
    return _run(self, step_id)


@portal_task(queue="scan", bind=True)
def pipeline_step_scan(self, step_id: int) -> str:
    """Run a `scan` queue step (the malware scan)."""
    return _run(self, step_id)


@portal_task(queue="convert", bind=True)
def pipeline_step_convert(self, step_id: int) -> str:
    """Run a `convert` queue step (conversion and de-identification)."""
    return _run(self, step_id)


@portal_task(queue="default")
def pipeline_requeue_stuck() -> int:
    """Re-queue steps stuck longer than PIPELINE_STUCK_MINUTES (on beat)."""
    return maintenance.stuck_requeue()


STEP_TASKS = {"ingest": pipeline_step_ingest, "scan": pipeline_step_scan, "convert": pipeline_step_convert}


@worker_ready.connect
@worker_process_init.connect
def _sweep_work_folders(**_kwargs) -> None:
    """A starting worker process removes what killed ones left in the work directory."""
    workdir.work_sweep()
