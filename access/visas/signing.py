"""One ControlledAccessGrants Visa Document Token: RS256, with jku and kid in the header."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import jwt
from django.conf import settings

JWKS_PATH = "/.well-known/jwks.json"


@dataclass(frozen=True)
class Grant:
    """What a visa asserts: `sub` may access the dataset at `value`, granted by the DAC at `source`."""

    sub: str
    value: str
    source: str
    asserted: datetime
    expires: datetime


def portal_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def issuer() -> str:
    return portal_url("/")


def jku() -> str:
    return portal_url(JWKS_PATH)


def visa_sign(grant: Grant, *, kid: str, private_pem: bytes, now: datetime) -> str:
    payload = {
        "iss": issuer(), "sub": grant.sub, "iat": int(now.timestamp()), "exp": int(grant.expires.timestamp()),
        "jti": str(uuid.uuid4()),
        "ga4gh_visa_v1": {"type": "ControlledAccessGrants", "asserted": int(grant.asserted.timestamp()),
                          "value": grant.value, "source": grant.source, "by": "dac"},
    }
    return jwt.encode(payload, private_pem, algorithm="RS256", headers={"jku": jku(), "kid": kid, "typ": "JWT"})
