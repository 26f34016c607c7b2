"""`manage.py make_synthetic_slide`: write a deterministic synthetic slide.

    python manage.py make_synthetic_slide --format svs --width 20000 --height 16000 --seed 3 var/demo.svs
    python manage.py make_synthetic_slide --format dicom --width 4096 --height 4096 var/demo-dicom/

For SVS and OME-TIFF, OUT is the file to write; for DICOM it is a directory.
Prints a summary of what was written (or JSON with --json).
"""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

FORMATS = ("svs", "ome", "dicom")


class Command(BaseCommand):
    help = "Write a deterministic synthetic H&E whole-slide image (SVS, OME-TIFF or DICOM WSI)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("out", help="output file (svs, ome) or directory (dicom)")
        parser.add_argument("--format", choices=FORMATS, default="svs")
        parser.add_argument("--width", type=int, default=4096)
        parser.add_argument("--height", type=int, default=4096)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--tile-size", type=int, default=256)
        parser.add_argument(
            "--mpp", type=float, default=0.25, help="micrometres per pixel at full resolution"
        )
        parser.add_argument("--app-mag", type=float, default=40, help="objective magnification (svs, dicom)")
        parser.add_argument("--quality", type=int, default=85, help="JPEG quality of the tiles")
        parser.add_argument("--patient-name", default="DOE^JANE", help="shown on the label (svs, dicom)")
        parser.add_argument("--barcode", default="BP-SYN-000001", help="shown on the label (svs, dicom)")
        parser.add_argument("--workers", type=int, default=1, help="processes painting tiles")
        parser.add_argument("--force", action="store_true", help="overwrite an existing output file")
        parser.add_argument("--json", action="store_true", help="print the SlideInfo as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        fmt = options["format"]
        if options["width"] <= 0 or options["height"] <= 0:
            raise CommandError("--width and --height must be positive")
        if options["tile_size"] <= 0 or options["tile_size"] % 16:
            raise CommandError("--tile-size must be a positive multiple of 16")
        if fmt != "dicom" and out.exists() and not options["force"]:
            raise CommandError(f"{out} exists (use --force to overwrite)")
        if fmt != "dicom":
            out.parent.mkdir(parents=True, exist_ok=True)

        common = {
            "width": options["width"],
            "height": options["height"],
            "tile_size": options["tile_size"],
            "mpp": options["mpp"],
            "seed": options["seed"],
            "quality": options["quality"],
            "workers": options["workers"],
        }
        labelled = {
            "app_mag": options["app_mag"],
            "patient_name": options["patient_name"],
            "barcode": options["barcode"],
        }
        started = time.perf_counter()
        # Imported here so `manage.py help` stays fast and works without the
        # imaging stack.
        if fmt == "svs":
            from repository.synthetic.svs import write_svs

            info = write_svs(out, **common, **labelled)
        elif fmt == "ome":
            from repository.synthetic.ome import write_ome_tiff

            info = write_ome_tiff(out, **common)
        else:
            from repository.synthetic.dicom import write_dicom_wsi

            try:
                info = write_dicom_wsi(out, **common, **labelled)
            except FileExistsError as exc:
                raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started

        if options["json"]:
            self.stdout.write(json.dumps({**info.to_dict(), "seconds": round(elapsed, 3)}, indent=2))
            return
        size = sum(p.stat().st_size for p in info.files)
        levels = ", ".join(f"{w}x{h}" for w, h in info.levels)
        self.stdout.write(
            f"wrote {info.format} {info.path} ({len(info.files)} file(s), {size / 1e6:.1f} MB) in {elapsed:.1f}s\n"
            f"  size {info.width}x{info.height} @ {info.mpp} um/px, tile {info.tile_size}, seed {info.seed}\n"
            f"  levels {levels}\n"
            f"  sha256 {info.sha256}\n"
            f"  blank {[b.as_tuple() for b in info.blank_regions]}\n"
            f"  blurred {[b.as_tuple() for b in info.blurred_regions]}\n"
            f"  sharp tissue {[b.as_tuple() for b in info.tissue_regions]}"
        )
