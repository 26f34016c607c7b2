"""The admin lists identities and inbound visas read-only (logins write them)."""

import pytest

from access.models import OidcIdentity
from tests.access.oidc.factories import InboundVisaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_admin_lists_identities_and_visas_read_only(client, user_factory):
    admin = user_factory(username="ada", is_superuser=True, is_staff=True)
    visa = InboundVisaFactory()
    identity = OidcIdentity.objects.create(user=visa.user, issuer="https://issuer.example/", sub="s@ls.example")
    client.force_login(admin)
    assert "s@ls.example" in client.get("/admin/access/oidcidentity/").content.decode()
    assert visa.value in client.get("/admin/access/inboundvisa/").content.decode()
    assert client.get("/admin/access/oidcidentity/add/").status_code == 403
    page = client.get(f"/admin/access/oidcidentity/{identity.pk}/change/")
    assert page.status_code == 200 and 'name="sub"' not in page.content.decode()
