"""After a connection drops mid-part, registering again returns the same file and only missing parts are sent."""

from __future__ import annotations

from tests.ingestion.pipelinekit import file_verify
from tests.ingestion.uploadkit import payload, send_cut_short, sha256


def test_resume_after_a_part_was_cut_short(portal, submission, storage_backend, small_parts):
    data = payload(3 * small_parts + 999, seed=1)
    file = portal.register(submission, "IMAGES/IMAGE_a/big.dcm", data).json()
    portal.send_parts(submission, file, data, [1, 2])
    [third] = portal.part_urls(submission, file["id"], [3])
    part = data[2 * small_parts:3 * small_parts]
    answer = send_cut_short(third["url"], part, len(part) // 2)
    if storage_backend.backend == "local":
        assert b" 400 " in answer.split(b"\r\n", 1)[0] and b"part.incomplete" in answer

    # The uploader starts again: the same registration answers 200 with what the server holds.
    resumed = portal.register(submission, "IMAGES/IMAGE_a/big.dcm", data)
    assert resumed.status_code == 200, resumed.text
    resumed = resumed.json()
    assert resumed["id"] == file["id"]
    assert [(p["number"], p["size"]) for p in resumed["parts"]] == [(1, small_parts), (2, small_parts)]
    assert portal.missing_parts(resumed) == [3, 4]

    portal.send_parts(submission, resumed, data, [3])
    [listed] = portal.api("GET", portal.files_path(submission)).json()
    assert listed["received_bytes"] >= 2 * small_parts  # S3's parts are recorded when the next URLs are asked for
    portal.send_parts(submission, resumed, data, [4])
    assert portal.complete(submission, file["id"]).json()["state"] == "uploaded"
    assert (file_verify(file_id=file["id"]).computed_sha256) == sha256(data)
