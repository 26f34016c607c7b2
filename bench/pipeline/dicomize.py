"""The baseline: `WsiDicomizer.convert` alone, in a fresh process, with the pipeline's reader, tile and worker
settings. `python -m bench.pipeline.dicomize <svs> <empty output folder>` prints one JSON line:
seconds (the call only), the process's peak RSS (VmHWM), the instances and their bytes.

No Django: wsidicomizer alone, as someone converting the file by hand would run it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from wsidicomizer import WsiDicomizer
from wsidicomizer.sources import OpenTileSource

# The pipeline's settings (ingestion.slides.convert); label and overview left out as the default policy does.
from ingestion.slides.convert import CHUNK_TILES, DEFAULT_WORKERS


def vmhwm_kib(pid: str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main(source: Path, out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    created = WsiDicomizer.convert(source, output_path=out_dir, workers=DEFAULT_WORKERS,
                                   chunk_size=CHUNK_TILES, preferred_source=OpenTileSource,
                                   include_label=False, include_overview=False)
    seconds = time.perf_counter() - started
    paths = [Path(p) for p in created]
    return {"seconds": seconds, "peak_rss_mib": vmhwm_kib() / 1024, "instances": len(paths),
            "bytes": sum(p.stat().st_size for p in paths)}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
