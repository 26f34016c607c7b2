"""The admin shows groups with managers, subgroups and members; status changes and invitations go through
the services as actions."""

import pytest

from access.models import GroupManager, GroupMembership, Invitation, MembershipStatus
from access.roles import Role
from access.services import user_create
from access.services.groups import membership_add
from access.services.groups_invitations import invitation_create
from tests.access.factories import UserFactory
from tests.access.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(user_create(username="root", email="root@example.org", password=None, roles=(Role.ADMIN,)))
    return client


def test_pages_render(admin_client):
    parent = GroupFactory(name="Pathology")
    GroupFactory(name="Skin", organisation=parent.organisation, parent=parent)
    membership = membership_add(group=parent, user=UserFactory(username="ada"))
    invitation_create(group=parent, email="guest@example.org")
    page = admin_client.get(f"/admin/access/group/{parent.pk}/change/").content.decode()
    assert "Skin" in page and "ada" in page
    for path in ["/admin/access/group/", "/admin/access/groupmembership/", f"/admin/access/groupmembership/"
                 f"{membership.pk}/change/", "/admin/access/invitation/", "/admin/access/extensionrequest/"]:
        assert admin_client.get(path).status_code == 200, path


def test_adding_a_manager_in_the_inline(admin_client):
    group, manager = GroupFactory(), UserFactory()
    data = {"organisation": group.organisation.pk, "name": group.name, "slug": group.slug, "kind": "group",
            "manager_links-TOTAL_FORMS": "1", "manager_links-INITIAL_FORMS": "0", "manager_links-0-user": manager.pk,
            "subgroups-TOTAL_FORMS": "0", "subgroups-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}
    response = admin_client.post(f"/admin/access/group/{group.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert GroupManager.objects.filter(group=group, user=manager).exists()


def test_actions_go_through_the_services(admin_client):
    group = GroupFactory()
    membership = membership_add(group=group, user=UserFactory())
    admin_client.post("/admin/access/groupmembership/", {"action": "disable", "_selected_action": [membership.pk]})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.DISABLED
    assert membership.events.last().action == "disable"
    invitation = invitation_create(group=group, email="guest@example.org")
    admin_client.post("/admin/access/invitation/", {"action": "revoke", "_selected_action": [invitation.pk]})
    assert Invitation.objects.get().status == "revoked"
    admin_client.post("/admin/access/groupmembership/", {"action": "remove", "_selected_action": [membership.pk]})
    assert not GroupMembership.objects.exists()


def test_an_organisation_added_in_the_admin_gets_its_data_manager_group(admin_client):
    from access.models import Group, Organisation

    response = admin_client.post("/admin/access/organisation/add/", {
        "name": "Admin Hospital", "slug": "admin-hospital", "country": "SE",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(slug="admin-hospital")
    assert Group.objects.filter(organisation=organisation, kind="data_managers").count() == 1
