"""Benchmarks for the portal: `make bench` runs them all, `make bench BENCH=<name>` one.

Each `bench_<name>.py` module has `run() -> Outcome`; `bench.run` writes its
results to `bench/results/<name>.json` and regenerates `BENCHMARKS.md`.
"""
