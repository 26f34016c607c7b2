"""Login keeps "oidc" memberships in step with eduperson_entitlement, and nothing else."""

import pytest

from access.models import GroupMembership, MembershipSource, MembershipStatus
from access.services.groups import group_claims_sync, membership_add, membership_transition
from governance.models import AuditEvent
from tests.access.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db

URN = "urn:geant:lifescience-ri.eu:group:bigpicture:pathology#aai.lifescience-ri.eu"


def test_claimed_group_gets_an_oidc_membership(user_factory):
    user = user_factory()
    group = GroupFactory(entitlement_urn=URN)
    result = group_claims_sync(user=user, urns=[URN, "urn:geant:lifescience-ri.eu:group:other#x"])
    membership = GroupMembership.objects.get(group=group, user=user)
    assert (membership.source, membership.status, membership.expires_at) == ("oidc", "valid", None)
    assert result == {"added": [URN], "removed": []}
    assert group_claims_sync(user=user, urns=[URN]) == {"added": [], "removed": []}


@pytest.mark.parametrize("spelling", [
    "urn:geant:lifescience-ri.eu:group:bigpicture:pathology",
    "URN:GEANT:LifeScience-RI.eu:Group:bigpicture:pathology#aai.lifescience-ri.eu",
    "urn:geant:lifescience-ri.eu:group:bigpicture%3Apathology#aai.lifescience-ri.eu",
    "urn%3Ageant:lifescience-ri.eu:group:big%70icture:pathology",
])
def test_urn_spellings_match(user_factory, spelling):
    user = user_factory()
    group = GroupFactory(entitlement_urn=URN)
    group_claims_sync(user=user, urns=[spelling])
    assert GroupMembership.objects.filter(group=group, user=user, source="oidc").exists()


def test_group_names_stay_case_sensitive(user_factory):
    user = user_factory()
    GroupFactory(entitlement_urn=URN)
    group_claims_sync(user=user, urns=[URN.replace("pathology", "Pathology")])
    assert not GroupMembership.objects.filter(user=user).exists()


def test_unclaimed_oidc_membership_is_removed_but_direct_and_invitation_stay(user_factory):
    user = user_factory()
    old, other = URN.replace("pathology", "old"), URN.replace("pathology", "direct")
    claimed, dropped = GroupFactory(entitlement_urn=URN), GroupFactory(entitlement_urn=old)
    direct, invited = GroupFactory(entitlement_urn=other), GroupFactory()
    group_claims_sync(user=user, urns=[URN, old])
    membership_add(group=direct, user=user, source=MembershipSource.DIRECT)
    membership_add(group=invited, user=user, source=MembershipSource.INVITATION)

    result = group_claims_sync(user=user, urns=[URN])

    assert result == {"added": [], "removed": [dropped.entitlement_urn]}
    assert set(GroupMembership.objects.filter(user=user).values_list("group_id", "source")) == {
        (claimed.pk, "oidc"), (direct.pk, "direct"), (invited.pk, "invitation")}


def test_claim_does_not_turn_a_direct_membership_into_oidc_nor_reenable_a_disabled_one(user_factory):
    user = user_factory()
    group = GroupFactory(entitlement_urn=URN)
    membership = membership_add(group=group, user=user, source=MembershipSource.DIRECT)
    membership_transition(membership=membership, action="disable")
    assert group_claims_sync(user=user, urns=[URN]) == {"added": [], "removed": []}
    membership.refresh_from_db()
    assert (membership.source, membership.status) == ("direct", MembershipStatus.DISABLED)


def test_sync_is_audited(user_factory):
    user = user_factory()
    GroupFactory(entitlement_urn=URN)
    group_claims_sync(user=user, urns=[URN])
    assert AuditEvent.objects.filter(action="group.claims_sync", target_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(action="group_membership.create").exists()


def test_a_login_without_the_claim_changes_nothing_but_an_empty_claim_removes(user_factory):
    user = user_factory()
    GroupFactory(entitlement_urn=URN)
    group_claims_sync(user=user, urns=[URN])
    assert group_claims_sync(user=user, urns=None) == {"added": [], "removed": []}
    assert GroupMembership.objects.filter(user=user).exists()
    assert group_claims_sync(user=user, urns=[]) == {"added": [], "removed": [URN]}
    assert not GroupMembership.objects.filter(user=user).exists()
