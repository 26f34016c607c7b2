"""Slide viewer tiles through the real HTTP stack, against a bare view and raw wsidicom.

One synthetic 6144 x 4608 DICOM WSI (JPEG frames of 256 px, levels 1, 1/4, 1/16) is published in a
fresh PostgreSQL database and eight users are entitled to it through applications approved in the
command engine. gunicorn serves `bench.tiles.wsgi` (the portal plus a bare view) with the production
settings (deploy/gunicorn.conf.py: gthread, 4 threads) and 2 workers, on loopback, with Redis as the
permission cache. Every tile request goes through the session, `image_for_pixels` (the permission
function), the tile cache or the slide, and `pixel_reads_record` (the audit session UPDATE).

- tiles/s and p50/p99 latency with 1, 8 and 32 closed-loop keep-alive clients (wrk, bench/tiles/wrk.py;
  each request with the next user's session), over every tile of the base level, the (downscaled)
  next level and the stored 1/4 level, in a shuffled order: after the first pass, tiles come mostly
  from the tile cache;
- a field of view of 16 tiles (4 x 4 at the base level) fetched over 6 connections as a browser does,
  p95 of the time for all 16: "cold" (tiles never read before: each is a stored frame read from the
  archive file) before the load phases and "warm" after;
- baselines in the same run: a bare Django view returning a fixed 20 KB under the same gunicorn, at
  the same concurrencies; and raw wsidicom reading the same base-level frames in this process.
BENCH_TILES_SECONDS sets each load phase's length (default 6 s), BENCH_TILES_ROUNDS the rounds of each
concurrency (default 3: bare and tiles alternating, the medians reported).
"""

from __future__ import annotations

import json
import os
import random
import runpy
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.core import Goal, Outcome, Result
from bench.processes import ROOT
from bench.stats import summarize
from bench.tiles import load, wrk
from bench.tiles.urls import BARE_PATH
from bench.upload import servers

SECONDS = float(os.environ.get("BENCH_TILES_SECONDS") or 6)
ROUNDS = int(os.environ.get("BENCH_TILES_ROUNDS") or 3)
CONCURRENCY = (1, 8, 32)
USERS = 8
WORKERS = 2
GOAL_RATIO = 0.4
GOAL_P99_MS = 20.0
GOAL_FOV_P95_MS = 30.0
BROWSER_CONNECTIONS = 6


def _env(database_url: str, workdir: Path) -> dict[str, str]:
    from django.conf import settings

    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "STORAGE_BACKEND": "local",
           "MEDIA_ROOT": str(workdir / "media"), "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": str(WORKERS)}
    if settings.CELERY_BROKER_URL.startswith("redis"):
        env["CACHE_URL"] = settings.CELERY_BROKER_URL  # the permission cache shared by both workers
    return env


