"""A token the portal refuses ends the run with exit 3 and a message saying what to do."""

import pytest

from ingestion.models import Submission
from tests.repository.metaflex_bundles import build_bundle
from tests.uploader.kit import upload

pytestmark = pytest.mark.postgres


def test_wrong_token_exits_3_with_a_message(live_server, contributor, tmp_path):
    run = upload(build_bundle(tmp_path), live_server.url, "bp_not-a-real-token", cache=tmp_path / "cache")
    assert run.code == 3, run.stdout + run.stderr
    assert "refused the token" in run.stderr and "--token" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not Submission.objects.exists()


def test_wrong_token_json(live_server, contributor, tmp_path):
    run = upload(build_bundle(tmp_path), live_server.url, "bp_not-a-real-token", "--json",
                 cache=tmp_path / "cache")
    assert run.code == 3 and run.report["ok"] is False and "refused the token" in run.report["error"]
