"""A bundle whose images are crypt4gh-encrypted to the repository's key uploads as it is.

The uploader has no secret key: it checks such files by their checksum, and the portal checks their
plaintext when they arrive and at validation, as partners' tools prepare them (another tool's bundle).
"""

import re
import time

import pytest
from crypt4gh.keys import get_public_key

from ingestion.models import PipelineStep, Submission
from repository.synthetic.other_tool import OtherTool
from tests.repository.crypt4gh_keys import key_files
from tests.uploader.kit import upload

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker, pytest.mark.clamd]


@pytest.fixture
def repository_key(settings, tmp_path):
    secret, public = key_files(tmp_path)
    settings.CRYPT4GH_SECRET_KEY_FILE, settings.CRYPT4GH_PASSPHRASE = secret, ""
    return secret, public


def test_encrypted_bundle_uploads_and_validates_on_the_portal(live_server, settings, clamd_server, celery_worker,
                                                             contributor, token, cache, repository_key, tmp_path):
    secret, public = repository_key
    settings.INGESTION_PART_SIZE = 1 << 20
    celery_worker(INGESTION_PART_SIZE=str(1 << 20), CRYPT4GH_SECRET_KEY_FILE=str(secret), CRYPT4GH_PASSPHRASE="")
    tool = OtherTool(name="DATASET_sent_encrypted", alias="sent-encrypted", observers=False,
                     encrypt_to=get_public_key(str(public)), slides=True)
    bundle = tool.write(tmp_path / "bundles")
    assert any(p.read_bytes()[:8] == b"crypt4gh" for p in bundle.rglob("*.svs"))

    run = upload(bundle, live_server.url, token, "--submit", "--json", cache=cache)
    assert run.code == 0, run.stdout + run.stderr
    assert all(f["state"] in ("verified", "scanned") for f in run.report["files"])

    submission = Submission.objects.get(pk=run.report["submission"])
    deadline = time.monotonic() + 120
    while submission.state not in ("awaiting_review", "uploading") and time.monotonic() < deadline:
        time.sleep(0.5)
        submission.refresh_from_db()
    steps = [(s.name, s.state, s.message) for s in PipelineStep.objects.filter(job__submission=submission)]
    assert submission.state == "awaiting_review", (submission.state, steps, submission.events.last().message)
    assert submission.report["ok"] is True


def test_without_the_metadata_plaintext_checksum_it_stops_before_sending(live_server, contributor, token, cache,
                                                                        repository_key, tmp_path):
    _, public = repository_key
    bundle = OtherTool(name="DATASET_no_plain_sum", alias="no-plain-sum", observers=False,
                       encrypt_to=get_public_key(str(public))).write(tmp_path / "bundles")
    image_xml = bundle / "METADATA" / "image.xml"
    text = image_xml.read_text()
    assert "unencrypted_checksum" in text
    image_xml.write_text(re.sub(r'\s+unencrypted_checksum="[^"]*"', "", text))
    run = upload(bundle, live_server.url, token, cache=cache)
    assert run.code == 2, run.stdout + run.stderr
    assert "needs unencrypted_checksum" in run.stdout + run.stderr
    assert not Submission.objects.exists()
