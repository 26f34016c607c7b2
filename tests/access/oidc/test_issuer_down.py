"""The issuer unreachable: the portal still serves pages, and a login attempt says what is wrong."""

import socket
from dataclasses import asdict

import pytest
from django.core.cache import cache

from access.oidc.discovery import provider_forget, provider_get

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.oidc]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_login_while_the_issuer_is_down_says_so(client, settings):
    settings.OIDC_OP_ISSUER = f"http://127.0.0.1:{_closed_port()}"
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "portal", "secret"
    provider_forget()
    assert client.get("/").status_code == 200
    page = client.get("/accounts/login/")
    assert "Log in with Life Science AAI" in page.content.decode()
    response = client.get("/oidc/authenticate/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "Life Science AAI cannot be reached just now" in response.content.decode()


def test_issuer_going_down_after_discovery(client, oidc_portal, settings):
    """Endpoints cached, token endpoint unreachable mid-login: a message, not a traceback."""
    oidc_portal.provider.user_set("down@lifescience-ri.eu", {"email": "down@uni.example"})
    callback = oidc_portal.authorize(oidc_portal.start(client), "down@lifescience-ri.eu")
    # The cache holds the endpoints; the token endpoint now points at a closed port.
    endpoints = asdict(provider_get()) | {"token_endpoint": f"http://127.0.0.1:{_closed_port()}/token"}
    cache.set(f"oidc:discovery:{settings.OIDC_OP_ISSUER}", endpoints, 60)
    response = oidc_portal.callback(client, callback)
    assert response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert "Life Science AAI did not answer while logging you in" in page
    assert "_auth_user_id" not in client.session
