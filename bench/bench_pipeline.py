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
ROUNDS = int(os.environ.get("BENCH_PIPELINE_ROUNDS") or 3)


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
    runs = []
    local = storage_settings(backend="local", media_root=media, static_manifest=False)
    # No result cache in clamd: it would answer a repeated file from its hash, unscanned.
    clamd_server = ClamdServer(root / "clamd", directives={"DisableCache": "yes"})
    with override_settings(STORAGES=local), clamd_server as clamd:
        # Baselines bracket every pipeline run: alone, pipeline, alone, pipeline ... alone.
        baselines = [_dicomize(slide.path, root / "dicomize")]
        env["CLAMD_ADDRESS"] = clamd.address
        with servers.worker(root / "worker.log", env) as worker:
            for n in range(ROUNDS):
                pipeline = PipelineRun(worker, root / "bundle", slide, spec)  # a new submission each round
                pipeline.upload_and_scan(WAIT_SECONDS)
                file_baselines = _file_baselines(clamd, pipeline.inbox_path())
                pipeline.submit_and_process(WAIT_SECONDS)
                runs.append({**pipeline.measured(), "file_baselines": file_baselines})
                print(f"pipeline: round {n}: image steps {runs[-1]['image_chain_seconds']:.2f} s")
                pipeline.cleanup()
                baselines.append(_dicomize(slide.path, root / "dicomize"))
            rss = servers.peak_rss_mib(worker)
    measured = {"runs": runs, "dicomize": baselines, "worker_rss_mib": rss}
    return outcome(measured, slide, spec, load_before, _uptime())


def _median(items: list[dict], *path: str) -> float:
    values = []
    for item in items:
        for key in path:
            item = item[key]
        values.append(item)
    return statistics.median(values)


def outcome(measured: dict, slide: CachedSlide, spec: SlideSpec, load_before: str,
            load_after: str) -> Outcome:
    runs = measured["runs"]
    base = _median(measured["dicomize"], "seconds")
    chain = _median(runs, "image_chain_seconds")
    from_convert = _median(runs, "convert_to_handover_seconds")
    mp = spec.megapixels
    rss = measured["worker_rss_mib"]
    size_mib = slide.path.stat().st_size / 2**20
    sha, clamdscan, stream = (_median(runs, "file_baselines", key) for key in ("sha256", "clamdscan",
                                                                                "clamdscan_stream"))
    verify, scan = (_median(runs, "file_steps", name, "work") for name in ("verify", "scan"))
    overhead_goal = Goal(f"< {GOAL_OVERHEAD:.0%} of wsidicomizer's time", "<", GOAL_OVERHEAD)
    results = [
        Result("image steps, identify queued to handover done", chain, "s", base),
        Result("image steps overhead over wsidicomizer alone ((pipeline - alone) / alone)",
               (chain - base) / base, "x", goal=overhead_goal),
        Result("image steps: time added to wsidicomizer's per image (pipeline - alone)", chain - base, "s"),
        Result("convert queued to handover done", from_convert, "s", base),
        Result("overhead from the convert step's queueing ((pipeline - alone) / alone)",
               (from_convert - base) / base, "x", goal=overhead_goal),
        Result("pipeline throughput (identify queued to handover done)", mp / chain, "MP/s", mp / base),
        Result("wsidicomizer alone: throughput", mp / base, "MP/s"),
        Result("wsidicomizer inside the convert step (its own timer; metadata and de-identification on)",
               _median(runs, "image_steps", "convert", "details", "seconds"), "s", base),
    ]
    for name in IMAGE_STEP_NAMES:
        results.append(Result(f"step {name}: work (started to finished)",
                              _median(runs, "image_steps", name, "work"), "s"))
    results.append(Result("image steps: queue waits in all (queued to started)",
                          statistics.median(sum(run["image_steps"][n]["wait"] for n in IMAGE_STEP_NAMES)
                                            for run in runs), "s"))
    results += [
        Result("peak worker RSS (max VmHWM of the worker's processes)", max(rss.values()), "MiB",
               max(b["peak_rss_mib"] for b in measured["dicomize"]),
               goal=Goal(f"< {GOAL_RSS_MIB / 1024:g} GB", "<", GOAL_RSS_MIB)),
        Result(f"file step verify of the {size_mib:,.0f} MiB SVS: work", verify, "s", sha),
        Result("file step verify: throughput", size_mib / verify, "MiB/s", size_mib / sha),
        Result("file step scan: work", scan, "s", stream),
        Result("file step scan / clamdscan <path> (clamd reads the file)", scan / clamdscan, "x"),
        Result("file steps, verify queued to scan done", _median(runs, "file_steps", "chain_seconds"), "s",
               sha + stream),
    ]
    return Outcome(results=results, notes=_notes(measured, slide, spec, base, load_before, load_after),
                   environment={"slide": spec.key, "slide_bytes": slide.path.stat().st_size,
                                "rounds": len(runs), "measured": measured})


