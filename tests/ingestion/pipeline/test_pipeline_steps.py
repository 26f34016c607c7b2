"""Single behaviours of the pipeline: crypt4gh uploads, the steward's retry, visibility, stuck work, the
work folder's cap and sweep."""

from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import timedelta
from io import StringIO

import pytest
from crypt4gh.keys import get_public_key
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from bigpicture.errors import TransientError
from governance.models import AuditEvent
from ingestion.models import PipelineStep
from ingestion.pipeline import workdir
from ingestion.pipeline.maintenance import stuck_requeue
from ingestion.services.submissions import submission_transition
from ingestion.services.validation import submission_validate
from ingestion.states import FileState, SubmissionState
from tests.governance.factories import dsa_signed
from tests.ingestion.pipeline.pipeline_kit import bundle_uploaded, slide_bundle
from tests.ingestion.review_fixtures import *  # noqa: F401,F403
from tests.repository.crypt4gh_keys import crypt4gh_encrypt, key_files

pytestmark = [pytest.mark.clamd, pytest.mark.django_db(transaction=True)]


def _submitted(submission, contributor, bundle):
    dsa_signed(submission.organisation)
    files = bundle_uploaded(submission, bundle)
    submission_transition(submission=submission, action="submit", actor=contributor)
    submission_validate(submission_id=submission.pk)
    submission.refresh_from_db()
    return files


def _encrypt_slides(bundle, public_key: bytes, *, wrong_plain_checksum: bool = False) -> None:
    """Encrypt each SVS to the repository key and list it as sda-cli users do: checksum of the
    encrypted file, unencrypted_checksum of the plaintext."""
    image_xml = bundle / "METADATA/image.xml"
    tree = etree.parse(str(image_xml))
    for element in tree.iter("FILE"):
        path = bundle / element.get("filename")
        plain = path.read_bytes()
        encrypted = crypt4gh_encrypt(plain, public_key)
        path.write_bytes(encrypted)
        element.set("checksum", hashlib.sha256(encrypted).hexdigest())
        element.set("unencrypted_checksum", "0" * 64 if wrong_plain_checksum else hashlib.sha256(plain).hexdigest())
    tree.write(str(image_xml), xml_declaration=True, encoding="UTF-8")


@pytest.fixture
def repository_key(settings, tmp_path):
    secret, public = key_files(tmp_path)
    settings.CRYPT4GH_SECRET_KEY_FILE, settings.CRYPT4GH_PASSPHRASE = secret, ""
    return get_public_key(str(public))


def test_a_crypt4gh_upload_is_decrypted_scanned_and_converted(eager, local_storage, repository_key, tmp_path,
                                                              submission, contributor):
    bundle = slide_bundle(tmp_path / "b")
    _encrypt_slides(bundle, repository_key)
    files = _submitted(submission, contributor, bundle)
    assert submission.state == SubmissionState.AWAITING_REVIEW, submission.events.last().message
    slide = next(f for f in files if f.path.endswith(".svs"))
    slide.refresh_from_db()
    decrypt = PipelineStep.objects.get(file=slide, name="decrypt")
    assert decrypt.state == "done" and slide.plain_sha256 == decrypt.details["plain_sha256"]
    assert PipelineStep.objects.get(file=slide, name="scan").details["bytes_scanned"] == decrypt.details["plain_size"]
    assert submission.image_jobs.get(active=True).lossless is True


def test_a_wrong_unencrypted_checksum_is_the_contributors_to_fix(eager, local_storage, repository_key, tmp_path,
                                                                  submission, contributor):
    bundle = slide_bundle(tmp_path / "b")
    _encrypt_slides(bundle, repository_key, wrong_plain_checksum=True)
    files = _submitted(submission, contributor, bundle)
    slide = next(f for f in files if f.path.endswith(".svs"))
    slide.refresh_from_db()
    assert (slide.state, slide.failure) == (FileState.ERROR, "user")
    assert "unencrypted_checksum" in slide.error and slide.path in slide.error
    assert submission.state == SubmissionState.UPLOADING  # back to the contributor


