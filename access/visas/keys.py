"""The visa signing keys: create on first use, rotate, unwrap, and the public JWKS.

Private keys are stored wrapped (AES-GCM) with the portal's key-encryption key, the same KEK and
wrapping governance uses for pseudonymisation secrets (governance.services.pseudonyms), bound to
their kid so a wrapped key copied to another row does not unwrap.
"""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from access.models import VisaSigningKey
from governance.keywrap import kek_unwrap, kek_wrap
from governance.services import audit_record

_RSA_BITS = 2048


def _aad(kid: str) -> bytes:
    return f"bigpicture/visa-signing-key/{kid}".encode()


def _b64url_uint(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _public_jwk(kid: str, private: rsa.RSAPrivateKey) -> dict:
    numbers = private.public_key().public_numbers()
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}


def _key_create(*, actor) -> VisaSigningKey:
    kid = uuid.uuid4().hex
    private = rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    wrapped, fingerprint = kek_wrap(pem, aad=_aad(kid))
    key = VisaSigningKey.objects.create(kid=kid, wrapped_private_key=wrapped, kek_fingerprint=fingerprint,
                                        public_jwk=_public_jwk(kid, private))
    audit_record(actor=actor, action="visa_key.create", target=key, detail={"kid": kid})
    return key


def visa_key_signing() -> VisaSigningKey:
    """The key that signs new visas: the newest unretired one, created on first use."""
    key = VisaSigningKey.objects.filter(retired_at__isnull=True).first()
    return key if key is not None else _key_create(actor=None)


@transaction.atomic
def visa_keys_rotate(*, actor=None) -> VisaSigningKey:
    """Retire every signing key and create the next one. A retired key stays published until every
    visa it may have signed has expired (GA4GH_VISA_DEFAULT_SECONDS after its retirement)."""
    now = timezone.now()
    not_after = now + timedelta(seconds=settings.GA4GH_VISA_DEFAULT_SECONDS)
    retired = list(VisaSigningKey.objects.select_for_update().filter(retired_at__isnull=True)
                   .values_list("kid", flat=True))
    VisaSigningKey.objects.filter(kid__in=retired).update(retired_at=now, not_after=not_after)
    new = _key_create(actor=actor)
    audit_record(actor=actor, action="visa_key.rotate", target=new,
                 detail={"kid": new.kid, "retired": retired, "published_until": not_after.isoformat()})
    return new


def visa_keys_published() -> list[VisaSigningKey]:
    """The keys whose public half the JWKS lists: unretired ones and retired ones still in use."""
    return list(VisaSigningKey.objects.filter(Q(retired_at__isnull=True) | Q(not_after__gt=timezone.now())))


def jwks() -> dict:
    return {"keys": [key.public_jwk for key in visa_keys_published()]}


def private_key_pem(key: VisaSigningKey) -> bytes:
    return kek_unwrap(key.wrapped_private_key, aad=_aad(key.kid), fingerprint=key.kek_fingerprint,
                      what=f"visa signing key {key.kid}",
                      remedy="restore the original PSEUDONYM_KEK or run `manage.py visa_keys_rotate`")
