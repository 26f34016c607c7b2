"""Publishing agreement versions and recording signed PDFs: checks, hashes, audit, and storage afterwards."""

import hashlib
import io
import re

import pytest
from django.db import transaction

from access.services import organisation_create
from bigpicture.errors import UserError
from governance.models import AuditEvent, Signature
from governance.services.agreements import PDF_MAX_BYTES, agreement_version_publish, signature_record
from tests.governance.factories import PDF, dsa, pdf_file, signatory, steward


@pytest.fixture
def setting(transactional_db, storage_backend):
    hospital = organisation_create(name="Oslo Pathology", slug="oslo")
    return hospital, dsa(), signatory(hospital), steward(), storage_backend


def record(setting, pdf, **fields):
    hospital, version, signer, recorder, _ = setting
    return signature_record(agreement_version=version, organisation=hospital, signed_by=signer, signed_pdf=pdf,
                            recorded_by=recorder, **fields)


def test_signed_pdf_is_stored_hashed_and_audited(setting):
    signature = record(setting, pdf_file())
    storage = setting[-1]
    assert signature.signed_pdf_sha256 == hashlib.sha256(PDF).hexdigest()
    assert storage.objects("default") == {f"default/{signature.signed_pdf.name}"}
    assert signature.signed_pdf.name.startswith("agreements/bigpicture-dsa/signatures/oslo/")
    with signature.signed_pdf.open("rb") as handle:
        assert handle.read() == PDF
    event = AuditEvent.objects.get(action="agreement.signature_record")
    assert event.detail["sha256"] == signature.signed_pdf_sha256
    assert event.actor_repr == "steward"


@pytest.mark.parametrize(("data", "message"), [
    (b"<html>not a pdf</html>", re.escape("The signed copy is not a PDF (it does not start with %PDF-)")),
    (b"", "is not a PDF"),
])
def test_not_a_pdf_is_refused_and_nothing_stored(setting, data, message):
    with pytest.raises(UserError, match=message):
        record(setting, io.BytesIO(data))
    assert setting[-1].objects("default") == set()
    assert not Signature.objects.exists()


def test_too_large_pdf_is_refused_and_nothing_stored(setting):
    sized = pdf_file(PDF + b"0" * PDF_MAX_BYTES)
    sized.size = len(sized.getvalue())  # like an uploaded file: refused before it is read
    with pytest.raises(UserError, match="a PDF may be at most 20 MiB"):
        record(setting, sized)
    # A plain stream has no size: it is refused once staged, and the staged copy is deleted.
    with pytest.raises(UserError, match="a PDF may be at most 20 MiB"):
        record(setting, pdf_file(PDF + b"0" * PDF_MAX_BYTES))
    assert setting[-1].objects("default") == set()


def test_signer_must_be_a_signatory_and_recorder_a_steward(setting):
    hospital, version, signer, recorder, storage = setting
    with pytest.raises(UserError, match="is not a signatory of Oslo Pathology: give them the signatory role"):
        signature_record(agreement_version=version, organisation=hospital, signed_by=recorder,
                         signed_pdf=pdf_file(), recorded_by=recorder)
    with pytest.raises(UserError, match="Only a data steward"):
        signature_record(agreement_version=version, organisation=hospital, signed_by=signer,
                         signed_pdf=pdf_file(), recorded_by=signer)
    assert storage.objects("default") == set()


def test_rolled_back_transaction_leaves_no_file(setting):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            record(setting, pdf_file())
            raise RuntimeError("the caller fails after recording")
    assert not Signature.objects.exists()
    # The staged copy waits for the sweep (plain outer atomic); no object reached its name.
    assert {name for name in setting[-1].objects("default") if "/_staging/" not in name} == set()


def test_version_with_pdf_hashes_the_pdf_and_text_only_the_text(setting):
    version = setting[1]
    assert version.sha256 == hashlib.sha256(b"The terms, version 1.0.").hexdigest()
    with_pdf = agreement_version_publish(agreement=version.agreement, label="1.1", pdf=pdf_file())
    assert with_pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    assert with_pdf.supersedes == version
    assert f"default/{with_pdf.pdf.name}" in setting[-1].objects("default")
    with pytest.raises(UserError, match="needs its text, a PDF, or both"):
        agreement_version_publish(agreement=version.agreement, label="1.2")
