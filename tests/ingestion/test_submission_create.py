"""submission_create: refused without permission, refused without the current DSA, created with both."""

import pytest

from access.roles import MembershipRole
from access.services import membership_grant, organisation_create
from bigpicture.errors import UserError
from governance.services.agreements import signature_revoke
from ingestion.models import Submission
from ingestion.services.submissions import submission_create
from tests.access.factories import UserFactory
from tests.governance.factories import dsa, dsa_signed, signatory, steward

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital():
    return organisation_create(name="Nijmegen Pathology", slug="nijmegen")


@pytest.fixture
def contributor(hospital):
    user = UserFactory(organisation=None)
    membership_grant(user=user, organisation=hospital, role=MembershipRole.CONTRIBUTOR)
    return user


def test_no_permission_is_refused_before_the_dsa(hospital):
    with pytest.raises(UserError, match="You may not submit for Nijmegen Pathology"):
        submission_create(organisation=hospital, actor=UserFactory(organisation=hospital))


def test_no_dsa_published(hospital, contributor):
    with pytest.raises(UserError, match="No Data Sharing Agreement has been published"):
        submission_create(organisation=hospital, actor=contributor)
    assert not Submission.objects.exists()


def test_unsigned_dsa_names_version_and_signatory(hospital, contributor):
    dsa("3.0")
    signatory(hospital, "noor", first_name="Noor", last_name="Visser")
    with pytest.raises(UserError) as refused:
        submission_create(organisation=hospital, actor=contributor)
    assert "has not signed the Bigpicture Data Sharing Agreement, version 3.0" in str(refused.value)
    assert "Noor Visser <noor@example.org>" in str(refused.value)


def test_signed_dsa_allows_submission(hospital, contributor):
    dsa_signed(hospital)
    submission = submission_create(organisation=hospital, actor=contributor, title="Cohort A")
    assert submission.organisation == hospital and submission.created_by == contributor


def test_revoked_or_superseded_signature_is_refused(hospital, contributor):
    signature = dsa_signed(hospital)
    signature_revoke(signature=signature, reason="wrong signatory", actor=steward("s9"))
    with pytest.raises(UserError, match="revoked on"):
        submission_create(organisation=hospital, actor=contributor)
    dsa_signed(hospital)
    submission_create(organisation=hospital, actor=contributor)
    dsa("2.0")
    with pytest.raises(UserError, match="which version 2.0 superseded"):
        submission_create(organisation=hospital, actor=contributor)


def test_node_coordinator_submits_for_a_site_with_the_sites_signature(hospital):
    site = organisation_create(name="Arnhem Site", slug="arnhem", node=hospital)
    coordinator = UserFactory(organisation=None)
    membership_grant(user=coordinator, organisation=hospital, role=MembershipRole.NODE_COORDINATOR)
    dsa_signed(hospital)
    with pytest.raises(UserError, match="Arnhem Site has not signed"):
        submission_create(organisation=site, actor=coordinator)
    dsa_signed(site)
    assert submission_create(organisation=site, actor=coordinator).organisation == site
