"""Part bytes never sit whole in server memory: S3 parts go straight to S3, local parts stream in 1 MiB blocks."""

from __future__ import annotations

import tracemalloc
from urllib.parse import urlsplit

import requests

from tests.ingestion.uploadkit import MiB, payload, sha256

PART = 48 * MiB


def test_a_large_part_streams_through_little_memory(portal, submission, storage_backend, settings, tmp_path,
                                                    live_server):
    settings.INGESTION_PART_SIZE = 64 * MiB
    data = payload(PART, seed=7)
    source = tmp_path / "big.dcm"
    source.write_bytes(data)
    file = portal.register(submission, "IMAGES/IMAGE_a/big.dcm", data).json()
    [part] = portal.part_urls(submission, file["id"], [1])
    if storage_backend.backend == "s3":
        # A presigned S3 URL: the portal's web workers never see these bytes.
        assert urlsplit(part["url"]).netloc != urlsplit(live_server.url).netloc
        assert "Signature" in part["url"]
    del data
    tracemalloc.start()
    try:
        with source.open("rb") as body:  # a file: requests streams it with its Content-Length
            response = requests.put(part["url"], data=body, timeout=300)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.text
    # The server thread of the live server runs in this process, so its allocations count here.
    assert peak < 8 * MiB, f"peak {peak / MiB:.1f} MiB while sending a {PART // MiB} MiB part"
    completed = portal.complete(submission, file["id"]).json()
    assert completed["state"] == "uploaded"
    assert completed["size"] == PART and completed["sha256"] == sha256(source.read_bytes())
