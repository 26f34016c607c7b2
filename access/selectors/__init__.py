"""Reads about users, roles and memberships. Permission questions are answered here."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from access.models import ApiToken, Membership, Organisation, User
from access.roles import SUBMITTING_ROLES, MembershipRole, Role
from access.selectors.groups import data_manager_organisation_ids
from access.services import token_mark_used
from access.tokens import LAST_USED_RESOLUTION_SECONDS, TokenRefused, secret_matches, token_parse


def user_roles(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    return [role for role in Role if user.has_role(role)]


def submission_organisations(user) -> QuerySet[Organisation]:
    """The organisations `user` may submit for.

    A contributor or node-coordinator membership gives its organisation; a node-coordinator
    membership in a node also gives the node's sites. The home organisation (`User.organisation`)
    with the global contributor or node-coordinator role counts as such a membership. The valid members
    of an organisation's data-manager group (access.selectors.groups) manage its datasets: they may submit
    new datasets and new versions for it.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    submitting = Membership.objects.filter(user=user, role__in=SUBMITTING_ROLES).values("organisation_id")
    coordinating = Membership.objects.filter(user=user, role=MembershipRole.NODE_COORDINATOR).values(
        "organisation_id")
    allowed = Q(pk__in=submitting) | Q(node_id__in=coordinating) | Q(pk__in=data_manager_organisation_ids(user))
    if user.organisation_id is not None:
        if user.has_role(Role.CONTRIBUTOR) or user.has_role(Role.NODE_COORDINATOR):
            allowed |= Q(pk=user.organisation_id)
        if user.has_role(Role.NODE_COORDINATOR):
            allowed |= Q(node_id=user.organisation_id)
    return Organisation.objects.filter(allowed)


def can_submit_for(user, organisation) -> bool:
    """May `user` submit datasets for `organisation`? (see `submission_organisations`)"""
    if organisation is None:
        return False
    return submission_organisations(user).filter(pk=organisation.pk).exists()


def may_view_pixels(user, *, submission) -> bool:
    """The one entitlement check for pixels, files and frames. Until the access layer lands it covers a
    submission's images in the inbox: its organisation's contributors and the data stewards."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.has_role(Role.DATA_STEWARD) or can_submit_for(user, submission.organisation)


def organisation_signatories(organisation) -> QuerySet:
    """The active users who may sign agreements for `organisation`."""
    return User.objects.filter(is_active=True, memberships__organisation=organisation,
                               memberships__role=MembershipRole.SIGNATORY).order_by("last_name", "username")


def user_tokens(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created")


def token_user(raw: str):
    """The user a token string authenticates, or TokenRefused with a message that says why.

    Marks the token used (at most once a minute, so a busy client does not write on
    every request). The one check for DRF, DICOMweb and WebDAV.
    """
    prefix, secret = token_parse(raw)
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not secret_matches(secret, token.token_hash):
        raise TokenRefused("This API token is not valid: it may have been mistyped or deleted. "
                           "Create a new one at /account/tokens/.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(f"This API token ({token.name}) was revoked on {_when(token.revoked_at)}. "
                           "Create a new one at /account/tokens/.")
    if token.expires_at <= now:
        raise TokenRefused(f"This API token ({token.name}) expired on {_when(token.expires_at)}. "
                           "Create a new one at /account/tokens/.")
    if not token.user.is_active:
        raise TokenRefused("The account this API token belongs to is deactivated.")
    if token.last_used_at is None or token.last_used_at <= now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS):
        token_mark_used(token=token, now=now)
    return token.user


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")
