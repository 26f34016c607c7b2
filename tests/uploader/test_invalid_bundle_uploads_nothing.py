"""An invalid bundle stops the uploader before it sends anything: exit 2, the validator's messages."""

import pytest

from ingestion.models import Submission, SubmissionFile
from tests.repository.metaflex_bundles import BundleBuilder
from tests.uploader.kit import upload


def broken_bundle(base):
    builder = BundleBuilder(base)
    builder.remove("image", "IMAGE[@alias='img1']/IMAGE_TYPE")
    root = builder.write()
    (root / "IMAGES" / "stray.bin").write_bytes(b"not listed anywhere")
    return root


@pytest.mark.postgres
def test_invalid_bundle_is_reported_and_nothing_is_uploaded(live_server, tmp_path):
    bundle = broken_bundle(tmp_path)
    run = upload(bundle, live_server.url, "any-token", cache=tmp_path / "cache")
    assert run.code == 2, run.stderr
    assert "IMAGES/stray.bin" in run.stdout and "file.unlisted" in run.stdout
    assert "METADATA/image.xml" in run.stdout
    assert "nothing was uploaded" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()
    assert not (tmp_path / "cache").exists()  # no submission remembered either


@pytest.mark.postgres
def test_invalid_bundle_json_report_carries_the_validation(live_server, tmp_path):
    run = upload(broken_bundle(tmp_path), live_server.url, "any-token", "--json", cache=tmp_path / "cache")
    assert run.code == 2
    report = run.report
    assert report["ok"] is False and report["files"] == [] and report["bytes_sent"] == 0
    rules = {p["rule"] for p in report["validation"]["problems"]}
    assert "file.unlisted" in rules
    assert not Submission.objects.exists()
