"""The pages: members see their groups and ask for extensions; managers (of the group or a group above it)
manage members, invitations and extension requests; everyone else gets 403."""

import pytest
from django.utils import timezone

from access.models import ExtensionRequest, GroupMembership, Invitation, MembershipStatus
from access.roles import Role
from access.services import user_create
from access.services.groups import group_manager_add, membership_add
from tests.access.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(user_factory):
    parent = GroupFactory(name="Pathology")
    child = GroupFactory(name="Skin", organisation=parent.organisation, parent=parent, expiry_period="+1y")
    manager = user_factory()
    group_manager_add(group=parent, user=manager)
    return parent, child, manager


def test_a_non_manager_gets_403_on_every_manager_page(client, tree, user_factory):
    parent, child, _ = tree
    member = user_factory()
    membership = membership_add(group=child, user=member)
    client.force_login(member)  # a member, not a manager
    base = f"/account/groups/{child.pk}"
    assert client.get(f"{base}/").status_code == 403
    for path, data in [(f"{base}/members/", {"user": member.username}),
                       (f"{base}/members/{membership.pk}/disable/", {}),
                       (f"{base}/invitations/", {"email": "x@example.org"}),
                       (f"{base}/extensions/1/", {"decision": "approve"})]:
        assert client.post(path, data).status_code == 403, path
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.VALID and not Invitation.objects.exists()


def test_the_parent_manager_manages_the_subgroup(client, tree, user_factory):
    _, child, manager = tree
    newcomer = user_factory(email="newcomer@example.org")
    client.force_login(manager)
    assert client.get(f"/account/groups/{child.pk}/").status_code == 200
    assert client.post(f"/account/groups/{child.pk}/members/", {"user": "NEWCOMER@example.org"}).status_code == 302
    membership = GroupMembership.objects.get(group=child, user=newcomer)
    assert (membership.source, membership.events.get().actor) == ("direct", manager)
    client.post(f"/account/groups/{child.pk}/members/{membership.pk}/disable/")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.DISABLED
    page = client.get(f"/account/groups/{child.pk}/").content.decode()
    assert "Disabled" in page and "newcomer@example.org" in page and "Enable" in page
    client.post(f"/account/groups/{child.pk}/members/{membership.pk}/remove/")
    assert not GroupMembership.objects.filter(pk=membership.pk).exists()


def test_an_unknown_user_is_a_form_error(client, tree):
    _, child, manager = tree
    client.force_login(manager)
    response = client.post(f"/account/groups/{child.pk}/members/", {"user": "nobody"})
    assert response.status_code == 400 and "invite them by email instead" in response.content.decode()


def test_an_administrator_manages_every_group(client, tree):
    admin = user_create(username="root", email="root@example.org", password=None, roles=(Role.ADMIN,))
    client.force_login(admin)
    assert client.get(f"/account/groups/{tree[1].pk}/").status_code == 200


def test_member_asks_for_an_extension_and_the_manager_approves(client, tree, user_factory):
    parent, child, manager = tree
    member = user_factory()
    membership = membership_add(group=child, user=member)
    end = membership.expires_at
    client.force_login(member)
    page = client.get("/account/groups/").content.decode()
    # The page shows the end in the portal's time zone (not UTC: they differ by a day near midnight).
    assert "Skin" in page and timezone.localtime(end).strftime("%Y-%m-%d") in page and "Request extension" in page
    client.post(f"/account/groups/memberships/{membership.pk}/extend/", {"message": "one more year"})
    assert "waiting for a manager" in client.get("/account/groups/").content.decode()
    request = ExtensionRequest.objects.get(membership=membership, status="pending")

    client.force_login(manager)
    page = client.get(f"/account/groups/{child.pk}/").content.decode()
    assert "one more year" in page
    client.post(f"/account/groups/{child.pk}/extensions/{request.pk}/", {"decision": "approve"})
    request.refresh_from_db()
    membership.refresh_from_db()
    assert request.status == "approved" and request.decided_by == manager and membership.expires_at > end


def test_a_member_cannot_ask_to_extend_someone_elses_membership(client, tree, user_factory):
    _, child, _ = tree
    membership = membership_add(group=child, user=user_factory())
    client.force_login(user_factory())
    assert client.post(f"/account/groups/memberships/{membership.pk}/extend/").status_code == 404


def test_managers_see_their_groups_and_invite_from_the_page(client, tree):
    parent, child, manager = tree
    client.force_login(manager)
    page = client.get("/account/groups/").content.decode()
    assert f"/account/groups/{parent.pk}/" in page and f"/account/groups/{child.pk}/" in page
    client.post(f"/account/groups/{child.pk}/invitations/", {"email": "guest@example.org", "name": "Guest"})
    invitation = Invitation.objects.get()
    client.post(f"/account/groups/{child.pk}/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert "Revoked" in client.get(f"/account/groups/{child.pk}/").content.decode()
