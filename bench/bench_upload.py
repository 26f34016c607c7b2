"""Uploading one big file (2 GiB by default) through the web upload path and `bigpicture-upload`.

On loopback, against the portal as production runs it (gunicorn with deploy/gunicorn.conf.py,
DEBUG=0, PostgreSQL, a real Celery worker that verifies the checksum), on local storage and on
S3 (moto's server). Baselines in the same run, alternated with the subjects round by round: one
plain HTTP PUT of the same file to a bare WSGI app under the same gunicorn settings (local), or
to a presigned put_object URL on the same moto server (S3); and hashlib.sha256 over the same
bytes. BENCH_UPLOAD_BYTES sets the size, BENCH_UPLOAD_ROUNDS and BENCH_UPLOAD_S3_ROUNDS the rounds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
from pathlib import Path

from bench.core import Goal, Outcome, Result
from bench.upload.clients import Api, cli_upload, timed_put, web_upload
from bench.upload.payload import hash_seconds, page_cache_warm, payload_delete, payload_write
from bench.upload.servers import fresh_database, seed
from bench.upload.stack import Stack
from ingestion.uploads.types import part_size_for  # bench.run imports benchmarks after django.setup()

MiB = 1024 * 1024
SIZE = int(os.environ.get("BENCH_UPLOAD_BYTES") or 2 * 1024**3)
ROUNDS = int(os.environ.get("BENCH_UPLOAD_ROUNDS") or 2)
# moto stores S3 parts at about 30 MiB/s, so S3 gets fewer rounds to keep the run near 10 minutes.
S3_ROUNDS = int(os.environ.get("BENCH_UPLOAD_S3_ROUNDS") or 1)
GOAL_RATIO = 0.8
GOAL_RSS_MIB = 300.0
GOAL_HASH = 0.15


def _mibps(seconds: float, size: int) -> float:
    return size / MiB / seconds


def _uptime() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _round(stack: Stack, api: Api, organisation: str, token: str, payload, cache: Path, n: int) -> dict:
    """Baseline, sha256, web path, CLI; in reverse order in odd rounds, so drift weighs on both sides."""
    def baseline() -> float:
        seconds = timed_put(stack.baseline_url(), payload.big_file)
        stack.baseline_clear()
        return seconds

    def web() -> dict:
        submission = api.submission_create(organisation, f"web path round {n}")
        seconds, file_id = web_upload(api, submission, payload.big_file, payload.big_path, payload.sha256)
        verify = api.wait_verified(submission, file_id)
        api.file_delete(submission, file_id)
        return {"seconds": seconds, "verify": verify}

    def cli() -> dict:
        submission = api.submission_create(organisation, f"cli round {n}")
        run = cli_upload(api, submission, payload.bundle, payload.big_path, token, cache)
        if run.code != 0 or run.upload_seconds is None:
            raise RuntimeError(f"bigpicture-upload failed (exit {run.code}): {run.report or run.stderr[-2000:]}")
        for file in api.files(submission):
            api.file_delete(submission, file["id"])
        return {"seconds": run.seconds, "upload": run.upload_seconds, "validation": run.validation_seconds}

    steps = [("baseline", baseline), ("sha256", lambda: hash_seconds(payload.big_file)), ("web", web), ("cli", cli)]
    if stack.backend == "s3":
        steps.insert(1, ("multipart", lambda: stack.multipart_put(payload.big_file, part_size_for(payload.size))))
    measured = {}
    for name, step in steps if n % 2 == 0 else reversed(steps):
        measured[name] = step()
        print(f"upload: {stack.backend} round {n} {name}: {measured[name]}")
    return measured


def _resume(stack: Stack, api: Api, organisation: str, token: str, payload, cache: Path) -> dict:
    """Kill the uploader halfway through the part that crosses 50% of the big file, run it again;
    count what was sent twice."""
    submission = api.submission_create(organisation, "resume")
    counter = cache.parent / "sent.counter"
    killed = cli_upload(api, submission, payload.bundle, payload.big_path, token, cache, counter=counter,
                        kill_after=payload.size // 2 + part_size_for(payload.size) // 2)
    if killed.code != -9:
        raise RuntimeError(f"the uploader ended (exit {killed.code}) before it had sent half the file")
    big = next(f for f in api.files(submission) if f["path"] == payload.big_path)
    held = api.file(submission, big["id"])["parts"]
    again = cli_upload(api, submission, payload.bundle, payload.big_path, token, cache, counter=counter)
    if again.code != 0:
        raise RuntimeError(f"the resumed upload failed (exit {again.code}): {again.report or again.stderr[-2000:]}")
    files = again.report["files"]
    total = sum(f["size"] for f in files)
    entry = next(f for f in files if f["path"] == payload.big_path)
    for file in api.files(submission):
        api.file_delete(submission, file["id"])
    return {"sent_before_kill": killed.sent, "sent_after": again.report["bytes_sent"], "total": total,
            "sent_after_with_headers": again.sent, "twice": killed.sent + again.report["bytes_sent"] - total,
            "held_parts": len(held), "parts_sent": entry["parts_sent"], "parts_skipped": entry["parts_skipped"],
            "part_size": big["part_size"], "files": len(files)}


def _backend(backend: str, workdir: Path, database_url: str, payload) -> dict:
    with Stack(backend, workdir, database_url) as stack:
        seeded = seed(stack.env())
        api = Api(stack.portal_url, seeded["token"])
        cache = stack.workdir / "cache"
        rounds = [_round(stack, api, seeded["organisation"], seeded["token"], payload, cache, n)
                  for n in range(S3_ROUNDS if backend == "s3" else ROUNDS)]
        resume = _resume(stack, api, seeded["organisation"], seeded["token"], payload, cache)
        print(f"upload: {backend} resume: {resume}")
        peaks = stack.peaks()
        print(f"upload: {backend} peak RSS MiB: {peaks}")
    return {"rounds": rounds, "resume": resume, "peaks": peaks}


def _mean(rounds: list[dict], *keys: str) -> float:
    values = []
    for measured in rounds:
        value = measured
        for key in keys:
            value = value[key]
        values.append(value)
    return statistics.fmean(values)


def _results(backend: str, measured: dict, size: int) -> list[Result]:
    rounds = measured["rounds"]
    base = _mibps(_mean(rounds, "baseline"), size)
    web = _mibps(_mean(rounds, "web", "seconds"), size)
    cli = _mibps(_mean(rounds, "cli", "upload"), size)
    sha = _mean(rounds, "sha256")
    verify = _mean(rounds, "web", "verify")
    validation = _mean(rounds, "cli", "validation")
    upload_cli, upload_web = _mean(rounds, "cli", "upload"), _mean(rounds, "web", "seconds")
    ratio_goal = Goal(f">= {GOAL_RATIO:g}x the plain PUT", ">=", GOAL_RATIO)
    hash_goal = Goal(f"< {GOAL_HASH:g}", "<", GOAL_HASH)
    portal = max(measured["peaks"]["portal"].values())
    worker = max(measured["peaks"]["worker"].values())
    resume = measured["resume"]
    part = resume["part_size"] / MiB
    label = "S3 (moto)" if backend == "s3" else "local"
    rows = [
        Result(f"{label}: web upload path throughput", web, "MiB/s", base),
        Result(f"{label}: web upload path / plain PUT", web / base, "x", goal=ratio_goal),
        Result(f"{label}: bigpicture-upload upload phase throughput", cli, "MiB/s", base),
        Result(f"{label}: bigpicture-upload / plain PUT", cli / base, "x", goal=ratio_goal),
        Result(f"{label}: bigpicture-upload whole command", _mean(rounds, "cli", "seconds"), "s",
               _mean(rounds, "baseline")),
        # The brief's measure: plain hashlib.sha256 over the bytes, against each subject's upload time.
        Result(f"{label}: hashlib.sha256 of the file / web upload time", sha / upload_web, "x", goal=hash_goal),
        Result(f"{label}: hashlib.sha256 of the file / bigpicture-upload upload phase", sha / upload_cli, "x",
               goal=hash_goal),
        # What hashing really adds: the uploader's separate pass before sending; on the web path
        # (no hashing in the browser above 64 MiB) the worker's verification before `verified`.
        Result(f"{label}: uploader's validation pass (SHA-256 of every file) / upload phase", validation / upload_cli,
               "x", goal=hash_goal),
        Result(f"{label}: uploader's validation pass", validation, "s", sha),
        Result(f"{label}: worker's verification after complete / web upload time", verify / upload_web, "x",
               goal=hash_goal),
        Result(f"{label}: worker's verification after complete (web path)", verify, "s", sha),
        *_references(label, rounds, size),
        Result(f"{label}: peak portal RSS (gunicorn master and workers)", portal, "MiB",
               goal=Goal(f"< {GOAL_RSS_MIB:g} MiB", "<", GOAL_RSS_MIB)),
        Result(f"{label}: peak Celery worker RSS", worker, "MiB"),
        Result(f"{label}: bytes sent twice after a kill at 50%", resume["twice"] / MiB, "MiB",
               goal=Goal(f"<= 1 part per file ({part:g} MiB for the big file, the others are small)", "<=",
                         (resume["part_size"] + resume["total"] - size) / MiB)),
    ]
    if "moto" in measured["peaks"]:
        rows.append(Result(f"{label}: peak moto server RSS", max(measured["peaks"]["moto"].values()), "MiB"))
    return rows


def _references(label: str, rounds: list[dict], size: int) -> list[Result]:
    """What explains the S3 gap: moto's own multipart path, with no portal in between."""
    rows = []
    if "multipart" in rounds[0]:
        rows.append(Result(f"{label}: the same parts straight to moto (presigned UploadPart, complete)",
                           _mibps(_mean(rounds, "multipart"), size), "MiB/s", _mibps(_mean(rounds, "baseline"), size)))
    return rows


