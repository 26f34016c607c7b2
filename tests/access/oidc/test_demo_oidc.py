"""The demo's Life Science AAI stand-in: the portal's settings point at it, and its demo identity
logs in with an entitlement (a group membership) and a ResearcherStatus visa (bona fide)."""

import os

import pytest
import requests

from access.demo_oidc import DEMO_ENTITLEMENT, DEMO_SUB, demo_oidc_start
from access.models import GroupMembership, OidcIdentity
from access.oidc.discovery import provider_forget
from access.selectors.visas import is_bona_fide
from access.services.groups import group_create
from tests.access.factories import OrganisationFactory
from tests.servicekit.oidc_provider import OidcPortal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.oidc]

ENV = ("OIDC_OP_ISSUER", "OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "GA4GH_TRUSTED_VISA_ISSUERS")


def test_demo_identity_logs_in_entitled_and_bona_fide(client, settings, monkeypatch):
    for name in ENV:  # restored after the test, as are the settings
        monkeypatch.setenv(name, "")
        setattr(settings, name, getattr(settings, name))
    group = group_create(organisation=OrganisationFactory(), name="Researchers", entitlement_urn=DEMO_ENTITLEMENT)
    demo = demo_oidc_start(port=0)
    try:
        provider_forget()
        assert os.environ["OIDC_OP_ISSUER"] == demo.provider.issuer == settings.OIDC_OP_ISSUER
        assert demo.env["GA4GH_TRUSTED_VISA_ISSUERS"] == os.environ["GA4GH_TRUSTED_VISA_ISSUERS"]
        flow = OidcPortal(provider=demo.provider, tamper=None)
        authorize = flow.start(client)
        assert DEMO_SUB in requests.get(authorize, timeout=10).text  # the one-click button
        response = flow.callback(client, flow.authorize(authorize, DEMO_SUB))
        assert response["Location"] == "/"
        user = OidcIdentity.objects.get(sub=DEMO_SUB).user
        assert user.username == "rafaela" and user.get_full_name() == "Rafaela Researcher"
        assert is_bona_fide(user)
        assert GroupMembership.objects.filter(user=user, group=group).exists()
        assert any(DEMO_SUB in line for line in demo.describe("http://127.0.0.1:8000"))
    finally:
        demo.stop()
        provider_forget()