def _notes(measured: dict, slide: CachedSlide, spec: SlideSpec, base: float, load_before: str,
           load_after: str) -> str:
    runs = measured["runs"]
    chain = _median(runs, "image_chain_seconds")
    inside = _median(runs, "image_steps", "convert", "details", "seconds")
    work = {name: _median(runs, "image_steps", name, "work") for name in IMAGE_STEP_NAMES}
    waits = statistics.median(sum(run["image_steps"][n]["wait"] for n in IMAGE_STEP_NAMES) for run in runs)
    alone = ", ".join(f"{b['seconds']:.2f}" for b in measured["dicomize"])
    pipelined = ", ".join(f"{run['image_chain_seconds']:.2f}" for run in runs)
    rss = ", ".join(f"{name} {mib:,.0f} MiB" for name, mib in measured["worker_rss_mib"].items())
    added = chain - base
    return (
        f"Findings of this run: wsidicomizer alone converts the slide in {base:.2f} s ({alone} s): with "
        "opentile "
        "the scanner's JPEG tiles are passed through, so the conversion is little more than a copy of the "
        "tiles, and the pipeline's fixed work per image is of the same size. The image steps took "
        f"{chain:.2f} s "
        f"({pipelined} s), {added:.2f} s more: inside the convert step wsidicomizer itself took {inside:.2f} "
        "s "
        f"(with the MetaFleX metadata and the de-identification post-processor, {inside - base:+.2f} s "
        "against "
        f"alone), the rest of that step {work['convert'] - inside:.2f} s (spooling, the pass-through check, "
        f"hashing and staging the outputs, the commit); identify {work['identify']:.2f} s, deidentify (a "
        "header "
        f"check) {work['deidentify']:.2f} s, extract (facts, thumbnail and a 2048 px preview rendered from "
        "the "
        f"DICOM) {work['extract']:.2f} s, handover {work['handover']:.2f} s, and {waits:.2f} s of queue "
        "waits "
        "between the five steps. Most of this does not grow with the slide, so the 15% goal is out of reach "
        "for "
        f"a pass-through conversion this fast; it holds once a conversion takes {added / GOAL_OVERHEAD:.0f} "
        "s or "
        "more (re-encoding through OpenSlide, or larger files). Changed to cut the overhead: the convert "
        "step "
        "takes the identify step's result from its row instead of identifying the slide again, and stages "
        "its "
        "outputs by hard link on local storage (bigpicture.staging.file_stage) instead of copying them. "
        f"What is measured: a {spec.width:,} x {spec.height:,} synthetic SVS ({spec.tile_size} px JPEG "
        "tiles, "
        f"quality {spec.quality}, {slide.path.stat().st_size / 2**20:,.0f} MiB) as the only IMAGE of a "
        "synthetic "
        "bundle, uploaded into the inbox on local storage (a hard link into each step's work folder) and "
        "handed to the pipeline as the upload service does (tests/ingestion/pipeline/pipeline_kit.py); a "
        "real Celery worker (prefork, concurrency 1, every queue, PostgreSQL and Redis) runs every step. The "
        "pipeline time runs from the identify step's queued_at to the handover step's finished_at (all image "
        "steps, their queue waits and commits: validation of the bundle comes before and is not in it); the "
        f"row 'from the convert step's queueing' leaves out identify. Medians of {len(runs)} rounds, each a "
        "new "
        "submission. Baseline: WsiDicomizer.convert of the same file alone in a fresh process, opentile "
        "pass-through, the pipeline's workers and chunk size, label and overview left out as the default "
        "policy does, no metadata or de-identification, output to a local folder; run before the first round "
        "and after each (the median of these). MP/s = base-level megapixels "
        f"({spec.megapixels:,.0f}) / seconds. Peak RSS is VmHWM of the worker's processes, read before it "
        f"stops ({rss}); its baseline is wsidicomizer alone's process. File steps are reported apart, as the "
        "worker ran them on the SVS (started_at to finished_at), against hashlib.sha256 of the inbox copy "
        "and "
        "clamdscan --stream on the same private clamd (test signatures, result cache off); the file's bytes "
        f"were page-cached. The machine has 2 cores shared with other work: load average (1, 5, 15 min) "
        f"{load_before} before and {load_after} after."
    )
