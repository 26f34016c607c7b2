"""A refused or rolled-back import leaves no object in archive or public storage (local and S3).

Files are archived early in an import, and checks that can still refuse it run
later: an unknown COMPLEMENTS_DATASET_REF, a database error on a late row, a
failure while publishing. Each must leave storage as it found it, even when the
commit hooks are run.
"""

import pytest
from django.db import DatabaseError, connection

from bigpicture.errors import UserError
from bigpicture.models import StorageJournal
from repository import models as m
from repository.services import dataset_import
from tests.repository.metaflex_bundles import BundleBuilder, build_bundle


@pytest.fixture
def refused(db, django_capture_on_commit_callbacks):
    """Import and expect a refusal, whichever way it comes: a report with errors, or an error."""

    def run(bundle, **options) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                result = dataset_import(bundle_dir=bundle, **options)
            except (DatabaseError, UserError):
                pass
            else:
                assert not result.ok, "the import was expected to be refused"
        assert not m.Dataset.objects.exists()

    return run


def assert_storage_untouched(storage_backend) -> None:
    assert storage_backend.objects("archive", "public") == set()
    assert not StorageJournal.objects.exists()


def test_unknown_complemented_dataset(refused, storage_backend, tmp_path):
    builder = BundleBuilder(tmp_path)
    dataset = builder.find("dataset", "/DATASET_SET/DATASET")
    dataset.find("ATTRIBUTES").addprevious(dataset.makeelement(
        "COMPLEMENTS_DATASET_REF", {"alias": "other", "accession": "bp-dataset-zzzzzz-zzzzzz"}))
    refused(builder.write(), allow_accessions=True)
    assert_storage_untouched(storage_backend)


@pytest.mark.postgres
def test_database_error_on_a_row_after_the_files(refused, storage_backend, tmp_path):
    # Observations are written after every image and annotation file is archived.
    builder = BundleBuilder(tmp_path)
    long_alias = "o" * 300
    builder.find("observation", "OBSERVATION[@alias='obsv1']").set("alias", long_alias)
    builder.find("dataset", "DATASET/OBSERVATION_REF[@alias='obsv1']").set("alias", long_alias)
    refused(builder.write())
    assert_storage_untouched(storage_backend)


@pytest.mark.postgres
def test_failure_while_publishing(refused, storage_backend, tmp_path):
    # A real constraint that only publishing violates: archive and public files are all written by then.
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {m.DatasetVersion._meta.db_table} "
                       "ADD CONSTRAINT test_never_published CHECK (published_at IS NULL)")
    refused(build_bundle(tmp_path))
    assert_storage_untouched(storage_backend)


def test_dry_run(db, storage_backend, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = dataset_import(bundle_dir=build_bundle(tmp_path), dry_run=True)
    assert result.ok and result.dry_run
    assert not m.Dataset.objects.exists()
    assert_storage_untouched(storage_backend)

