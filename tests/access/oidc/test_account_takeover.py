"""A local account is never taken over by a login whose email matches: the login gets a new user,
with its own username when the wanted one is taken."""

import pytest

from access.models import OidcIdentity, User

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.oidc]

SUB = "takeover@lifescience-ri.eu"


def test_same_email_gets_a_new_user_with_a_free_username(client, user_factory, oidc_portal):
    local = user_factory(username="ines", email="ines@uni.example")
    user_factory(username="ines-2", email="someone@uni.example")
    oidc_portal.provider.user_set(SUB, {"email": "ines@uni.example", "preferred_username": "ines", "name": "Inês S"})

    assert oidc_portal.login(client, SUB)["Location"] == "/"

    identity = OidcIdentity.objects.get(sub=SUB)
    assert identity.user != local and identity.user.username == "ines-3"
    assert client.get("/account/").context["user"] == identity.user
    local.refresh_from_db()
    assert local.check_password("correct horse battery staple") and not local.oidc_identities.exists()
    assert User.objects.filter(email="ines@uni.example").count() == 2


def test_identity_keeps_its_user_when_the_email_moves(client, user_factory, oidc_portal):
    """The email now names a local account: the identity still logs in as its own user."""
    oidc_portal.provider.user_set(SUB, {"email": "first@uni.example"})
    oidc_portal.login(client, SUB)
    mine = OidcIdentity.objects.get(sub=SUB).user
    client.post("/accounts/logout/")
    local = user_factory(username="local", email="second@uni.example")

    oidc_portal.provider.user_set(SUB, {"email": "second@uni.example"})
    oidc_portal.login(client, SUB)
    assert client.get("/account/").context["user"] == mine
    mine.refresh_from_db()
    assert mine.email == "second@uni.example" and not local.oidc_identities.exists()
