"""Importing a 65,407-image MetaFleX bundle: wall time and peak RSS.

The bundle is synthetic metadata (6,541 cases, 10 slides of one block each, one
image per slide, one diagnosis per case, about 170k entities) with a ~1 KB
header-only DICOM file per image, so the number measures the metadata path:
validation, accession minting, batched inserts and archiving 65k files.
Each step runs in its own process so its peak RSS is its own. The baseline,
measured in the same run on the same bundle, is validation alone
(`validate_bundle`), which every import must do anyway. It is measured before
and after the import and averaged, so that load from other work on a shared
machine, which drifts over minutes, weighs on both sides of the ratio alike.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.core import Goal, Outcome, Result

IMAGES = 65_407
SLIDES_PER_CASE = 10
GOAL_SECONDS = 120.0
GOAL_RSS_MIB = 1024.0
GOAL_RATIO = 3.0  # import at most 3x validation alone, which every import does anyway


def _bundle(workdir: Path) -> Path:
    from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle

    root = workdir / "bundle"
    # The marker names what the bundle holds, so a change of image files rewrites it.
    marker = root / f".complete-{IMAGES}-dicom-stub"
    if marker.exists():
        return next(root.glob("DATASET_*"))
    shutil.rmtree(root, ignore_errors=True)
    print(f"import: writing a {IMAGES}-image bundle (once; reused by later runs)")
    spec = BundleSpec(alias="bench-import", title="Import benchmark", short_name="BENCH-IMPORT",
                      description="Synthetic metadata for the import benchmark.", cases=-(-IMAGES // SLIDES_PER_CASE),
                      slides_per_case=SLIDES_PER_CASE, images=IMAGES, image_files="stub")
    bundle = write_synthetic_bundle(root, spec)
    marker.touch()
    return bundle


def _fresh_database(workdir: Path) -> str:
    """A new, migrated database for the import: PostgreSQL when the run uses it, else SQLite."""
    current = os.environ.get("DATABASE_URL", "")
    if current.startswith("postgres"):
        import psycopg2

        server, name = current.rsplit("/", 1)
        # Named after the run's own database, so two checkouts benchmarking at once stay apart.
        database = f"{name.split('?')[0]}_bench_import"
        url = f"{server}/{database}"
        admin = psycopg2.connect(f"{server}/postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
            cursor.execute(f'CREATE DATABASE "{database}"')
        admin.close()
    else:
        database = workdir / "import.sqlite3"
        database.unlink(missing_ok=True)
        url = f"sqlite:///{database}"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, env={**os.environ, "DATABASE_URL": url})
    return url


def _measure(mode: str, bundle: Path, env: dict[str, str]) -> dict:
    completed = subprocess.run([sys.executable, "-m", "bench.import_child", mode, str(bundle)], env=env,
                               capture_output=True, text=True, timeout=1800)
    if completed.returncode != 0:
        raise RuntimeError(f"import benchmark step {mode!r} failed:\n{completed.stderr[-3000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if not result["ok"]:
        raise RuntimeError(f"the synthetic bundle did not pass {mode}")
    database = result.get("database_cpu_seconds")
    print(f"import: {mode:8} {result['seconds']:7.1f} s, CPU {result['cpu_seconds']:6.1f} s"
          + (f" (+ database {database:.1f} s)" if database is not None else "")
          + f", peak RSS {result['peak_rss_mib']:7.1f} MiB")
    return result


def run() -> Outcome:
    from django.conf import settings

    workdir = settings.VAR_DIR / "import"
    workdir.mkdir(parents=True, exist_ok=True)
    bundle = _bundle(workdir)
    database_url = _fresh_database(workdir)
    media = workdir / "media"
    shutil.rmtree(media, ignore_errors=True)
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media),
           "DJANGO_SETTINGS_MODULE": "bigpicture.settings"}
    before = _measure("validate", bundle, env)
    imported = _measure("import", bundle, env)
    after = _measure("validate", bundle, env)
    validate = {"seconds": (before["seconds"] + after["seconds"]) / 2,
                "cpu_seconds": (before["cpu_seconds"] + after["cpu_seconds"]) / 2,
                "peak_rss_mib": max(before["peak_rss_mib"], after["peak_rss_mib"])}
    counts = imported["counts"]
    entities = sum(counts.values())
    results = [
        Result("import wall time", imported["seconds"], "s", validate["seconds"],
               Goal(f"< {GOAL_SECONDS:g} s", "<", GOAL_SECONDS)),
        Result("import wall time / validation wall time", imported["seconds"] / validate["seconds"], "x",
               goal=Goal(f"<= {GOAL_RATIO:g}x", "<=", GOAL_RATIO)),
        Result("import peak RSS", imported["peak_rss_mib"], "MiB", validate["peak_rss_mib"],
               Goal(f"< {GOAL_RSS_MIB:g} MiB", "<", GOAL_RSS_MIB)),
        Result("import throughput", entities / imported["seconds"], "entities/s",
               entities / validate["seconds"]),
        # CPU time moves less than wall time when other work shares the machine.
        Result("import CPU time", imported["cpu_seconds"], "s", validate["cpu_seconds"]),
    ]
    if imported.get("database_cpu_seconds") is not None:
        results.append(Result("PostgreSQL backend CPU time during import", imported["database_cpu_seconds"], "s"))
    database = database_url.split(":", 1)[0]
    notes = (f"{counts.get('image', 0)} images (a ~1 KB header-only DICOM file each), {entities} entities in "
             f"all, into {database}, files to local storage. Baseline: validation alone of the same bundle in the "
             f"same run, before and after the import ({before['seconds']:.1f} s and {after['seconds']:.1f} s), "
             "averaged (ratio = import / validate; the import validates too). Each step runs in its own process; "
             "RSS is that process's peak (VmHWM), CPU time its own, all threads; the database backend's CPU "
             "time is read from /proc when PostgreSQL runs on this machine.")
    return Outcome(results=results, notes=notes, environment={"database": database, "images": IMAGES})
