"""Pure helpers of the upload benchmark: the big-file bundle is valid, the socket counter counts.

No services and no timing: the benchmark itself runs with scripts/bench.sh upload.
"""

from __future__ import annotations

import hashlib
import socket
import threading

from bench.upload import counting_uploader
from bench.upload.payload import payload_delete, payload_write
from metaflex import validate_bundle

MiB = 1024 * 1024


def test_big_file_bundle_passes_the_uploaders_validation(tmp_path):
    payload = payload_write(tmp_path, 3 * MiB + 17)
    bundle, report = validate_bundle(payload.bundle, verify_checksums=True)
    assert bundle is not None, report.format()
    assert payload.size in (3 * MiB + 17, 3 * MiB + 16)  # DICOM values have even length
    assert hashlib.sha256(payload.big_file.read_bytes()).hexdigest() == payload.sha256
    assert payload.big_file.read_bytes()[128:132] == b"DICM"
    # Written once, then reused while its marker stands; deleted on request.
    assert payload_write(tmp_path, 3 * MiB + 17) == payload
    payload_delete(tmp_path, 3 * MiB + 17)
    assert list(tmp_path.iterdir()) == []


def test_counter_adds_every_sendall(tmp_path, monkeypatch):
    counter = tmp_path / "sent.counter"
    counter_uploader_reset = counting_uploader.counter_reset
    counter_uploader_reset(counter)
    monkeypatch.setattr(socket.socket, "sendall", socket.socket.sendall)  # restored after the test
    counting_uploader._count_sends(str(counter))
    left, right = socket.socketpair()
    with left, right:
        def drain() -> None:
            received = 0
            while received < 3 * 70_000:
                received += len(right.recv(1 << 16))

        reader = threading.Thread(target=drain)
        reader.start()
        for _ in range(3):
            left.sendall(b"x" * 70_000)
        reader.join(timeout=30)
    assert counting_uploader.counter_read(str(counter)) == 3 * 70_000
