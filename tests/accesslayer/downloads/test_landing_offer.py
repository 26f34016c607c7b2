"""The landing page offers its downloads to users with access to the files, and to nobody else."""

import pytest

from tests.accesslayer.downloads.kit import policy_set

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _landing(client, version):
    response = client.get(f"/datasets/{version.dataset.accession}/")
    assert response.status_code == 200
    return response.content.decode()


def _tar(version):
    return f"/downloads/datasets/{version.dataset.accession}/v{version.number}/bundle.tar"


def test_an_entitled_user_with_a_key_is_offered_the_encrypted_tar_and_the_manifests(
        client, entitled_user, registered_key, wsi_version):
    client.force_login(entitled_user)
    page = _landing(client, wsi_version)
    assert f'href="{_tar(wsi_version)}"' in page
    assert f'{_tar(wsi_version)}?mode=plain' not in page  # the policy does not allow plain downloads
    manifest = f"/downloads/datasets/{wsi_version.dataset.accession}/v{wsi_version.number}/manifest.tsv"
    assert f'href="{manifest}"' in page and f'href="/webdav/{wsi_version.dataset.accession}/"' in page
    assert client.get(manifest).status_code == 200  # and the link holds
    assert 'href="#downloads-title"' in page and 'href="#access">Request access' not in page


def test_without_a_key_the_page_says_where_to_register_one_and_plain_appears_when_allowed(
        client, entitled_user, wsi_version):
    client.force_login(entitled_user)
    page = _landing(client, wsi_version)
    assert f'href="{_tar(wsi_version)}"' not in page and 'href="/account/keys/"' in page
    policy_set(wsi_version, "plain_download", "Allowed")
    assert f'href="{_tar(wsi_version)}?mode=plain"' in _landing(client, wsi_version)


@pytest.mark.parametrize("who", ["anonymous", "unentitled"])
def test_others_are_offered_nothing(client, who, unentitled_user, wsi_version):
    if who == "unentitled":
        client.force_login(unentitled_user)
    page = _landing(client, wsi_version)
    assert wsi_version.title in page
    assert "/downloads/" not in page and "/webdav/" not in page and 'id="downloads-title"' not in page
    assert 'href="#access">Request access' in page
