"""A real worker builds the public zip once a version is published; the demo waits for it the same way."""

import time

import pytest

from bigpicture.demo import demo_public_exports_wait
from repository.models import DatasetVersion
from repository.services import dataset_import

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def _wait_for_export(version_id: int, timeout: float = 90) -> DatasetVersion:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = DatasetVersion.objects.get(pk=version_id)
        if version.public_export_name:
            return version
        time.sleep(0.2)
    raise AssertionError(f"no public export for version {version_id} within {timeout}s")


def test_publication_has_the_worker_build_the_zip(celery_worker, local_storage, bundle_builder, client):
    worker = celery_worker(MEDIA_ROOT=str(local_storage))
    result = dataset_import(bundle_dir=bundle_builder.write())
    assert result.ok, result.report.format()
    try:
        built = _wait_for_export(result.version.pk)
    except AssertionError:
        raise AssertionError(worker.log()) from None
    assert (local_storage / "public" / built.public_export_name).stat().st_size == built.public_export_size
    assert client.get(f"/datasets/{built.dataset.accession}/metaflex.zip").status_code == 200

    # A demo database from before public exports existed: the demo has the worker catch up.
    DatasetVersion.objects.filter(pk=built.pk).update(public_export_name="", public_export_size=None,
                                                      public_export_sha256="")
    assert demo_public_exports_wait(timeout=90) == (1, 1), worker.log()
