"""Replacing a file (same path, other content) or removing it retires the row and deletes its inbox object."""

from __future__ import annotations

from governance.models import AuditEvent
from ingestion.models import SubmissionFile
from tests.ingestion.uploadkit import payload


def test_replace_then_remove(portal, submission, storage_backend, small_parts):
    old = portal.upload(submission, "IMAGES/IMAGE_a/1.dcm", payload(1000, seed=1))
    # A new version of the file, left half-sent (so an unfinished upload exists too).
    data = payload(small_parts + 5, seed=2)
    response = portal.register(submission, "IMAGES/IMAGE_a/1.dcm", data)
    assert response.status_code == 201
    new = response.json()
    portal.send_parts(submission, new, data, [1])
    assert SubmissionFile.objects.get(pk=old["id"]).state == "replaced"
    assert storage_backend.objects("inbox") <= {
        f"inbox/submissions/{submission.pk}/.{new['id']}.part",
        f"inbox/submissions/{submission.pk}/{new['id']} (unfinished upload)"}

    response = portal.api("DELETE", f"{portal.files_path(submission)}{new['id']}/")
    assert (response.status_code, response.json()["state"]) == (200, "removed")
    assert storage_backend.objects("inbox") == set()
    assert portal.api("GET", portal.files_path(submission)).json() == []
    history = SubmissionFile.objects.filter(submission=submission).order_by("created")
    assert [f.state for f in history] == ["replaced", "removed"]
    assert [e.to_state for e in history[1].events.all()] == ["registered", "removed"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"submission.file_replaced", "submission.file_removed"} <= actions

    again = portal.api("DELETE", f"{portal.files_path(submission)}{new['id']}/")
    assert (again.status_code, again.json()["code"]) == (409, "file.state")
