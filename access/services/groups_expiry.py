"""Membership expiry, run by the beat task: due memberships expire, expired ones past the group's grace
period are disabled, and members hear 30, 14, 7 and 1 days ahead (GROUPS_EXPIRY_NOTICE_DAYS).

Each notice is sent once: its outbox dedupe key names the membership, its end and the day count, so an
extension (a new end) starts a new series. No notice goes out while an extension request is pending.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from access.expiry_rules import grace_parse
from access.models import ExtensionRequest, ExtensionStatus, GroupMembership, MembershipStatus
from access.services.groups import membership_transition
from access.services.groups_invitations import invitations_expire
from access.services.groups_mail import group_mail


def memberships_expire(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"expired": 0, "disabled": 0, "notices": 0}
    due = GroupMembership.objects.filter(status=MembershipStatus.VALID, expires_at__lte=now).values_list("pk",
                                                                                                         flat=True)
    for pk in list(due):
        with transaction.atomic():
            # Locked and read again: an extension may have moved the end meanwhile.
            membership = GroupMembership.objects.select_for_update().select_related("group").get(pk=pk)
            if membership.status != MembershipStatus.VALID or membership.expires_at > now:
                continue
            if grace_parse(membership.group.expiry_grace) is None:
                membership_transition(membership=membership, action="disable",
                                      message="Expired; the group keeps no grace period.")
                counts["disabled"] += 1
            else:
                membership_transition(membership=membership, action="expire",
                                      message="Reached its end; it may still be extended during the grace period.")
                counts["expired"] += 1
    expired = GroupMembership.objects.filter(status=MembershipStatus.EXPIRED).select_related("group")
    for membership in expired:
        grace = grace_parse(membership.group.expiry_grace)
        grace_end = grace.end_after(membership.expires_at) if grace and membership.expires_at else None
        if grace_end is None or grace_end <= now:
            with transaction.atomic():
                locked = GroupMembership.objects.select_for_update().get(pk=membership.pk)
                if locked.status != MembershipStatus.EXPIRED or locked.expires_at != membership.expires_at:
                    continue
                membership_transition(membership=locked, action="disable", message="The grace period is over.")
            counts["disabled"] += 1
    counts["notices"] = expiry_notices_send(now=now)
    counts["invitations_expired"] = invitations_expire(now=now)
    return counts


def notice_day(expires_at: datetime, now: datetime) -> int | None:
    """The notice due now: the smallest configured day count that the time left has reached, or None.
    Day counts already passed unsent (the beat was down, or the membership began late) are not sent."""
    left = expires_at - now
    reached = [days for days in settings.GROUPS_EXPIRY_NOTICE_DAYS if left <= timedelta(days=days)]
    return min(reached) if reached else None


def expiry_notices_send(*, now: datetime) -> int:
    horizon = now + timedelta(days=max(settings.GROUPS_EXPIRY_NOTICE_DAYS, default=0))
    pending = ExtensionRequest.objects.filter(membership=OuterRef("pk"), status=ExtensionStatus.PENDING)
    upcoming = (GroupMembership.objects.filter(status=MembershipStatus.VALID, expires_at__gt=now,
                                               expires_at__lte=horizon)
                .exclude(Exists(pending)).select_related("user", "group", "group__organisation"))
    sent = 0
    for membership in upcoming:
        days = notice_day(membership.expires_at, now)
        if days is None or not membership.user.email:
            continue
        key = f"group-expiry-{membership.pk}-{membership.expires_at.isoformat()}-{days}"
        with transaction.atomic():
            if group_mail("expiry_notice", to=[membership.user.email], dedupe_key=key,
                          context={"membership": membership, "group": membership.group, "days": days}):
                sent += 1
    return sent