def run() -> Outcome:
    from django.conf import settings

    workdir = settings.VAR_DIR / "upload"
    workdir.mkdir(parents=True, exist_ok=True)
    load_before = _uptime()
    payload = payload_write(workdir, SIZE)
    page_cache_warm(payload.big_file)
    database_url = fresh_database()
    measured = {}
    try:
        for backend in ("local", "s3"):
            measured[backend] = _backend(backend, workdir, database_url, payload)
    finally:
        if not os.environ.get("BENCH_UPLOAD_KEEP"):
            payload_delete(workdir, SIZE)
    return outcome(measured, payload.size, load_before, _uptime(), _df(workdir))


def outcome(measured: dict, size: int, load_before: str, load_after: str, disk: str) -> Outcome:
    """The rows and notes from the raw measurements (kept in the results file, under machine.measured)."""
    results = [row for backend, found in measured.items() for row in _results(backend, found, size)]
    return Outcome(results=results, notes=_notes(size, measured, load_before, load_after),
                   environment={"database": "postgres", "upload_bytes": size,
                                "rounds": {backend: len(found["rounds"]) for backend, found in measured.items()},
                                "server": "gunicorn deploy/gunicorn.conf.py (gthread), DEBUG=0",
                                "disk": disk, "measured": measured})


def _findings(measured: dict) -> str:
    """Where the time goes, from this run's own numbers."""
    local, s3 = measured["local"]["rounds"], measured["s3"]["rounds"]
    gap = _mean(local, "web", "seconds") - _mean(local, "baseline")
    return (
        f"Findings of this run: locally the web path took {gap:+.1f} s against the plain PUT (the part "
        "endpoint streams each part to its offset with an fsync per part, and computes no per-part digest); "
        f"SHA-256 takes {_mean(local, 'sha256'):.1f} s over these bytes on this CPU (with SHA extensions), a "
        "large share of a loopback upload at several hundred MiB/s, a small one at network speeds (see the "
        "S3 rows). On S3 the bytes never pass through the portal; "
        f"moto itself stores a multipart upload of the same parts sent straight to it in "
        f"{_mean(s3, 'multipart'):.0f} s against {_mean(s3, 'baseline'):.0f} s for one put_object, so the S3 "
        "ratios mostly measure moto, not the portal (compare the subjects with the straight-to-moto "
        "multipart row). bigpicture-upload reads the whole bundle once to check the metadata's SHA-256s "
        "before it sends anything (bigpicture_upload/local.py, validate_bundle(verify_checksums=True)); "
        "that pass is not overlapped with sending, so it adds its full time. The browser hashes no file "
        "above 64 MiB; its files are hashed only by the worker after complete. "
    )


