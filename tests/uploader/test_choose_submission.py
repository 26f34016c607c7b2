"""The remembered submission is used again unless --new-submission or --submission ID says otherwise."""

import pytest

from ingestion.models import Submission
from tests.repository.metaflex_bundles import build_bundle
from tests.uploader.kit import upload

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


def test_new_submission_and_explicit_submission(portal, token, cache, tmp_path):
    bundle = build_bundle(tmp_path)
    first = upload(bundle, portal, token, "--json", cache=cache)
    assert first.code == 0, first.stdout + first.stderr
    fresh = upload(bundle, portal, token, "--json", "--new-submission", cache=cache)
    assert fresh.code == 0, fresh.stdout + fresh.stderr
    assert fresh.report["submission"] != first.report["submission"]
    assert fresh.report["bytes_sent"] == first.report["bytes_sent"] > 0
    assert Submission.objects.count() == 2

    back = upload(bundle, portal, token, "--json", "--submission", first.report["submission"], cache=cache)
    assert back.code == 0 and back.report["submission"] == first.report["submission"]
    assert back.report["bytes_sent"] == 0
    # --submission is remembered from now on.
    again = upload(bundle, portal, token, "--json", cache=cache)
    assert again.report["submission"] == first.report["submission"]


def test_unknown_submission_is_a_clear_error(portal, token, cache, tmp_path):
    run = upload(build_bundle(tmp_path), portal, token, "--submission", "00000000-0000-0000-0000-000000000000",
                 cache=cache)
    assert run.code == 3 and "Traceback" not in run.stdout + run.stderr
    assert "submission 00000000-0000-0000-0000-000000000000 is not on" in run.stderr, run.stderr
