"""Files beyond clamd's limits fail as permanent, naming the clamd setting to raise; never clean."""

import pytest

from bigpicture.errors import PermanentError
from ingestion.scanning import clamd, scan_stream
from ingestion.scanning.server import ClamdServer
from tests.ingestion.scanning.streams import GeneratedStream

pytestmark = pytest.mark.clamd
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def small_limits(clamd_server, tmp_path_factory):
    """One clamd refusing streams above 1 MiB, one scanning files of at most 2 MiB."""
    stream = ClamdServer(tmp_path_factory.mktemp("clamd-stream"), directives={"StreamMaxLength": "1M"})
    scan = ClamdServer(tmp_path_factory.mktemp("clamd-scan"), directives={"MaxFileSize": "2M", "MaxScanSize": "2M"})
    with stream, scan:
        yield {"stream": stream.address, "scan": scan.address}


def test_stream_up_to_the_limit_is_scanned(small_limits):
    assert scan_stream(GeneratedStream(MiB), name="small.bin", address=small_limits["stream"]).clean


@pytest.mark.parametrize("size", [MiB + 1, 20 * MiB])
def test_stream_over_stream_max_length_is_permanent(small_limits, size):
    with pytest.raises(PermanentError, match=r"big.bin was not scanned.*raise StreamMaxLength"):
        scan_stream(GeneratedStream(size), name="big.bin", address=small_limits["stream"])


def test_file_over_max_file_size_is_too_big_not_malware(small_limits):
    with pytest.raises(PermanentError, match=r"big.bin was not scanned: it is too big.*raise MaxFileSize") as caught:
        scan_stream(GeneratedStream(3 * MiB), name="big.bin", address=small_limits["scan"])
    assert "Heuristics.Limits.Exceeded.MaxFileSize" in str(caught.value)
    assert "not known to be clean" in str(caught.value)


def test_file_beyond_what_clamav_scans_is_stopped_by_the_client(clamd_server, monkeypatch):
    # ClamAV scans at most 2 GiB - 3 bytes of a file; the limit is lowered here so that the test
    # streams megabytes, against a clamd that would take (and skip) far more.
    monkeypatch.setattr(clamd, "CLAMAV_MAX_FILE_BYTES", 2 * MiB)
    assert scan_stream(GeneratedStream(2 * MiB), name="just-fits.bin").clean
    with pytest.raises(PermanentError, match=r"huge.svs was not scanned: it is larger than 2,097,152 bytes"):
        scan_stream(GeneratedStream(50 * MiB), name="huge.svs")
    assert scan_stream(GeneratedStream(MiB), name="next.bin").clean
