"""A callback replayed (its state used already) and an ID token from another login attempt (its
nonce) are refused; the first login stays the only one."""

import pytest
from django.contrib.messages import get_messages

from access.models import OidcIdentity
from tests.servicekit.oidc_provider import query_replace, query_value

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.oidc]

SUB = "replay@lifescience-ri.eu"


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_replayed_state_is_refused(client, django_user_model, oidc_portal):
    oidc_portal.provider.user_set(SUB, {"email": "replay@uni.example"})
    callback = oidc_portal.authorize(oidc_portal.start(client), SUB)
    assert oidc_portal.callback(client, callback)["Location"] == "/"
    client.post("/accounts/logout/")

    again = oidc_portal.callback(client, callback)  # the same state (and code) once more
    assert again["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert any("used already" in text for text in _messages(again))


def test_replayed_state_in_the_same_session_is_refused(client, oidc_portal):
    oidc_portal.provider.user_set(SUB, {"email": "replay@uni.example"})
    callback = oidc_portal.authorize(oidc_portal.start(client), SUB)
    oidc_portal.callback(client, callback)
    oidc_portal.start(client)  # the session holds another, unused state
    again = oidc_portal.callback(client, callback)
    assert again["Location"] == "/accounts/login/"
    assert any("used already or was started in another browser" in text for text in _messages(again))


def test_forged_state_is_refused(client, oidc_portal):
    oidc_portal.provider.user_set(SUB, {"email": "replay@uni.example"})
    callback = oidc_portal.authorize(oidc_portal.start(client), SUB)
    response = oidc_portal.callback(client, query_replace(callback, state="not-a-state-of-this-session"))
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert not OidcIdentity.objects.filter(sub=SUB).exists()


def test_replayed_nonce_is_refused(client, oidc_portal):
    """The ID token carries the nonce of an earlier attempt: it is not this attempt's token."""
    oidc_portal.provider.user_set(SUB, {"email": "replay@uni.example"})
    earlier = oidc_portal.start(client)
    current = oidc_portal.start(client)
    # The issuer signs a token with the earlier attempt's nonce, delivered to the current attempt's state.
    callback = oidc_portal.authorize(query_replace(current, nonce=query_value(earlier, "nonce")), SUB)
    assert query_value(callback, "state") == query_value(current, "state")
    response = oidc_portal.callback(client, callback)
    assert response["Location"] == "/accounts/login/"
    assert any("does not belong to this login attempt" in text for text in _messages(response))
    assert "_auth_user_id" not in client.session
    assert not OidcIdentity.objects.filter(sub=SUB).exists()
