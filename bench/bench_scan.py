"""Scanning one big file through clamd: `scan_stream` against `clamdscan` on the same clamd.

A private clamd (ingestion.scanning.server, the tests' launcher: the project's two test
signatures, limits at 4000M) scans the same file, page-cached, round by round (reversed
order in odd rounds): `scan_stream` reading the local file, `scan_stream` reading it through
the inbox storage API (local backend), and as baselines the C client `clamdscan --stream`
(the same INSTREAM protocol) and plain `clamdscan <path>` (clamd opens the file itself: no
transfer, no spool, only the scan). The file is the upload benchmark's big DICOM-looking file
(bench/upload/payload.py). Its default size is the largest file ClamAV scans at all,
2 GiB - 3 bytes. BENCH_SCAN_BYTES sets the size, BENCH_SCAN_ROUNDS the rounds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from bench.core import Goal, Outcome, Result
from bench.upload.payload import page_cache_warm, payload_delete, payload_write
from bench.upload.servers import _status_kib
from bigpicture.storage import storage_for
from ingestion.scanning import scan_stream
from ingestion.scanning.clamd import CLAMAV_MAX_FILE_BYTES
from ingestion.scanning.server import ClamdServer

MiB = 1024 * 1024
SIZE = int(os.environ.get("BENCH_SCAN_BYTES") or CLAMAV_MAX_FILE_BYTES)
ROUNDS = int(os.environ.get("BENCH_SCAN_ROUNDS") or 2)
GOAL_RATIO = 0.8
GOAL_MEMORY_MIB = 8.0
INBOX_NAME = "bench-scan/IMAGE_img1/img1.dcm"


def _uptime() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _clamdscan(server: ClamdServer, path: Path, *options: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(["clamdscan", f"--config-file={server.config_path}", "--no-summary", *options, str(path)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    reply = done.stdout.strip().rsplit(": ", 1)[-1]
    if done.returncode not in (0, 1):
        raise RuntimeError(f"clamdscan {' '.join(options)} failed (exit {done.returncode}): {done.stderr or reply}")
    return seconds, reply


def _timed_clamdscan(server: ClamdServer, path: Path, *options: str) -> dict:
    seconds, reply = _clamdscan(server, path, *options)
    if reply != "OK":
        raise RuntimeError(f"clamdscan {' '.join(options)} did not find the benchmark file clean: {reply}")
    return {"seconds": seconds}


def _timed_scan(server: ClamdServer, open_stream: Callable, name: str) -> dict:
    """scan_stream over a fresh stream; also the most Python memory it held (tracemalloc)."""
    tracemalloc.start()
    try:
        started = time.perf_counter()
        with open_stream() as stream:
            verdict = scan_stream(stream, name=name, address=server.address)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if not verdict.clean:
        raise RuntimeError(f"scan_stream did not find the benchmark file clean: {verdict}")
    return {"seconds": seconds, "python_peak_mib": peak / MiB, "bytes": verdict.bytes_scanned}


def _round(server: ClamdServer, path: Path, n: int) -> dict:
    inbox = storage_for("inbox")
    steps = [
        ("clamdscan", lambda: _timed_clamdscan(server, path)),
        ("clamdscan_stream", lambda: _timed_clamdscan(server, path, "--stream")),
        ("local", lambda: _timed_scan(server, lambda: open(path, "rb", buffering=0), str(path))),
        ("inbox", lambda: _timed_scan(server, lambda: inbox.open(INBOX_NAME, "rb"), INBOX_NAME)),
    ]
    measured = {}
    for name, step in steps if n % 2 == 0 else reversed(steps):
        measured[name] = step()
        print(f"scan: round {n} {name}: {measured[name]}")
    return measured


def _inbox_link(path: Path) -> None:
    """The payload under the inbox, as a hard link (no second copy of the bytes)."""
    target = Path(storage_for("inbox").path(INBOX_NAME))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.link(path, target)


def _beyond_the_limit(server: ClamdServer, workdir: Path) -> str:
    """What clamd answers for a file one byte over 2 GiB - 3 (sparse: nothing to read or spool)."""
    sparse = workdir / "beyond-limit.bin"
    with open(sparse, "wb") as handle:
        handle.truncate(CLAMAV_MAX_FILE_BYTES + 1)
    try:
        return _clamdscan(server, sparse)[1]
    finally:
        sparse.unlink()


def run() -> Outcome:
    workdir = settings.VAR_DIR / "scan"
    workdir.mkdir(parents=True, exist_ok=True)
    load_before = _uptime()
    payload = payload_write(workdir, SIZE)
    page_cache_warm(payload.big_file)
    _inbox_link(payload.big_file)
    try:
        # No result cache: clamd would answer a repeated file from the hash of its bytes, unscanned.
        with ClamdServer(workdir / "clamd", directives={"DisableCache": "yes"}) as server:
            measured = {
                "start_seconds": server.start_seconds,
                "rounds": [_round(server, payload.big_file, n) for n in range(ROUNDS)],
            }
            measured["clamd_peak_mib"] = _status_kib(server.pid, "VmHWM") / 1024
            measured["beyond_limit"] = _beyond_the_limit(server, workdir)
    finally:
        storage_for("inbox").delete(INBOX_NAME)
        if not os.environ.get("BENCH_SCAN_KEEP"):
            payload_delete(workdir, SIZE)
    return outcome(measured, payload.size, load_before, _uptime())


def _mean(rounds: list[dict], key: str, field: str = "seconds") -> float:
    return statistics.fmean(measured[key][field] for measured in rounds)


def outcome(measured: dict, size: int, load_before: str, load_after: str) -> Outcome:
    rounds = measured["rounds"]
    mibps = {key: size / MiB / _mean(rounds, key) for key in ("clamdscan", "clamdscan_stream", "local", "inbox")}
    ratio_goal = Goal(f">= {GOAL_RATIO:g}x clamdscan --stream", ">=", GOAL_RATIO)
    memory = max(max(m["local"]["python_peak_mib"], m["inbox"]["python_peak_mib"]) for m in rounds)
    results = [
        Result("scan_stream, local file: throughput", mibps["local"], "MiB/s", mibps["clamdscan_stream"]),
        Result("scan_stream, local file / clamdscan --stream", mibps["local"] / mibps["clamdscan_stream"], "x",
               goal=ratio_goal),
        Result("scan_stream, inbox storage API (local): throughput", mibps["inbox"], "MiB/s",
               mibps["clamdscan_stream"]),
        Result("scan_stream, inbox storage API / clamdscan --stream", mibps["inbox"] / mibps["clamdscan_stream"], "x",
               goal=ratio_goal),
        Result("scan_stream, local file / clamdscan <path> (no transfer)", mibps["local"] / mibps["clamdscan"], "x"),
        Result("clamdscan --stream: throughput", mibps["clamdscan_stream"], "MiB/s", mibps["clamdscan"]),
        Result("clamdscan <path>: throughput (clamd reads the file)", mibps["clamdscan"], "MiB/s"),
        Result("scan_stream: peak Python memory while streaming (tracemalloc)", memory, "MiB",
               goal=Goal(f"< {GOAL_MEMORY_MIB:g} MiB", "<", GOAL_MEMORY_MIB)),
        Result("clamd: peak RSS", measured["clamd_peak_mib"], "MiB"),
        Result("clamd: start until PONG (private launcher, 2 signatures)", measured["start_seconds"], "s"),
    ]
    return Outcome(results=results, notes=_notes(measured, size, load_before, load_after),
                   environment={"scan_bytes": size, "rounds": len(rounds), "measured": measured})


def _notes(measured: dict, size: int, load_before: str, load_after: str) -> str:
    rounds = measured["rounds"]
    spool = _mean(rounds, "clamdscan_stream") - _mean(rounds, "clamdscan")
    return (
        f"Findings of this run: clamd scans the {size / 2**30:.2f} GiB file it opens itself in "
        f"{_mean(rounds, 'clamdscan'):.1f} s; streaming it adds {spool:+.1f} s with clamdscan --stream and "
        f"{_mean(rounds, 'local') - _mean(rounds, 'clamdscan'):+.1f} s with scan_stream: the transfer, and "
        "clamd's spool of the stream to its TemporaryDirectory before it scans (production clamd needs disk "
        "there for one whole file per concurrent scan). The scan itself, one clamd thread per file, is what "
        "takes the time. clamd's result cache is off (DisableCache): with it, a repeated file is answered from "
        "the hash of its bytes without being scanned, which would flatter every round after the first. "
        "ClamAV scans no file above 2,147,483,645 bytes (2 GiB - 3) "
        "whatever MaxFileSize says; with AlertExceedsMax one byte more is answered "
        f"`{measured['beyond_limit']}` (a sparse file, clamdscan <path>), which scan_stream raises as "
        "PermanentError (too big to scan), never as clean. "
        f"{len(rounds)} round(s), subjects alternating (reversed order in odd rounds), the file page-cached; "
        "throughputs are bytes / mean seconds; each clamdscan run includes starting the client process "
        "(milliseconds). The signatures are the project's two test signatures (no freshclam: no network), "
        "so clamd's matching work is light; with the official databases (millions of signatures) every "
        "subject's scan part grows alike. "
        f"The machine has 2 cores shared with other work: load average (1, 5, 15 min) {load_before} before "
        f"and {load_after} after."
    )
