"""Where the pipeline's time goes: the benchmark's submission run eagerly in this process under cProfile.

`scripts/bench.sh` sets the environment; then
`.venv/bin/python -m bench.pipeline.profile [WIDTHxHEIGHT]` uploads the bundle around the cached slide, runs
the file steps (on a private clamd), then profiles the submit: validation and the image steps, each
task run in this process as the worker would run it. Prints the functions with the most cumulative
time, and each image step's work time from its row.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import shutil
import sys


def main(size: str) -> None:
    from django.conf import settings
    from django.test import override_settings

    from bench.pipeline import flow
    from bench.pipeline.slide import SlideSpec, cached_svs
    from bigpicture.celery import app
    from bigpicture.storage import storage_settings
    from ingestion.scanning.server import ClamdServer

    width, _, height = size.partition("x")
    spec = SlideSpec(width=int(width), height=int(height or width))
    slide = cached_svs(spec)
    root = settings.VAR_DIR / "pipeline-profile"
    shutil.rmtree(root / "media", ignore_errors=True)
    app.conf.task_always_eager = True
    with ClamdServer(root / "clamd", directives={"DisableCache": "yes"}) as clamd, override_settings(
            STORAGES=storage_settings(backend="local", media_root=root / "media", static_manifest=False),
            CELERY_TASK_ALWAYS_EAGER=True, CLAMD_ADDRESS=clamd.address, PIPELINE_WORK_DIR=root / "work"):
        run = flow.PipelineRun(None, root / "bundle", slide, spec)
        run.upload_and_scan(600)
        profile = cProfile.Profile()
        profile.enable()
        run.submit_and_process(600)
        profile.disable()
        for name, step in run.measured()["image_steps"].items():
            print(f"{name}: work {step['work']:.3f} s, wait {step['wait']:.3f} s {step['details']}")
        run.cleanup()
    stats = pstats.Stats(profile).sort_stats("cumulative")
    stats.print_stats(40)
    stats.print_callees(r"image_steps.py.*\((convert|extract|deidentify|_stage_outputs)\)|slides/convert.py.*\(convert\)")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")
    import django

    django.setup()
    main(sys.argv[1] if len(sys.argv) > 1 else "40000")
