"""Reads about groups: who is a valid member (directly or through a subgroup), who manages what.

Valid means status "valid" and not past `expires_at` (the beat task may not have run yet).
Indirect membership uses `Group.path`: a membership in a group counts for every group whose path
is a prefix of its group's path.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import StrIndex
from django.utils import timezone

from access.models import (
    ExtensionRequest,
    ExtensionStatus,
    Group,
    GroupKind,
    GroupManager,
    GroupMembership,
    Invitation,
    MembershipStatus,
    Organisation,
    User,
)
from access.roles import Role


def valid_memberships() -> QuerySet[GroupMembership]:
    now = timezone.now()
    return GroupMembership.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now),
                                          status=MembershipStatus.VALID, user__is_active=True)


def _within() -> Q:
    """Memberships whose group lies inside the outer group (its path starts with the outer path)."""
    return Q(group__path__startswith=OuterRef("path"))


def user_group_ids(user) -> set[int]:
    """Groups `user` is a valid member of, directly or through subgroups."""
    if not user or not user.is_authenticated:
        return set()
    paths = valid_memberships().filter(user=user).values_list("group__path", flat=True)
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def may_manage_dataset(user, dataset) -> bool:
    """Is `user` a valid member of the data-manager group of `dataset`'s organisation? One query."""
    return may_manage_organisation_datasets(user, dataset.organisation_id)


def may_manage_organisation_datasets(user, organisation_id: int | None) -> bool:
    if organisation_id is None or not user or not user.is_authenticated or not user.is_active:
        return False
    member = valid_memberships().filter(_within(), user=user)
    return Group.objects.filter(organisation_id=organisation_id, kind=GroupKind.DATA_MANAGERS).filter(
        Exists(member)).exists()


def data_manager_organisation_ids(user) -> QuerySet:
    """Ids of the organisations whose data-manager group `user` is a valid member of (a subquery)."""
    if not user or not user.is_authenticated or not user.is_active:
        return Organisation.objects.none().values("pk")
    member = valid_memberships().filter(_within(), user=user)
    return Group.objects.filter(kind=GroupKind.DATA_MANAGERS).filter(Exists(member)).values("organisation_id")


def group_members(group: Group) -> QuerySet[User]:
    """Valid members of `group`, direct and through subgroups."""
    member = valid_memberships().filter(user=OuterRef("pk"), group__path__startswith=group.path)
    return User.objects.filter(Exists(member)).order_by("last_name", "username")


def group_memberships_all(group: Group) -> QuerySet[GroupMembership]:
    """Every direct membership of `group` in any status (the manager's list)."""
    return group.memberships.select_related("user").order_by("status", "user__username")


def user_memberships(user) -> QuerySet[GroupMembership]:
    """The user's own direct memberships, any status, with a pending extension flag."""
    pending = ExtensionRequest.objects.filter(membership=OuterRef("pk"), status=ExtensionStatus.PENDING)
    return (GroupMembership.objects.filter(user=user).select_related("group", "group__organisation")
            .annotate(extension_pending=Exists(pending)).order_by("group__organisation__name", "group__path"))


def may_manage_group(user, group: Group) -> bool:
    """Managers of `group` or of one of its ancestors, and administrators."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return GroupManager.objects.filter(user=user, group_id__in=group.ancestor_ids).exists()


def managed_groups(user) -> QuerySet[Group]:
    """Groups `user` may manage: those they manage and their subgroups (all, for administrators)."""
    groups = Group.objects.select_related("organisation", "parent")
    if not user or not user.is_authenticated or not user.is_active:
        return groups.none()
    if user.has_role(Role.ADMIN):
        return groups
    # A managed group whose path starts the outer group's path.
    ancestor_managed = Group.objects.filter(manager_links__user=user).annotate(
        at=StrIndex(OuterRef("path"), F("path"))).filter(at=1)
    return groups.filter(Exists(ancestor_managed))


def pending_extensions(group: Group) -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(membership__group=group, status=ExtensionStatus.PENDING).select_related(
        "membership__user").order_by("created")


def group_invitations(group: Group) -> QuerySet[Invitation]:
    return group.invitations.select_related("invited_by").order_by("-created")


def user_by_name_or_email(value: str) -> User | None:
    """The active user with that username, else the only active user with that email."""
    value = value.strip()
    user = User.objects.filter(is_active=True, username=value).first()
    if user is None:
        matches = list(User.objects.filter(is_active=True, email__iexact=value)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user
