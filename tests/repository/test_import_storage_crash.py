"""A crash leaves nothing the storage sweep cannot clear (local and S3 storage).

- killed before its commit: the import's staged objects and partial writes are
  deleted by the sweep, and the database has no trace of the dataset;
- died after its commit but before moving its files: the journal says what was
  committed, and the sweep moves each file into place and verifies it.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from bigpicture.models import StorageJournal
from bigpicture.objects import object_digest
from bigpicture.staging import storage_sweep
from bigpicture.storage import storage_for
from repository import models as m
from repository.services import dataset_import
from tests.repository.metaflex_bundles import BundleBuilder, build_bundle
from tests.workerkit.process import _database_url_of_test_db

ROOT = Path(__file__).resolve().parents[2]
BIG = 96 * 1024 * 1024  # long enough to copy that the test sees it half done


def _bundle_with_a_big_file(base: Path) -> Path:
    builder = BundleBuilder(base)
    file_el = builder.find("annotation", "ANNOTATION/FILES/FILE")
    big = b'{"type": "FeatureCollection", "features": [], "padding": "' + b" " * BIG + b'"}'
    file_el.set("checksum", builder.data_file(file_el.get("filename"), big))
    return builder.write()


def _kill_while_writing(command: list[str], storage_backend, log: Path) -> None:
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": _database_url_of_test_db()},
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 300
    try:
        while not storage_backend.writing("archive"):
            if proc.poll() is not None:
                pytest.fail(f"the import ended (exit {proc.returncode}) before it could be killed:\n"
                            f"{log.read_text(errors='replace')[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail("the import did not start writing into the archive within 300 s")
            time.sleep(0.002)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)


@pytest.mark.slow
@pytest.mark.postgres
def test_import_killed_while_archiving(transactional_db, storage_backend, tmp_path):
    bundle = _bundle_with_a_big_file(tmp_path / "bundle")
    _kill_while_writing([sys.executable, "manage.py", "import_metaflex", str(bundle)], storage_backend,
                        tmp_path / "import.log")
    assert storage_backend.writing("archive"), "the kill should have cut a copy short"
    assert not m.Dataset.objects.exists() and not m.Accession.objects.exists()
    assert not StorageJournal.objects.exists()

    call_command("storage_sweep", "--grace", "0")

    assert storage_backend.objects("archive", "public") == set()


def test_commit_whose_moves_never_ran(db, storage_backend, tmp_path):
    # A db test's transaction never commits, so the import's commit hook never runs: the state a
    # process leaves when it dies right after COMMIT. Its journal rows are visible to this connection.
    result = dataset_import(bundle_dir=build_bundle(tmp_path))
    assert result.ok
    files = [*m.ImageFile.objects.all(), *m.AnnotationFile.objects.all()]
    samples = result.version.summary["sample_images"]
    assert files and samples and StorageJournal.objects.exists()
    assert not any(storage_for("archive").exists(f.storage_name) for f in files)

    swept = storage_sweep()  # completing committed moves does not wait for the grace period

    assert swept.failed == 0 and swept.moved == len(files) + len(samples)
    for file in files:
        assert object_digest(storage_for("archive"), file.storage_name) == (file.checksum, file.size)
    for sample in samples:
        digest, _ = object_digest(storage_for("public"), sample["name"])
        assert digest in sample["name"]
    assert not StorageJournal.objects.exists()
    stored = {f"archive/{f.storage_name}" for f in files} | {f"public/{s['name']}" for s in samples}
    assert storage_backend.objects("archive", "public") == stored
