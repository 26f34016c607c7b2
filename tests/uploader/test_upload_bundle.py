"""A valid bundle uploads in parallel, every file is verified by the portal, and a second run sends nothing."""

import pytest

from ingestion.models import Submission, SubmissionFile
from tests.uploader.kit import MiB, bundle_listing, bundle_with_big_files, inbox_listing, upload

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


def test_bundle_uploads_and_verifies(portal, token, cache, tmp_path):
    bundle = bundle_with_big_files(tmp_path)
    before = bundle_listing(bundle)
    run = upload(bundle, portal, token, "--parallel", "3", "--json", cache=cache)
    assert run.code == 0, run.stdout + run.stderr
    report = run.report
    assert report["ok"] is True and report["url"] == portal
    files = run.by_path()
    on_disk = {p for p in before if (bundle / p).is_file()}
    assert set(files) == on_disk
    for path, entry in files.items():
        assert entry["state"] in ("verified", "scanned") and entry["error"] is None, entry
        assert entry["size"] == (bundle / path).stat().st_size
        assert entry["bytes_sent"] == entry["size"] and entry["parts_skipped"] == 0
    assert files["ANNOTATIONS/big0.bin"]["parts_sent"] == 5  # 4.5 MiB in 1 MiB parts
    assert report["bytes_sent"] == sum(f["size"] for f in files.values()) > 7 * MiB

    submission = Submission.objects.get(pk=report["submission"])
    assert submission.state == "uploading"
    stored = {f.path: f for f in SubmissionFile.objects.filter(submission=submission)}
    assert set(stored) == on_disk
    assert all(stored[p].state in ("verified", "scanned") and stored[p].sha256 == files[p]["sha256"] for p in stored)
    inbox = inbox_listing()
    assert all(f.storage_name in inbox for f in stored.values())
    assert not [name for name in inbox if name.endswith(".part")]  # no unfinished part files left
    assert bundle_listing(bundle) == before  # nothing written into the bundle
    assert (cache / "bigpicture-upload" / "state.json").is_file()

    again = upload(bundle, portal, token, "--json", cache=cache)
    assert again.code == 0 and again.report["submission"] == report["submission"]
    assert again.report["bytes_sent"] == 0
    assert all(f["parts_sent"] == 0 and f["state"] in ("verified", "scanned") for f in again.report["files"])


def test_text_report_and_submit(portal, token, cache, tmp_path):
    bundle = bundle_with_big_files(tmp_path, sizes=(2 * MiB,))
    run = upload(bundle, portal, token, "--submit", cache=cache)
    assert run.code == 0, run.stdout + run.stderr
    assert "0 failed" in run.stdout and "Submission " in run.stdout
    submission = Submission.objects.get()
    assert submission.state != "uploading"  # submitted: validating, then onwards
    assert submission.events.filter(action="submit").exists()
