"""Measure request/reply round trips: one at a time, and as a burst.

A `Pinger` sends a numbered request and receives its reply; the Celery pinger
runs a task on a real worker, the raw pinger bounces a kombu message off
`bench.echo`. Both are driven by the same loops, so they are measured alike.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from bench.processes import ManagedProcess
from bench.stats import Deadline


class ReplyTimeout(Exception):
    """No reply within the time allowed."""


class Pinger(Protocol):
    def new_phase(self) -> None: ...

    def send(self, i: int) -> Any: ...

    def receive(self, handle: Any, timeout: float) -> int: ...


class CeleryPinger:
    """`ping.apply_async()` then `.get()`: the round trip a caller of a task sees."""

    def __init__(self, task: Any):
        self.task = task

    def new_phase(self) -> None:
        pass  # each result has its own task id; nothing can leak between phases

    def send(self, i: int) -> Any:
        return self.task.apply_async(args=(i,))

    def receive(self, handle: Any, timeout: float) -> int:
        from celery.exceptions import TimeoutError as CeleryTimeout

        try:
            return handle.get(timeout=max(timeout, 0.01))
        except CeleryTimeout as exc:
            raise ReplyTimeout(str(exc)) from exc


class RawPinger:
    """kombu put on one queue, get on another; the echo process sits between."""

    def __init__(self, connection: Any, requests: str, replies: str):
        self.requests = connection.SimpleQueue(requests)
        self.replies = connection.SimpleQueue(replies)
        # Replies carry a token per pinger use, so a late reply from an
        # abandoned phase is never counted in the next one.
        self.token = uuid.uuid4().hex

    def new_phase(self) -> None:
        self.token = uuid.uuid4().hex

    def send(self, i: int) -> Any:
        self.requests.put({"token": self.token, "i": i})
        return i

    def receive(self, handle: Any, timeout: float) -> int:
        # Replies come back in arrival order, not per handle (the filesystem
        # transport does not even keep FIFO order within a millisecond).
        end = time.monotonic() + timeout
        while True:
            try:
                message = self.replies.get(block=True, timeout=max(end - time.monotonic(), 0.01))
            except self.replies.Empty as exc:
                raise ReplyTimeout("no reply from the echo process") from exc
            body = message.payload
            message.ack()
            if body.get("token") == self.token:
                return body["i"]

    def close(self) -> None:
        self.requests.close()
        self.replies.close()


@dataclass
class Burst:
    sent: int
    completed: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0


def wait_ready(pinger: Pinger, process: ManagedProcess, deadline: Deadline, what: str) -> float:
    """Ping until the far end answers; returns the seconds it took."""
    pinger.new_phase()
    start = time.perf_counter()
    handle = pinger.send(-1)
    while True:
        if not process.alive:
            raise RuntimeError(f"{what} exited while starting:\n{process.log_tail()}")
        if deadline.expired:
            raise RuntimeError(f"{what} did not answer in time:\n{process.log_tail()}")
        try:
            pinger.receive(handle, min(0.5, deadline.remaining()))
            return time.perf_counter() - start
        except ReplyTimeout:
            continue


def sequential(pinger: Pinger, n: int, deadline: Deadline) -> list[float]:
    """Up to n round trips one after another; the latencies in seconds.

    Stops early, with fewer samples, when the deadline passes.
    """
    pinger.new_phase()
    latencies: list[float] = []
    for i in range(n):
        if deadline.expired:
            break
        start = time.perf_counter()
        handle = pinger.send(i)
        try:
            got = pinger.receive(handle, deadline.remaining())
        except ReplyTimeout:
            break
        latencies.append(time.perf_counter() - start)
        if got != i:
            raise RuntimeError(f"round trip {i} came back as {got!r}")
    return latencies


def burst(pinger: Pinger, n: int, deadline: Deadline) -> Burst:
    """Send n requests at once, then await every reply."""
    pinger.new_phase()
    start = time.perf_counter()
    handles = [pinger.send(i) for i in range(n)]
    completed = 0
    for handle in handles:
        try:
            pinger.receive(handle, deadline.remaining())
        except ReplyTimeout:
            break
        completed += 1
    return Burst(sent=n, completed=completed, seconds=time.perf_counter() - start)
