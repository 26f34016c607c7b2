"""A real worker process completes tasks, retries transient errors and survives SIGKILL."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.workerkit import tasks

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def _wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear within {timeout}s")
        time.sleep(0.1)


def test_worker_completes_a_task(celery_worker):
    worker = celery_worker()
    result = tasks.add.apply_async(args=(2, 3))
    assert result.get(timeout=60) == 5, worker.log()


def test_transient_error_is_retried_with_backoff(celery_worker, tmp_path):
    worker = celery_worker()
    result = tasks.fail_then_succeed.apply_async(args=(str(tmp_path), 2))
    assert result.get(timeout=90) == 3, worker.log()
    assert sorted(p.name for p in tmp_path.glob("attempt-*")) == ["attempt-1", "attempt-2", "attempt-3"]
    assert "Retry in" in worker.log()


def test_task_survives_its_pool_process_being_killed(celery_worker, tmp_path):
    worker = celery_worker()
    result = tasks.hang_on_first_attempt.apply_async(args=(str(tmp_path),))
    first = tmp_path / "attempt-1"
    _wait_for(first)
    os.kill(int(first.read_text()), signal.SIGKILL)
    assert result.get(timeout=90) == 2, worker.log()


@pytest.mark.redis
def test_task_survives_whole_worker_killed(celery_worker, tmp_path):
    first_worker = celery_worker(CELERY_BROKER_VISIBILITY_TIMEOUT="3")
    result = tasks.hang_on_first_attempt.apply_async(args=(str(tmp_path),))
    _wait_for(tmp_path / "attempt-1")
    first_worker.kill(signal.SIGKILL)
    second_worker = celery_worker(CELERY_BROKER_VISIBILITY_TIMEOUT="3")
    assert result.get(timeout=120) == 2, first_worker.log() + second_worker.log()


def test_task_that_keeps_killing_its_worker_is_given_up(celery_worker, tmp_path):
    worker = celery_worker()
    result = tasks.always_hang.apply_async(args=(str(tmp_path),))
    for attempt in range(1, tasks.always_hang.max_deliveries + 1):
        marker = tmp_path / f"attempt-{attempt}"
        _wait_for(marker)
        os.kill(int(marker.read_text()), signal.SIGKILL)
    with pytest.raises(Exception, match="worker died 3 times"):
        result.get(timeout=90)
    assert not (tmp_path / f"attempt-{tasks.always_hang.max_deliveries + 1}").exists(), worker.log()
