"""Profile one import of a smaller synthetic bundle: `python -m bench.profile_import [IMAGES] [--validate]`.

Not a benchmark (nothing is written to `bench/results/`): it writes a bundle of IMAGES
header-only DICOM images (default 5,000; kept under `$VAR_DIR/import-profile/`), imports it into
a fresh database (as `bench_import` does) under pyinstrument (`pip install pyinstrument`;
not a project dependency), and prints the profile and the wall and CPU time.
Use `scripts/bench.sh`'s environment: `SECRET_KEY=x DATABASE_URL=... .venv/bin/python -m bench.profile_import`.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from bench.bench_import import SLIDES_PER_CASE, _fresh_database


def _bundle(workdir: Path, images: int) -> Path:
    from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle

    root = workdir / f"bundle-{images}"
    marker = root / ".complete"
    if marker.exists():
        return next(root.glob("DATASET_*"))
    shutil.rmtree(root, ignore_errors=True)
    spec = BundleSpec(alias="bench-import", title="Import benchmark", short_name="BENCH-IMPORT",
                      description="Synthetic metadata for the import benchmark.",
                      cases=-(-images // SLIDES_PER_CASE), slides_per_case=SLIDES_PER_CASE, images=images,
                      image_files="stub")
    bundle = write_synthetic_bundle(root, spec)
    marker.touch()
    return bundle


def main(argv: list[str]) -> None:
    images = int(argv[0]) if argv and argv[0].isdigit() else 5000
    validate_only = "--validate" in argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")
    import django

    django.setup()
    from django.conf import settings

    workdir = settings.VAR_DIR / "import-profile"
    workdir.mkdir(parents=True, exist_ok=True)
    bundle = _bundle(workdir, images)
    if not validate_only:
        os.environ["DATABASE_URL"] = _fresh_database(workdir)
        os.environ["MEDIA_ROOT"] = str(workdir / "media")
        shutil.rmtree(workdir / "media", ignore_errors=True)
    # Run in a child so that the new database and media root are what its settings read.
    os.execv(sys.executable, [sys.executable, "-c", _CHILD, str(bundle), "validate" if validate_only else "import"])


_CHILD = """
import sys, time, django
django.setup()
from pyinstrument import Profiler
from metaflex import validate_bundle
from repository.services import dataset_import
bundle, mode = sys.argv[1], sys.argv[2]
profiler = Profiler(interval=0.002)
started, cpu = time.perf_counter(), time.process_time()
profiler.start()
ok = validate_bundle(bundle)[1].ok if mode == "validate" else dataset_import(bundle_dir=bundle).ok
profiler.stop()
print(profiler.output_text(unicode=False, color=False, show_all=False))
print(f"{mode}: ok={ok} wall {time.perf_counter() - started:.2f} s, CPU {time.process_time() - cpu:.2f} s")
"""

if __name__ == "__main__":
    main(sys.argv[1:])
