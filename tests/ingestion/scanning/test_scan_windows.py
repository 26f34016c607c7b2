"""Files above CLAMD_WINDOW_BYTES are scanned as overlapping windows: nothing is missed at the seams."""

from __future__ import annotations

import io

import pytest

from ingestion.scanning.signatures import EICAR, TEST_MARKER, TEST_MARKER_SIGNATURE
from ingestion.scanning.windows import scan_file

pytestmark = pytest.mark.clamd
MiB = 1024 * 1024


@pytest.fixture
def small_windows(settings, clamd_server):
    settings.CLAMD_WINDOW_BYTES = 4 * MiB
    return settings.CLAMD_WINDOW_BYTES


def _filler(size: int) -> bytearray:
    return bytearray((i * 7 + 3) % 251 for i in range(256)) * (size // 256)


def test_a_clean_file_is_scanned_in_windows_every_byte_once(small_windows):
    data = _filler(10 * MiB + 512)
    verdict = scan_file(io.BytesIO(bytes(data)), name="big.svs", size=len(data))
    assert verdict.clean and verdict.bytes_scanned == len(data)


def test_a_signature_across_a_window_boundary_is_found(small_windows):
    data = _filler(9 * MiB)
    at = small_windows - len(TEST_MARKER) // 2  # half in the first window, half in the second
    data[at:at + len(TEST_MARKER)] = TEST_MARKER
    verdict = scan_file(io.BytesIO(bytes(data)), name="seam.svs", size=len(data))
    assert not verdict.clean and verdict.signature.startswith(TEST_MARKER_SIGNATURE)


def test_malware_in_a_late_window_is_found(small_windows):
    data = _filler(11 * MiB)
    data[10 * MiB:10 * MiB + len(EICAR)] = EICAR
    verdict = scan_file(io.BytesIO(bytes(data)), name="late.svs", size=len(data))
    assert not verdict.clean and "Eicar" in verdict.signature
