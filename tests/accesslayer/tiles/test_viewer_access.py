"""Who may open the viewer and its tiles: anonymous 302/403, unentitled 403, indirect 404, revoked 403."""

import pytest

from access.models import Entitlement
from repository.models import Image
from tests.accesslayer.conftest import revoke

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _paths(image):
    base = f"/images/{image.accession}"
    return {"viewer": f"{base}/view", "dzi": f"{base}/slide.dzi", "tile": f"{base}/slide_files/11/0_0.jpeg"}


def test_anonymous_is_sent_to_log_in_or_refused(client, wsi_image):
    paths = _paths(wsi_image)
    page = client.get(paths["viewer"])
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/?next=")
    assert client.get(paths["dzi"]).status_code == 403
    assert client.get(paths["tile"]).status_code == 403


def test_a_user_without_entitlement_is_refused(client, unentitled_user, wsi_image):
    client.force_login(unentitled_user)
    for path in _paths(wsi_image).values():
        assert client.get(path).status_code == 403, path


def test_an_indirect_access_dataset_is_not_found_even_for_its_entitled_users(client, indirect_version):
    from tests.access.factories import UserFactory
    from tests.access.permissions.conftest import approve

    user = UserFactory()
    approve(indirect_version.dataset, user)
    client.force_login(user)
    for path in _paths(Image.objects.get(version=indirect_version)).values():
        assert client.get(path).status_code == 404, path


def test_a_revocation_refuses_the_next_tile(client, entitled_application, entitled_user, dac_handler, wsi_image):
    client.force_login(entitled_user)
    paths = _paths(wsi_image)
    assert client.get(paths["tile"]).status_code == 200  # the answer is now in the permission cache
    revoke(entitled_application, dac_handler)
    assert Entitlement.objects.get(user=entitled_user).revoked_at is not None
    assert client.get(paths["tile"]).status_code == 403
    assert client.get(paths["viewer"]).status_code == 403