def _df(path: Path) -> str:
    done = subprocess.run(["df", "-h", "--output=fstype,size", str(path)], capture_output=True, text=True)
    return " ".join(done.stdout.split()[2:]) if done.returncode == 0 else ""


def _notes(size: int, measured: dict, load_before: str, load_after: str) -> str:
    resume = "; ".join(
        f"{backend}: killed after sending {found['resume']['sent_before_kill'] / MiB:.0f} MiB, the server held "
        f"{found['resume']['held_parts']} part(s) of {found['resume']['part_size'] / MiB:.0f} MiB; the rerun sent "
        f"{found['resume']['parts_sent']} part(s) and skipped {found['resume']['parts_skipped']}"
        for backend, found in measured.items())
    return (
        _findings(measured) +
        f"One {size / 2**30:.2f} GiB DICOM-looking file (a real header, then PixelData padding) in a minimal valid "
        f"MetaFleX bundle, sent over loopback {len(measured['local']['rounds'])} time(s) per subject on local "
        f"storage and {len(measured['s3']['rounds'])} on S3 "
        "(moto stores parts slowly; BENCH_UPLOAD_ROUNDS, BENCH_UPLOAD_S3_ROUNDS), baseline and subjects "
        "alternating (reversed order in odd rounds); throughputs are bytes / mean seconds. "
        "Server: gunicorn with deploy/gunicorn.conf.py (gthread, preload) serving bigpicture.wsgi, DEBUG=0, "
        "PostgreSQL, Redis and a real Celery worker that recomputes the SHA-256 after each upload. "
        "Baselines: local, one plain requests PUT of the file to a bare WSGI app (bench/upload/bare_put.py) under "
        "the same gunicorn settings, streaming the body to disk in 1 MiB blocks with an fsync like the part "
        "endpoint; S3, one plain requests PUT to a presigned put_object URL on the same moto server. "
        "Web upload path: the HTTP calls of static/ingestion/upload.js (register without a SHA-256, as the browser "
        "hashes only files up to 64 MiB; part URLs 20 at a time; each part PUT in turn; complete), made from "
        "Python with a personal API token instead of the browser's session (the same calls; real Chromium "
        "was not measured); its time runs from register to complete. bigpicture-upload: the console script "
        "as a subprocess with --json --submission; its upload phase runs from the big file's registration to "
        "its leaving `registered` (seen by polling the file list every 0.2 s); the time before registration is "
        "its validation pass, which reads the whole bundle to check every SHA-256 listed in the metadata before "
        "sending anything, so on the uploader hashing adds its full time; the whole command also waits for "
        "the worker's verification. "
        f"Resume: the uploader runs with a counter of the bytes it hands to its sockets "
        f"(bench/upload/counting_uploader.py, headers included), is SIGKILLed halfway through the part that crosses half of the big file "
        f"(the worst place), "
        f"and is run again; bytes sent twice = sent before the kill + the rerun's bytes_sent - the bundle's size, "
        f"an upper bound ({resume}). "
        "Peak RSS is VmHWM from /proc of each process, read before the servers stop; on S3 the bytes go to moto, "
        "not to the portal. Clients run on the same 2-core machine as the servers, shared with other work: "
        f"load average (1, 5, 15 min) {load_before} before and {load_after} after."
    )
