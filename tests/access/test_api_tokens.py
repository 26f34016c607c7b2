"""Personal API tokens: stored hashed, Bearer auth through the full stack, 401 with a reason, throttled last use."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import ApiToken
from access.roles import MembershipRole
from access.selectors import token_user
from access.services import membership_grant, organisation_create, token_create, token_revoke
from access.tokens import TokenRefused
from bigpicture.errors import UserError
from governance.models import AuditEvent
from tests.access.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    user = UserFactory(username="uploader", organisation=None)
    membership_grant(user=user, organisation=organisation_create(name="Leeds Pathology", slug="leeds"),
                     role=MembershipRole.CONTRIBUTOR)
    return user


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_create_stores_the_hash_and_never_the_plaintext(user):
    token, plaintext = token_create(user=user, name="lab uploader", days=30)
    scheme, prefix, secret = plaintext.split("_", 2)
    assert (scheme, prefix) == ("bpt", token.prefix) and len(prefix) == 8
    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(row) and plaintext not in str(row)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    event = AuditEvent.objects.get(action="token.create")
    assert secret not in str(event.detail)


@pytest.mark.parametrize(("name", "days", "message"), [
    ("", 30, "Give the token a name"), ("x", 0, "valid for 1 to 365 days"), ("x", 366, "not 366")])
def test_create_refuses_bad_input(user, name, days, message):
    with pytest.raises(UserError, match=message):
        token_create(user=user, name=name, days=days)


def test_bearer_token_authenticates_me(client, user):
    _, plaintext = token_create(user=user, name="cli", days=1)
    response = client.get("/api/v1/me/", headers=bearer(plaintext))
    assert response.status_code == 200
    assert response.json() == {"username": "uploader",
                               "submission_organisations": [{"slug": "leeds", "name": "Leeds Pathology"}]}


def test_public_endpoint_still_answers_with_a_token(client, user):
    _, plaintext = token_create(user=user, name="cli", days=1)
    assert client.get("/api/v1/datasets/", headers=bearer(plaintext)).status_code == 200


def test_without_credentials_me_is_401_with_bearer_challenge(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_refused_at_once(client, user):
    token, plaintext = token_create(user=user, name="laptop", days=10)
    assert client.get("/api/v1/me/", headers=bearer(plaintext)).status_code == 200
    token_revoke(token=token, actor=user)
    response = client.get("/api/v1/me/", headers=bearer(plaintext))
    assert response.status_code == 401
    assert response.json()["detail"].startswith("This API token (laptop) was revoked on ")
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_expired_token_is_refused(client, user):
    token, plaintext = token_create(user=user, name="old", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/me/", headers=bearer(plaintext))
    assert response.status_code == 401
    assert response.json()["detail"].startswith("This API token (old) expired on ")


@pytest.mark.parametrize(("header", "detail"), [
    ("Bearer bpt_deadbeef_nosuchsecret", "This API token is not valid"),
    ("Bearer something-else", "This is not a Bigpicture API token"),
    ("Bearer two words", "Send the token as 'Authorization: Bearer <token>'"),
    ("Bearer", "Send the token as"),
])
def test_unknown_or_malformed_tokens_are_refused(client, user, header, detail):
    response = client.get("/api/v1/me/", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"].startswith(detail)


def test_wrong_secret_with_a_real_prefix_is_refused(client, user):
    token, plaintext = token_create(user=user, name="cli", days=1)
    response = client.get("/api/v1/me/", headers=bearer(f"bpt_{token.prefix}_not-the-secret"))
    assert response.status_code == 401


def test_deactivated_owner_is_refused(client, user):
    _, plaintext = token_create(user=user, name="cli", days=1)
    user.is_active = False
    user.save()
    response = client.get("/api/v1/me/", headers=bearer(plaintext))
    assert response.status_code == 401
    assert "deactivated" in response.json()["detail"]


def test_last_used_is_written_at_most_once_a_minute(client, user, django_assert_num_queries):
    token, plaintext = token_create(user=user, name="busy", days=1)
    assert token.last_used_at is None
    client.get("/api/v1/me/", headers=bearer(plaintext))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get("/api/v1/me/", headers=bearer(plaintext))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    with django_assert_num_queries(1):  # the lookup only: no UPDATE within the minute
        token_user(plaintext)
    # A minute later (moved back rather than waited for), the next request writes again.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    client.get("/api/v1/me/", headers=bearer(plaintext))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_token_user_is_the_check_for_non_drf_endpoints(user):
    token, plaintext = token_create(user=user, name="webdav", days=1)
    assert token_user(plaintext) == user
    token_revoke(token=token)
    with pytest.raises(TokenRefused, match="was revoked on"):
        token_user(plaintext)


def test_schema_documents_bearer_auth(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"bearerAuth": []} in schema["paths"]["/api/v1/me/"]["get"]["security"]
