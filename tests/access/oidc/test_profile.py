"""/account/: identity, linked Life Science AAI identities, visas (expired ones marked), and the
API tokens (listed, each with its revoke button)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import OidcIdentity
from access.services import token_create
from tests.access.oidc.factories import TRUSTED_ISSUER, TRUSTED_JKU, InboundVisaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_profile_shows_identity_visas_and_tokens(client, user_factory, settings):
    settings.GA4GH_TRUSTED_VISA_ISSUERS = [(TRUSTED_ISSUER, TRUSTED_JKU)]
    user = user_factory(username="rafael", first_name="Rafael", last_name="Researcher")
    OidcIdentity.objects.create(user=user, issuer="https://login.aai.lifescience-ri.eu/oidc/", sub="r@lifescience-ri.eu")
    InboundVisaFactory(user=user, type="AffiliationAndRole", value="faculty@uni.example",
                       expires=timezone.now() - timedelta(days=1))
    token_create(user=user, name="lab uploader", days=30)
    client.force_login(user)
    page = client.get("/account/").content.decode()
    for text in ("rafael", "Rafael Researcher", user.email, "https://login.aai.lifescience-ri.eu/oidc/",
                 "r@lifescience-ri.eu", "AffiliationAndRole", "faculty@uni.example", "expired",
                 "lab uploader", "Active", 'href="/account/tokens/"'):
        assert text in page, text
    assert "bona fide researcher" not in page
    assert 'href="/account/"' in page  # the user menu links here


def test_a_token_revoked_on_the_profile_page_stays_there(client, user_factory):
    user = user_factory()
    token, plaintext = token_create(user=user, name="lab uploader", days=30)
    client.force_login(user)
    response = client.post(f"/account/tokens/{token.pk}/revoke/", {"next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in client.get("/account/").content.decode()
    assert client.get("/api/v1/me/", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 401
    # an outside address is not followed
    other, _ = token_create(user=user, name="other", days=30)
    response = client.post(f"/account/tokens/{other.pk}/revoke/", {"next": "https://evil.example/"})
    assert response["Location"] == "/account/tokens/"


def test_local_account_profile_and_login_required(client, user_factory):
    assert client.get("/account/")["Location"].startswith("/accounts/login/")
    client.force_login(user_factory())
    page = client.get("/account/").content.decode()
    assert "This is a local account" in page and "No visas" in page
