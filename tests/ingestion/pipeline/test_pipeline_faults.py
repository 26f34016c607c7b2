"""Faults through a real Celery worker (Redis broker, real clamd, moto S3): malware quarantined, the
worker's pool process killed mid-conversion, clamd gone for a while, S3 refusing requests for a while.
Each ends as if nothing had happened (or, for malware, blocked with mail), with nothing left over."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from bigpicture.models import OutboxMessage
from bigpicture.staging import storage_sweep
from ingestion.models import ConvertedFile, ImageJob, PipelineStep, StepEvent, SubmissionFile
from ingestion.scanning.signatures import EICAR, EICAR_SIGNATURE
from ingestion.services.submissions import submission_transition
from ingestion.states import FileState, SubmissionState
from repository.synthetic.tiff import write_tiled_tiff
from tests.governance.factories import dsa_signed
from tests.ingestion.pipeline.pipeline_kit import (
    bundle_uploaded,
    image_replaced,
    named_objects,
    settled,
    slide_bundle,
    steps_of,
    steps_text,
    waited,
)
from tests.ingestion.review_fixtures import *  # noqa: F401,F403
from tests.servicekit.faulty_proxy import FaultyProxy

pytestmark = [pytest.mark.worker, pytest.mark.redis, pytest.mark.clamd, pytest.mark.slow]

s3_only = pytest.mark.parametrize("storage_backend", [pytest.param("s3", marks=pytest.mark.s3)], indirect=True)
local_only = pytest.mark.parametrize("storage_backend", ["local"], indirect=True)


def _log(submission, worker):
    return lambda: f"{steps_text(submission)}\n--- worker log ---\n{worker.log()[-6000:]}"


def _reviewed(submission, worker):
    """Wait until the worker has processed the submitted bundle: awaiting review, or back to uploading."""
    return settled(submission, states={SubmissionState.AWAITING_REVIEW, SubmissionState.UPLOADING}, timeout=120,
                   log=_log(submission, worker))


def _no_leftovers(storage_backend, submission) -> None:
    """After the storage sweep, the inbox holds exactly what the rows name, and no area holds staging."""
    storage_sweep(grace_seconds=0)
    inbox = storage_backend.objects("inbox")
    assert inbox == named_objects(submission), sorted(inbox ^ named_objects(submission))
    everything = storage_backend.objects("inbox", "archive", "public", "quarantine")
    assert not [k for k in everything if "_staging" in k or k.endswith("(unfinished upload)")], everything


def test_malware_is_quarantined_and_blocks_the_submission(celery_worker, clamd_server, storage_backend, tmp_path,
                                                          submission, contributor, steward):
    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "bundle", seed=41, size=(512, 384))
    path = image_replaced(bundle, b"slide " + EICAR + b" trailer")
    worker = celery_worker()
    bundle_uploaded(submission, bundle)

    infected = waited(lambda: SubmissionFile.objects.filter(submission=submission, path=path,
                                                            state=FileState.QUARANTINED).first(),
                      timeout=60, what="the EICAR file quarantined", log=_log(submission, worker))
    submission = settled(submission, states={SubmissionState.BLOCKED}, timeout=30, log=_log(submission, worker))
    # The storage moves follow the commit (on S3, the copy into quarantine may land after the inbox delete).
    waited(lambda: f"inbox/{infected.storage_name}" not in storage_backend.objects("inbox")
           and f"quarantine/{infected.storage_name}" in storage_backend.objects("quarantine"), timeout=30,
           what="the infected object moved from the inbox to quarantine")
    assert EICAR in storage_backend.read(f"quarantine/{infected.storage_name}")
    scan = PipelineStep.objects.get(file=infected, name="scan")
    assert (scan.state, scan.failure) == ("failed", "user")
    assert scan.message.startswith(f"{path} contains malware ({EICAR_SIGNATURE}") and "quarantine" in scan.message
    assert submission.events.last().message == scan.message
    # The others were scanned clean; none of them goes on while the submission is blocked.
    others = submission.files.exclude(pk=infected.pk)
    waited(lambda: set(others.values_list("state", flat=True)) == {FileState.SCANNED}, timeout=60,
           what="the other files scanned", log=_log(submission, worker))

    mails = {address: message for message in OutboxMessage.objects.all() for address in message.to}
    for address in (contributor.email, steward.email):
        assert address in mails, list(mails)
        assert EICAR_SIGNATURE in mails[address].body and path in mails[address].body
        assert "Malware found" in mails[address].subject


@s3_only
def test_a_pool_process_killed_mid_conversion_leaves_one_set_of_outputs(celery_worker, clamd_server,
                                                                        storage_backend, tmp_path, submission,
                                                                        contributor):
    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "bundle", seed=43, size=(512, 384))
    slow = tmp_path / "slow.tiff"  # a generic tiled TIFF: OpenSlide decodes and re-encodes every tile
    write_tiled_tiff(slow, width=7168, height=7168, seed=43)
    image_replaced(bundle, slow.read_bytes(), suffix=".tiff")
    work = tmp_path / "work"
    worker = celery_worker(PIPELINE_WORK_DIR=str(work))
    bundle_uploaded(submission, bundle)
    waited(lambda: set(submission.files.values_list("state", flat=True)) == {FileState.SCANNED}, timeout=60,
           what="all files scanned", log=_log(submission, worker))
    submission_transition(submission=submission, action="submit", actor=contributor)

    convert = waited(lambda: PipelineStep.objects.filter(job__submission=submission, name="convert",
                                                         state="running").first(),
                     timeout=90, what="convert running", log=_log(submission, worker), interval=0.05)
    # Its output folder exists once wsidicomizer has started writing.
    waited(lambda: list(work.glob(f"*-convert-{convert.pk}-*/out")), timeout=30, what="conversion started",
           log=_log(submission, worker), interval=0.05)
    time.sleep(0.5)
    child = _pool_child(worker.proc.pid)
    os.kill(child, signal.SIGKILL)

    review = _reviewed(submission, worker)
    assert review.state == SubmissionState.AWAITING_REVIEW, review.events.last().message
    assert set(submission.files.values_list("state", flat=True)) == {FileState.READY}
    convert.refresh_from_db()
    assert convert.state == "done" and convert.attempts == 2, steps_text(submission)
    runs = StepEvent.objects.filter(step=convert, to_state="running").count()
    assert runs == 2 and not StepEvent.objects.filter(step__in=steps_of(submission), to_state="failed").exists()
    assert "WorkerLostError" in worker.log() or "SIGKILL" in worker.log()

    job = ImageJob.objects.get(submission=submission, active=True)
    outputs = set(ConvertedFile.objects.filter(job=job).values_list("storage_name", flat=True))
    assert outputs and job.lossless is False  # the re-encoding path
    folder = f"inbox/{submission.inbox_prefix}/pipeline/{job.pk}/"
    in_folder = {key for key in storage_backend.objects("inbox") if key.startswith(folder)}
    assert in_folder == {f"inbox/{name}" for name in outputs | {job.thumbnail_name, job.preview_name}}
    _no_leftovers(storage_backend, submission)
    assert not [p for p in work.iterdir() if p.name.startswith(f"{child}-")]  # the killed run's folder is swept


def _pool_child(main_pid: int) -> int:
    """The worker's one prefork pool process."""
    listed = subprocess.run(["ps", "--ppid", str(main_pid), "-o", "pid="], capture_output=True, text=True,
                            check=True).stdout.split()
    assert len(listed) == 1, listed
    return int(listed[0])


