"""Usage, address and token problems end with exit 3 and a message, never a traceback."""

import subprocess

import pytest

from tests.repository.metaflex_bundles import build_bundle
from tests.uploader.kit import UPLOADER, upload, uploader_env


def no_traceback(run):
    assert "Traceback" not in run.stdout + run.stderr


def test_missing_bundle_folder(tmp_path):
    run = upload(tmp_path / "nowhere", "http://127.0.0.1:9", "t", cache=tmp_path / "cache")
    assert run.code == 3 and "is not a folder" in run.stderr
    no_traceback(run)


def test_bad_option_is_a_usage_error_not_an_invalid_bundle(tmp_path):
    done = subprocess.run([str(UPLOADER), str(tmp_path), "--parallel", "many"], capture_output=True, text=True,
                          env=uploader_env(tmp_path / "cache"))
    assert done.returncode == 3 and "--parallel" in done.stderr


def test_portal_unreachable(tmp_path):
    bundle = build_bundle(tmp_path)
    run = upload(bundle, "http://127.0.0.1:9", "t", "--json", cache=tmp_path / "cache")
    assert run.code == 3
    assert "cannot reach http://127.0.0.1:9" in run.report["error"]
    no_traceback(run)


@pytest.mark.postgres
def test_url_that_is_not_a_portal(live_server, tmp_path):
    bundle = build_bundle(tmp_path)
    run = upload(bundle, f"{live_server.url}/not-here", "t", cache=tmp_path / "cache")
    assert run.code == 3 and "too old" in run.stderr
    no_traceback(run)
