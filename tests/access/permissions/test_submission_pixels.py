"""can_access_pixels for the ingestion inbox: a submission's images are its organisation's contributors'
and the data stewards' to see (what may_view_pixels answered before it was folded in)."""

import pytest

from access.roles import MembershipRole, Role
from access.selectors import can_access_pixels
from access.services import membership_grant, membership_revoke, role_grant
from ingestion.models import Submission
from tests.access.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def submission():
    organisation = OrganisationFactory()
    contributor = UserFactory(organisation=None)
    membership_grant(user=contributor, organisation=organisation, role=MembershipRole.CONTRIBUTOR)
    return Submission.objects.create(organisation=organisation, created_by=contributor, title="Inbox")


def test_contributors_of_the_organisation_and_stewards_see_it(submission):
    contributor = submission.organisation.memberships.get().user
    steward, stranger = UserFactory(), UserFactory()
    role_grant(user=steward, role=Role.DATA_STEWARD)
    assert can_access_pixels(contributor, submission)
    assert can_access_pixels(steward, submission)
    assert not can_access_pixels(stranger, submission)


def test_a_revoked_membership_is_seen_at_once(submission):
    membership = submission.organisation.memberships.get()
    assert can_access_pixels(membership.user, submission)
    membership_revoke(membership=membership)
    assert not can_access_pixels(membership.user, submission)
