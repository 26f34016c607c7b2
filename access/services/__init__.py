"""Writes for users, organisations, memberships and API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from access.models import ApiToken, Membership, Organisation, User
from access.roles import MembershipRole, Role
from access.services.groups import organisation_data_managers
from access.tokens import (
    LAST_USED_RESOLUTION_SECONDS,
    MAX_DAYS,
    secret_hash,
    token_prefix_new,
    token_secret_new,
    token_string,
)
from bigpicture.errors import UserError
from governance.services import audit_record


def role_group(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=role.value)
    return group


@transaction.atomic
def organisation_create(*, name: str, slug: str, country: str = "", contact_email: str = "",
                        website: str = "", node: Organisation | None = None,
                        actor: User | None = None) -> Organisation:
    organisation = Organisation(
        name=name, slug=slug, country=country, contact_email=contact_email, website=website, node=node
    )
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.create", target=organisation)
    organisation_data_managers(organisation, actor=actor)
    return organisation


@transaction.atomic
def user_create(*, username: str, email: str, password: str | None, organisation: Organisation | None = None,
                roles: tuple[Role, ...] = (), first_name: str = "", last_name: str = "",
                actor: User | None = None) -> User:
    user = User(username=username, email=email, organisation=organisation,
                first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    if Role.ADMIN in roles:
        user.is_staff = True
        user.is_superuser = True
    user.save()
    for role in roles:
        role_grant(user=user, role=role, actor=actor)
    audit_record(actor=actor, action="user.create", target=user)
    return user


@transaction.atomic
def role_grant(*, user: User, role: Role, actor: User | None = None) -> None:
    user.groups.add(role_group(role))
    if role in (Role.DATA_STEWARD, Role.NODE_COORDINATOR) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_names", None)
    audit_record(actor=actor, action="role.grant", target=user, detail={"role": role.value})


@transaction.atomic
def membership_grant(*, user: User, organisation: Organisation, role: str,
                     actor: User | None = None) -> Membership:
    """Give `user` `role` in `organisation`; granting a role already held returns it unchanged."""
    role = MembershipRole(role)
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if created:
        audit_record(actor=actor, action="membership.grant", target=membership,
                     detail={"user": user.username, "organisation": organisation.slug, "role": role.value})
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User | None = None) -> None:
    detail = {"user": membership.user.username, "organisation": membership.organisation.slug,
              "role": membership.role}
    audit_record(actor=actor, action="membership.revoke", target=membership, detail=detail)
    membership.delete()


@transaction.atomic
def token_create(*, user: User, name: str, days: int, actor: User | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, valid `days` days; returns it and its plaintext (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise UserError("Give the token a name that says where it is used, for example 'lab uploader'.")
    if not 1 <= days <= MAX_DAYS:
        raise UserError(f"A token is valid for 1 to {MAX_DAYS} days, not {days}.")
    secret = token_secret_new()
    token = ApiToken(user=user, name=name[:100], token_hash=secret_hash(secret),
                     expires_at=timezone.now() + timedelta(days=days))
    for _ in range(5):
        token.prefix = token_prefix_new()
        try:
            with transaction.atomic():
                token.save()
            break
        except IntegrityError:  # a prefix taken already: 1 in 4 billion, try another
            continue
    else:
        raise UserError("Could not create a token just now; try again.")
    audit_record(actor=actor or user, action="token.create", target=token,
                 detail={"user": user.username, "name": token.name, "expires_at": token.expires_at})
    return token, token_string(token.prefix, secret)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User | None = None) -> ApiToken:
    """Revoke at once; revoking a revoked token changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", target=token,
                     detail={"user": token.user.username, "name": token.name})
    return token


def token_mark_used(*, token: ApiToken, now) -> None:
    """Record use; a conditional update, so concurrent requests write once and need no transaction."""
    stale = now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
    ApiToken.objects.filter(pk=token.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)).update(
        last_used_at=now)
    token.last_used_at = now
