"""Who may submit for which organisation: memberships, nodes and their sites, and the legacy home organisation."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from access.models import Membership
from access.roles import MembershipRole, Role
from access.selectors import can_submit_for, submission_organisations
from access.services import membership_grant, membership_revoke, organisation_create, role_grant
from governance.models import AuditEvent
from tests.access.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    node = organisation_create(name="Node Sweden", slug="node-se")
    site = organisation_create(name="Site Uppsala", slug="site-uppsala", node=node)
    other = organisation_create(name="Other Hospital", slug="other")
    return node, site, other


def member(organisation, role):
    user = UserFactory(organisation=None)
    membership_grant(user=user, organisation=organisation, role=role)
    return user


@pytest.mark.parametrize(("role", "where", "expected"), [
    (MembershipRole.CONTRIBUTOR, "site", {"site"}),
    (MembershipRole.CONTRIBUTOR, "node", {"node"}),
    (MembershipRole.NODE_COORDINATOR, "node", {"node", "site"}),
    (MembershipRole.NODE_COORDINATOR, "site", {"site"}),
    (MembershipRole.SIGNATORY, "node", set()),
])
def test_membership_matrix(orgs, role, where, expected):
    node, site, other = orgs
    by_name = {"node": node, "site": site, "other": other}
    user = member(by_name[where], role)
    assert {name for name, org in by_name.items() if can_submit_for(user, org)} == expected
    assert set(submission_organisations(user)) == {by_name[name] for name in expected}


def test_no_role_and_anonymous_may_not_submit(orgs):
    node, site, other = orgs
    nobody = UserFactory(organisation=node)
    for org in orgs:
        assert not can_submit_for(nobody, org)
        assert not can_submit_for(AnonymousUser(), org)
    assert not can_submit_for(nobody, None)
    assert list(submission_organisations(AnonymousUser())) == []


def test_home_organisation_with_global_role_counts_as_membership(orgs):
    node, site, other = orgs
    contributor = UserFactory(organisation=site)
    role_grant(user=contributor, role=Role.CONTRIBUTOR)
    coordinator = UserFactory(organisation=node)
    role_grant(user=coordinator, role=Role.NODE_COORDINATOR)
    assert set(submission_organisations(contributor)) == {site}
    assert set(submission_organisations(coordinator)) == {node, site}
    assert not can_submit_for(contributor, other)


def test_deactivated_user_may_not_submit(orgs):
    node, site, other = orgs
    user = member(site, MembershipRole.CONTRIBUTOR)
    user.is_active = False
    user.save()
    assert not can_submit_for(user, site)


def test_grant_and_revoke_are_audited_and_take_effect(orgs):
    node, site, other = orgs
    user = UserFactory(organisation=None)
    granted = membership_grant(user=user, organisation=other, role=MembershipRole.CONTRIBUTOR)
    assert membership_grant(user=user, organisation=other, role="contributor") == granted  # idempotent
    assert can_submit_for(user, other)
    membership_revoke(membership=granted)
    assert not can_submit_for(user, other)
    assert not Membership.objects.filter(user=user).exists()
    actions = list(AuditEvent.objects.filter(target_type="access.membership").values_list("action", flat=True))
    assert actions == ["membership.grant", "membership.revoke"]


def test_a_site_cannot_be_a_node(orgs):
    node, site, other = orgs
    with pytest.raises(ValidationError, match="choose a node, not a site"):
        organisation_create(name="Sub-site", slug="sub-site", node=site)
    node.node = other
    with pytest.raises(ValidationError, match="coordinates sites"):
        node.full_clean()
    OrganisationFactory(slug="plain")  # factories keep working without a node
