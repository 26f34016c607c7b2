"""The pipeline benchmark's big synthetic SVS, written once and kept in a cache folder keyed by its
parameters.

Writing a 40,000 x 40,000 slide takes minutes, so reruns reuse it: the file is written under a
temporary name and renamed into place with its SHA-256 beside it (`<key>.svs.sha256`), so a killed
write leaves nothing that looks finished. `python -m bench.pipeline.slide` writes it ahead of a run.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

PATIENT_NAME = "DEMO^PATIENT"


@dataclass(frozen=True)
class SlideSpec:
    width: int = 40_000
    height: int = 40_000
    tile_size: int = 256
    quality: int = 85
    seed: int = 8

    @property
    def key(self) -> str:
        return f"svs-{self.width}x{self.height}-t{self.tile_size}-q{self.quality}-s{self.seed}"

    @property
    def barcode(self) -> str:
        return f"BP-DEMO-{self.seed:06d}"

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1e6


@dataclass(frozen=True)
class CachedSlide:
    path: Path
    sha256: str
    write_seconds: float | None  # None when it came from the cache


def cache_dir() -> Path:
    """BENCH_CACHE_DIR, else <VAR_DIR>/cache (var/bench/cache under scripts/bench.sh)."""
    from django.conf import settings

    folder = Path(os.environ.get("BENCH_CACHE_DIR") or settings.VAR_DIR / "cache")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cached_svs(spec: SlideSpec, *, workers: int = 2) -> CachedSlide:
    """The slide of `spec` from the cache, written first when missing."""
    from repository.synthetic.info import file_sha256
    from repository.synthetic.svs import write_svs

    path = cache_dir() / f"{spec.key}.svs"
    marker = path.with_name(path.name + ".sha256")
    if path.exists() and marker.exists():
        return CachedSlide(path, marker.read_text().strip(), None)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    started = time.perf_counter()
    write_svs(partial, width=spec.width, height=spec.height, tile_size=spec.tile_size, quality=spec.quality,
              seed=spec.seed, patient_name=PATIENT_NAME, barcode=spec.barcode, workers=workers)
    seconds = time.perf_counter() - started
    sha256 = file_sha256(partial)
    partial.replace(path)
    marker.write_text(sha256 + "\n")
    return CachedSlide(path, sha256, seconds)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")
    import django

    django.setup()
    slide = cached_svs(SlideSpec())
    print(f"{slide.path} ({slide.path.stat().st_size / 2**20:,.0f} MiB, sha256 {slide.sha256}); "
          f"written in {slide.write_seconds:.0f} s" if slide.write_seconds else f"{slide.path}: cached")
