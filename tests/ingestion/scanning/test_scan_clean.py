"""Files without a known signature are clean; the verdict says how much clamd saw."""

import io

import pytest

from ingestion.scanning import scan_stream
from tests.ingestion.scanning.streams import GeneratedStream

pytestmark = pytest.mark.clamd


def test_clean_file_is_ok(clamd_server):
    verdict = scan_stream(io.BytesIO(b"Slide label: none\n" * 1000), name="notes.txt")
    assert verdict.clean
    assert verdict.signature is None
    assert verdict.bytes_scanned == 18_000
    assert verdict.clamd_version.startswith("ClamAV ")


def test_zero_byte_file_is_clean(clamd_server):
    verdict = scan_stream(io.BytesIO(b""), name="empty.dcm")
    assert verdict.clean
    assert verdict.bytes_scanned == 0


def test_stream_of_many_chunks_is_scanned_whole(clamd_server):
    size = 5 * 1024 * 1024 + 7  # five full chunks and a short one
    verdict = scan_stream(GeneratedStream(size), name="slide.svs")
    assert verdict.clean
    assert verdict.bytes_scanned == size
