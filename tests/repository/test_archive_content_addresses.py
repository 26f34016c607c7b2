"""Objects at content addresses are verified before reuse, and an import leaves every file in place.

Runs on local and S3 storage. The object at a content address is checked (size
and SHA-256) before an import reuses it; a truncated one, as a crash of older
code could leave, is replaced and the log says so.
"""

import logging

import pytest

from bigpicture.models import StorageJournal
from bigpicture.objects import object_digest
from bigpicture.storage import storage_for
from repository import models as m
from repository.services import dataset_import
from tests.repository.metaflex_bundles import BundleBuilder


@pytest.fixture
def committed_import(db, django_capture_on_commit_callbacks):
    """dataset_import, then what its commit runs (a db test never commits)."""

    def run(bundle, **options):
        with django_capture_on_commit_callbacks(execute=True):
            result = dataset_import(bundle_dir=bundle, **options)
        assert result.ok, result.report.format()
        return result

    return run


def test_every_file_is_in_place_and_nothing_is_staged(committed_import, storage_backend, tmp_path):
    result = committed_import(BundleBuilder(tmp_path).write())
    files = [*m.ImageFile.objects.all(), *m.AnnotationFile.objects.all()]
    samples = result.version.summary["sample_images"]
    assert files and samples
    for file in files:
        assert object_digest(storage_for("archive"), file.storage_name) == (file.checksum, file.size)
        with storage_for("archive").open(file.storage_name, "rb") as handle:
            assert len(handle.read()) == file.size
    for sample in samples:
        digest, _ = object_digest(storage_for("public"), sample["name"])
        assert digest in sample["name"]
    stored = {f"archive/{f.storage_name}" for f in files} | {f"public/{s['name']}" for s in samples}
    assert storage_backend.objects("archive", "public") == stored  # nothing staged, nothing else
    assert not StorageJournal.objects.exists()


def test_truncated_object_is_replaced_on_the_next_import(committed_import, storage_backend, tmp_path, caplog):
    committed_import(BundleBuilder(tmp_path / "v1").write())
    image_file = m.ImageFile.objects.order_by("pk").first()
    original = storage_backend.truncate("archive", image_file.storage_name)
    assert object_digest(storage_for("archive"), image_file.storage_name)[1] == len(original) // 2

    builder = BundleBuilder(tmp_path / "v2")
    builder.find("dataset", "DATASET/TITLE").text = "Test dataset of skin biopsies, second version"
    with caplog.at_level(logging.WARNING, logger="repository.services.archive"):
        second = committed_import(builder.write())

    assert second.version.number == 2
    assert f"{image_file.storage_name} does not match its content address" in caplog.text
    assert object_digest(storage_for("archive"), image_file.storage_name) == (image_file.checksum, len(original))
    reused = m.ImageFile.objects.filter(image__version=second.version, checksum=image_file.checksum).get()
    assert reused.storage_name == image_file.storage_name and reused.size == len(original)
    assert not any("_staging/" in name for name in storage_backend.objects("archive", "public"))
