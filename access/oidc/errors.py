"""Why an OIDC login did not happen: the issuer is unreachable, or what it sent is refused."""

from bigpicture.errors import TransientError, UserError


class OidcUnavailable(TransientError):
    """The issuer (discovery, token, userinfo or JWKS endpoint) did not answer properly; try later."""


class LoginRefused(UserError):
    """The issuer answered, but the login fails a check (token, claims, account); the message says which."""
