"""Task round-trip latency through the real broker, against raw kombu on the same broker.

A real worker process (prefork, concurrency 1, every queue) runs `bench.tasks.ping`;
the client sends tasks one at a time with `.apply_async()` + `.get()`, then a
burst sent at once and all awaited. The baseline is the same pattern with plain
kombu messages bounced off a second process (`bench.echo`), so the ratio is
what Celery adds on top of the broker.
"""

from __future__ import annotations

from typing import Any

from kombu.exceptions import OperationalError

from bench.core import Goal, Outcome, Result
from bench.processes import celery_worker, echo_process
from bench.roundtrip import Burst, CeleryPinger, RawPinger, burst, sequential, wait_ready
from bench.stats import Deadline, summarize

N_WARMUP = 20
N_SEQUENTIAL = 200
N_BURST = 500
# The whole benchmark, worker start and stop included, must stay under 3 minutes.
TOTAL_SECONDS = 140.0
GOAL_P95_MS = 50.0
RAW_REQUESTS = "bench.raw.requests"
RAW_REPLIES = "bench.raw.replies"


def run() -> Outcome:
    from django.conf import settings

    from bench.tasks import ping
    from bigpicture.celery import QUEUES, app

    broker = settings.CELERY_BROKER_URL.split(":", 1)[0]
    logs = settings.VAR_DIR / "logs"
    deadline = Deadline(TOTAL_SECONDS)
    _check_broker(app)
    _purge(app, [*QUEUES, RAW_REQUESTS, RAW_REPLIES])
    try:
        # Both far ends start together; their start-up overlaps.
        with celery_worker(logs / "task_roundtrip-worker.log") as worker, \
                echo_process(logs / "task_roundtrip-echo.log", RAW_REQUESTS, RAW_REPLIES) as echo, \
                app.connection_for_write() as conn:
            celery, raw = CeleryPinger(ping), RawPinger(conn, RAW_REQUESTS, RAW_REPLIES)
            print(f"task_roundtrip: broker {broker}; waiting for the worker and the echo process")
            started = wait_ready(celery, worker, deadline.phase(60), "celery worker")
            wait_ready(raw, echo, deadline.phase(20), "echo process")
            print(f"task_roundtrip: worker answered after {started:.1f} s")
            sequential(raw, N_WARMUP, deadline.phase(5))
            sequential(celery, N_WARMUP, deadline.phase(15))

            # Baseline and subject alternate, so drift on a noisy machine hits both.
            raw_seq = _report_sequential("raw kombu", sequential(raw, N_SEQUENTIAL, deadline.phase(25)))
            celery_seq = _report_sequential("celery", sequential(celery, N_SEQUENTIAL, deadline.phase(45)))
            raw_burst = _report_burst("raw kombu", burst(raw, N_BURST, deadline.phase(15)))
            celery_burst = _report_burst("celery", burst(celery, N_BURST, deadline.phase(30)))
            raw.close()
    finally:
        _purge(app, [*QUEUES, RAW_REQUESTS, RAW_REPLIES])
    return _outcome(broker, celery_seq, raw_seq, celery_burst, raw_burst)


def _outcome(broker: str, celery_seq: dict[str, Any], raw_seq: dict[str, Any],
             celery_burst: Burst, raw_burst: Burst) -> Outcome:
    on_redis = broker.startswith("redis")
    goal = (
        Goal(f"p95 < {GOAL_P95_MS:g} ms", "<", GOAL_P95_MS) if on_redis
        else Goal(f"informational (p95 < {GOAL_P95_MS:g} ms is the Redis goal)")
    )
    results = [
        Result(f"round trip {key}", celery_seq.get(key), "ms", raw_seq.get(key),
               goal if key == "p95" else None)
        for key in ("p50", "p95", "p99", "mean")
    ]
    results.append(Result(f"burst of {N_BURST} throughput", celery_burst.per_second, "tasks/s",
                          raw_burst.per_second))
    notes = [
        f"Broker: {broker}. Celery: {celery_seq['n']} sequential round trips (apply_async + get) "
        f"of a no-op task after {N_WARMUP} warm-up, on a real worker (prefork, concurrency 1); then "
        f"{N_BURST} tasks sent at once and all awaited. Baseline: the same with raw kombu messages "
        f"({raw_seq['n']} sequential) bounced off a second process on the same broker; "
        "ratio = celery / raw.",
    ]
    if not on_redis:
        notes.append("The filesystem broker polls its folder once a second (kombu's default "
                     "polling_interval); with prefetch 1 and late acks the worker takes one task per "
                     "poll, and the file result backend polls too. So these numbers measure polling; "
                     "the goal is informational.")
    short = [label for label, seq in (("celery", celery_seq), ("raw", raw_seq)) if seq["n"] < N_SEQUENTIAL]
    short += [f"{label} burst" for label, b in (("celery", celery_burst), ("raw", raw_burst))
              if b.completed < b.sent]
    if short:
        notes.append(f"Cut short by the time budget: {', '.join(short)}.")
    return Outcome(results=results, notes=" ".join(notes),
                   environment={"broker_transport": broker, "worker": "prefork, concurrency 1"})


def _report_sequential(label: str, latencies: list[float]) -> dict[str, Any]:
    if not latencies:
        raise RuntimeError(f"{label}: no round trip completed within the time budget")
    summary = {key: value * 1000 for key, value in summarize(latencies).items()}
    print(f"task_roundtrip: {label:9} sequential n={len(latencies):3}  "
          + "  ".join(f"{key} {value:8.2f} ms" for key, value in summary.items()))
    return {**summary, "n": len(latencies)}


def _report_burst(label: str, result: Burst) -> Burst:
    print(f"task_roundtrip: {label:9} burst {result.completed}/{result.sent} in {result.seconds:.2f} s "
          f"= {result.per_second:8.1f}/s")
    return result


def _check_broker(app: Any) -> None:
    """Fail in seconds, not after kombu's long reconnect back-off, when the broker is down."""
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2, interval_start=0.5, interval_step=0.5)


def _purge(app: Any, queues: list[str]) -> None:
    """Drop messages left by an earlier, interrupted run so they are not counted."""
    with app.connection_for_write() as conn:
        try:
            conn.ensure_connection(max_retries=2, interval_start=0.5, interval_step=0.5)
        except OperationalError as exc:
            print(f"task_roundtrip: cannot purge the queues, broker unreachable: {exc}")
            return
        for queue in queues:
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # the queue may not exist yet on this broker
                pass
