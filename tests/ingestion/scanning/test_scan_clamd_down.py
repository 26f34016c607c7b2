"""When clamd cannot be reached, a scan fails as transient (to be retried), never as clean."""

import io
import socket

import pytest

from bigpicture.errors import TransientError
from ingestion.scanning import clamd_ping, scan_stream
from tests.ingestion.scanning.streams import GeneratedStream

pytestmark = pytest.mark.clamd
MiB = 1024 * 1024


def test_clamd_stopped_is_transient_and_names_file_and_address(clamd_stoppable):
    clamd_stoppable.stop()
    with pytest.raises(TransientError) as caught:
        scan_stream(io.BytesIO(b"data"), name="IMAGE_1/slide.svs")
    assert "IMAGE_1/slide.svs" in str(caught.value)
    assert clamd_stoppable.address in str(caught.value)


def test_scans_work_again_after_a_restart(clamd_stoppable):
    clamd_stoppable.stop()
    with pytest.raises(TransientError):
        clamd_ping()
    clamd_stoppable.start()
    clamd_ping()
    assert scan_stream(io.BytesIO(b"data"), name="slide.svs").clean


def test_connection_refused_over_tcp_is_transient(clamd_server):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens on it once closed
    with pytest.raises(TransientError, match=rf"slide.svs.*tcp://127.0.0.1:{port}.*not reachable"):
        scan_stream(io.BytesIO(b"data"), name="slide.svs", address=f"tcp://127.0.0.1:{port}")


def test_clamd_that_never_answers_times_out_as_transient(clamd_server, settings):
    settings.CLAMD_TIMEOUT_SECONDS = 1
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections wait in the backlog; nobody answers
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(TransientError, match=r"slide.svs.*timed out"):
            scan_stream(io.BytesIO(b"data"), name="slide.svs", address=address)


class _StopsClamd(GeneratedStream):
    """Stops clamd once `at` bytes have been read: clamd goes away in the middle of a stream."""

    def __init__(self, size: int, server, at: int):
        super().__init__(size)
        self.server, self.stop_at = server, at

    def readinto(self, buffer) -> int:
        if self.position >= self.stop_at and self.server.running:
            self.server.stop()
        return super().readinto(buffer)


def test_clamd_stopping_mid_stream_is_transient(clamd_stoppable):
    stream = _StopsClamd(50 * MiB, clamd_stoppable, at=10 * MiB)
    with pytest.raises(TransientError, match=r"Could not scan slide.svs: .*clamd at unix://"):
        scan_stream(stream, name="slide.svs")
    assert not clamd_stoppable.running
