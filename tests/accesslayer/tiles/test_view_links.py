""""View" links to the viewer: on the landing page and in My access, only for users who may view."""

import pytest

from repository.models import Image

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _viewer_links(content: bytes) -> int:
    return content.decode().count('/view">')


def test_the_landing_page_links_the_slides_for_an_entitled_user_only(client, entitled_user, unentitled_user,
                                                                     wsi_version):
    page = f"/datasets/{wsi_version.dataset.accession}/"
    anonymous = client.get(page)
    assert anonymous.status_code == 200 and _viewer_links(anonymous.content) == 0
    client.force_login(unentitled_user)
    assert _viewer_links(client.get(page).content) == 0
    client.force_login(entitled_user)
    content = client.get(page).content
    assert _viewer_links(content) == 3
    first = Image.objects.filter(version=wsi_version).order_by("alias").first()
    assert f'href="/images/{first.accession}/view"'.encode() in content


def test_my_access_links_the_slides_of_a_current_entitlement(client, entitled_user, wsi_version):
    client.force_login(entitled_user)
    content = client.get("/account/access/").content
    first = Image.objects.filter(version=wsi_version).order_by("alias").first()
    assert f'href="/images/{first.accession}/view">View slides'.encode() in content
