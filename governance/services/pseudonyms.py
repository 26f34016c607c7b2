"""Pseudonyms, de-identified UIDs and their keys: the only code that touches pseudonymisation secrets.

Key hierarchy: PSEUDONYM_KEK (settings) wraps each organisation's 32-byte secret; from the secret,
HMAC derives one key per purpose (pseudonyms, the encrypted map, UIDs), so no stored or logged
value is the HMAC key itself.

- `pseudonym(org, kind, value)`: "P<version>-<11 Crockford base32 chars>", keyed by the active
  version (a rotation shows in the prefix); the original is kept encrypted for `reidentify`.
- `uid_for(org, scope, original_uid)` and `derived_uid(org, scope, *parts)`: "2.25.<int>" UIDs.
  They use the organisation's first key, which rotation never replaces, so the instances of one
  slide stay one series even when they are de-identified on either side of a rotation.
- `pseudonym_keyring(org)` unwraps once for many calls (one file, one conversion).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from bigpicture.errors import UserError
from governance.keywrap import kek_unwrap, kek_wrap, seal, unseal
from governance.models import PseudonymEntry, PseudonymKey, PseudonymKeyState
from governance.services.audit import audit_record

log = logging.getLogger(__name__)

_SECRET_BYTES = 32
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# 11 characters (55 bits): "P1-" + 11 fits SH (16 characters: AccessionNumber, StudyID) up to version 99.
_PSEUDONYM_CHARS = 11
_PSEUDONYM_RE = re.compile(r"^P(\d+)-[0-9A-Z]+$")


def _wrap_aad(organisation_id: int, version: int) -> bytes:
    # Binds the wrapped secret to its row: a secret copied to another organisation does not unwrap.
    return f"bigpicture/pseudonym-key/{organisation_id}/{version}".encode()


def _subkey(secret: bytes, purpose: str) -> bytes:
    return hmac.new(secret, f"bigpicture/{purpose}".encode(), hashlib.sha256).digest()


def _unwrap(key: PseudonymKey) -> bytes:
    return kek_unwrap(key.wrapped_secret, aad=_wrap_aad(key.organisation_id, key.version),
                      fingerprint=key.kek_fingerprint,
                      what=f"pseudonym key v{key.version} of organisation #{key.organisation_id}",
                      remedy="restore the original PSEUDONYM_KEK")


def _key_create(organisation, version: int) -> PseudonymKey:
    wrapped, fingerprint = kek_wrap(os.urandom(_SECRET_BYTES), aad=_wrap_aad(organisation.pk, version))
    key = PseudonymKey(organisation=organisation, version=version, state=PseudonymKeyState.ACTIVE,
                       kek_fingerprint=fingerprint, wrapped_secret=wrapped)
    key.save()
    audit_record(actor=None, action="pseudonym_key.create", target=key,
                 detail={"organisation": organisation.pk, "version": version})
    return key


def pseudonym_key_active(organisation) -> PseudonymKey:
    """The organisation's active key, created on first use; concurrent first uses get the same key."""
    key = PseudonymKey.objects.filter(organisation=organisation, state=PseudonymKeyState.ACTIVE).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            last = PseudonymKey.objects.filter(organisation=organisation).order_by("-version").first()
            return _key_create(organisation, last.version + 1 if last else 1)
    except IntegrityError:
        # Another worker created it first (the one-active-key constraint); use theirs.
        return PseudonymKey.objects.get(organisation=organisation, state=PseudonymKeyState.ACTIVE)


@transaction.atomic
def pseudonym_key_rotate(*, organisation, actor) -> PseudonymKey:
    """Retire the active key and activate the next version; old pseudonyms still re-identify."""
    current = pseudonym_key_active(organisation)
    current = PseudonymKey.objects.select_for_update().get(pk=current.pk)
    if current.state != PseudonymKeyState.ACTIVE:
        raise UserError(f"pseudonym key v{current.version} was rotated meanwhile; reload and try again")
    current.state = PseudonymKeyState.RETIRED
    current.retired_at = timezone.now()
    current.save(update_fields=["state", "retired_at"])
    new = _key_create(organisation, current.version + 1)
    audit_record(actor=actor, action="pseudonym_key.rotate", target=new,
                 detail={"organisation": organisation.pk, "retired_version": current.version,
                         "version": new.version})
    return new


def _render(digest: bytes) -> str:
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * _PSEUDONYM_CHARS)
    chars = []
    for _ in range(_PSEUDONYM_CHARS):
        number, rest = divmod(number, 32)
        chars.append(_CROCKFORD[rest])
    return "".join(reversed(chars))


