"""De-identification: the streaming rewrite of DICOM instances, and its cost inside a conversion.

Instances of 1, 16, 64 and 256 MiB of pixel data (a synthetic VOLUME header and JPEG frames)
are rewritten with `deidentify_file`, with an organisation's real keys; the baseline in the same
run is a plain copy of the same file (shutil.copyfile), alternated with the rewrite round by
round. The conversion rows convert one synthetic SVS with wsidicomizer, with the de-identification
options and without them (same tile size, label and overview left out in both), alternated. The
peak Python allocation of the largest rewrite is measured with tracemalloc. BENCH_DEID_ROUNDS sets
the rounds (default 3).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

import pydicom
from django.core.management import call_command
from wsidicomizer import WsiDicomizer

from access.models import Organisation
from bench.core import Goal, Outcome, Result
from ingestion.deid.context import DeidContext
from ingestion.deid.conversion import dicomizer_options
from ingestion.deid.instance import deidentify_file
from repository.synthetic.dicom import write_dicom_wsi
from repository.synthetic.svs import write_svs
from tests.ingestion.deid.large import write_large_instance

MiB = 1 << 20
ROUNDS = int(os.environ.get("BENCH_DEID_ROUNDS") or 3)
SIZES_MIB = (1, 16, 64, 256)
SLIDE = (8192, 6144)
GOAL_RATIO = 1.5  # the rewrite at most 1.5x a plain copy of the same bytes
GOAL_PEAK_MIB = 16.0


def _timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def _context(source: str = "") -> DeidContext:
    organisation, _ = Organisation.objects.get_or_create(slug="bench-deid", defaults={"name": "Bench deid"})
    return DeidContext.for_organisation(organisation, source=source)


def _rewrites(workdir: Path, template: Path) -> tuple[list[Result], float]:
    rows = []
    peak = 0.0
    for size in SIZES_MIB:
        source = workdir / f"instance-{size}.dcm"
        write_large_instance(template, source, size * MiB)
        rewrite, copy = [], []
        for n in range(ROUNDS):
            steps = [(rewrite, lambda src=source: deidentify_file(src, workdir / "out.dcm", context=_context())),
                     (copy, lambda src=source: shutil.copyfile(src, workdir / "copy.dcm"))]
            for times, step in steps if n % 2 == 0 else reversed(steps):
                # Deleting a previous output frees its pages; that is not part of either subject.
                for previous in ("out.dcm", "copy.dcm"):
                    (workdir / previous).unlink(missing_ok=True)
                times.append(_timed(step))
        if size == SIZES_MIB[-1]:
            context = _context()
            tracemalloc.start()
            deidentify_file(source, workdir / "out.dcm", context=context)
            peak = tracemalloc.get_traced_memory()[1] / MiB
            tracemalloc.stop()
        seconds, base = statistics.median(rewrite), statistics.median(copy)
        print(f"deid: {size} MiB rewrite {seconds:.3f} s, copy {base:.3f} s")
        rows.append(Result(f"streaming rewrite, {size} MiB of pixel data", seconds * 1000, "ms", base * 1000))
        rows.append(Result(f"streaming rewrite / plain copy, {size} MiB", seconds / base, "x",
                           goal=Goal(f"<= {GOAL_RATIO:g}x", "<=", GOAL_RATIO) if size >= 64 else None))
        source.unlink()
    return rows, peak


def _conversions(workdir: Path) -> list[Result]:
    svs = workdir / "slide.svs"
    write_svs(svs, width=SLIDE[0], height=SLIDE[1], seed=1, patient_name="DEMO^PATIENT", barcode="BP-DEMO-1")
    sha = hashlib.sha256(svs.read_bytes()).hexdigest()
    with_deid, without = [], []

    def convert(options: dict, times: list[float]) -> None:
        out = workdir / "converted"
        shutil.rmtree(out, ignore_errors=True)
        times.append(_timed(lambda: WsiDicomizer.convert(svs, output_path=out, tile_size=256, workers=1,
                                                         **options)))

    plain = {"include_label": False, "include_overview": False}
    for n in range(ROUNDS):
        steps = [(lambda: convert(dicomizer_options(_context(sha)), with_deid)), (lambda: convert(plain, without))]
        for step in steps if n % 2 == 0 else reversed(steps):
            step()
    seconds, base = statistics.median(with_deid), statistics.median(without)
    print(f"deid: conversion {seconds:.3f} s with the options, {base:.3f} s without")
    instances = len(list((workdir / "converted").glob("*.dcm")))
    return [Result(f"conversion of a {SLIDE[0]}x{SLIDE[1]} SVS with the de-identification options", seconds,
                   "s", base),
            Result("de-identification share of the conversion ((with - without) / without)",
                   (seconds - base) / base, "x", goal=Goal("< 0.1", "<", 0.1)),
            Result("de-identification cost per converted instance", (seconds - base) / max(instances, 1) * 1000,
                   "ms")]


def run() -> Outcome:
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory(prefix="bench-deid-") as tmp:
        workdir = Path(tmp)
        info = write_dicom_wsi(workdir / "template", width=1024, height=768, seed=2,
                               patient_name="DEMO^PATIENT", barcode="BP-DEMO-2")
        template = next(p for p in info.files
                        if pydicom.dcmread(p, stop_before_pixels=True).ImageType[2] == "VOLUME")
        rows, peak = _rewrites(workdir, template)
        rows.append(Result(f"peak Python allocation of the {SIZES_MIB[-1]} MiB rewrite (tracemalloc)", peak, "MiB",
                           goal=Goal(f"< {GOAL_PEAK_MIB:g} MiB", "<", GOAL_PEAK_MIB)))
        rows += _conversions(workdir)
    return Outcome(results=rows, notes=(
        f"Medians of {ROUNDS} rounds, subject and baseline alternated (reversed order in odd rounds). "
        "Rewrite: deidentify_file with a fresh DeidContext per call (one key unwrap, pseudonyms recorded "
        "in the database), header de-identified by the PS3.15 profile, PixelData copied with os.sendfile; "
        "baseline shutil.copyfile of the same file; both write a new file (the previous output is deleted untimed). Files are in the page cache (written just before). "
        "Conversion: WsiDicomizer.convert of one synthetic SVS, tile_size 256, workers 1, JPEG pass-through, "
        "with dicomizer_options (post-processor, derived UID generator, include_confidential=False, no label "
        "or overview) against the same call with only the label and overview left out; the post-processor runs "
        "once per instance, so its cost is within the run-to-run noise of a conversion (the share can be negative)."),
        environment={"rounds": ROUNDS, "sizes_mib": list(SIZES_MIB), "slide": list(SLIDE)})
