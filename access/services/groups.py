"""Writes for groups: groups and managers, memberships and their status, login claims, data managers.

Every status change goes through `membership_transition` (the table in access.models.groups),
which writes a GroupMembershipEvent and an audit row.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from access.entitlement_urns import perun_group_urn, urn_key
from access.expiry_rules import period_parse
from access.models import (
    Group,
    GroupKind,
    GroupManager,
    GroupMembership,
    GroupMembershipEvent,
    MembershipSource,
    MembershipStatus,
    Organisation,
    User,
)
from access.models.groups import MEMBERSHIP_TRANSITIONS
from bigpicture.errors import UserError
from governance.services import audit_record

DATA_MANAGERS_NAME = "Data managers"
DATA_MANAGERS_SLUG = "data-managers"
CLAIM_MESSAGE = "Life Science AAI entitlement"


@transaction.atomic
def group_create(*, organisation: Organisation, name: str, slug: str = "", parent: Group | None = None,
                 kind: str = GroupKind.GROUP, description: str = "", entitlement_urn: str = "",
                 expiry_period: str = "", expiry_grace: str = "", actor: User | None = None) -> Group:
    group = Group(organisation=organisation, name=name.strip(), slug=slug or slugify(name)[:64], parent=parent,
                  kind=kind, description=description, entitlement_urn=entitlement_urn.strip(),
                  expiry_period=expiry_period.strip(), expiry_grace=expiry_grace.strip())
    group.full_clean()
    group.save()
    audit_record(actor=actor, action="group.create", target=group,
                 detail={"organisation": organisation.slug, "parent": parent.pk if parent else None,
                         "kind": kind, "entitlement_urn": group.entitlement_urn})
    return group


@transaction.atomic
def organisation_data_managers(organisation: Organisation, *, actor: User | None = None) -> Group:
    """The organisation's data-manager group, created the first time it is asked for."""
    group = Group.objects.filter(organisation=organisation, kind=GroupKind.DATA_MANAGERS).first()
    if group is None:
        slug = DATA_MANAGERS_SLUG
        if Group.objects.filter(organisation=organisation, slug=slug).exists():
            slug = f"{slug}-{organisation.pk}"
        group = group_create(organisation=organisation, name=DATA_MANAGERS_NAME, slug=slug,
                             kind=GroupKind.DATA_MANAGERS, actor=actor,
                             description=f"Members administer the datasets of {organisation.name}.")
    return group


@transaction.atomic
def data_managers_perun_group_adopt(*, organisation: Organisation, perun_group: str,
                                    actor: User | None = None) -> Group:
    """MetaFleX ORGANISATION.DATAMANAGER_PERUN_GROUP names the Perun group of the data managers: when it is
    a URN or a Perun group name and the data-manager group has no URN yet, it becomes its entitlement URN,
    so Life Science AAI logins fill the group."""
    group = organisation_data_managers(organisation, actor=actor)
    urn = perun_group_urn(perun_group)
    if group.entitlement_urn or not urn:
        return group
    if Group.objects.filter(entitlement_key=urn_key(urn)).exists():
        return group  # another group holds that URN already: a manager decides
    group.entitlement_urn = urn
    group.full_clean()
    group.save()
    audit_record(actor=actor, action="group.entitlement_urn", target=group,
                 detail={"entitlement_urn": urn, "from": "DATAMANAGER_PERUN_GROUP"})
    return group


@transaction.atomic
def group_manager_add(*, group: Group, user: User, actor: User | None = None) -> GroupManager:
    link, created = GroupManager.objects.get_or_create(group=group, user=user)
    if created:
        audit_record(actor=actor, action="group.manager_add", target=group, detail={"user": user.username})
    return link


@transaction.atomic
def group_manager_remove(*, group: Group, user: User, actor: User | None = None) -> None:
    if GroupManager.objects.filter(group=group, user=user).delete()[0]:
        audit_record(actor=actor, action="group.manager_remove", target=group, detail={"user": user.username})


def membership_expiry(group: Group, *, start: datetime) -> datetime | None:
    """When a membership of `group` joined or extended at `start` ends, by the group's rule."""
    period = period_parse(group.expiry_period)
    return period.end_after(start) if period else None


def _event(membership: GroupMembership, *, action: str, from_status: str, actor, message: str) -> None:
    GroupMembershipEvent.objects.create(membership=membership, action=action, from_status=from_status,
                                        to_status=membership.status, actor=actor, message=message,
                                        expires_at=membership.expires_at)
    audit_record(actor=actor, action=f"group_membership.{action}", target=membership,
                 detail={"group": membership.group_id, "user": membership.user.username, "from": from_status,
                         "to": membership.status, "expires_at": membership.expires_at, "message": message})


