"""What a login's ID token and userinfo say: verified (RS256 against the issuer's JWKS: signature,
iss, aud, exp, iat, nonce), then read into the fields a portal user gets."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field

import jwt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from access.oidc.discovery import Provider
from access.oidc.errors import LoginRefused, OidcUnavailable
from access.oidc.keys import KeyUnavailable, KeyUnknown, signing_key

_ALGORITHMS = ["RS256"]
_TRY_AGAIN = "Log in again; if it keeps failing, tell the portal's administrators."


def id_token_verify(token: str, *, provider: Provider, client_id: str, nonce: str | None) -> dict:
    """The ID token's claims, or LoginRefused saying which check failed."""
    if not token:
        raise LoginRefused(f"Life Science AAI sent no ID token. {_TRY_AGAIN}")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as exc:
        raise LoginRefused(f"The ID token from Life Science AAI is not a JWT. {_TRY_AGAIN}") from exc
    if header.get("alg") not in _ALGORITHMS:
        raise LoginRefused(f"The ID token is signed with {header.get('alg')!r}, not RS256. {_TRY_AGAIN}")
    try:
        key = signing_key(provider.jwks_uri, token)
    except KeyUnavailable as exc:
        raise OidcUnavailable(f"Life Science AAI's signing keys could not be read: {exc}.") from exc
    except KeyUnknown as exc:
        raise LoginRefused(f"The ID token is signed with a key Life Science AAI does not publish. {_TRY_AGAIN}") from exc
    try:
        claims = jwt.decode(
            token, key, algorithms=_ALGORITHMS, audience=client_id, issuer=provider.issuer,
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise LoginRefused(f"The ID token from Life Science AAI has expired. {_TRY_AGAIN} "
                           "(A wrong clock on the portal's server also causes this.)") from exc
    except jwt.InvalidIssuerError as exc:
        raise LoginRefused(f"The ID token was issued by {_unverified(token, 'iss')!r}, not by the configured "
                           f"issuer {provider.issuer!r}. {_TRY_AGAIN}") from exc
    except jwt.InvalidAudienceError as exc:
        raise LoginRefused(f"The ID token is meant for another service ({_unverified(token, 'aud')!r}), "
                           f"not this portal. {_TRY_AGAIN}") from exc
    except jwt.InvalidSignatureError as exc:
        raise LoginRefused(f"The ID token's signature does not verify. {_TRY_AGAIN}") from exc
    except jwt.InvalidTokenError as exc:
        raise LoginRefused(f"The ID token from Life Science AAI is not valid ({exc}). {_TRY_AGAIN}") from exc
    # OIDC Core 3.1.3.7: with several audiences, azp names the client it was issued to.
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        raise LoginRefused(f"The ID token was issued to another service (azp). {_TRY_AGAIN}")
    # The nonce ties the token to this browser's login attempt: a token from another attempt is a replay.
    if not nonce or not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(claims["nonce"], nonce):
        raise LoginRefused(f"The ID token does not belong to this login attempt (its nonce differs). {_TRY_AGAIN}")
    return claims


def _unverified(token: str, name: str):
    try:
        return jwt.decode(token, options={"verify_signature": False}).get(name)
    except jwt.DecodeError:
        return None


@dataclass(frozen=True)
class LoginClaims:
    """The claims of one login, from the ID token and userinfo (userinfo wins where both say)."""

    sub: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    preferred_username: str = ""
    # None: this login says nothing about group memberships (see claims_read).
    entitlements: list[str] | None = None
    passport: list[str] = field(default_factory=list)


def claims_read(*, id_token: dict, userinfo: dict) -> LoginClaims:
    # OIDC Core 5.3.2: userinfo about another subject must not be used.
    if "sub" in userinfo and userinfo["sub"] != id_token["sub"]:
        raise LoginRefused(f"Life Science AAI's userinfo is about another user than the ID token. {_TRY_AGAIN}")
    claims = {**id_token, **userinfo}
    first, last = _text(claims, "given_name", 150), _text(claims, "family_name", 150)
    if not (first or last):
        first, _, last = _text(claims, "name", 301).rpartition(" ")
    return LoginClaims(
        sub=id_token["sub"], email=_email(claims), first_name=first[:150], last_name=last[:150],
        preferred_username=_text(claims, "preferred_username", 150),
        entitlements=_entitlements(claims),
        passport=_strings(claims.get("ga4gh_passport_v1")),
    )


def _text(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _entitlements(claims: dict) -> list[str] | None:
    """The claimed URNs. An absent claim, when the eduperson_entitlement scope was asked for, means none
    (LS AAI leaves out empty claims, and a user who left every group must lose their memberships);
    without that scope the login says nothing about groups (None: memberships are left alone)."""
    if "eduperson_entitlement" in claims:
        return _strings(claims["eduperson_entitlement"])
    return [] if "eduperson_entitlement" in settings.OIDC_RP_SCOPES.split() else None


def _email(claims: dict) -> str:
    email = _text(claims, "email", 254)
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _strings(value) -> list[str]:
    """A claim that may be one string or a list of them (eduperson_entitlement is either)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


def username_base(claims: LoginClaims) -> str:
    """A readable username to start from: preferred_username, else the email's or sub's local part."""
    for candidate in (claims.preferred_username, claims.email.partition("@")[0], claims.sub.partition("@")[0]):
        cleaned = _USERNAME_UNSAFE.sub("", candidate)[:140]
        if cleaned:
            return cleaned
    return "lsaai-user"
