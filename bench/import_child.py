"""One measured step of the import benchmark, in its own process: `python -m bench.import_child MODE BUNDLE`.

MODE is `validate` (the baseline: parse and check everything, write nothing) or
`import` (the subject: `dataset_import`). Prints one JSON line with the wall
time, this process's CPU time and its peak RSS, so none is blurred by the parent.
The peak comes from /proc (VmHWM): `ru_maxrss` keeps the parent's peak across
fork and exec, so it reported the benchmark runner's size, not the step's.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

import django


def peak_rss_mib() -> float:
    """This process's peak resident set size since exec, in MiB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: may include the parent's


def database_cpu_seconds() -> float | None:
    """CPU time of this process's PostgreSQL backend so far, when it runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict.get("HOST") not in ("127.0.0.1", "localhost"):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main(mode: str, bundle: str) -> None:
    django.setup()
    from metaflex import validate_bundle
    from repository.services import dataset_import

    database_started = database_cpu_seconds()
    started, cpu_started = time.perf_counter(), time.process_time()
    if mode == "validate":
        ok = validate_bundle(bundle)[1].ok
        counts = {}
    else:
        result = dataset_import(bundle_dir=bundle)
        ok, counts = result.ok, result.counts
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    database_ended = database_cpu_seconds()
    database = None if database_started is None or database_ended is None else database_ended - database_started
    print(json.dumps({"ok": ok, "seconds": seconds, "cpu_seconds": cpu_seconds, "database_cpu_seconds": database,
                      "peak_rss_mib": peak_rss_mib(), "counts": counts}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
