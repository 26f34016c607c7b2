"""Fixtures for DICOMweb: the shared real-WSI dataset, indexed, a live server and API tokens."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from access.models import DicomInstance
from access.services import token_create


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
