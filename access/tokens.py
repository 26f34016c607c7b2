"""The personal API token format: `bpt_<prefix>_<secret>`.

The prefix (8 hex characters) finds the row and is shown in lists; only the SHA-256 of
the secret is stored, and it is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from bigpicture.errors import UserError

TOKEN_SCHEME = "bpt"
DEFAULT_DAYS = 90
MAX_DAYS = 365
# last_used_at is written at most this often per token.
LAST_USED_RESOLUTION_SECONDS = 60


class TokenRefused(UserError):
    """The token is unknown, malformed, expired or revoked; the message says which."""


def token_prefix_new() -> str:
    return secrets.token_hex(4)


def token_secret_new() -> str:
    return secrets.token_urlsafe(32)


def token_string(prefix: str, secret: str) -> str:
    return f"{TOKEN_SCHEME}_{prefix}_{secret}"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, token_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), token_hash)


def token_parse(raw: str) -> tuple[str, str]:
    """(prefix, secret) of a token string, or TokenRefused if it is not one."""
    scheme, _, rest = raw.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or not prefix or not secret:
        raise TokenRefused("This is not a Bigpicture API token: tokens look like bpt_<prefix>_<secret>. "
                           "Create one at /account/tokens/.")
    return prefix, secret
