"""The authorization-code flow against oidc-provider-mock: a first login creates the user and its
identity; the next one finds it by (issuer, sub) and updates email and name."""

import pytest
import requests
from django.contrib.messages import get_messages

from access.models import OidcIdentity, User
from governance.models import AuditEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.oidc]

SUB = "a1b2c3@lifescience-ri.eu"


def test_first_login_creates_user_and_identity(client, oidc_portal):
    oidc_portal.provider.user_set(SUB, {"email": "ines@uni.example", "given_name": "Inês", "family_name": "Silva",
                                        "preferred_username": "ines"})
    response = oidc_portal.login(client, SUB, next_url="/account/")
    assert response.status_code == 302 and response["Location"] == "/account/"
    identity = OidcIdentity.objects.get(sub=SUB)
    assert identity.issuer == oidc_portal.provider.issuer and identity.last_login is not None
    user = identity.user
    assert (user.username, user.email, user.first_name, user.last_name) == ("ines", "ines@uni.example", "Inês", "Silva")
    assert not user.has_usable_password()
    profile = client.get("/account/")
    assert profile.status_code == 200 and profile.context["user"] == user
    assert SUB in profile.content.decode() and oidc_portal.provider.issuer in profile.content.decode()
    assert AuditEvent.objects.filter(action="oidc_identity.link", target_id=str(identity.pk)).exists()


def test_second_login_updates_email_and_name(client, oidc_portal):
    oidc_portal.provider.user_set(SUB, {"email": "old@uni.example", "name": "Old Name"})
    oidc_portal.login(client, SUB)
    user = OidcIdentity.objects.get(sub=SUB).user
    assert (user.first_name, user.last_name) == ("Old", "Name")
    client.post("/accounts/logout/")

    oidc_portal.provider.user_set(SUB, {"email": "new@uni.example", "given_name": "New", "family_name": "Person"})
    response = oidc_portal.login(client, SUB)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.first_name, user.last_name) == ("new@uni.example", "New", "Person")
    assert User.objects.filter(oidc_identities__sub=SUB).count() == 1
    assert client.get("/account/").context["user"] == user
    change = AuditEvent.objects.filter(action="user.update_from_claims", target_id=str(user.pk)).last()
    assert change.detail["email"] == {"from": "old@uni.example", "to": "new@uni.example"}


def test_logout_ends_the_session(client, oidc_portal):
    oidc_portal.provider.user_set(SUB, {"email": "ines@uni.example"})
    oidc_portal.login(client, SUB)
    assert client.get("/account/").status_code == 200
    assert "oidc_states" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "oidc_states" not in client.session
    assert client.get("/account/").status_code == 302  # to the login page


def test_denied_at_the_issuer_says_so(client, oidc_portal):
    authorize = oidc_portal.start(client)
    answer = requests.post(authorize, data={"action": "deny"}, allow_redirects=False, timeout=10)
    assert "error=access_denied" in answer.headers["Location"]
    response = oidc_portal.callback(client, answer.headers["Location"])
    assert response["Location"] == "/accounts/login/"
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("cancelled or refused (The resource owner" in text for text in texts), texts
    assert "_auth_user_id" not in client.session
