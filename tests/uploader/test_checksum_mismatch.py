"""What the portal stored must be what the metadata says: a damaged stored part fails that file, by name.

The damage is done on the portal's side between two runs: the first run is killed once
a part of `big0.bin` is stored, one byte of the stored part is flipped in the inbox,
and the second run resumes (it does not send that part again), completes, and the
portal's worker finds the SHA-256 wrong.
"""

from pathlib import Path

import pytest

from bigpicture.storage import storage_for
from ingestion.models import SubmissionFile, UploadPart
from tests.uploader.kit import MiB, bundle_with_big_files, start_and_kill_when, upload

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]
DAMAGED = "ANNOTATIONS/big0.bin"


def stored_part_file(file: SubmissionFile) -> Path:
    """The local backend's unfinished upload: `.<name>.part` beside the inbox name."""
    final = Path(storage_for("inbox").path(file.storage_name))
    return final.with_name(f".{final.name}.part")


def test_damaged_upload_is_reported_naming_the_file(portal, token, cache, tmp_path):
    bundle = bundle_with_big_files(tmp_path, sizes=(4 * MiB,))
    start_and_kill_when(bundle, portal, token, cache=cache, args=("--parallel", "1", "--limit-rate", "2M"),
                        arrived=lambda: UploadPart.objects.filter(file__path=DAMAGED, number=1).exists())
    part_file = stored_part_file(SubmissionFile.objects.get(path=DAMAGED))
    with open(part_file, "r+b") as handle:
        first = handle.read(1)
        handle.seek(0)
        handle.write(bytes([first[0] ^ 0xFF]))

    run = upload(bundle, portal, token, cache=cache)
    assert run.code == 1, run.stdout + run.stderr
    failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and DAMAGED in failed[0], run.stdout
    assert "1 failed" in run.stdout
    assert SubmissionFile.objects.get(path=DAMAGED).state == "error"
    assert SubmissionFile.objects.exclude(path=DAMAGED).exclude(state__in=("verified", "scanned")).count() == 0

    # The next run sends the refused file again, whole, and it is verified.
    again = upload(bundle, portal, token, "--json", cache=cache)
    assert again.code == 0, again.stdout
    assert again.by_path()[DAMAGED]["bytes_sent"] == 4 * MiB
