"""Known signatures are found, anywhere in a file, and named as clamd names them."""

import io
import tracemalloc

import pytest

from ingestion.scanning import scan_stream
from ingestion.scanning.signatures import EICAR, EICAR_SIGNATURE, TEST_MARKER, TEST_MARKER_SIGNATURE, reported
from tests.ingestion.scanning.streams import GeneratedStream

pytestmark = pytest.mark.clamd
MiB = 1024 * 1024


def test_eicar_is_found_with_its_signature_name(clamd_server):
    verdict = scan_stream(io.BytesIO(EICAR), name="eicar.com")
    assert not verdict.clean
    assert verdict.signature == reported(EICAR_SIGNATURE) == "Eicar-Test-Signature.UNOFFICIAL"
    assert verdict.bytes_scanned == len(EICAR)


def test_marker_straddling_two_chunks_is_found(clamd_server):
    stream = GeneratedStream(3 * MiB, insert=TEST_MARKER, at=MiB - len(TEST_MARKER) // 2)
    verdict = scan_stream(stream, name="straddle.bin")
    assert verdict.signature == reported(TEST_MARKER_SIGNATURE)


@pytest.mark.slow
def test_marker_deep_inside_a_large_file_is_found_in_bounded_memory(clamd_server):
    size, at = 320 * MiB, 300 * 1000 * 1000 + 12_345
    tracemalloc.start()
    try:
        verdict = scan_stream(GeneratedStream(size, insert=TEST_MARKER, at=at), name="IMAGE_1/slide.dcm")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not verdict.clean
    assert verdict.signature == reported(TEST_MARKER_SIGNATURE)
    assert verdict.bytes_scanned == size
    assert peak < 8 * MiB, f"scanning held {peak / MiB:.1f} MiB in Python"


def test_same_file_without_marker_is_clean(clamd_server):
    assert scan_stream(GeneratedStream(3 * MiB), name="straddle.bin").clean
