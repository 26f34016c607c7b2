"""Perun-like groups of an organisation: subgroups, managers, memberships with expiry, invitations.

A member of a subgroup is an indirect member of every ancestor group. `Group.path` ("/3/7/12/")
holds the ancestry, so the permission questions in access.selectors.groups take one query.
Membership status is an explicit state machine (`MEMBERSHIP_TRANSITIONS`), each change an event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from access.entitlement_urns import urn_key
from access.expiry_rules import ExpiryRuleError, grace_parse, period_parse
from access.models.organisations import Organisation


class GroupKind(models.TextChoices):
    GROUP = "group", "Group"
    # Members administer the organisation's datasets; one per organisation.
    DATA_MANAGERS = "data_managers", "Data managers"


def validate_expiry_period(value: str) -> None:
    try:
        period_parse(value)
    except ExpiryRuleError as error:
        raise ValidationError(str(error)) from None


def validate_expiry_grace(value: str) -> None:
    try:
        grace_parse(value)
    except ExpiryRuleError as error:
        raise ValidationError(str(error)) from None


class Group(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="groups")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subgroups")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=GroupKind.choices, default=GroupKind.GROUP)
    # An AARC-G002 URN from Life Science AAI's eduperson_entitlement; login keeps source "oidc"
    # memberships in step with it. `entitlement_key` is its normalised spelling (access.entitlement_urns).
    entitlement_urn = models.CharField(max_length=500, blank=True)
    entitlement_key = models.CharField(max_length=500, blank=True, editable=False)
    expiry_period = models.CharField(
        max_length=20, blank=True, validators=[validate_expiry_period],
        help_text="When memberships end: a fixed date each year (1.1.) or relative to joining or extension "
                  "(+1y, +6m, +30d). Empty: never.")
    expiry_grace = models.CharField(
        max_length=20, blank=True, validators=[validate_expiry_grace],
        help_text="How long an expired membership is kept (listed, not valid, still extensible) before it is "
                  "disabled (+14d). Empty: disabled at once.")
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="GroupManager", blank=True,
                                      related_name="managed_groups")
    # "/<root id>/.../<own id>/", kept by save().
    path = models.CharField(max_length=1000, editable=False, db_index=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="access_group_slug_per_organisation"),
            models.UniqueConstraint(fields=["entitlement_key"], condition=~models.Q(entitlement_key=""),
                                    name="access_group_entitlement_unique"),
            models.UniqueConstraint(fields=["organisation"], condition=models.Q(kind="data_managers"),
                                    name="access_one_data_manager_group"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.entitlement_key = urn_key(self.entitlement_urn)
        super().save(*args, **kwargs)
        old, new = self.path, f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if old != new:
            Group.objects.filter(pk=self.pk).update(path=new)
            if old:  # moved: the subtree follows
                for descendant in Group.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    Group.objects.filter(pk=descendant.pk).update(path=new + descendant.path[len(old):])
            self.path = new

    def clean(self) -> None:
        self.entitlement_key = urn_key(self.entitlement_urn)
        if self.parent_id is None:
            return
        if self.parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": "A subgroup belongs to its parent's organisation."})
        if self.pk and self.pk in self.parent.ancestor_ids:
            raise ValidationError({"parent": f"{self.parent.name} is inside {self.name}; a group cannot be its "
                                             "own ancestor."})
        if self.kind == GroupKind.DATA_MANAGERS:
            raise ValidationError({"kind": "The data-manager group is a top-level group of its organisation."})

    @property
    def ancestor_ids(self) -> list[int]:
        """Own id last."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class GroupManager(models.Model):
    """A manager manages the memberships and invitations of the group and its subgroups."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="manager_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_manager_links")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="access_one_group_manager")]

    def __str__(self) -> str:
        return f"{self.user} manages {self.group}"


class MembershipSource(models.TextChoices):
    DIRECT = "direct", "Added by a manager"
    OIDC = "oidc", "Life Science AAI group"
    INVITATION = "invitation", "Accepted invitation"


class MembershipStatus(models.TextChoices):
    VALID = "valid", "Valid"
    # Past expires_at, within the group's grace period: listed, not valid, may still be extended.
    EXPIRED = "expired", "Expired"
    DISABLED = "disabled", "Disabled"


@dataclass(frozen=True)
class MembershipTransition:
    action: str
    sources: frozenset[str]
    target: str
    label: str


_S = MembershipStatus
MEMBERSHIP_TRANSITIONS: tuple[MembershipTransition, ...] = (
    MembershipTransition("expire", frozenset({_S.VALID}), _S.EXPIRED, "Expired"),
    MembershipTransition("disable", frozenset({_S.VALID, _S.EXPIRED}), _S.DISABLED, "Disabled"),
    MembershipTransition("extend", frozenset({_S.VALID, _S.EXPIRED}), _S.VALID, "Extended"),
    MembershipTransition("enable", frozenset({_S.EXPIRED, _S.DISABLED}), _S.VALID, "Enabled again"),
)


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    source = models.CharField(max_length=20, choices=MembershipSource.choices, default=MembershipSource.DIRECT)
    status = models.CharField(max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.VALID)
    expires_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group__path", "user__username"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="access_one_group_membership")]
        indexes = [models.Index(fields=["status", "expires_at"], name="access_membership_due")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.status})"

    @property
    def is_valid(self) -> bool:
        return self.status == MembershipStatus.VALID and (self.expires_at is None or self.expires_at > timezone.now())


class GroupMembershipEvent(models.Model):
    """Append-only history of a membership's status (and of its creation and extensions)."""

    membership = models.ForeignKey(GroupMembership, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    message = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.membership}: {self.action} {self.from_status or '∅'} → {self.to_status}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ExtensionRequest(models.Model):
    """A member asks to extend a membership; a manager of the group approves (extend by the rule) or rejects."""

    membership = models.ForeignKey(GroupMembership, on_delete=models.CASCADE, related_name="extension_requests")
    status = models.CharField(max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    message = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["membership"], condition=models.Q(status="pending"),
                                               name="access_one_pending_extension")]

    def __str__(self) -> str:
        return f"Extension of {self.membership} ({self.status})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class Invitation(models.Model):
    """An invitation by email to join a group. Only the SHA-256 of the token is stored (access.tokens)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["group", "email"], condition=models.Q(status="pending"),
                                               name="access_one_pending_invitation")]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.group} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at > timezone.now()
