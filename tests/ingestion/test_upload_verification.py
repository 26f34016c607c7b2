"""The checksum step: a wrong checksum, duplicate content or a crypt4gh file for another key ends in error."""

from __future__ import annotations

from crypt4gh.keys import get_public_key
from django.test import override_settings

from ingestion.models import SubmissionFile
from tests.ingestion.pipelinekit import file_verify
from tests.ingestion.uploadkit import payload, sha256
from tests.repository.crypt4gh_keys import crypt4gh_encrypt, key_files, keypair


def test_wrong_checksum_ends_in_error_and_the_file_can_be_sent_again(portal, submission):
    data = payload(5000, seed=1)
    response = portal.api("POST", portal.files_path(submission),
                          json={"path": "IMAGES/IMAGE_a/1.dcm", "size": len(data), "sha256": sha256(b"other")})
    file = response.json()
    portal.send_parts(submission, file, data, [1])
    portal.complete(submission, file["id"])
    failed = file_verify(file_id=file["id"])
    assert (failed.state, failed.failure, failed.computed_sha256) == ("error", "user", sha256(data))
    assert failed.error.startswith("IMAGES/IMAGE_a/1.dcm: the SHA-256 of the bytes received is ")
    assert failed.error.endswith("Upload this file again.")
    assert portal.file(submission, file["id"])["error"] == failed.error

    again = portal.upload(submission, "IMAGES/IMAGE_a/1.dcm", data)
    assert again["id"] != file["id"]
    assert file_verify(file_id=again["id"]).state == "verified"
    assert SubmissionFile.objects.get(pk=file["id"]).state == "replaced"


def test_same_content_at_two_paths_is_reported_on_the_second(portal, submission):
    data = payload(3000, seed=2)
    first = portal.upload(submission, "IMAGES/IMAGE_a/1.dcm", data, declare=False)
    second = portal.upload(submission, "IMAGES/IMAGE_b/1.dcm", data, declare=False)
    assert file_verify(file_id=first["id"]).state == "verified"
    duplicate = file_verify(file_id=second["id"])
    assert (duplicate.state, duplicate.failure) == ("error", "user")
    assert duplicate.error == (f"IMAGES/IMAGE_b/1.dcm has the same content (SHA-256 {sha256(data)}) as "
                               "IMAGES/IMAGE_a/1.dcm in this submission; a bundle holds each file once. "
                               "Remove one of the two.")


def test_file_encrypted_to_the_repository_key_is_kept_as_it_is(portal, submission, storage_backend, tmp_path):
    secret, public = key_files(tmp_path)
    encrypted = crypt4gh_encrypt(payload(4000, seed=3), get_public_key(str(public)))
    with override_settings(CRYPT4GH_SECRET_KEY_FILE=secret, CRYPT4GH_PASSPHRASE=""):
        file = portal.upload(submission, "IMAGES/IMAGE_a/1.dcm.c4gh", encrypted)
        verified = file_verify(file_id=file["id"])
        assert (verified.state, verified.computed_sha256) == ("verified", sha256(encrypted))

        other = crypt4gh_encrypt(payload(4000, seed=4), keypair()[1])
        file = portal.upload(submission, "IMAGES/IMAGE_b/1.dcm.c4gh", other)
        refused = file_verify(file_id=file["id"])
    assert refused.state == "error"
    assert "not to this repository's key" in refused.error and "/crypt4gh.pub" in refused.error


def test_verifying_twice_changes_nothing(portal, submission):
    file = portal.upload(submission, "METADATA/dataset.xml", payload(100, seed=5))
    assert file_verify(file_id=file["id"]).state == "verified"
    assert file_verify(file_id=file["id"]).state == "verified"
    assert SubmissionFile.objects.get(pk=file["id"]).events.filter(to_state="verified").count() == 1
