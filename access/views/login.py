"""Log in: Life Science AAI (OIDC, through mozilla-django-oidc's views) and local accounts.

Failures of the OIDC flow (issuer down, a token or state that fails a check) come back to the
login page as a message saying what happened, never as a traceback.
"""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from access.oidc.discovery import oidc_enabled, provider_get
from access.oidc.errors import LoginRefused, OidcUnavailable

logger = logging.getLogger(__name__)

LOCAL_LOGIN_OFF = ("Local accounts are switched off on this portal: log in with Life Science AAI. "
                   "Administrators: check your username and password.")
STATE_UNKNOWN = "This login link was used already or was started in another browser. Log in again."
OIDC_OFF = "Life Science AAI login is not configured on this portal; log in with your portal account."


class LocalLoginForm(AuthenticationForm):
    """Username and password; with LOCAL_LOGIN=0 for superusers only (LocalAccountBackend refuses the
    others). Every refusal then gets the one message, so it tells no one which usernames are admins'."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as exc:
            if settings.LOCAL_LOGIN:
                raise
            raise forms.ValidationError(LOCAL_LOGIN_OFF, code="local_login_off") from exc


class LoginView(auth_views.LoginView):
    form_class = LocalLoginForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(oidc_enabled=oidc_enabled(), local_login=settings.LOCAL_LOGIN, **kwargs)


class OidcLoginStartView(OIDCAuthenticationRequestView):
    """Sends the browser to Life Science AAI, with a fresh state and nonce kept in the session."""

    def __init__(self, **kwargs):
        # The endpoint comes from discovery in get(), so the issuer may be down when the portal starts.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not oidc_enabled():
            messages.error(request, OIDC_OFF)
            return redirect("login")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_get().authorization_endpoint
        except OidcUnavailable as exc:
            logger.warning("OIDC login start: %s", exc)
            messages.error(request, "Life Science AAI cannot be reached just now, so logging in with it does "
                                    "not work; try again in a few minutes.")
            return redirect("login")
        return super().get(request)


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """Where Life Science AAI sends the browser back: state checked, code redeemed, token verified."""

    def get(self, request):
        if not oidc_enabled():
            messages.error(request, OIDC_OFF)
            return redirect("login")
        try:
            if "code" in request.GET and request.GET.get("state") not in request.session.get("oidc_states", {}):
                raise SuspiciousOperation("OIDC callback state not found in the session")
            return super().get(request)
        except SuspiciousOperation as exc:  # the state is not one this session started (used, or forged)
            logger.warning("OIDC callback refused: %s", exc)
            return self._failed(STATE_UNKNOWN)
        except LoginRefused as exc:
            logger.warning("OIDC login refused: %s", exc)
            return self._failed(str(exc))
        except OidcUnavailable as exc:
            logger.warning("OIDC login failed: %s", exc)
            return self._failed("Life Science AAI did not answer while logging you in; try again in a few minutes.")

    def login_failure(self):
        if self.request.GET.get("error"):
            return self._failed("Logging in with Life Science AAI was cancelled or refused "
                                f"({(self.request.GET.get('error_description') or self.request.GET['error'])[:200]}).")
        return self._failed("Logging in with Life Science AAI did not work. Log in again.")

    def _failed(self, message: str):
        messages.error(self.request, message)
        return redirect("login")
