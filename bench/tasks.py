"""Tasks that only the benchmark's worker loads (celery -I bench.tasks)."""

from __future__ import annotations

from bigpicture.tasks import portal_task


@portal_task(queue="default")
def ping(value: int) -> int:
    """Echo the value back: the smallest task, so a round trip measures the plumbing."""
    return value
