"""Reading users' crypt4gh public keys."""

from __future__ import annotations

from django.db.models import QuerySet

from access.models import UserPublicKey


def user_public_keys(user, *, active_only: bool = False) -> QuerySet[UserPublicKey]:
    keys = UserPublicKey.objects.filter(user=user)
    return keys.filter(revoked_at__isnull=True) if active_only else keys


def download_key(user, fingerprint: str = "") -> UserPublicKey | None:
    """The key a download is encrypted to: the active one with this fingerprint (a prefix of at least
    8 hex digits will do), else the user's newest active key; None if there is none."""
    keys = user_public_keys(user, active_only=True)
    if fingerprint:
        if len(fingerprint) < 8:
            return None
        return keys.filter(fingerprint__startswith=fingerprint.lower()).first()
    return keys.first()
