"""A file goes up in parts over HTTP, is assembled in the inbox under its own name, and verifies."""

from __future__ import annotations

from ingestion.models import Submission, SubmissionFile
from tests.ingestion.pipelinekit import file_verify
from tests.ingestion.uploadkit import payload, sha256


def test_upload_in_parts_lands_in_the_inbox_and_verifies(portal, submission, storage_backend, small_parts):
    data = payload(2 * small_parts + 12345)
    registered = portal.register(submission, "IMAGES/IMAGE_a/1.dcm", data)
    assert registered.status_code == 201, registered.text
    file = registered.json()
    assert (file["state"], file["parts_total"], file["part_size"], file["parts"]) == ("registered", 3, small_parts, [])
    assert Submission.objects.get(pk=submission.pk).state == "uploading"

    portal.send_parts(submission, file, data, [1, 2, 3])
    assert [p["number"] for p in portal.file(submission, file["id"])["parts"]] == [1, 2, 3]
    completed = portal.complete(submission, file["id"])
    assert completed.status_code == 200, completed.text
    assert completed.json()["state"] == "uploaded"

    name = f"inbox/submissions/{submission.pk}/{file['id']}"
    assert storage_backend.objects("inbox") == {name}  # no part file or unfinished upload is left
    verified = file_verify(file_id=file["id"])
    assert (verified.state, verified.computed_sha256) == ("verified", sha256(data))
    listed = portal.api("GET", portal.files_path(submission)).json()
    assert [(f["path"], f["state"], f["received_bytes"]) for f in listed] == [
        ("IMAGES/IMAGE_a/1.dcm", "verified", len(data))]


def test_zero_byte_file_has_one_empty_part(portal, submission, storage_backend):
    file = portal.upload(submission, "METADATA/empty.txt", b"")
    assert file["parts_total"] == 1
    assert file_verify(file_id=file["id"]).state == "verified"
    assert storage_backend.objects("inbox") == {f"inbox/submissions/{submission.pk}/{file['id']}"}


def test_completing_twice_gives_the_same_answer(portal, submission):
    file = portal.upload(submission, "METADATA/dataset.xml", payload(1000))
    again = portal.complete(submission, file["id"])
    assert (again.status_code, again.json()["state"]) == (200, "uploaded")
    assert SubmissionFile.objects.get(pk=file["id"]).events.filter(to_state="uploaded").count() == 1
