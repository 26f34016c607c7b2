"""`Authorization: Bearer <token>` for the API, with personal API tokens (access.tokens)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from access.selectors import token_user
from access.tokens import TokenRefused


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword:
            return None  # not ours: the next class (session) may authenticate
        if len(words) != 2:
            raise AuthenticationFailed("Send the token as 'Authorization: Bearer <token>', with no spaces in it.")
        try:
            raw = words[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("This is not a Bigpicture API token: it has non-ASCII characters.") from exc
        try:
            return token_user(raw), None
        except TokenRefused as exc:
            raise AuthenticationFailed(str(exc)) from exc

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to requests without valid credentials.
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents bearer tokens in /api/schema/."""

    target_class = "access.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "bpt_<prefix>_<secret>",
                "description": "A personal API token, created at /account/tokens/ or with "
                               "`manage.py token_create`."}