def _uid(digest: bytes) -> str:
    # A UUID (RFC 9562 version 8, "custom") under the 2.25 root of ISO/IEC 9834-8.
    number = int.from_bytes(digest[:16], "big")
    number = (number & ~(0xF << 76)) | (0x8 << 76)
    number = (number & ~(0x3 << 62)) | (0x2 << 62)
    return f"2.25.{number}"


def _message(*parts: str) -> bytes:
    # Length-prefixed, so ("ab", "c") and ("a", "bc") never collide.
    return b"".join(len(p.encode()).to_bytes(4, "big") + p.encode() for p in parts)


@dataclass
class PseudonymKeyring:
    """The unwrapped keys of one organisation, for one unit of work (do not keep it across tasks)."""

    key: PseudonymKey
    _pseudonym_key: bytes = field(repr=False)
    _entry_key: bytes = field(repr=False)
    _uid_key: bytes = field(repr=False)

    @property
    def version(self) -> int:
        return self.key.version

    def pseudonym(self, kind: str, value: str) -> str:
        digest = hmac.new(self._pseudonym_key, _message(kind, value), hashlib.sha256).digest()
        pseudonym = f"P{self.key.version}-{_render(digest)}"
        self._entry_record(kind, pseudonym, value)
        return pseudonym

    def uid(self, scope: str, original_uid: str) -> str:
        return _uid(hmac.new(self._uid_key, _message("uid", scope, original_uid), hashlib.sha256).digest())

    def derived_uid(self, scope: str, *parts: str) -> str:
        return _uid(hmac.new(self._uid_key, _message("derived", scope, *parts), hashlib.sha256).digest())

    def _entry_record(self, kind: str, pseudonym: str, value: str) -> None:
        aad = _message(kind, pseudonym)
        existing = PseudonymEntry.objects.filter(key=self.key, kind=kind, pseudonym=pseudonym).first()
        if existing is None:
            entry = PseudonymEntry(key=self.key, kind=kind, pseudonym=pseudonym,
                                   original_encrypted=seal(self._entry_key, value.encode(), aad))
            # A concurrent writer of the same pseudonym stored the same original: ignore the conflict.
            PseudonymEntry.objects.bulk_create([entry], ignore_conflicts=True)
        elif unseal(self._entry_key, existing.original_encrypted, aad).decode() != value:
            raise UserError(f"two different {kind} values map to pseudonym {pseudonym}; "
                            "rotate the organisation's pseudonym key and de-identify again")


def _keyring_of(key: PseudonymKey, uid_key: PseudonymKey) -> PseudonymKeyring:
    secret = _unwrap(key)
    uid_secret = secret if uid_key.pk == key.pk else _unwrap(uid_key)
    return PseudonymKeyring(key=key, _pseudonym_key=_subkey(secret, "pseudonym"),
                            _entry_key=_subkey(secret, "pseudonym-entry"), _uid_key=_subkey(uid_secret, "uid"))


def pseudonym_keyring(organisation) -> PseudonymKeyring:
    key = pseudonym_key_active(organisation)
    first = PseudonymKey.objects.filter(organisation=organisation).order_by("version").first()
    return _keyring_of(key, first)


def pseudonym(organisation, kind: str, value: str) -> str:
    return pseudonym_keyring(organisation).pseudonym(kind, value)


def uid_for(organisation, scope: str, original_uid: str) -> str:
    return pseudonym_keyring(organisation).uid(scope, original_uid)


def derived_uid(organisation, scope: str, *parts: str) -> str:
    return pseudonym_keyring(organisation).derived_uid(scope, *parts)


def reidentify(organisation, pseudonym: str, *, actor, kind: str | None = None) -> str:
    """The original value behind a pseudonym (any key version); audited, the original is not logged."""
    match = _PSEUDONYM_RE.match(pseudonym)
    key = PseudonymKey.objects.filter(organisation=organisation, version=int(match[1])).first() if match else None
    entries = PseudonymEntry.objects.filter(key=key, pseudonym=pseudonym) if key else PseudonymEntry.objects.none()
    if kind is not None:
        entries = entries.filter(kind=kind)
    found = list(entries[:2])
    if not found:
        raise UserError(f"no pseudonym {pseudonym!r} is recorded for {organisation}; check the value and "
                        "the organisation")
    if len(found) > 1:
        raise UserError(f"pseudonym {pseudonym} names a {found[0].kind} and a {found[1].kind}; say which (kind=)")
    entry = found[0]
    first = PseudonymKey.objects.filter(organisation=organisation).order_by("version").first()
    ring = _keyring_of(key, first)
    original = unseal(ring._entry_key, entry.original_encrypted, _message(entry.kind, pseudonym)).decode()
    audit_record(actor=actor, action="pseudonym.reidentify", target=entry,
                 detail={"organisation": organisation.pk, "kind": entry.kind, "pseudonym": pseudonym,
                         "key_version": key.version})
    return original
