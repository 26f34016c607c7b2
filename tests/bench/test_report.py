"""The benchmark report and its arithmetic, on small fake result files.

No services and no timing assertions: these check what gets written, not how fast.
"""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench import report, run, services
from bench.core import Goal, Outcome, Result, document, write_document
from bench.machine import machine_info
from bench.stats import percentile, summarize

MACHINE = {
    "cpu": "Test CPU",
    "cores": 4,
    "memory_gb": 16.0,
    "python": "3.11.7",
    "platform": "Linux-test",
    "services": {"database": "sqlite", "broker": "redis 127.0.0.1:6379/13"},
}


def _write(results_dir: Path, name: str, results: list[Result], notes: str = "") -> Path:
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    return write_document(document(name, Outcome(results, notes), MACHINE, when), results_dir)


# Ratios and goals


def test_ratio_is_value_over_baseline():
    assert Result("p50", 3.0, "ms", baseline=2.0).ratio == pytest.approx(1.5)


@pytest.mark.parametrize("value, baseline", [(3.0, None), (None, 2.0), (3.0, 0)])
def test_ratio_is_none_without_a_usable_baseline(value, baseline):
    assert Result("p50", value, "ms", baseline=baseline).ratio is None


@pytest.mark.parametrize(
    "op, target, value, met",
    [("<", 50, 49.9, True), ("<", 50, 50, False), ("<=", 50, 50, True), (">", 100, 150, True), (">=", 100, 99, False)],
)
def test_checkable_goal(op, target, value, met):
    assert Result("p95", value, "ms", goal=Goal("text", op, target)).met is met


def test_goal_without_check_or_value_is_not_judged():
    assert Result("p95", 10.0, "ms", goal=Goal("informational")).met is None
    assert Result("p95", None, "ms", goal=Goal("p95 < 50 ms", "<", 50)).met is None
    assert Result("p95", 10.0, "ms").met is None


@pytest.mark.parametrize("kwargs", [{"op": "<"}, {"value": 1}, {"op": "!=", "value": 1}])
def test_malformed_goal_is_refused(kwargs):
    with pytest.raises(ValueError):
        Goal("bad", **kwargs)


def test_result_record_has_every_field():
    row = Result("p95", 12.34567, "ms", 10.0, Goal("p95 < 50 ms", "<", 50)).to_dict()
    assert row == {
        "metric": "p95", "value": 12.3457, "unit": "ms", "goal": "p95 < 50 ms",
        "goal_check": {"op": "<", "value": 50}, "baseline": 10.0, "ratio": 1.2346, "met": True,
    }


# The results file


def test_results_file_layout(tmp_path):
    outcome = Outcome([Result("p50", 1.0, "ms", 2.0)], "a note", environment={"broker_transport": "redis"})
    path = write_document(document("demo", outcome, MACHINE), tmp_path)
    doc = json.loads(path.read_text())
    assert path.name == "demo.json"
    assert set(doc) == {"benchmark", "machine", "timestamp", "results", "notes"}
    assert doc["benchmark"] == "demo" and doc["notes"] == "a note"
    assert doc["machine"]["broker_transport"] == "redis" and doc["machine"]["cpu"] == "Test CPU"
    assert datetime.fromisoformat(doc["timestamp"]).tzinfo is not None
    assert doc["results"][0]["ratio"] == 0.5
    assert not list(tmp_path.glob("*.tmp"))


def test_machine_info_names_no_host():
    info = machine_info()
    assert {"cpu", "cores", "memory_gb", "python", "platform"} <= set(info)
    hostname = socket.gethostname()
    if len(hostname) > 3:  # a very short name could match by accident
        assert hostname not in json.dumps(info)


# The report


def test_report_has_a_section_and_table_per_benchmark(tmp_path):
    _write(tmp_path, "zeta", [Result("throughput", 1234.5, "tasks/s", 617.25)])
    _write(tmp_path, "alpha", [
        Result("p95", 4.5, "ms", 3.0, Goal("p95 < 50 ms", "<", 50)),
        Result("p99", 60.0, "ms", None, Goal("p99 < 50 ms", "<", 50)),
        Result("mean", 3.0, "ms"),
    ], notes="Broker: redis.")
    text = report.render(report.load_results(tmp_path))

    assert text.startswith(report.INTRO)
    assert "make bench BENCH=<name>" in text and "baseline" in text
    assert text.index("## alpha") < text.index("## zeta")
    assert "| metric | value | unit | baseline | ratio | goal | met |" in text
    assert "| p95 | 4.50 | ms | 3.00 | 1.50 | p95 < 50 ms | yes |" in text
    assert "| p99 | 60.0 | ms | — | — | p99 < 50 ms | **no** |" in text
    assert "| mean | 3.00 | ms | — | — | — | — |" in text
    assert "| throughput | 1,234 | tasks/s | 617 | 2.00 | — | — |" in text
    assert "Machine: Test CPU, 4 cores, 16.0 GB RAM, Python 3.11.7, Linux-test; " \
           "services: database sqlite, broker redis 127.0.0.1:6379/13" in text
    assert "Date: 2025-01-02 03:04 UTC" in text
    assert "Broker: redis." in text


