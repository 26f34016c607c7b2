"""Fixtures of the de-identification tests: an organisation's real keys and synthetic slides."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from ingestion.deid.context import DeidContext, DeidPolicy
from repository.synthetic.dicom import write_dicom_wsi
from repository.synthetic.svs import write_svs
from tests.access.factories import OrganisationFactory

PATIENT_NAME = "DEMO^PATIENT"
SEED = 11
BARCODE = f"BP-DEMO-{SEED}"
PATIENT_ID = f"SYN-PAT-{SEED:06d}"  # what repository.synthetic.dicom writes as PatientID


@pytest.fixture(autouse=True)
def _kek(settings):
    settings.PSEUDONYM_KEK = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def deid_organisation(db):
    return OrganisationFactory()


@pytest.fixture
def make_context(deid_organisation):
    def make(policy: DeidPolicy | None = None, source: str = "") -> DeidContext:
        return DeidContext.for_organisation(deid_organisation, policy=policy, source=source)

    return make


@pytest.fixture(scope="session")
def synthetic_svs(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("svs") / "slide.svs"
    write_svs(path, width=1536, height=1024, seed=SEED, patient_name=PATIENT_NAME, barcode=BARCODE)
    return path


@pytest.fixture(scope="session")
def synthetic_dicom(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dicom") / "slide"
    write_dicom_wsi(folder, width=1536, height=1024, seed=SEED, patient_name=PATIENT_NAME, barcode=BARCODE)
    return folder


def identifying_needles() -> list[bytes]:
    """The fake identifiers, as they could appear in bytes (case is folded by the caller)."""
    return [PATIENT_NAME.encode(), PATIENT_NAME.replace("^", " ").encode(), b"DEMO^", b"PATIENT",
            BARCODE.encode(), PATIENT_ID.encode()]


def assert_no_identifiers(data: bytes, where: str) -> None:
    folded = data.lower()
    for needle in identifying_needles():
        assert needle.lower() not in folded, f"{needle!r} found in {where}"
