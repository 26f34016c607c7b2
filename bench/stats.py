"""Percentiles, latency summaries and a time budget for bounded benchmarks."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated linearly between closest ranks."""
    if not samples:
        raise ValueError("percentile of no samples")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99 and mean of the samples, in their own unit."""
    return {
        "p50": percentile(samples, 50),
        "p95": percentile(samples, 95),
        "p99": percentile(samples, 99),
        "mean": sum(samples) / len(samples),
    }


class Deadline:
    """A total time budget; each phase takes what it needs up to its own cap."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0

    def phase(self, cap: float) -> Deadline:
        """A deadline ending after `cap` seconds or with this one, whichever is first."""
        sub = Deadline(0)
        sub.end = min(self.end, time.monotonic() + cap)
        return sub
