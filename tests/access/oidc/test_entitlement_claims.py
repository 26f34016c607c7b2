"""eduperson_entitlement claims to group memberships, at every login: a changed claim on the next
login adds and removes memberships (access.services.groups.group_claims_sync)."""

import pytest

from access.models import GroupMembership, MembershipSource, OidcIdentity
from access.services.groups import group_create
from tests.access.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.oidc]

SUB = "entitled@lifescience-ri.eu"
PATHOLOGISTS = "urn:geant:lifescience-ri.eu:group:bigpicture:pathologists#aai.lifescience-ri.eu"
RESEARCHERS = "urn:geant:lifescience-ri.eu:group:bigpicture:researchers#aai.lifescience-ri.eu"


def _groups(user) -> set[str]:
    return set(GroupMembership.objects.filter(user=user, source=MembershipSource.OIDC).values_list(
        "group__slug", flat=True))


def test_changed_entitlement_claim_adds_and_removes_memberships(client, oidc_portal):
    organisation = OrganisationFactory()
    group_create(organisation=organisation, name="Pathologists", slug="pathologists", entitlement_urn=PATHOLOGISTS)
    group_create(organisation=organisation, name="Researchers", slug="researchers", entitlement_urn=RESEARCHERS)

    oidc_portal.provider.user_set(SUB, {"email": "e@uni.example", "eduperson_entitlement": [PATHOLOGISTS]})
    assert oidc_portal.login(client, SUB)["Location"] == "/"
    user = OidcIdentity.objects.get(sub=SUB).user
    assert _groups(user) == {"pathologists"}
    client.post("/accounts/logout/")

    # The next login claims the other group only, as one string (LS AAI may send either form).
    oidc_portal.provider.user_set(SUB, {"email": "e@uni.example", "eduperson_entitlement": RESEARCHERS})
    assert oidc_portal.login(client, SUB)["Location"] == "/"
    assert _groups(user) == {"researchers"}
    client.post("/accounts/logout/")

    # No claim at all, though asked for: LS AAI leaves empty claims out, so no groups.
    oidc_portal.provider.user_set(SUB, {"email": "e@uni.example"})
    oidc_portal.login(client, SUB)
    assert _groups(user) == set()


def test_without_the_entitlement_scope_memberships_are_left_alone(client, oidc_portal, settings):
    group_create(organisation=OrganisationFactory(), name="Researchers", slug="researchers",
                 entitlement_urn=RESEARCHERS)
    oidc_portal.provider.user_set(SUB, {"email": "e@uni.example", "eduperson_entitlement": [RESEARCHERS]})
    oidc_portal.login(client, SUB)
    user = OidcIdentity.objects.get(sub=SUB).user
    client.post("/accounts/logout/")

    settings.OIDC_RP_SCOPES = "openid profile email"
    oidc_portal.provider.user_set(SUB, {"email": "e@uni.example"})
    assert oidc_portal.login(client, SUB)["Location"] == "/"
    assert _groups(user) == {"researchers"}
