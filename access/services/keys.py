"""Registering and revoking users' crypt4gh public keys (audited)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from access.crypt4gh_keys import KeyRefused, fingerprint, public_key_read
from access.models import UserPublicKey
from governance.services import audit_record


@transaction.atomic
def public_key_register(*, user, name: str, text: str) -> UserPublicKey:
    """Register the key in `text` (see access.crypt4gh_keys) for `user`; KeyRefused says why not."""
    key = public_key_read(text)
    name = (name or "").strip()[:100] or "crypt4gh key"
    key_fingerprint = fingerprint(key)
    existing = UserPublicKey.objects.filter(user=user, fingerprint=key_fingerprint, revoked_at__isnull=True).first()
    if existing is not None:
        raise KeyRefused(f"You registered this key already, as “{existing.name}”.")
    try:
        with transaction.atomic():
            row = UserPublicKey.objects.create(user=user, name=name, public_key=key, fingerprint=key_fingerprint)
    except IntegrityError:  # the same key registered at the same moment by another request
        raise KeyRefused("You registered this key already.") from None
    audit_record(actor=user, action="access.public_key.register", target=row,
                 detail={"fingerprint": key_fingerprint, "name": name})
    return row


@transaction.atomic
def public_key_revoke(*, key: UserPublicKey, actor) -> UserPublicKey:
    """Stop using `key` for downloads; the row stays, for the audit rows that name its fingerprint."""
    key = UserPublicKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="access.public_key.revoke", target=key,
                     detail={"fingerprint": key.fingerprint})
    return key
