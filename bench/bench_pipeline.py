"""The processing pipeline on one big synthetic SVS, through a real Celery worker, against wsidicomizer alone.

A 40,000 x 40,000 synthetic SVS (repository.synthetic.svs, cached by bench/pipeline/slide.py) is the
IMAGE of a small synthetic bundle. The bundle is uploaded into the inbox (local storage) and handed to
the pipeline as the upload service does; a real worker (prefork, concurrency 1, every queue) runs the
file steps (verify, decrypt, scan, on a private clamd), then validates the submitted bundle and runs the
image steps (identify, convert, deidentify, extract, handover). Times come from the PipelineStep rows the
worker writes (queued_at, started_at, finished_at).

Baselines, in the same run: `WsiDicomizer.convert` of the same file alone in a fresh process with the
pipeline's reader, tile and worker settings (bench/pipeline/dicomize.py), before and after the pipeline,
averaged; for the file steps, hashlib.sha256 of the inbox copy (verify) and clamdscan on the same clamd
(scan). BENCH_PIPELINE_SIZE (e.g. 8000x8000) sets a smaller slide for a quick run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from bench.bench_scan import _timed_clamdscan
from bench.core import Goal, Outcome, Result
from bench.pipeline.slide import CachedSlide, SlideSpec, cached_svs
from bench.processes import ROOT
from bench.upload import servers
from bigpicture.storage import storage_settings
from ingestion.scanning.server import ClamdServer

GOAL_OVERHEAD = 0.15
GOAL_RSS_MIB = 1.5 * 1024
IMAGE_STEP_NAMES = ("identify", "convert", "deidentify", "extract", "handover")
WAIT_SECONDS = 3600


def _spec() -> SlideSpec:
    size = os.environ.get("BENCH_PIPELINE_SIZE")
    if not size:
        return SlideSpec()
    width, _, height = size.partition("x")
    return SlideSpec(width=int(width), height=int(height or width))


def _uptime() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _dicomize(source: Path, out_dir: Path) -> dict:
    """wsidicomizer alone, in a fresh process; its output is deleted afterwards."""
    shutil.rmtree(out_dir, ignore_errors=True)
    try:
        done = subprocess.run([sys.executable, "-m", "bench.pipeline.dicomize", str(source), str(out_dir)],
                              cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"wsidicomizer alone failed (exit {done.returncode}): {done.stderr[-2000:]}")
        measured = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    print(f"pipeline: wsidicomizer alone {measured}")
    return measured


def _sha256_seconds(path: Path) -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return time.perf_counter() - started


def _file_baselines(server: ClamdServer, path: Path) -> dict:
    """What the file steps do, done directly on the inbox copy while the worker is idle."""
    measured = {"sha256": _sha256_seconds(path),
                "clamdscan": _timed_clamdscan(server, path)["seconds"],
                "clamdscan_stream": _timed_clamdscan(server, path, "--stream")["seconds"]}
    print(f"pipeline: file baselines {measured}")
    return measured


def run() -> Outcome:
    from bench.pipeline.flow import PipelineRun

    call_command("migrate", verbosity=0)
    spec = _spec()
    slide = cached_svs(spec, workers=2)
    print(f"pipeline: slide {slide.path} ({slide.path.stat().st_size / 2**20:,.0f} MiB)"
          + (f", written in {slide.write_seconds:.0f} s" if slide.write_seconds else ", from the cache"))
    root = settings.VAR_DIR / "pipeline"
    media, work = root / "media", root / "work"
    for folder in (media, work):
        shutil.rmtree(folder, ignore_errors=True)
    load_before = _uptime()
    env = {**os.environ, "STORAGE_BACKEND": "local", "MEDIA_ROOT": str(media), "PIPELINE_WORK_DIR": str(work)}
    with override_settings(STORAGES=storage_settings(backend="local", media_root=media, static_manifest=False)), \
            ClamdServer(root / "clamd", directives={"DisableCache": "yes"}) as clamd:
        baselines = [_dicomize(slide.path, root / "dicomize")]
        env["CLAMD_ADDRESS"] = clamd.address
        with servers.worker(root / "worker.log", env) as worker:
            pipeline = PipelineRun(worker, root / "bundle", slide, spec)
            pipeline.upload_and_scan(WAIT_SECONDS)
            file_baselines = _file_baselines(clamd, pipeline.inbox_path())
            pipeline.submit_and_process(WAIT_SECONDS)
            rss = servers.peak_rss_mib(worker)
        measured = {**pipeline.measured(), "worker_rss_mib": rss, "file_baselines": file_baselines}
        pipeline.cleanup()
        baselines.append(_dicomize(slide.path, root / "dicomize"))
    measured["dicomize"] = baselines
    return outcome(measured, slide, spec, load_before, _uptime())


def outcome(measured: dict, slide: CachedSlide, spec: SlideSpec, load_before: str, load_after: str) -> Outcome:
    steps, files = measured["image_steps"], measured["file_steps"]
    base = statistics.fmean(b["seconds"] for b in measured["dicomize"])
    chain = measured["image_chain_seconds"]
    from_convert = measured["convert_to_handover_seconds"]
    mp = spec.megapixels
    rss = measured["worker_rss_mib"]
    size_mib = slide.path.stat().st_size / 2**20
    fb = measured["file_baselines"]
    overhead_goal = Goal(f"< {GOAL_OVERHEAD:.0%} of wsidicomizer's time", "<", GOAL_OVERHEAD)
    results = [
        Result("image steps, identify queued to handover done", chain, "s", base),
        Result("image steps overhead over wsidicomizer alone ((pipeline - alone) / alone)", (chain - base) / base,
               "x", goal=overhead_goal),
        Result("convert queued to handover done", from_convert, "s", base),
        Result("overhead from the convert step's queueing ((pipeline - alone) / alone)",
               (from_convert - base) / base, "x", goal=overhead_goal),
        Result("pipeline throughput (identify queued to handover done)", mp / chain, "MP/s", mp / base),
        Result("wsidicomizer alone: throughput", mp / base, "MP/s"),
        Result("wsidicomizer inside the convert step (its own timer)", steps["convert"]["details"]["seconds"], "s",
               base),
    ]
    for name in IMAGE_STEP_NAMES:
        step = steps[name]
        results.append(Result(f"step {name}: work (started to finished)", step["work"], "s"))
    results.append(Result("image steps: queue waits in all (queued to started)",
                          sum(steps[n]["wait"] for n in IMAGE_STEP_NAMES), "s"))
    results += [
        Result("peak worker RSS (max VmHWM of the worker's processes)", max(rss.values()), "MiB",
               max(b["peak_rss_mib"] for b in measured["dicomize"]),
               goal=Goal(f"< {GOAL_RSS_MIB / 1024:g} GB", "<", GOAL_RSS_MIB)),
        Result(f"file step verify of the {size_mib:,.0f} MiB SVS: work", files["verify"]["work"], "s", fb["sha256"]),
        Result("file step verify: throughput", size_mib / files["verify"]["work"], "MiB/s",
               size_mib / fb["sha256"]),
        Result("file step scan: work", files["scan"]["work"], "s", fb["clamdscan_stream"]),
        Result("file step scan / clamdscan <path> (clamd reads the file)", files["scan"]["work"] / fb["clamdscan"],
               "x"),
        Result("file steps, verify queued to scan done", files["chain_seconds"], "s",
               fb["sha256"] + fb["clamdscan_stream"]),
    ]
    return Outcome(results=results, notes=_notes(measured, slide, spec, base, load_before, load_after),
                   environment={"slide": spec.key, "slide_bytes": slide.path.stat().st_size, "measured": measured})


def _notes(measured: dict, slide: CachedSlide, spec: SlideSpec, base: float, load_before: str,
           load_after: str) -> str:
    steps = measured["image_steps"]
    convert = steps["convert"]
    inside = convert["details"]["seconds"]
    alone = ", ".join(f"{b['seconds']:.1f} s" for b in measured["dicomize"])
    rss = ", ".join(f"{name} {mib:,.0f} MiB" for name, mib in measured["worker_rss_mib"].items())
    return (
        f"Findings of this run: the image steps took {measured['image_chain_seconds']:.1f} s from identify's "
        f"queueing to handover done against {base:.1f} s for wsidicomizer alone (runs: {alone}); inside the "
        f"convert step wsidicomizer itself took {inside:.1f} s and the rest of that step "
        f"{convert['work'] - inside:.1f} s (spooling, a second identify, the pass-through check, staging the "
        f"outputs with their SHA-256); identify {steps['identify']['work']:.1f} s, deidentify "
        f"{steps['deidentify']['work']:.1f} s, extract {steps['extract']['work']:.1f} s, queue waits "
        f"{sum(steps[n]['wait'] for n in IMAGE_STEP_NAMES):.2f} s in all. "
        f"What is measured: a {spec.width:,} x {spec.height:,} synthetic SVS ({spec.tile_size} px JPEG tiles, "
        f"quality {spec.quality}, {slide.path.stat().st_size / 2**20:,.0f} MiB) as the only IMAGE of a synthetic "
        "bundle, uploaded into the inbox on local storage (a hard link into each step's work folder) and "
        "handed to the pipeline as the upload service does (tests/ingestion/pipeline/pipeline_kit.py); a "
        "real Celery worker (prefork, concurrency 1, every queue, PostgreSQL and Redis) runs every step. The "
        "pipeline time runs from the identify step's queued_at to the handover step's finished_at (all image "
        "steps, their queue waits and commits: validation of the bundle comes before and is not in it); the "
        "row 'from the convert step's queueing' leaves out identify. Baseline: WsiDicomizer.convert of the "
        "same file alone in a fresh process, opentile pass-through, the pipeline's workers and chunk size, "
        "label and overview left out as the default policy does, no metadata or de-identification, output to "
        "a local folder; run before and after the pipeline, averaged. MP/s = base-level megapixels "
        f"({spec.megapixels:,.0f}) / seconds. Peak RSS is VmHWM of the worker's processes, read before it "
        f"stops ({rss}); its baseline is wsidicomizer alone's process. File steps are reported apart, as the "
        "worker ran them on the SVS (started_at to finished_at), against hashlib.sha256 of the inbox copy and "
        "clamdscan --stream on the same private clamd (test signatures, result cache off); the file's bytes "
        f"were page-cached. The machine has 2 cores shared with other work: load average (1, 5, 15 min) "
        f"{load_before} before and {load_after} after."
    )
