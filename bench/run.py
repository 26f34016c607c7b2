"""Run benchmarks and regenerate BENCHMARKS.md: `python -m bench.run [name ...]`.

Use `scripts/bench.sh` (or `make bench`), which sets the environment first.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import signal
import sys
import traceback
from pathlib import Path

from bench import report, services
from bench.core import RESULTS_DIR, document, write_document
from bench.machine import machine_info

PREFIX = "bench_"


def available() -> list[str]:
    """Benchmark names: the `bench_<name>` modules of this package."""
    folder = str(Path(__file__).resolve().parent)
    return sorted(info.name.removeprefix(PREFIX) for info in pkgutil.iter_modules([folder])
                  if info.name.startswith(PREFIX))


def normalize(name: str) -> str:
    """Accept `task_roundtrip`, `bench_task_roundtrip` or `bench/bench_task_roundtrip.py`."""
    return Path(name).name.removesuffix(".py").removeprefix(PREFIX)


def _terminate(signum: int, frame: object) -> None:
    # Turn SIGTERM into SystemExit so `finally` blocks stop the worker processes.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    known = available()
    if args.list:
        print("\n".join(known))
        return 0
    names = [normalize(name) for name in args.names] or known
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"bench: unknown benchmark {', '.join(unknown)}; available: {', '.join(known)}", file=sys.stderr)
        return 2

    # Progress lines should appear as they happen, interleaved rightly with errors.
    sys.stdout.reconfigure(line_buffering=True)
    signal.signal(signal.SIGTERM, _terminate)
    chosen = services.configure()
    print("bench: " + "; ".join(f"{kind} {where}" for kind, where in chosen.items()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")
    import django

    django.setup()
    machine = {**machine_info(), "services": chosen}

    failed = []
    for name in names:
        print(f"bench: running {name}")
        try:
            outcome = importlib.import_module(f"bench.{PREFIX}{name}").run()
        except Exception:
            traceback.print_exc()
            print(f"bench: {name} failed; its previous results, if any, are kept", file=sys.stderr)
            failed.append(name)
            continue
        path = write_document(document(name, outcome, machine), RESULTS_DIR)
        print(f"bench: wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    out = report.write_report(RESULTS_DIR, report.REPORT_PATH)
    print(f"bench: regenerated {out.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
