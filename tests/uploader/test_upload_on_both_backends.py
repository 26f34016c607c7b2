"""The same command on local storage and on S3 (moto): on S3 the parts go to presigned URLs, past the portal.

Afterwards the inbox holds exactly the bundle's files, and no unfinished upload is left.
"""

import pytest

from ingestion.models import SubmissionFile
from tests.uploader.kit import MiB, bundle_with_big_files, upload

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


@pytest.fixture
def portal_on(storage_backend, live_server, settings, celery_worker):
    """S3 takes parts of 5 MiB at least (all but the last); the local endpoint takes 1 MiB."""
    part_size = 5 * MiB if storage_backend.backend == "s3" else MiB
    settings.INGESTION_PART_SIZE = part_size
    celery_worker(INGESTION_PART_SIZE=str(part_size))
    return live_server.url, part_size


def test_upload_lands_in_the_inbox(portal_on, storage_backend, token, cache, tmp_path):
    url, part_size = portal_on
    bundle = bundle_with_big_files(tmp_path, sizes=(int(6.5 * MiB),))
    run = upload(bundle, url, token, "--parallel", "2", "--json", cache=cache)
    assert run.code == 0, run.stdout + run.stderr
    files = run.by_path()
    assert all(f["state"] in ("verified", "scanned") for f in files.values())
    big = files["ANNOTATIONS/big0.bin"]
    assert big["parts_sent"] == -(-big["size"] // part_size) and big["bytes_sent"] == big["size"]
    inbox = storage_backend.objects("inbox")
    assert not [name for name in inbox if "unfinished" in name or name.endswith(".part")], inbox
    names = {f"inbox/{f.storage_name}" for f in SubmissionFile.objects.all()}
    assert names == inbox and len(names) == len(files)
