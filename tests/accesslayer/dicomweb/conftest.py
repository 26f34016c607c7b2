"""Fixtures for DICOMweb: the shared real-WSI dataset, indexed, a live server and API tokens."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from access.applications.commands import application_command
from access.models import DicomInstance
from access.services import token_create
from tests.access.factories import UserFactory


@pytest.fixture
def indexed(wsi_version):
    """The direct-access version with its DICOM instances indexed (as the publication task does)."""
    call_command("dicomweb_index", wsi_version.dataset.accession)
    assert DicomInstance.objects.filter(version=wsi_version).exists()
    return wsi_version


def bearer(user) -> dict[str, str]:
    _, plaintext = token_create(user=user, name="dicomweb test", days=7)
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def dicomweb_url(live_server) -> str:
    return f"{live_server.url}/dicomweb"


@pytest.fixture
def slide_uids(indexed) -> tuple[str, str]:
    """(study, series) of the first image's slide."""
    row = DicomInstance.objects.filter(version=indexed, flavor="VOLUME").order_by("image__alias", "pk").first()
    return row.study_uid, row.series_uid


def entitle(dataset, user):
    """An application for `dataset` by `user`, approved through the command engine; returns it and
    its handler (who may revoke it)."""
    item = dataset.catalogue_items.get(ended_at__isnull=True)
    handler = UserFactory()
    item.workflow.handlers.add(handler)
    application = application_command(application=None, command="create", actor=user,
                                      catalogue_items=[item.pk]).application
    for command, actor in (("submit", user), ("approve", handler)):  # the imported item has no licenses
        application_command(application=application, command=command, actor=actor)
    application.refresh_from_db()
    return application, handler