@local_only
def test_scans_wait_while_clamd_is_down_and_finish_when_it_is_back(celery_worker, clamd_stoppable,
                                                                    storage_backend, tmp_path, submission):
    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "bundle", seed=45, size=(512, 384))
    worker = celery_worker()
    clamd_stoppable.stop()
    bundle_uploaded(submission, bundle)
    scans = PipelineStep.objects.filter(file__submission=submission, name="scan")

    waited(lambda: scans.filter(state="retrying").exists(), timeout=60, what="a scan retrying",
           log=_log(submission, worker))
    time.sleep(1)
    assert not scans.filter(state__in=("done", "failed")).exists(), steps_text(submission)
    retrying = scans.filter(state="retrying").first()
    assert "clamd" in retrying.message and "will retry" in retrying.message, retrying.message
    clamd_stoppable.start()

    waited(lambda: set(submission.files.values_list("state", flat=True)) == {FileState.SCANNED}, timeout=90,
           what="every file scanned after clamd is back", log=_log(submission, worker))
    assert set(scans.values_list("state", flat=True)) == {"done"}
    events = StepEvent.objects.filter(step__in=scans)
    assert events.filter(to_state="retrying").exists() and not events.filter(to_state="failed").exists()


@s3_only
def test_steps_retry_through_an_s3_outage_and_the_submission_reaches_review(celery_worker, clamd_server,
                                                                             storage_backend, s3_server, tmp_path,
                                                                             submission, contributor):
    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "bundle", seed=47, size=(512, 384))
    host, port = s3_server.removeprefix("http://").split(":")
    proxy = FaultyProxy(host, int(port))
    # The worker's S3 client gives up at once, so an outage reaches the pipeline's own retries.
    worker = celery_worker(AWS_S3_ENDPOINT_URL=proxy.url, AWS_MAX_ATTEMPTS="1")
    steps = steps_of(submission)
    try:
        proxy.failing.set()
        bundle_uploaded(submission, bundle)  # the test writes to moto directly; the worker reads through the proxy
        waited(lambda: PipelineStep.objects.filter(file__submission=submission, state="retrying").exists(),
               timeout=60, what="a file step retrying", log=_log(submission, worker))
        time.sleep(2)
        proxy.failing.clear()
        waited(lambda: set(submission.files.values_list("state", flat=True)) == {FileState.SCANNED}, timeout=90,
               what="every file scanned after the outage", log=_log(submission, worker))

        submission_transition(submission=submission, action="submit", actor=contributor)
        waited(lambda: PipelineStep.objects.filter(job__submission=submission).exclude(state="pending").exists(),
               timeout=60, what="the image steps started", log=_log(submission, worker), interval=0.02)
        proxy.failing.set()
        waited(lambda: PipelineStep.objects.filter(job__submission=submission, state="retrying").exists(),
               timeout=60, what="an image step retrying", log=_log(submission, worker))
        time.sleep(2)
        proxy.failing.clear()
        review = _reviewed(submission, worker)
    finally:
        proxy.failing.clear()
        proxy.close()

    assert review.state == SubmissionState.AWAITING_REVIEW, review.events.last().message
    assert proxy.refused > 0
    events = StepEvent.objects.filter(step__in=steps)
    retried = events.filter(to_state="retrying")
    assert {e.step.name for e in retried} & {"verify", "decrypt", "scan"}
    assert {e.step.name for e in retried} & {"identify", "convert", "deidentify", "extract", "handover"}
    assert all("SlowDown" in e.message or "503" in e.message for e in retried), [e.message for e in retried]
    assert not events.filter(to_state="failed").exists()
    assert set(steps.values_list("state", flat=True)) <= {"done", "skipped"}
    _no_leftovers(storage_backend, submission)