def test_report_is_rebuilt_from_every_results_file(tmp_path):
    _write(tmp_path, "earlier", [Result("p50", 1.0, "ms")])
    _write(tmp_path, "latest", [Result("p50", 2.0, "ms")])
    out = report.write_report(tmp_path, tmp_path / "BENCHMARKS.md")
    text = out.read_text()
    assert "## earlier" in text and "## latest" in text


def test_unreadable_results_are_listed_not_fatal(tmp_path):
    _write(tmp_path, "good", [Result("p50", 1.0, "ms")])
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"benchmark": "other"}')
    text = report.render(report.load_results(tmp_path))
    assert "## good" in text
    assert "## Unreadable results" in text
    assert "`broken.json`" in text and "`other.json`" in text


def test_report_without_results(tmp_path):
    assert "No results yet" in report.render(report.load_results(tmp_path))


def test_cells_cannot_break_the_table(tmp_path):
    _write(tmp_path, "pipes", [Result("a|b", 1.0, "ms", goal=Goal("x | y"))])
    assert "| a\\|b | 1.00 | ms | — | — | x \\| y | — |" in report.render(report.load_results(tmp_path))


@pytest.mark.parametrize(
    "value, text",
    [(None, "—"), (0.012345, "0.01"), (2.5, "2.50"), (12.345, "12.3"), (123.4, "123"), (12345.6, "12,346"),
     (7, "7.00")],
)
def test_format_number(value, text):
    assert report.format_number(value) == text


# Statistics


def test_percentiles_interpolate_between_ranks():
    samples = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert percentile(samples, 0) == 1.0
    assert percentile(samples, 50) == 3.0
    assert percentile(samples, 100) == 5.0
    assert percentile(samples, 95) == pytest.approx(4.8)
    assert summarize(samples) == {"p50": 3.0, "p95": pytest.approx(4.8), "p99": pytest.approx(4.96), "mean": 3.0}


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 50)


# The runner and the choice of services


def test_runner_finds_benchmarks_by_module_name():
    assert "task_roundtrip" in run.available()
    assert run.normalize("bench/bench_task_roundtrip.py") == "task_roundtrip"
    assert run.normalize("task_roundtrip") == "task_roundtrip"


def test_runner_refuses_an_unknown_benchmark(capsys):
    assert run.main(["no_such_benchmark"]) == 2
    assert "available: " in capsys.readouterr().err


def test_services_keep_explicit_urls_and_hide_passwords(monkeypatch):
    monkeypatch.setattr(services, "reachable", lambda *a, **k: pytest.fail("must not probe"))
    env = {"DATABASE_URL": "postgres://u:secret@db:5433/x", "CELERY_BROKER_URL": "filesystem://"}
    chosen = services.configure(env)
    assert chosen == {"database": "postgres db:5433/x (from DATABASE_URL)",
                      "broker": "filesystem (from CELERY_BROKER_URL)"}
    assert "secret" not in json.dumps(chosen)


def test_services_fall_back_when_nothing_answers(monkeypatch):
    monkeypatch.setattr(services, "reachable", lambda *a, **k: False)
    env: dict[str, str] = {}
    chosen = services.configure(env)
    assert env == {}
    assert chosen["database"].startswith("sqlite") and chosen["broker"].startswith("filesystem")


def test_services_prefer_postgres_and_redis_when_they_answer(monkeypatch):
    monkeypatch.setattr(services, "reachable", lambda *a, **k: True)
    monkeypatch.setattr(services, "_ensure_postgres_database", lambda url: None)
    env: dict[str, str] = {}
    services.configure(env)
    assert env == {"DATABASE_URL": services.POSTGRES_URL, "CELERY_BROKER_URL": services.REDIS_URL}