def _seed(env: dict[str, str], workdir: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.tiles.seed", str(workdir), str(USERS)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"seeding the tile database failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _tile_paths(seed: dict) -> tuple[list[str], list[list[str]]]:
    """The shuffled tiles of the three finest DZI levels, and 4 x 4 base-level views (each tile once)."""
    top, size = seed["max_level"], seed["tile_size"]
    base = f"/images/{seed['accession']}/slide_files"
    paths = []
    for level in (top, top - 1, top - 2):
        scale = 2 ** (top - level)
        cols, rows = -(-seed["width"] // (scale * size)), -(-seed["height"] // (scale * size))
        paths += [f"{base}/{level}/{c}_{r}.jpeg" for c in range(cols) for r in range(rows)]
    random.Random(10).shuffle(paths)
    cols, rows = seed["width"] // size, seed["height"] // size
    views = [[f"{base}/{top}/{c}_{r}.jpeg" for c in range(x, x + 4) for r in range(y, y + 4)]
             for x in range(0, cols - 3, 4) for y in range(0, rows - 3, 4)]
    random.Random(11).shuffle(views)
    return paths, views


def _raw_wsidicom(seed: dict) -> float:
    """Frames per second read by wsidicom in this process, every base-level frame in turn."""
    from wsidicom import WsiDicom

    streams = [open(path, "rb") for path in seed["files"]]  # noqa: SIM115 (closed below)
    try:
        with WsiDicom.open_streams(streams) as slide:
            cols, rows = seed["width"] // seed["tile_size"], seed["height"] // seed["tile_size"]
            tiles = [(c, r) for c in range(cols) for r in range(rows)]
            reads, started = 0, time.perf_counter()
            while time.perf_counter() - started < SECONDS / 2:
                for tile in tiles:
                    slide.read_encoded_tile(0, tile)
                reads += len(tiles)
            return reads / (time.perf_counter() - started)
    finally:
        for stream in streams:
            stream.close()


def run() -> Outcome:
    if not wrk.available():
        raise RuntimeError("wrk is missing: `make install` (scripts/system_deps.sh) installs Debian's package")
    workdir = ROOT / "var" / "bench" / "tiles"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env = _env(servers.fresh_database("tiles"), workdir)
    started = time.perf_counter()
    seed = _seed(env, workdir)
    seeding = time.perf_counter() - started
    print(f"tiles: seeded {seed['accession']} ({seed['width']} x {seed['height']}) in {seeding:.0f} s")
    paths, views = _tile_paths(seed)
    port = servers.free_port()
    portal = servers.gunicorn("bench.tiles.wsgi:application", port, workdir / "logs" / "portal.log", env)
    portal.log_path.parent.mkdir(parents=True, exist_ok=True)
    before = os.getloadavg()
    with portal:
        servers.wait_http(f"http://127.0.0.1:{port}{BARE_PATH}", portal)
        cookies = seed["cookies"]
        # Both workers open the slide (the warm handles) before anything is timed.
        wrk.closed_loop(port, [f"/images/{seed['accession']}/slide.dzi"], cookies, 8, 1.0)
        cold = load.fields_of_view("127.0.0.1", port, views[:12], cookies[0], BROWSER_CONNECTIONS)
        bare, tiles = {}, {}
        for clients in CONCURRENCY:
            wrk.closed_loop(port, [BARE_PATH], [], clients, 1.0)  # warm-up
            wrk.closed_loop(port, paths, cookies, clients, 1.0)
            runs = {"bare": [], "tiles": []}
            for round_ in range(ROUNDS):  # alternating, the order reversed in odd rounds
                for kind in (("bare", "tiles") if round_ % 2 == 0 else ("tiles", "bare")):
                    runs[kind].append(wrk.closed_loop(port, *((paths, cookies) if kind == "tiles" else
                                                              ([BARE_PATH], [])), clients, SECONDS))
            bare[clients], tiles[clients] = wrk.median(runs["bare"]), wrk.median(runs["tiles"])
            print(f"tiles: {clients} clients: bare {[round(r.rate) for r in runs['bare']]}/s, "
                  f"tiles {[round(r.rate) for r in runs['tiles']]}/s, p99 {bare[clients].p99_ms:.1f} / "
                  f"{tiles[clients].p99_ms:.1f} ms")
        warm = load.fields_of_view("127.0.0.1", port, views[12:] + views[:12], cookies[0], BROWSER_CONNECTIONS)
    after = os.getloadavg()
    raw = _raw_wsidicom(seed)
    print(f"tiles: raw wsidicom {raw:.0f} frames/s")
    for clients, run_ in (*bare.items(), *tiles.items()):
        if run_.bad_status or not run_.requests:
            raise RuntimeError(f"{run_.bad_status} of {run_.requests} requests at {clients} clients were refused")
    return _outcome(bare, tiles, cold, warm, raw, seed, seeding, before, after)


def _outcome(bare, tiles, cold, warm, raw, seed, seeding, before, after) -> Outcome:
    results = []
    for clients in CONCURRENCY:
        b, t = bare[clients], tiles[clients]
        p99_goal = Goal(f"p99 < {GOAL_P99_MS:g} ms", "<", GOAL_P99_MS) if clients == 8 else None
        results += [
            Result(f"tiles/s, {clients} client(s) (baseline: bare 20 KB view)", tiles[clients].rate, "req/s",
                   bare[clients].rate),
            Result(f"tile p50, {clients} client(s)", t.p50_ms, "ms", b.p50_ms),
            Result(f"tile p99, {clients} client(s)", t.p99_ms, "ms", b.p99_ms, p99_goal),
        ]
    results.append(Result("tiles/s ÷ bare view req/s, 8 clients", tiles[8].rate / bare[8].rate, "×", None,
                          Goal(f">= {GOAL_RATIO:g}", ">=", GOAL_RATIO)))
    results.append(Result("tiles/s, 8 clients (baseline: raw wsidicom frames/s in-process)", tiles[8].rate, "req/s",
                          raw))
    fov_goal = Goal(f"p95 < {GOAL_FOV_P95_MS:g} ms", "<", GOAL_FOV_P95_MS)
    results += [
        Result("16-tile field of view p95, cold (frames never read before)", summarize(cold)["p95"], "ms",
               None, fov_goal),
        Result("16-tile field of view p95, warm", summarize(warm)["p95"], "ms", None, fov_goal),
        Result("16-tile field of view p50, warm", summarize(warm)["p50"], "ms"),
        Result("bare view req/s, 8 clients", bare[8].rate, "req/s"),
        Result("raw wsidicom read_encoded_tile, in-process", raw, "frames/s"),
        Result("seeding time (synthetic slide, import, applications)", seeding, "s"),
    ]
    errors = sum(run_.socket_errors for run_ in (*bare.values(), *tiles.values()))
    gunicorn = runpy.run_path(str(servers.GUNICORN_CONFIG))
    notes = (f"One {seed['width']} x {seed['height']} synthetic DICOM WSI, {USERS} entitled users, gunicorn "
             f"(deploy/gunicorn.conf.py: {gunicorn['worker_class']}, {gunicorn['threads']} threads, max_requests "
             f"{gunicorn['max_requests']:,}) with {WORKERS} workers on loopback, DEBUG=0, PostgreSQL sessions, "
             f"Redis permission cache. At each concurrency {ROUNDS} rounds of bare and tiles alternating (the order "
             f"reversed in odd rounds), each {SECONDS:g} s of closed-loop keep-alive clients (wrk, "
             "bench/tiles/wrk.py), each request with the next user's session cookie and the next path of "
             "the shuffled tiles of the three finest levels (base, downscaled 1/2, stored 1/4); "
             f"{errors} socket error(s) (recycled workers' connections). Fields of view: 4 x 4 "
             f"base-level tiles over {BROWSER_CONNECTIONS} connections (bench/tiles/load.py, asyncio); "
             f"cold = {len(cold)} views read first, warm = {len(warm)} views after the load phases. Clients and "
             "servers share this 2-core machine with other work: load average "
             f"{before[0]:.2f} {before[1]:.2f} {before[2]:.2f} before, {after[0]:.2f} {after[1]:.2f} {after[2]:.2f} "
             "after.")
    return Outcome(results, notes=notes, environment={"gunicorn workers": WORKERS})
