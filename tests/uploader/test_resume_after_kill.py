"""Killed mid-upload, the same command continues: only missing parts are sent, at most one part per file twice."""

import pytest
from django.core.signals import request_started

from ingestion.models import UploadPart
from tests.uploader.kit import MiB, PutCounter, bundle_with_big_files, parts_of, start_and_kill_when, upload

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]
PARALLEL = 2


def held_parts() -> dict[str, set[int]]:
    held: dict[str, set[int]] = {}
    for path, number in UploadPart.objects.values_list("file__path", "number"):
        held.setdefault(path, set()).add(number)
    return held


def test_resume_sends_only_missing_parts(portal, token, cache, tmp_path):
    bundle = bundle_with_big_files(tmp_path, sizes=(int(5.5 * MiB), 5 * MiB))
    puts = PutCounter()
    request_started.connect(puts)
    try:
        # Slowed to 2 MiB/s in all, so the kill lands mid-transfer.
        start_and_kill_when(bundle, portal, token, cache=cache, args=("--parallel", str(PARALLEL),
                            "--limit-rate", "2M"), arrived=lambda: UploadPart.objects.filter(
                                file__path__startswith="ANNOTATIONS/big").count() >= 3)
        held = held_parts()
        assert sum(len(numbers) for path, numbers in held.items() if path.startswith("ANNOTATIONS/big")) >= 3
        run = upload(bundle, portal, token, "--parallel", str(PARALLEL), "--json", cache=cache)
    finally:
        request_started.disconnect(puts)
    assert run.code == 0, run.stdout + run.stderr
    files = run.by_path()
    assert all(f["state"] in ("verified", "scanned") for f in files.values())
    parts_total = {path: parts_of(entry["size"]) for path, entry in files.items()}
    for path, entry in files.items():
        assert entry["parts_skipped"] == len(held.get(path, ())) or (
            path not in held and entry["parts_skipped"] in (0, parts_total[path])), (path, entry)
        assert entry["parts_sent"] + entry["parts_skipped"] == parts_total[path]
    assert files["ANNOTATIONS/big0.bin"]["bytes_sent"] < files["ANNOTATIONS/big0.bin"]["size"] or \
        files["ANNOTATIONS/big1.bin"]["bytes_sent"] < files["ANNOTATIONS/big1.bin"]["size"]
    # Every PUT over both runs, against the parts there are: the extra ones were in flight at the kill.
    resent = puts.count - sum(parts_total.values())
    assert 0 <= resent <= PARALLEL, (puts.count, parts_total)