@s3_only
def test_an_s3_outage_while_outputs_move_into_place_is_recovered(celery_worker, clamd_server, storage_backend,
                                                                  s3_server, tmp_path, submission, contributor):
    """The outage starts right after a step committed, before its staged outputs reached their names:
    the moves fail and wait in the journal, and the next step, which reads them, must still get them."""
    from bigpicture.models import StorageJournal

    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "bundle", seed=49, size=(512, 384))
    host, port = s3_server.removeprefix("http://").split(":")
    proxy = FaultyProxy(host, int(port))
    worker = celery_worker(AWS_S3_ENDPOINT_URL=proxy.url, AWS_MAX_ATTEMPTS="1")
    try:
        bundle_uploaded(submission, bundle)
        waited(lambda: set(submission.files.values_list("state", flat=True)) == {FileState.SCANNED}, timeout=60,
               what="every file scanned", log=_log(submission, worker))
        submission_transition(submission=submission, action="submit", actor=contributor)
        waited(lambda: StorageJournal.objects.exists(), timeout=60, what="a step's moves under way",
               log=_log(submission, worker), interval=0.002)
        proxy.failing.set()
        time.sleep(3)
        stuck = StorageJournal.objects.count()
        proxy.failing.clear()
        review = _reviewed(submission, worker)
    finally:
        proxy.failing.clear()
        proxy.close()
    assert stuck, "the outage should have caught a step's moves (the journal row stays while they fail)"
    assert review.state == SubmissionState.AWAITING_REVIEW, review.events.last().message
    assert "finished the committed move" in worker.log()  # by the step that needed it, not by the hourly sweep
    assert not StorageJournal.objects.exists()
    _no_leftovers(storage_backend, submission)
