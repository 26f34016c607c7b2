"""dsa_missing: which agreement and version an organisation lacks, and who can sign it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.services import organisation_create
from governance.selectors import agreement_current_version, dsa_missing
from governance.services.agreements import signature_revoke
from tests.governance.factories import dsa, dsa_signed, signatory, steward

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital():
    return organisation_create(name="Karolinska Pathology", slug="karolinska")


def test_no_dsa_published_at_all(hospital):
    message = dsa_missing(hospital)
    assert "No Data Sharing Agreement has been published" in message
    assert "a data steward must publish it" in message


def test_only_a_future_version(hospital):
    dsa("1.0", effective_from=timezone.now() + timedelta(days=3))
    assert "has no version in effect yet (version 1.0 takes effect on" in dsa_missing(hospital)


def test_unsigned_names_agreement_version_and_signatories(hospital):
    dsa("2.0")
    signatory(hospital, "alva", first_name="Alva", last_name="Berg")
    message = dsa_missing(hospital)
    assert message.startswith("Karolinska Pathology has not signed the Bigpicture Data Sharing Agreement, "
                              "version 2.0.")
    assert "Alva Berg <alva@example.org>" in message


def test_unsigned_without_signatory_says_a_steward_can_record(hospital):
    dsa()
    assert "no signatory registered in the portal: a data steward can record a signed copy" in dsa_missing(hospital)


def test_valid_signature(hospital):
    dsa_signed(hospital)
    assert dsa_missing(hospital) is None


def test_superseded_version(hospital):
    first = dsa("1.0", effective_from=timezone.now() - timedelta(days=10))
    dsa_signed(hospital, version=first)
    assert dsa_missing(hospital) is None
    second = dsa("1.1")
    assert second.supersedes == first
    assert agreement_current_version(second.agreement) == second
    message = dsa_missing(hospital)
    assert "version 1.1 (its signature covers version 1.0, which version 1.1 superseded)" in message
    assert "signatory-karolinska" in message


def test_version_not_yet_effective_does_not_supersede_yet(hospital):
    dsa_signed(hospital, version=dsa("1.0"))
    dsa("2.0", effective_from=timezone.now() + timedelta(days=30))
    assert dsa_missing(hospital) is None


def test_revoked_signature(hospital):
    signature = dsa_signed(hospital)
    signature_revoke(signature=signature, reason="signed by the wrong person", actor=steward("s2"))
    assert "(its signature was revoked on " in dsa_missing(hospital)


def test_expired_signature(hospital):
    signature = dsa_signed(hospital, signed_at=timezone.now() - timedelta(days=400),
                           valid_until=timezone.now() - timedelta(days=35))
    assert signature.valid_until
    assert "(its signature expired on " in dsa_missing(hospital)


def test_a_site_needs_its_own_signature(hospital):
    site = organisation_create(name="Solna Site", slug="solna", node=hospital)
    dsa_signed(hospital)
    assert dsa_missing(hospital) is None
    assert dsa_missing(site).startswith("Solna Site has not signed")
