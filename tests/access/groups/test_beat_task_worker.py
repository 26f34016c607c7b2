"""The beat task, run by a real Celery worker: it expires and disables due memberships, sends the notice
due (once, however often it runs) and expires old invitations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import GroupMembership, Invitation, MembershipStatus
from access.services.groups import membership_add
from access.services.groups_invitations import invitation_create
from access.tasks.groups import memberships_expire
from bigpicture.models import OutboxMessage
from tests.access.factories import UserFactory
from tests.access.groups.factories import GroupFactory

pytestmark = [pytest.mark.worker, pytest.mark.redis, pytest.mark.slow]


def test_a_worker_runs_the_expiry_task(celery_worker):
    group = GroupFactory(name="Pathology", expiry_period="+1y", expiry_grace="+14d")
    due, in_grace_over, soon = UserFactory(), UserFactory(), UserFactory()
    now = timezone.now()
    for user, end in [(due, now - timedelta(hours=1)), (in_grace_over, now - timedelta(days=15)),
                      (soon, now + timedelta(days=6, hours=12))]:
        membership = membership_add(group=group, user=user)
        GroupMembership.objects.filter(pk=membership.pk).update(expires_at=end)
    invitation = invitation_create(group=group, email="late@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=now - timedelta(minutes=1))

    worker = celery_worker()
    first = memberships_expire.apply_async().get(timeout=90)
    second = memberships_expire.apply_async().get(timeout=90)

    assert first == {"expired": 2, "disabled": 1, "notices": 1, "invitations_expired": 1}, worker.log()
    assert second == {"expired": 0, "disabled": 0, "notices": 0, "invitations_expired": 0}, worker.log()
    statuses = dict(GroupMembership.objects.values_list("user__username", "status"))
    assert statuses == {due.username: MembershipStatus.EXPIRED, in_grace_over.username: MembershipStatus.DISABLED,
                        soon.username: MembershipStatus.VALID}
    assert list(OutboxMessage.objects.filter(to=[soon.email]).values_list("subject", flat=True)) == [
        "[Bigpicture portal] Your membership of Pathology ends in 7 days"]
    invitation.refresh_from_db()
    assert invitation.status == "expired"