@transaction.atomic
def membership_add(*, group: Group, user: User, source: str = MembershipSource.DIRECT,
                   actor: User | None = None, message: str = "") -> GroupMembership:
    """Make `user` a valid member of `group`, until the group's rule ends it. An expired or disabled membership
    is enabled again (keeping its source); a valid one is returned unchanged."""
    source = MembershipSource(source)
    now = timezone.now()
    membership = GroupMembership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is None:
        # Perun decides how long an oidc membership lasts: it ends when the claim does.
        expires_at = None if source == MembershipSource.OIDC else membership_expiry(group, start=now)
        membership = GroupMembership.objects.create(group=group, user=user, source=source,
                                                    status=MembershipStatus.VALID, expires_at=expires_at)
        _event(membership, action="create", from_status="", actor=actor, message=message or source.label)
        return membership
    if membership.status != MembershipStatus.VALID:
        expires_at = None if membership.source == MembershipSource.OIDC else membership_expiry(group, start=now)
        membership = membership_transition(membership=membership, action="enable", actor=actor,
                                           expires_at=expires_at, message=message or source.label)
    return membership


def _transition(action: str, status: str):
    for transition in MEMBERSHIP_TRANSITIONS:
        if transition.action == action and status in transition.sources:
            return transition
    return None


@transaction.atomic
def membership_transition(*, membership: GroupMembership, action: str, actor: User | None = None,
                          message: str = "", expires_at: datetime | None | str = "keep") -> GroupMembership:
    """Fire `action` on `membership` if the transition table allows it from its status; UserError if not."""
    membership = GroupMembership.objects.select_for_update().select_related("user", "group").get(pk=membership.pk)
    transition = _transition(action, membership.status)
    if transition is None:
        status = membership.get_status_display().lower()
        raise UserError(f"Cannot {action} {'an' if status[0] in 'aeiou' else 'a'} {status} membership.")
    from_status = membership.status
    membership.status = transition.target
    if expires_at != "keep":
        membership.expires_at = expires_at
    membership.save(update_fields=["status", "expires_at", "updated"])
    _event(membership, action=action, from_status=from_status, actor=actor, message=message)
    return membership


@transaction.atomic
def membership_extend(*, membership: GroupMembership, actor: User | None = None,
                      message: str = "") -> GroupMembership:
    """Extend by the group's rule, from the current end if it is still ahead (nothing is lost by extending
    early), else from now. A disabled membership is enabled instead (a manager's decision)."""
    now = timezone.now()
    start = max(now, membership.expires_at) if membership.expires_at else now
    action = "enable" if membership.status == MembershipStatus.DISABLED else "extend"
    return membership_transition(membership=membership, action=action, actor=actor, message=message,
                                 expires_at=membership_expiry(membership.group, start=start))


@transaction.atomic
def membership_remove(*, membership: GroupMembership, actor: User | None = None, message: str = "") -> None:
    """Delete the membership; its history stays in the audit log."""
    audit_record(actor=actor, action="group_membership.remove", target=membership,
                 detail={"group": membership.group_id, "user": membership.user.username,
                         "source": membership.source, "status": membership.status, "message": message})
    membership.delete()


@transaction.atomic
def group_claims_sync(*, user: User, urns: list[str] | None) -> dict:
    """Keep `user`'s "oidc" memberships in step with the entitlement URNs of this login.

    Groups whose URN is claimed get a valid membership (source "oidc" when new); oidc memberships of
    groups no longer claimed are removed. Direct and invitation memberships are never touched.
    `urns=None` (the login carried no eduperson_entitlement claim at all) changes nothing.
    """
    if urns is None:
        return {"added": [], "removed": []}
    keys = {key for key in (urn_key(urn) for urn in urns or []) if key}
    claimed = list(Group.objects.filter(entitlement_key__in=keys)) if keys else []
    added, removed = [], []
    for group in claimed:
        membership = GroupMembership.objects.filter(group=group, user=user).first()
        if membership is None:
            membership_add(group=group, user=user, source=MembershipSource.OIDC, message=CLAIM_MESSAGE)
        elif membership.source == MembershipSource.OIDC and membership.status == MembershipStatus.EXPIRED:
            membership_transition(membership=membership, action="enable", expires_at=None, message=CLAIM_MESSAGE)
        else:  # valid already, disabled by a manager, or direct or invitation: left alone
            continue
        added.append(group.entitlement_urn)
    stale = GroupMembership.objects.filter(user=user, source=MembershipSource.OIDC).exclude(
        group__in=claimed).select_related("group", "user")
    for membership in stale:
        removed.append(membership.group.entitlement_urn or str(membership.group))
        membership_remove(membership=membership, message=f"No longer a {CLAIM_MESSAGE}")
    if added or removed:
        audit_record(actor=user, action="group.claims_sync", target=user,
                     detail={"added": added, "removed": removed})
    return {"added": added, "removed": removed}
