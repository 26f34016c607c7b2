"""Downloads stream in constant memory: a 48 MiB archived file is encrypted with a peak of a few MiB."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc

import pytest
from crypt4gh.lib import decrypt
from django.core.files.base import File

from access.crypt4gh_keys import public_key_read
from access.downloads.streams import Archived, crypt4gh_size, crypt4gh_stream, plain_stream
from bigpicture.storage import storage_for

pytestmark = [pytest.mark.django_db]

SIZE = 48 * 1024 * 1024 + 12345  # not a whole number of segments
PEAK_BOUND = 6 * 1024 * 1024


@pytest.fixture
def big_object(archive_storage, tmp_path) -> Archived:
    source, digest = tmp_path / "big.bin", hashlib.sha256()
    with source.open("wb") as handle:
        for _ in range(SIZE // (1 << 20) + 1):
            block = os.urandom(1 << 20)[: SIZE - handle.tell()]
            digest.update(block)
            handle.write(block)
    with source.open("rb") as handle:
        name = storage_for("archive").save("big/big.bin", File(handle))
    source.unlink()
    return Archived(name, digest.hexdigest())


def _drain(chunks, out) -> tuple[int, int]:
    """Writes the chunks to `out`; returns (peak traced bytes, largest chunk)."""
    largest = 0
    tracemalloc.start()
    try:
        for chunk in chunks:
            largest = max(largest, len(chunk))
            out.write(chunk)
        return tracemalloc.get_traced_memory()[1], largest
    finally:
        tracemalloc.stop()


def test_crypt4gh_stream_memory_stays_flat(big_object, user_keys, tmp_path):
    public = public_key_read(user_keys.public_text)
    encrypted = tmp_path / "big.c4gh"
    with encrypted.open("wb") as out:
        peak, largest = _drain(crypt4gh_stream(big_object, public, archive_key=None), out)
    assert peak < PEAK_BOUND, f"peak {peak} bytes"
    assert largest <= 65536 + 28  # one crypt4gh segment at a time
    assert encrypted.stat().st_size == crypt4gh_size(SIZE)
    digest = hashlib.sha256()

    class Sink(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            digest.update(data)
            return len(data)

    with encrypted.open("rb") as handle:
        decrypt([(0, user_keys.secret, None)], handle, Sink())
    assert digest.hexdigest() == big_object.plain_sha256


def test_plain_stream_memory_stays_flat(big_object, tmp_path):
    with (tmp_path / "big.out").open("wb") as out:
        peak, _ = _drain(plain_stream(big_object, archive_key=None), out)
    assert peak < PEAK_BOUND, f"peak {peak} bytes"
    assert (tmp_path / "big.out").stat().st_size == SIZE
