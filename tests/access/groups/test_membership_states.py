"""Membership status is a state machine: valid, expired (within the grace period), disabled; each change
is an event with who, when, from, to and a message. The beat service moves due memberships."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from access.models import GroupMembership, MembershipStatus
from access.services.groups import membership_add, membership_extend, membership_transition
from access.services.groups_expiry import memberships_expire
from bigpicture.errors import UserError
from governance.models import AuditEvent
from tests.access.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db
S = MembershipStatus


def _events(membership):
    return list(membership.events.values_list("action", "from_status", "to_status"))


def test_joining_sets_the_end_by_the_rule_and_records_an_event(user_factory):
    manager, user = user_factory(), user_factory()
    group = GroupFactory(expiry_period="+30d")
    before = timezone.now()
    membership = membership_add(group=group, user=user, actor=manager)
    assert before + timedelta(days=30) <= membership.expires_at <= timezone.now() + timedelta(days=30)
    event = membership.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == ("create", "", "valid", manager)


def test_transitions_follow_the_table(user_factory):
    membership = membership_add(group=GroupFactory(), user=user_factory())
    membership_transition(membership=membership, action="expire", message="by hand")
    with pytest.raises(UserError, match="Cannot expire an expired membership"):
        membership_transition(membership=membership, action="expire")
    membership_transition(membership=membership, action="disable")
    with pytest.raises(UserError, match="Cannot extend a disabled membership"):
        membership_transition(membership=membership, action="extend")
    membership_transition(membership=membership, action="enable")
    assert _events(membership) == [("create", "", "valid"), ("expire", "valid", "expired"),
                                   ("disable", "expired", "disabled"), ("enable", "disabled", "valid")]
    assert membership.events.get(action="expire").message == "by hand"
    assert AuditEvent.objects.filter(action="group_membership.disable", target_id=str(membership.pk)).exists()


def test_extending_early_counts_from_the_current_end(user_factory):
    membership = membership_add(group=GroupFactory(expiry_period="+1y"), user=user_factory())
    end = membership.expires_at
    extended = membership_extend(membership=membership)
    assert extended.expires_at == end + relativedelta(years=1)


def test_an_expired_membership_extended_counts_from_now(user_factory):
    membership = membership_add(group=GroupFactory(expiry_period="+30d", expiry_grace="+14d"), user=user_factory())
    GroupMembership.objects.filter(pk=membership.pk).update(expires_at=timezone.now() - timedelta(days=3))
    memberships_expire()
    membership.refresh_from_db()
    assert membership.status == S.EXPIRED
    extended = membership_extend(membership=membership)
    assert extended.status == S.VALID
    assert extended.expires_at > timezone.now() + timedelta(days=29)


def test_beat_expires_then_disables_after_the_grace_period(user_factory):
    group = GroupFactory(expiry_period="+30d", expiry_grace="+14d")
    membership = membership_add(group=group, user=user_factory())
    now = membership.expires_at + timedelta(minutes=1)
    assert memberships_expire(now=now)["expired"] == 1
    membership.refresh_from_db()
    assert membership.status == S.EXPIRED
    assert memberships_expire(now=now + timedelta(days=13))["disabled"] == 0
    assert memberships_expire(now=now + timedelta(days=14))["disabled"] == 1
    membership.refresh_from_db()
    assert membership.status == S.DISABLED
    assert _events(membership)[1:] == [("expire", "valid", "expired"), ("disable", "expired", "disabled")]
    # Idempotent: another run changes nothing.
    assert memberships_expire(now=now + timedelta(days=15)) == {"expired": 0, "disabled": 0, "notices": 0,
                                                                 "invitations_expired": 0}


def test_without_a_grace_period_a_due_membership_is_disabled_at_once(user_factory):
    membership = membership_add(group=GroupFactory(expiry_period="+30d"), user=user_factory())
    memberships_expire(now=membership.expires_at)
    membership.refresh_from_db()
    assert membership.status == S.DISABLED
    assert _events(membership)[-1] == ("disable", "valid", "disabled")


def test_memberships_without_an_end_never_expire(user_factory):
    membership = membership_add(group=GroupFactory(), user=user_factory())
    assert membership.expires_at is None
    memberships_expire(now=timezone.now() + timedelta(days=3650))
    membership.refresh_from_db()
    assert membership.status == S.VALID
