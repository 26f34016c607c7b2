"""Writes for Life Science AAI logins: the identity (issuer + sub) to a user, its profile fields, its
entitlement claims to group memberships, and its verified inbound visas."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from access.models import InboundVisa, OidcIdentity, User
from access.oidc.claims import LoginClaims, username_base
from access.oidc.visas import VerifiedVisa
from access.services import user_create
from access.services.groups import group_claims_sync
from governance.services import audit_record


@transaction.atomic
def oidc_login_record(*, issuer: str, claims: LoginClaims, visas: list[VerifiedVisa]) -> User:
    """The user behind `sub` at `issuer`, created at the first login, brought up to date with this login.

    Only the (issuer, sub) pair finds a user: an existing account with the same email is never taken
    over, the new user gets its own username.
    """
    identity = OidcIdentity.objects.select_for_update().select_related("user").filter(
        issuer=issuer, sub=claims.sub).first()
    if identity is None:
        identity = _identity_create(issuer=issuer, claims=claims)
    user = identity.user
    _profile_update(user=user, claims=claims)
    identity.last_login = timezone.now()
    identity.save(update_fields=["last_login"])
    group_claims_sync(user=user, urns=claims.entitlements)
    visas_replace(user=user, passport_issuer=issuer, visas=visas)
    return user


def _identity_create(*, issuer: str, claims: LoginClaims) -> OidcIdentity:
    for _ in range(3):
        try:
            with transaction.atomic():
                user = user_create(username=username_free(username_base(claims)), email=claims.email, password=None,
                                   first_name=claims.first_name, last_name=claims.last_name)
                identity = OidcIdentity.objects.create(user=user, issuer=issuer, sub=claims.sub)
        except IntegrityError:
            # The same first login in another request, or a username taken meanwhile: look again.
            identity = OidcIdentity.objects.select_related("user").filter(issuer=issuer, sub=claims.sub).first()
            if identity is not None:
                return identity
            continue
        audit_record(actor=user, action="oidc_identity.link", target=identity,
                     detail={"issuer": issuer, "sub": claims.sub, "username": user.username})
        return identity
    raise IntegrityError(f"could not create a user for {claims.sub} at {issuer}")


def username_free(base: str) -> str:
    """`base`, or `base-2`, `base-3` ... : the first that no user has (case-insensitively)."""
    taken = {name.lower() for name in User.objects.filter(username__istartswith=base).values_list(
        "username", flat=True)}
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _profile_update(*, user: User, claims: LoginClaims) -> None:
    """Email and name follow the issuer at every login (a claim left out keeps the stored value)."""
    changed = {}
    for name, value in (("email", claims.email), ("first_name", claims.first_name),
                        ("last_name", claims.last_name)):
        if value and getattr(user, name) != value:
            changed[name] = {"from": getattr(user, name), "to": value}
            setattr(user, name, value)
    if changed:
        user.save(update_fields=list(changed))
        audit_record(actor=user, action="user.update_from_claims", target=user, detail=changed)


def visas_replace(*, user: User, passport_issuer: str, visas: list[VerifiedVisa]) -> list[InboundVisa]:
    """The user's visas passed on by `passport_issuer` become exactly `visas` (those of this login)."""
    with transaction.atomic():
        previous = InboundVisa.objects.filter(user=user, passport_issuer=passport_issuer)
        before = sorted(previous.values_list("type", "value"))
        previous.delete()
        stored = InboundVisa.objects.bulk_create([
            InboundVisa(user=user, passport_issuer=passport_issuer, type=visa.type, value=visa.value,
                        source=visa.source, by=visa.by, asserted=visa.asserted, expires=visa.expires,
                        issuer=visa.issuer, jku=visa.jku, jti=visa.jti, raw=visa.raw)
            for visa in visas
        ])
        after = sorted((visa.type, visa.value) for visa in stored)
        if before != after:
            audit_record(actor=user, action="inbound_visa.replace", target=user,
                         detail={"passport_issuer": passport_issuer, "visas": [list(item) for item in after]})
    return stored
