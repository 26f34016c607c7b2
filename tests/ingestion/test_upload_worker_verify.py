"""A real worker process verifies completed uploads from storage, on the ingest queue."""

from __future__ import annotations

import time

import pytest

from tests.ingestion.uploadkit import payload, sha256

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.slow]


def _settled(portal, submission, file_id: str, worker, timeout: float = 90) -> dict:
    """Poll the file as a client does until the pipeline has judged it."""
    deadline = time.monotonic() + timeout
    while (file := portal.file(submission, file_id))["state"] == "uploaded":
        if time.monotonic() > deadline:
            raise AssertionError(f"{file['path']} still uploaded after {timeout}s:\n{worker.log()}")
        time.sleep(0.2)
    return file


def test_worker_verifies_and_reports_a_damaged_file(portal, submission, celery_worker, small_parts):
    worker = celery_worker()
    good = payload(small_parts + 100, seed=1)
    file = portal.upload(submission, "IMAGES/IMAGE_a/1.dcm", good)
    assert _settled(portal, submission, file["id"], worker)["state"] in ("verified", "scanned")

    damaged = payload(500, seed=2)
    response = portal.api("POST", portal.files_path(submission),
                          json={"path": "IMAGES/IMAGE_b/1.dcm", "size": 500, "sha256": sha256(b"what was meant")})
    bad = response.json()
    portal.send_parts(submission, bad, damaged, [1])
    assert portal.complete(submission, bad["id"]).status_code == 200
    judged = _settled(portal, submission, bad["id"], worker)
    assert (judged["state"], judged["failure"]) == ("error", "user")
    assert judged["error"].endswith("Upload this file again.")
    assert "ingestion.tasks.pipeline.pipeline_step_ingest" in worker.log()
