"""Registration refuses unsafe paths, files over the size limit, quotas exceeded and duplicate checksums."""

from __future__ import annotations

import pytest

from ingestion.models import SubmissionFile
from tests.ingestion.uploadkit import payload, sha256


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "C:\\x", "a/../../b", "IMAGES/\x1b.dcm", "//server/share"])
def test_paths_that_escape_the_bundle_are_refused(portal, submission, path):
    response = portal.api("POST", portal.files_path(submission), json={"path": path, "size": 1})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "path.unsafe"
    assert "path inside the bundle" in response.json()["detail"] or "control" in response.json()["detail"]
    assert not SubmissionFile.objects.exists()


def test_paths_are_sanitised(portal, submission):
    response = portal.api("POST", portal.files_path(submission), json={"path": "IMAGES\\IMAGE_a//./Cafe\u0301.dcm",
                                                                       "size": 1})
    assert response.status_code == 201, response.text
    assert response.json()["path"] == "IMAGES/IMAGE_a/Caf\u00e9.dcm"
    stored = SubmissionFile.objects.get()
    assert stored.storage_name == f"submissions/{submission.pk}/{stored.pk}"  # never the client's path


def test_file_over_the_size_limit_says_the_limit(portal, submission, settings):
    settings.INGESTION_MAX_FILE_BYTES = 1000
    response = portal.api("POST", portal.files_path(submission), json={"path": "IMAGES/big.dcm", "size": 1001})
    assert response.status_code == 413
    body = response.json()
    assert (body["code"], body["limit"]) == ("file.too_large", 1000)
    assert "the largest file accepted is 1000 bytes (1,000 bytes)" in body["detail"]


def test_organisation_quota_is_enforced_and_says_the_quota(portal, submission, settings):
    settings.INGESTION_DEFAULT_QUOTA_BYTES = 5000
    assert portal.register(submission, "IMAGES/a.dcm", payload(3000, seed=1)).status_code == 201
    response = portal.register(submission, "IMAGES/b.dcm", payload(3000, seed=2))
    assert response.status_code == 413
    body = response.json()
    assert (body["code"], body["limit"], body["used"]) == ("quota.exceeded", 5000, 3000)
    assert "its quota is 4.9 KB (5,000 bytes)" in body["detail"]
    # Replacing a file frees its own bytes first.
    assert portal.register(submission, "IMAGES/a.dcm", payload(4000, seed=3)).status_code == 201


def test_quota_from_the_organisation_wins(portal, submission, organisation, settings):
    if not hasattr(organisation, "upload_quota_bytes"):
        pytest.skip("Organisation.upload_quota_bytes arrives with the people branch")
    organisation.upload_quota_bytes = 100
    organisation.save()
    assert portal.register(submission, "IMAGES/a.dcm", payload(101)).status_code == 413


def test_same_checksum_at_another_path_is_a_duplicate(portal, submission):
    data = payload(100, seed=4)
    first = portal.register(submission, "IMAGES/IMAGE_a/1.dcm", data).json()
    response = portal.register(submission, "IMAGES/IMAGE_b/1.dcm", data)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "file.duplicate"
    assert body["duplicate"] == {"id": first["id"], "path": "IMAGES/IMAGE_a/1.dcm"}
    assert "IMAGES/IMAGE_b/1.dcm has the same SHA-256 as IMAGES/IMAGE_a/1.dcm" in body["detail"]


def test_bad_checksum_text_is_refused(portal, submission):
    response = portal.api("POST", portal.files_path(submission), json={"path": "a.xml", "size": 1, "sha256": "x"})
    assert (response.status_code, response.json()["code"]) == (400, "sha256.invalid")
    response = portal.api("POST", portal.files_path(submission), json={"path": "a.xml", "size": -1,
                                                                       "sha256": sha256(b"")})
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["detail"].startswith("size: ")
