"""Regenerate BENCHMARKS.md from every results file in bench/results/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.core import RESULTS_DIR

REPORT_PATH = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"

INTRO = """\
# Benchmarks

Generated from the files in `bench/results/` each time a benchmark runs; do not edit by hand.

Run every benchmark with `make bench`, or one with `make bench BENCH=<name>`
(both call `scripts/bench.sh [name]`). Each benchmark writes `bench/results/<name>.json`,
and this file is rebuilt from all of them, including those not run this time.

Machines are noisy and differ, so an absolute number only describes the machine
and the moment it was measured on. Each benchmark therefore measures a baseline
in the same run (for example the raw broker round trip without Celery) and
reports `ratio = value / baseline`, which travels better between machines.
`met` is checked only where the goal is machine-checkable.

Services are picked like the tests pick them: PostgreSQL and Redis on 127.0.0.1
when they answer, else SQLite and the filesystem broker; each section says which.
"""

COLUMNS = ("metric", "value", "unit", "baseline", "ratio", "goal", "met")


@dataclass
class Loaded:
    path: Path
    doc: dict[str, Any] | None
    error: str | None = None


def load_results(results_dir: Path = RESULTS_DIR) -> list[Loaded]:
    """Every `*.json` in the folder, sorted by name; a broken file is kept with its error."""
    loaded = []
    for path in sorted(results_dir.glob("*.json")):
        try:
            doc = json.loads(path.read_text())
            if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
                raise ValueError("not a benchmark results document")
            loaded.append(Loaded(path, doc))
        except (OSError, ValueError) as exc:
            loaded.append(Loaded(path, None, str(exc)))
    return loaded


def format_number(value: Any) -> str:
    """Three or so significant figures: enough to compare, not so many they look exact."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _cell(value)
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_met(met: Any) -> str:
    return {True: "yes", False: "**no**"}.get(met, "—")


def _cell(value: Any) -> str:
    # A pipe would end the table cell.
    return "—" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def machine_line(machine: dict[str, Any]) -> str:
    parts = [
        machine.get("cpu"),
        f"{machine['cores']} cores" if machine.get("cores") else None,
        f"{machine['memory_gb']} GB RAM" if machine.get("memory_gb") else None,
        f"Python {machine['python']}" if machine.get("python") else None,
        machine.get("platform"),
    ]
    line = ", ".join(str(part) for part in parts if part)
    services = machine.get("services") or {}
    if services:
        line += "; services: " + ", ".join(f"{kind} {where}" for kind, where in services.items())
    return line or "unknown"


def format_timestamp(timestamp: Any) -> str:
    try:
        when = datetime.fromisoformat(str(timestamp))
    except ValueError:
        return _cell(timestamp)
    zone = when.tzname() or ""
    return f"{when:%Y-%m-%d %H:%M} {'UTC' if zone in ('UTC', 'UTC+00:00') else zone}".strip()


def render_section(doc: dict[str, Any]) -> str:
    lines = [
        f"## {doc.get('benchmark', '?')}",
        "",
        f"Machine: {machine_line(doc.get('machine') or {})}  ",
        f"Date: {format_timestamp(doc.get('timestamp'))}",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|---|--:|---|--:|--:|---|:-:|",
    ]
    for row in doc["results"]:
        cells = [
            _cell(row.get("metric")),
            format_number(row.get("value")),
            _cell(row.get("unit")),
            format_number(row.get("baseline")),
            "—" if row.get("ratio") is None else f"{row['ratio']:.2f}",
            _cell(row.get("goal")),
            format_met(row.get("met")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if doc.get("notes"):
        lines += ["", str(doc["notes"])]
    return "\n".join(lines) + "\n"


def render(loaded: list[Loaded]) -> str:
    sections = [INTRO]
    good = [item for item in loaded if item.doc is not None]
    if not good:
        sections.append("No results yet: run `make bench`.\n")
    sections += [render_section(item.doc) for item in good]
    broken = [item for item in loaded if item.doc is None]
    if broken:
        sections.append("## Unreadable results\n\n" + "\n".join(
            f"- `{item.path.name}`: {_cell(item.error)}" for item in broken) + "\n")
    return "\n".join(sections).rstrip("\n") + "\n"


def write_report(results_dir: Path = RESULTS_DIR, out_path: Path = REPORT_PATH) -> Path:
    out_path.write_text(render(load_results(results_dir)))
    return out_path
