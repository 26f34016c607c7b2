"""Fixtures for the access layer (viewer, tiles, DICOMweb, WebDAV, downloads): published datasets whose
image files are real multi-level DICOM WSI, and users with and without an entitlement.

The bundles are written once per test session (wsidicomizer is slow); each test imports them into
its own database and storage with `import_metaflex`, which publishes at once and offers the dataset
through a catalogue item (so `approve` makes an entitled user).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command

from access.applications.commands import application_command
from access.models import Application
from access.selectors.pixels import lookups_forget
from access.services.pixel_audit import pixel_audit_forget
from bigpicture.storage import storage_settings
from repository.models import DatasetVersion, Image
from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle
from tests.access.factories import UserFactory

# Base level 2048 x 1536 in 256-pixel tiles; wsidicomizer keeps the SVS levels, each 4x smaller.
DIRECT_SPEC = BundleSpec(alias="viewer-direct", title="Viewer test slides", short_name="Viewer",
                         description="Three real DICOM WSI slides in two cases.", cases=2, slides_per_case=2,
                         images=3, image_files="dicom", seed=41)
INDIRECT_SPEC = BundleSpec(alias="viewer-indirect", title="Indirect slides", short_name="Indirect",
                           description="Analysis inside the repository only.", clinical=False, cases=1,
                           image_files="stub", seed=42, organisation_name="Other Test Hospital")


@pytest.fixture(autouse=True)
def _fresh_caches(settings):
    # Every read written at once, so a test sees each count in the database.
    settings.PIXEL_AUDIT_FLUSH_SECONDS = 0
    caches["default"].clear()
    lookups_forget()
    pixel_audit_forget()
    yield
    caches["default"].clear()
    lookups_forget()
    pixel_audit_forget()


@pytest.fixture(scope="session")
def wsi_bundles(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("accesslayer-bundles")
    return {"direct": write_synthetic_bundle(root, DIRECT_SPEC), "indirect": write_synthetic_bundle(root, INDIRECT_SPEC)}


@pytest.fixture
def archive_storage(settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)
    return tmp_path / "media"


def _import(bundle: Path, capture_on_commit) -> DatasetVersion:
    # The archive objects move from staging to their names on commit: run those hooks here.
    with capture_on_commit(execute=True):
        call_command("import_metaflex", str(bundle))
    version = DatasetVersion.objects.select_related("dataset").get(alias=bundle.name.removeprefix("DATASET_"))
    return version


@pytest.fixture
def wsi_version(db, archive_storage, wsi_bundles, django_capture_on_commit_callbacks) -> DatasetVersion:
    """A published, released, direct-access version with three real DICOM WSI images."""
    return _import(wsi_bundles["direct"], django_capture_on_commit_callbacks)


@pytest.fixture
def indirect_version(db, archive_storage, wsi_bundles, django_capture_on_commit_callbacks) -> DatasetVersion:
    """A published, indirect-access version (one stub DICOM image)."""
    return _import(wsi_bundles["indirect"], django_capture_on_commit_callbacks)


@pytest.fixture
def wsi_image(wsi_version) -> Image:
    return Image.objects.filter(version=wsi_version).order_by("alias").first()


@pytest.fixture
def dac_handler(wsi_version):
    """A handler of the DAC that reviews applications for the direct dataset."""
    handler = UserFactory()
    wsi_version.dataset.catalogue_items.get(ended_at__isnull=True).workflow.handlers.add(handler)
    return handler


@pytest.fixture
def entitled_application(wsi_version, dac_handler) -> Application:
    """An application for the direct dataset, run through the command engine: created, submitted and
    approved by the DAC's handler (the imported catalogue item asks no license). Its applicant is entitled."""
    item = wsi_version.dataset.catalogue_items.get(ended_at__isnull=True)
    applicant = UserFactory()
    application = application_command(application=None, command="create", actor=applicant,
                                      catalogue_items=[item.pk]).application
    for command, actor in (("submit", applicant), ("approve", dac_handler)):
        application_command(application=application, command=command, actor=actor)
    application.refresh_from_db()
    return application


@pytest.fixture
def entitled_user(entitled_application):
    return entitled_application.applicant


def revoke(application: Application, handler) -> None:
    """Revokes `application` the way a DAC does: its handler runs the revoke command."""
    application_command(application=application, command="revoke", actor=handler,
                        comment="Access revoked: the data use agreement was breached.")


@pytest.fixture
def unentitled_user(db):
    return UserFactory()
