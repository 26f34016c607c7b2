"""The streaming rewrite's memory stays bounded whatever the size of the pixel data."""

from __future__ import annotations

import hashlib
import tracemalloc

import pydicom

from ingestion.deid.instance import deidentify_file
from tests.ingestion.deid.large import write_large_instance

MiB = 1 << 20


def _pixel_sha256(path) -> str:
    with open(path, "rb") as handle:
        pydicom.dcmread(handle, stop_before_pixels=True)
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(MiB), b""):
            digest.update(block)
    return digest.hexdigest()


def test_peak_memory_is_bounded_on_a_large_instance(synthetic_dicom, make_context, tmp_path):
    volume = next(p for p in synthetic_dicom.glob("*.dcm")
                  if pydicom.dcmread(p, stop_before_pixels=True).ImageType[2] == "VOLUME"
                  and pydicom.dcmread(p, stop_before_pixels=True).TotalPixelMatrixColumns == 1536)
    large = tmp_path / "large.dcm"
    write_large_instance(volume, large, 192 * MiB)
    context = make_context()
    context.pseudonym("patient", "warm-up")  # the key's creation is not what is measured
    tracemalloc.start()
    try:
        result = deidentify_file(large, tmp_path / "out.dcm", context=context)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.pixel_bytes > 192 * MiB
    assert peak < 16 * MiB, f"peak {peak / MiB:.1f} MiB for {result.pixel_bytes / MiB:.0f} MiB of pixel data"
    assert _pixel_sha256(large) == _pixel_sha256(result.path)
