"""Authentication backends: Life Science AAI (OIDC authorization-code flow) and local passwords.

mozilla-django-oidc runs the flow; this subclass resolves the endpoints by discovery at login time
(not when the backend is built, which happens for every password login too), verifies the ID token
itself (mozilla-django-oidc checks neither iss nor aud), and maps the claims through
access.services.identities.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from access.oidc.claims import claims_read, id_token_verify
from access.oidc.discovery import Provider, oidc_enabled, provider_get
from access.oidc.errors import LoginRefused, OidcUnavailable
from access.oidc.visas import passport_verify
from access.services.identities import oidc_login_record

logger = logging.getLogger(__name__)


class LifeScienceAaiBackend(OIDCAuthenticationBackend):
    provider: Provider

    def __init__(self, *args, **kwargs):
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or not oidc_enabled() or not (request.GET.get("code") and request.GET.get("state")):
            return None
        self.provider = provider_get()
        self.OIDC_OP_TOKEN_ENDPOINT = self.provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = self.provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.provider.jwks_uri
        return super().authenticate(request, **kwargs)

    def get_token(self, payload):
        try:
            return super().get_token(payload)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status is not None and 400 <= status < 500:
                # invalid_grant: the code was used already, has expired, or is for another client.
                raise LoginRefused("Life Science AAI did not accept this login (the login link was used "
                                   "already or has expired). Log in again.") from exc
            raise OidcUnavailable(f"Life Science AAI's token endpoint failed ({status}).") from exc
        except (requests.RequestException, ValueError) as exc:
            raise OidcUnavailable(f"Life Science AAI's token endpoint did not answer ({exc}).") from exc

    def verify_token(self, token, **kwargs):
        return id_token_verify(token, provider=self.provider, client_id=self.OIDC_RP_CLIENT_ID,
                               nonce=kwargs.get("nonce"))

    def get_userinfo(self, access_token, id_token, payload):
        try:
            response = requests.get(self.OIDC_OP_USER_ENDPOINT, timeout=settings.OIDC_TIMEOUT,
                                    headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
            userinfo = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise OidcUnavailable(f"Life Science AAI's userinfo endpoint did not answer ({exc}).") from exc
        if not isinstance(userinfo, dict):
            raise OidcUnavailable("Life Science AAI's userinfo endpoint did not send a JSON object.")
        return userinfo

    def get_or_create_user(self, access_token, id_token, payload):
        claims = claims_read(id_token=payload, userinfo=self.get_userinfo(access_token, id_token, payload))
        visas = passport_verify(claims.passport, subject=claims.sub)
        user = oidc_login_record(issuer=self.provider.issuer, claims=claims, visas=visas)
        if not user.is_active:
            raise LoginRefused("This portal account is deactivated; ask the portal's administrators.")
        return user

    # mozilla-django-oidc's get_user skips the is_active check; the model backend's does it.
    get_user = ModelBackend.get_user


class LocalAccountBackend(ModelBackend):
    """Username and password. LOCAL_LOGIN=0 leaves them to superusers, here and in existing sessions."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and (settings.LOCAL_LOGIN or user.is_superuser)
