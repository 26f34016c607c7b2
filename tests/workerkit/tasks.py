"""Tasks that only the integration tests' worker loads (celery -I tests.workerkit.tasks)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bigpicture.errors import TransientError
from bigpicture.tasks import portal_task


@portal_task(queue="default")
def add(x: int, y: int) -> int:
    return x + y


@portal_task(queue="ingest", retry_backoff=1, retry_backoff_max=2, retry_jitter=False)
def fail_then_succeed(counter_dir: str, failures: int) -> int:
    """Raise TransientError `failures` times, then return the attempt number."""
    attempt = len(list(Path(counter_dir).glob("attempt-*"))) + 1
    Path(counter_dir, f"attempt-{attempt}").write_text(str(os.getpid()))
    if attempt <= failures:
        raise TransientError(f"attempt {attempt}: storage briefly unavailable")
    return attempt


@portal_task(queue="convert")
def hang_on_first_attempt(marker_dir: str) -> int:
    """The first attempt records its pid and hangs, so the test can SIGKILL it."""
    attempt = len(list(Path(marker_dir).glob("attempt-*"))) + 1
    Path(marker_dir, f"attempt-{attempt}").write_text(str(os.getpid()))
    if attempt == 1:
        time.sleep(120)
    return attempt


@portal_task(queue="convert")
def always_hang(marker_dir: str) -> int:
    """Every attempt hangs, as a task that always kills its worker would."""
    attempt = len(list(Path(marker_dir).glob("attempt-*"))) + 1
    Path(marker_dir, f"attempt-{attempt}").write_text(str(os.getpid()))
    time.sleep(120)
    return attempt
