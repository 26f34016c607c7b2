"""Result records: one metric, its baseline from the same run, and an optional goal.

Kept free of Django so that the report and its tests need no settings.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Goal:
    """A goal as people read it ("p95 < 50 ms"), plus an optional machine check."""

    text: str
    op: str | None = None
    value: float | None = None

    def __post_init__(self) -> None:
        if (self.op is None) != (self.value is None):
            raise ValueError("a goal check needs both op and value")
        if self.op is not None and self.op not in _OPS:
            raise ValueError(f"unknown goal operator {self.op!r}; expected one of {sorted(_OPS)}")

    @property
    def checkable(self) -> bool:
        return self.op is not None

    def met_by(self, value: float | None) -> bool | None:
        """True/False when the goal is checkable and there is a value; else None."""
        if not self.checkable or value is None:
            return None
        return _OPS[self.op](value, self.value)


@dataclass(frozen=True)
class Result:
    metric: str
    value: float | None
    unit: str
    baseline: float | None = None
    goal: Goal | None = None

    @property
    def ratio(self) -> float | None:
        """value / baseline; None when either is missing or the baseline is zero."""
        if self.value is None or self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool | None:
        return self.goal.met_by(self.value) if self.goal else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": _round(self.value),
            "unit": self.unit,
            "goal": self.goal.text if self.goal else None,
            "goal_check": (
                {"op": self.goal.op, "value": self.goal.value} if self.goal and self.goal.checkable else None
            ),
            "baseline": _round(self.baseline),
            "ratio": _round(self.ratio),
            "met": self.met,
        }


@dataclass
class Outcome:
    """What a benchmark's `run()` returns."""

    results: list[Result]
    notes: str = ""
    # Extra facts about the environment (e.g. which broker), merged into "machine".
    environment: dict[str, Any] = field(default_factory=dict)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def document(name: str, outcome: Outcome, machine: dict[str, Any], when: datetime | None = None) -> dict:
    """The JSON document for one benchmark run."""
    when = when or datetime.now(UTC)
    return {
        "benchmark": name,
        "machine": {**machine, **outcome.environment},
        "timestamp": when.isoformat(timespec="seconds"),
        "results": [result.to_dict() for result in outcome.results],
        "notes": outcome.notes,
    }


def write_document(doc: dict, results_dir: Path = RESULTS_DIR) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{doc['benchmark']}.json"
    # Write then rename, so a crash never leaves a half-written file for the report.
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(path)
    return path
