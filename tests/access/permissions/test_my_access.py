"""My access: the user's entitlements, current, upcoming and ended, with the DAC that granted each."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import Entitlement
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_lists_the_users_entitlements_with_their_dac(researcher, version, client):
    client.force_login(researcher)
    page = client.get("/account/access/").content.decode()
    dac = version.dataset.catalogue_items.get().workflow
    assert version.title in page and f'href="/dacs/{dac.pk}/"' in page and dac.title in page
    assert "no end date" in page and 'href="/account/reports/"' not in page
    application = Entitlement.objects.get(user=researcher).application
    assert f'href="/account/applications/{application.pk}/"' in page
    assert f"/api/v1/permissions/{researcher.username}" in page


def test_ended_access_is_listed_apart(researcher, version, client):
    Entitlement.objects.filter(user=researcher).update(end=timezone.now() - timedelta(days=1))
    client.force_login(researcher)
    page = client.get("/account/access/").content.decode()
    assert "You have no access to a dataset yet" in page
    assert page.index("Ended") < page.index(version.title)


def test_others_entitlements_are_not_shown_and_login_is_needed(researcher, version, client):
    assert client.get("/account/access/").status_code == 302
    client.force_login(UserFactory())
    assert version.title not in client.get("/account/access/").content.decode()
