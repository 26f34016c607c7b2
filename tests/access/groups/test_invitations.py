"""Invitations by email: the token is only in the mail (the row keeps its hash); accept after logging in;
expired, revoked and resent (old link) invitations are refused with a reason."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import GroupMembership, Invitation, InvitationStatus
from access.services.groups_expiry import memberships_expire
from access.services.groups_invitations import (
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from access.tokens import secret_hash
from bigpicture.errors import UserError
from bigpicture.models import OutboxMessage
from tests.access.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


def _token(email: str, nth: int = -1) -> str:
    bodies = list(OutboxMessage.objects.filter(to=[email]).order_by("pk").values_list("body", flat=True))
    return re.search(r"/account/invitations/([\w-]+)/", bodies[nth]).group(1)


@pytest.fixture
def invited(user_factory):
    manager = user_factory()
    group = GroupFactory(name="Dermatology", expiry_period="+6m")
    invitation = invitation_create(group=group, email="Ada@Example.org", name="Ada", actor=manager)
    return invitation


def test_the_mail_carries_the_token_and_the_row_only_its_hash(invited):
    token = _token("ada@example.org")
    assert invited.email == "ada@example.org" and invited.status == InvitationStatus.PENDING
    assert invited.token_hash == secret_hash(token) and token not in invited.token_hash
    assert invited.sent_at is not None
    assert OutboxMessage.objects.get(to=["ada@example.org"]).subject.endswith("Invitation to Dermatology "
                                                                              f"({invited.group.organisation.name})")


def test_accepting_makes_an_invitation_membership(invited, user_factory):
    user = user_factory(email="someone.else@example.org")  # any address: the link is the proof
    membership = invitation_accept(token=_token(invited.email), user=user)
    assert (membership.source, membership.status) == ("invitation", "valid")
    assert membership.expires_at > timezone.now() + timedelta(days=180)
    invited.refresh_from_db()
    assert (invited.status, invited.accepted_by) == (InvitationStatus.ACCEPTED, user)
    with pytest.raises(InvitationRefused, match="accepted already"):
        invitation_accept(token=_token(invited.email), user=user)


def test_an_expired_invitation_is_refused_and_expired_by_the_beat(invited, user_factory):
    Invitation.objects.filter(pk=invited.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvitationRefused, match="expired; ask its manager to resend it"):
        invitation_accept(token=_token(invited.email), user=user_factory())
    assert memberships_expire()["invitations_expired"] == 1
    invited.refresh_from_db()
    assert invited.status == InvitationStatus.EXPIRED


def test_a_revoked_invitation_is_refused(invited, user_factory):
    invitation_revoke(invitation=invited)
    with pytest.raises(InvitationRefused, match="withdrawn"):
        invitation_accept(token=_token(invited.email), user=user_factory())
    with pytest.raises(UserError, match="Only a pending invitation"):
        invitation_revoke(invitation=invited)
    assert not GroupMembership.objects.exists()


def test_resend_gives_a_new_token_and_expiry_and_the_old_link_stops_working(invited, user_factory):
    old_token, old_expiry = _token(invited.email), invited.expires_at
    Invitation.objects.filter(pk=invited.pk).update(status=InvitationStatus.EXPIRED)
    resent = invitation_resend(invitation=invited)
    new_token = _token(invited.email)
    assert new_token != old_token and resent.expires_at > old_expiry and resent.status == InvitationStatus.PENDING
    assert OutboxMessage.objects.filter(to=[invited.email]).count() == 2
    with pytest.raises(InvitationRefused, match="only the newest link works"):
        invitation_accept(token=old_token, user=user_factory())
    assert invitation_accept(token=new_token, user=user_factory()).source == "invitation"


def test_inviting_twice_or_a_member_is_refused(invited, user_factory):
    with pytest.raises(UserError, match="invited to Dermatology already"):
        invitation_create(group=invited.group, email="ada@example.org")
    member = user_factory(email="member@example.org")
    invitation_accept(token=_token(invited.email), user=member)
    with pytest.raises(UserError, match="member of Dermatology already"):
        invitation_create(group=invited.group, email="MEMBER@example.org")
    with pytest.raises(UserError, match="not an email address"):
        invitation_create(group=invited.group, email="not-an-address")


def test_the_accept_page_asks_to_log_in_first_then_accepts(invited, client, user_factory):
    path = f"/account/invitations/{_token(invited.email)}/"
    response = client.get(path)
    assert response.status_code == 302 and "next=" in response["Location"]
    user = user_factory()
    client.force_login(user)
    page = client.get(path)
    assert page.status_code == 200 and "Join Dermatology" in page.content.decode()
    assert client.post(path).status_code == 302
    assert GroupMembership.objects.get(user=user).source == "invitation"
    again = client.get(path)
    assert again.status_code == 410 and "accepted already" in again.content.decode()
