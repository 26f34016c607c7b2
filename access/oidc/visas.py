"""Inbound GA4GH Passport v1 visas: each visa JWT is checked against a trusted (iss, jku) pair.

Only a pair in GA4GH_TRUSTED_VISA_ISSUERS makes us fetch its jku (cached, access.oidc.keys);
then RS256 signature, exp, iat and the ga4gh_visa_v1 fields. A visa that fails is skipped and
logged, never stored; one bad visa does not fail the login.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt
from django.conf import settings

from access.oidc.keys import KeyUnavailable, KeyUnknown, signing_key

logger = logging.getLogger(__name__)

_BY = {"self", "peer", "system", "so", "dac"}
_LIMITS = {"type": 64, "value": 2000, "source": 2000}


class VisaRefused(Exception):
    """Why a visa is not kept."""


@dataclass(frozen=True)
class VerifiedVisa:
    type: str
    value: str
    source: str
    by: str
    asserted: datetime
    expires: datetime
    issuer: str
    jku: str
    jti: str
    raw: str


def passport_verify(passport: list[str], *, subject: str) -> list[VerifiedVisa]:
    """The visas of `passport` that verify; the others are logged (with `subject`, the login's sub)."""
    verified = []
    for index, token in enumerate(passport):
        try:
            verified.append(visa_verify(token))
        except VisaRefused as exc:
            logger.warning("ga4gh_passport_v1 of %s: visa %d skipped: %s", subject, index, exc)
    return verified


def visa_verify(token: str) -> VerifiedVisa:
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.DecodeError as exc:
        raise VisaRefused(f"not a JWT ({exc})") from exc
    issuer, jku = unverified.get("iss"), header.get("jku")
    if header.get("alg") != "RS256":
        raise VisaRefused(f"signed with {header.get('alg')!r}, not RS256")
    if not isinstance(issuer, str) or not isinstance(jku, str):
        raise VisaRefused("no iss or no jku (visas signed by a passport broker's own key are not accepted)")
    if (issuer, jku) not in {tuple(pair) for pair in settings.GA4GH_TRUSTED_VISA_ISSUERS}:
        raise VisaRefused(f"(iss {issuer!r}, jku {jku!r}) is not a trusted pair (GA4GH_TRUSTED_VISA_ISSUERS)")
    try:
        key = signing_key(jku, token)
        claims = jwt.decode(token, key, algorithms=["RS256"], issuer=issuer,
                            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                            options={"require": ["iss", "sub", "iat", "exp"], "verify_aud": False})
    except (KeyUnavailable, KeyUnknown) as exc:
        raise VisaRefused(str(exc)) from exc
    except jwt.InvalidTokenError as exc:
        raise VisaRefused(f"{type(exc).__name__}: {exc}") from exc
    return _visa(claims, issuer=issuer, jku=jku, raw=token)


def _visa(claims: dict, *, issuer: str, jku: str, raw: str) -> VerifiedVisa:
    body = claims.get("ga4gh_visa_v1")
    if not isinstance(body, dict):
        raise VisaRefused("no ga4gh_visa_v1 object")
    for name, limit in _LIMITS.items():
        if not isinstance(body.get(name), str) or not body[name] or len(body[name]) > limit:
            raise VisaRefused(f"ga4gh_visa_v1.{name} missing, not a string, or longer than {limit}")
    asserted = body.get("asserted")
    if not isinstance(asserted, int | float) or isinstance(asserted, bool):
        raise VisaRefused("ga4gh_visa_v1.asserted missing or not seconds since the epoch")
    if asserted > claims["iat"] + settings.OIDC_CLOCK_SKEW_SECONDS:
        raise VisaRefused("ga4gh_visa_v1.asserted is after the visa was issued")
    by = body.get("by", "")
    if by and by not in _BY:
        raise VisaRefused(f"ga4gh_visa_v1.by {by!r} is not one of {', '.join(sorted(_BY))}")
    # A clearinghouse must reject conditions it cannot evaluate; this portal evaluates none.
    if body.get("conditions"):
        raise VisaRefused("ga4gh_visa_v1.conditions are not evaluated here")
    return VerifiedVisa(
        type=body["type"], value=body["value"], source=body["source"], by=by,
        asserted=datetime.fromtimestamp(asserted, UTC), expires=datetime.fromtimestamp(claims["exp"], UTC),
        issuer=issuer, jku=jku, jti=str(claims.get("jti", ""))[:255], raw=raw,
    )
