"""Reads about users, roles and memberships. Permission questions are answered here."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from access.models import ApiToken, User
from access.roles import MembershipRole, Role
from access.selectors.organisations import can_submit_for, submission_organisations
from access.selectors.permissions import can_access_pixels
from access.services import token_mark_used
from access.tokens import LAST_USED_RESOLUTION_SECONDS, TokenRefused, secret_matches, token_parse

__all__ = ["can_access_pixels", "can_submit_for", "organisation_signatories", "submission_organisations",
           "token_user", "user_roles", "user_tokens"]


def user_roles(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    return [role for role in Role if user.has_role(role)]


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
