"""Members hear 30, 14, 7 and 1 days before their membership ends, once each, and not while they have
asked for an extension; an extension starts a new series."""

from datetime import timedelta

import pytest

from access.services.groups import membership_add
from access.services.groups_expiry import memberships_expire
from access.services.groups_extensions import extension_decide, extension_request
from bigpicture.models import OutboxMessage
from tests.access.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


def _notices(user):
    return list(OutboxMessage.objects.filter(to=[user.email], subject__contains="ends in")
                .order_by("pk").values_list("subject", flat=True))


def _run_daily(end, days):
    """The beat, several times a day, from `days` before `end` up to it."""
    for hours_left in range(days * 24, -1, -6):
        memberships_expire(now=end - timedelta(hours=hours_left))


def test_each_notice_is_sent_once(user_factory):
    user = user_factory()
    membership = membership_add(group=GroupFactory(name="Pathology", expiry_period="+1y"), user=user)
    _run_daily(membership.expires_at, 40)
    subjects = _notices(user)
    assert [subject.split("ends in ")[1] for subject in subjects] == ["30 days", "14 days", "7 days", "1 day"]
    assert all("Pathology" in subject for subject in subjects)
    body = OutboxMessage.objects.filter(to=[user.email]).first().body
    assert "/account/groups/" in body and "extension" in body


def test_a_late_start_sends_only_the_notice_due_now(user_factory):
    user = user_factory()
    membership = membership_add(group=GroupFactory(expiry_period="+10d"), user=user)
    memberships_expire(now=membership.expires_at - timedelta(days=9))
    memberships_expire(now=membership.expires_at - timedelta(days=8))
    assert [subject.split("ends in ")[1] for subject in _notices(user)] == ["14 days"]


def test_no_notice_while_an_extension_is_pending_and_a_new_series_after_it(user_factory):
    user, manager = user_factory(), user_factory()
    membership = membership_add(group=GroupFactory(expiry_period="+1y"), user=user)
    end = membership.expires_at
    memberships_expire(now=end - timedelta(days=29))
    request = extension_request(membership=membership, user=user, message="still working on it")
    memberships_expire(now=end - timedelta(days=13))
    memberships_expire(now=end - timedelta(days=6))
    assert len(_notices(user)) == 1

    extension_decide(request=request, approve=True, actor=manager)
    membership.refresh_from_db()
    assert membership.expires_at > end
    memberships_expire(now=membership.expires_at - timedelta(days=29))
    assert len(_notices(user)) == 2
    assert OutboxMessage.objects.filter(to=[user.email], subject__contains="approved").count() == 1


def test_after_a_rejected_request_the_notice_due_is_sent(user_factory):
    user, manager = user_factory(), user_factory()
    membership = membership_add(group=GroupFactory(expiry_period="+1y"), user=user)
    request = extension_request(membership=membership, user=user)
    memberships_expire(now=membership.expires_at - timedelta(days=10))
    assert _notices(user) == []
    extension_decide(request=request, approve=False, actor=manager, message="The project ended.")
    memberships_expire(now=membership.expires_at - timedelta(days=10))
    assert [subject.split("ends in ")[1] for subject in _notices(user)] == ["14 days"]
    rejected = OutboxMessage.objects.get(to=[user.email], subject__contains="rejected")
    assert "The project ended." in rejected.body