def test_a_steward_retries_a_failed_step_from_the_review_page(eager, local_storage, tmp_path, submission,
                                                              contributor, steward, client, monkeypatch):
    from ingestion.pipeline import work

    def broken(step, folder):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(work, "STEP_WORK", {**work.STEP_WORK, "extract": broken})
    _submitted(submission, contributor, slide_bundle(tmp_path / "b"))
    step = PipelineStep.objects.get(job__submission=submission, name="extract")
    assert (step.state, step.failure) == ("failed", "permanent") and "disk on fire" in step.message
    assert submission.state == SubmissionState.PROCESSING  # waits for an operator, not back to the contributor

    client.force_login(steward)
    page = client.get(reverse("ingestion:review", args=[submission.pk])).content.decode()
    assert "disk on fire" in page and "Retry facts and thumbnails" in page
    client.force_login(contributor)
    page = client.get(reverse("ingestion:detail", args=[submission.pk])).content.decode()
    assert "disk on fire" in page and "Retry" not in page  # contributors see it, stewards act
    assert client.post(reverse("ingestion:step_retry", args=[submission.pk, step.pk])).status_code == 403
    api = client.get(f"/api/v1/submissions/{submission.pk}/pipeline/").json()
    assert {s["name"]: s["state"] for s in api["images"][0]["steps"]}["extract"] == "failed"

    monkeypatch.undo()  # the disk is fixed
    client.force_login(steward)
    client.post(reverse("ingestion:step_retry", args=[submission.pk, step.pk]))
    step.refresh_from_db()
    submission.refresh_from_db()
    assert step.state == "done" and step.attempts == 2
    assert submission.state == SubmissionState.AWAITING_REVIEW
    assert AuditEvent.objects.filter(action="pipeline.step_retry").count() == 1


def test_stuck_work_is_listed_and_queued_again(eager, local_storage, tmp_path, submission, contributor,
                                               monkeypatch):
    _submitted(submission, contributor, slide_bundle(tmp_path / "b"))
    step = PipelineStep.objects.get(job__submission=submission, name="handover")
    # As if a worker took the step and vanished: running for two hours, never finished.
    PipelineStep.objects.filter(pk=step.pk).update(state="running", started_at=timezone.now() - timedelta(hours=2),
                                                   finished_at=None)
    out = StringIO()
    call_command("pipeline_status", stdout=out)
    assert f"#{step.pk} handover" in out.getvalue() and "stuck: 1" in out.getvalue()
    assert stuck_requeue() == 1
    step.refresh_from_db()
    assert step.state == "done" and "re-queued" in step.events.filter(to_state="queued").last().message


def test_the_work_folder_cap_makes_a_step_wait(settings, tmp_path):
    settings.PIPELINE_WORK_DIR = tmp_path / "work"
    settings.PIPELINE_WORK_MAX_BYTES = 1024 * 1024
    with workdir.work_area("x") as folder:
        (folder / "held").write_bytes(os.urandom(900 * 1024))
        with pytest.raises(TransientError, match="waits for room"):
            workdir.room_check(200 * 1024, "slide.svs")
    workdir.room_check(200 * 1024, "slide.svs")  # the folder is gone, so there is room again
    with pytest.raises(TransientError, match="raise the cap"):
        workdir.room_check(2 * 1024 * 1024, "huge.svs")


def test_a_starting_worker_sweeps_folders_of_dead_workers(settings, tmp_path):
    settings.PIPELINE_WORK_DIR = tmp_path / "work"
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = workdir.work_root() / f"{dead.pid}-convert-7-abc"
    left.mkdir()
    (left / "partial.dcm").write_bytes(b"half")
    alive = workdir.work_root() / f"{os.getpid()}-scan-8-def"
    alive.mkdir()
    assert workdir.work_sweep() == 1
    assert not left.exists() and alive.exists()
