"""A member of a subgroup is an indirect member of every ancestor; only valid memberships count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.selectors.groups import group_members, user_group_ids
from access.services.groups import membership_add, membership_transition
from tests.access.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


def test_subgroup_member_is_indirect_member_of_ancestors(user_factory):
    root = GroupFactory()
    child = GroupFactory(organisation=root.organisation, parent=root)
    grandchild = GroupFactory(organisation=root.organisation, parent=child)
    sibling = GroupFactory(organisation=root.organisation, parent=root)
    user, other = user_factory(), user_factory()
    membership_add(group=grandchild, user=user)
    membership_add(group=sibling, user=other)

    assert user_group_ids(user) == {root.pk, child.pk, grandchild.pk}
    assert set(group_members(root)) == {user, other}
    assert set(group_members(child)) == {user}
    assert list(group_members(sibling)) == [other]


def test_moving_a_group_moves_its_subtree(user_factory):
    a, b = GroupFactory(), GroupFactory()
    b.organisation = a.organisation
    b.save()
    child = GroupFactory(organisation=a.organisation, parent=b)
    user = user_factory()
    membership_add(group=child, user=user)
    b.parent = a
    b.save()
    assert user_group_ids(user) == {a.pk, b.pk, child.pk}


def test_expired_disabled_and_overdue_memberships_do_not_count(user_factory):
    group = GroupFactory()
    expired, disabled, overdue = user_factory(), user_factory(), user_factory()
    membership_transition(membership=membership_add(group=group, user=expired), action="expire")
    membership_transition(membership=membership_add(group=group, user=disabled), action="disable")
    late = membership_add(group=group, user=overdue)
    late.expires_at = timezone.now() - timedelta(minutes=1)  # the beat task has not run yet
    late.save()
    assert all(user_group_ids(user) == set() for user in (expired, disabled, overdue))
    assert not group_members(group).exists()
