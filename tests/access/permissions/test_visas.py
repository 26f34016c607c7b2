"""Outbound GA4GH visas: the passport API, verified with PyJWT against the JWKS the portal serves."""

from datetime import timedelta

import jwt
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.models import Entitlement, OidcIdentity, VisaSigningKey
from access.services import token_create
from governance.models import AuditEvent
from tests.access.applications.factories import CatalogueItemFactory
from tests.access.factories import UserFactory
from tests.access.permissions.conftest import approve
from tests.repository.factories import DatasetVersionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BASE = "https://portal.example.org"


@pytest.fixture(autouse=True)
def _public_base(settings):
    settings.PUBLIC_BASE_URL = BASE
    settings.GA4GH_VISA_DEFAULT_SECONDS = 3600


def _passport(client: Client, user: str, **headers) -> list[str]:
    response = client.get(f"/api/v1/permissions/{user}", **headers)
    assert response.status_code == 200, response.content
    return response.json()["ga4gh_passport_v1"]


def _verify(token: str, client: Client) -> dict:
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    assert header["jku"] == f"{BASE}/.well-known/jwks.json"
    jwks = client.get("/.well-known/jwks.json").json()
    keys = {key["kid"]: jwt.PyJWK(key) for key in jwks["keys"]}
    assert header["kid"] in keys, "the visa's key is not in the JWKS"
    return jwt.decode(token, keys[header["kid"]].key, algorithms=["RS256"], issuer=f"{BASE}/")


def test_one_controlled_access_grant_per_entitlement(researcher, version, client):
    client.force_login(researcher)
    [token] = _passport(client, researcher.username)
    claims = _verify(token, client)
    entitlement = Entitlement.objects.get(user=researcher)
    dac = version.dataset.catalogue_items.get().workflow
    assert claims["sub"] == f"{researcher.pk}@portal.example.org"
    assert claims["jti"]
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["ga4gh_visa_v1"] == {
        "type": "ControlledAccessGrants", "asserted": int(entitlement.application.decided_at.timestamp()),
        "value": f"{BASE}/datasets/{version.dataset.accession}/", "source": f"{BASE}/dacs/{dac.pk}/", "by": "dac"}
    assert client.get(f"/dacs/{dac.pk}/").status_code == 200
    assert client.get(f"/datasets/{version.dataset.accession}/").status_code == 200
    event = AuditEvent.objects.get(action="passport.issue")
    assert event.detail == {"visas": 1} and event.actor_id == researcher.pk


def test_the_life_science_sub_and_a_sooner_entitlement_end(researcher, client):
    OidcIdentity.objects.create(user=researcher, issuer="https://login.aai.lifescience-ri.eu/oidc/",
                                sub="abc123@lifescience-ri.eu")
    end = timezone.now() + timedelta(minutes=10)
    Entitlement.objects.filter(user=researcher).update(end=end)
    client.force_login(researcher)
    [token] = _passport(client, str(researcher.pk))
    claims = _verify(token, client)
    assert claims["sub"] == "abc123@lifescience-ri.eu"
    assert claims["exp"] == int(end.timestamp())


def test_only_entitlements_in_force_make_visas(researcher, version, client):
    other = DatasetVersionFactory()
    other.dataset.latest_version = other
    other.dataset.save()
    CatalogueItemFactory(dataset=other.dataset)
    approve(other.dataset, researcher)
    client.force_login(researcher)
    assert len(_passport(client, researcher.username)) == 2
    Entitlement.objects.filter(user=researcher, dataset=other.dataset).update(revoked_at=timezone.now())
    [token] = _passport(client, researcher.username)
    assert _verify(token, client)["ga4gh_visa_v1"]["value"].endswith(f"/{version.dataset.accession}/")


def test_a_user_without_entitlements_gets_an_empty_passport(client):
    user = UserFactory()
    client.force_login(user)
    assert _passport(client, user.username) == []


def test_others_are_refused_and_a_trusted_service_with_a_token_is_not(researcher, client, settings):
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(f"/api/v1/permissions/{researcher.username}").status_code == 403
    assert client.get("/api/v1/permissions/nobody-at-all").status_code == 403  # no hint who exists
    client.logout()
    assert client.get(f"/api/v1/permissions/{researcher.username}").status_code == 401
    service = UserFactory(username="visa-broker")
    settings.GA4GH_TRUSTED_SERVICE_USERS = ["visa-broker"]
    _, plaintext = token_create(user=service, name="broker", days=30)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    [token] = _passport(client, researcher.username, **bearer)
    assert _verify(token, client)["sub"] == f"{researcher.pk}@portal.example.org"
    assert client.get("/api/v1/permissions/nobody-at-all", **bearer).status_code == 404


def test_visas_verify_across_a_rotation_until_the_old_key_leaves_the_jwks(researcher, client, settings):
    client.force_login(researcher)
    [before] = _passport(client, researcher.username)
    old_kid = jwt.get_unverified_header(before)["kid"]
    call_command("visa_keys_rotate")
    [after] = _passport(client, researcher.username)
    assert jwt.get_unverified_header(after)["kid"] != old_kid
    assert _verify(before, client)["sub"] == _verify(after, client)["sub"]
    # Once every visa the old key signed has expired, the JWKS drops it.
    VisaSigningKey.objects.filter(kid=old_kid).update(not_after=timezone.now() - timedelta(seconds=1))
    kids = {key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]}
    assert old_kid not in kids and jwt.get_unverified_header(after)["kid"] in kids
    with pytest.raises(AssertionError, match="not in the JWKS"):
        _verify(before, client)


def test_the_jwks_and_dac_pages_are_public_and_write_nothing(researcher, version, client):
    dac = version.dataset.catalogue_items.get().workflow
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/.well-known/jwks.json").status_code == 200
        page = client.get(f"/dacs/{dac.pk}/")
    assert dac.title in page.content.decode() and dac.organisation.name in page.content.decode()
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert client.get("/dacs/999999/").status_code == 404
