"""A file that cannot be read to its end is not scanned: the error says so, and clamd is unharmed."""

import io

import pytest

from bigpicture.errors import PermanentError, TransientError
from ingestion.scanning import scan_stream
from tests.ingestion.scanning.streams import GeneratedStream

pytestmark = pytest.mark.clamd
MiB = 1024 * 1024


def test_read_error_mid_stream_is_transient_and_names_the_file(clamd_server):
    stream = GeneratedStream(10 * MiB, fail_after=3 * MiB)
    with pytest.raises(TransientError, match=r"slide.svs: reading it failed after 3,145,728 bytes"):
        scan_stream(stream, name="slide.svs")
    assert scan_stream(io.BytesIO(b"next file"), name="next.txt").clean


class _BadCiphertext(io.RawIOBase):
    """Stands for a decrypting reader that finds the ciphertext tampered with."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise PermanentError("slide.svs.c4gh: a crypt4gh block failed its MAC check")


def test_portal_errors_of_the_reader_pass_through_unchanged(clamd_server):
    with pytest.raises(PermanentError, match="failed its MAC check"):
        scan_stream(_BadCiphertext(), name="slide.svs")
