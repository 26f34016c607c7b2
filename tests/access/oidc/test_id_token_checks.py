"""ID tokens that fail a check are refused through the real callback: wrong issuer, wrong audience,
expired, a key the issuer does not publish, a bad signature. No user is created or logged in."""

import pytest
from django.contrib.messages import get_messages

from access.models import OidcIdentity, User
from tests.servicekit.oidc_provider import now

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.oidc]

SUB = "checks@lifescience-ri.eu"


def _refused(client, oidc_portal, expected: str):
    oidc_portal.provider.user_set(SUB, {"email": "checks@uni.example"})
    response = oidc_portal.login(client, SUB)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(expected in text for text in texts), texts
    assert not OidcIdentity.objects.filter(sub=SUB).exists()
    assert not User.objects.filter(email="checks@uni.example").exists()
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "Log in with Life Science AAI" in page.content.decode()


def test_wrong_issuer(client, oidc_portal):
    oidc_portal.tamper.claims = {"iss": "https://login.evil.example/oidc/"}
    _refused(client, oidc_portal, "was issued by 'https://login.evil.example/oidc/', not by the configured issuer")


def test_wrong_audience(client, oidc_portal):
    oidc_portal.tamper.claims = {"aud": "another-service"}
    _refused(client, oidc_portal, "meant for another service ('another-service')")


def test_several_audiences_need_azp_for_this_portal(client, oidc_portal, settings):
    oidc_portal.tamper.claims = {"aud": [settings.OIDC_RP_CLIENT_ID, "another-service"], "azp": "another-service"}
    _refused(client, oidc_portal, "issued to another service (azp)")


def test_expired_token(client, oidc_portal):
    oidc_portal.tamper.claims = {"iat": now() - 3600, "exp": now() - 600}
    _refused(client, oidc_portal, "has expired")


def test_token_without_exp(client, oidc_portal):
    oidc_portal.tamper.claims = {"exp": None}
    _refused(client, oidc_portal, "is not valid")


def test_key_not_in_the_issuers_jwks(client, oidc_portal):
    oidc_portal.tamper.forge, oidc_portal.tamper.kid = True, "unpublished-key"
    oidc_portal.tamper.claims = {}
    _refused(client, oidc_portal, "signed with a key Life Science AAI does not publish")


def test_bad_signature(client, oidc_portal):
    oidc_portal.tamper.forge = True  # no kid: checked against the issuer's only key, and fails
    oidc_portal.tamper.claims = {}
    _refused(client, oidc_portal, "signature does not verify")
