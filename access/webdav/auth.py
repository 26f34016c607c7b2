"""Who is asking: a session, `Authorization: Bearer <token>`, or HTTP Basic with the username and
an API token as password (what rclone and davfs2 send). Tokens are checked by `token_user`,
remembered for a moment by `recent_user` (the filesystem is read-only: every request is a read)."""

from __future__ import annotations

import base64
import binascii

from access.selectors import token_user
from access.selectors.principals import recent_user
from access.tokens import TokenRefused

REALM = "Bigpicture WebDAV"


class Unauthenticated(Exception):
    """No credentials, or credentials that do not hold: the answer is 401, with the message."""


def webdav_user(request):
    """The user the request speaks for; Unauthenticated when there is none."""
    header = request.headers.get("Authorization", "")
    if not header:
        if request.user.is_authenticated:
            return request.user
        raise Unauthenticated("Log in, or send your username and an API token (as the password).")
    scheme, _, credentials = header.partition(" ")
    scheme, credentials = scheme.lower(), credentials.strip()
    if scheme == "bearer":
        return _token_user(credentials)
    if scheme == "basic":
        username, token = _basic(credentials)
        user = _token_user(token)
        if user.get_username() != username:
            raise Unauthenticated("This API token belongs to another user.")
        return user
    raise Unauthenticated("Send Basic (username and API token) or Bearer (API token) credentials.")


def _basic(credentials: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Unauthenticated("The Basic credentials are not valid base64 of 'username:token'.") from exc
    username, colon, token = decoded.partition(":")
    if not colon or not token:
        raise Unauthenticated("Send your API token as the password.")
    return username, token


def _token_user(raw: str):
    try:
        return recent_user("token", raw, lambda: token_user(raw))
    except TokenRefused as exc:
        raise Unauthenticated(str(exc)) from exc
