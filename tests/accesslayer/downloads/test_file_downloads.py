"""Per-file downloads: crypt4gh re-encrypted to the user's key (round trip with real DICOM WSI), plain where
the policy allows it, refused without entitlement, 404 for indirect access, revoked within 60 s, audited."""

from __future__ import annotations

import pytest
from django.test import override_settings
from wsidicom import WsiDicom

from access.applications.commands import application_command
from access.downloads.streams import crypt4gh_size
from access.roles import Role
from access.services import role_grant, token_create
from access.services.keys import public_key_register
from governance.models import AuditEvent
from repository.models import ImageFile
from tests.access.factories import UserFactory
from tests.accesslayer.downloads.kit import (
    approved_through_commands,
    archived_bytes,
    body,
    decrypted,
    file_url,
    largest_file,
    policy_set,
    sha256,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_crypt4gh_round_trip_gives_the_archived_dicom(client, entitled_user, registered_key, user_keys, wsi_version,
                                                      tmp_path):
    client.force_login(entitled_user)
    files = ImageFile.objects.filter(image__version=wsi_version, image__alias=largest_file(wsi_version).image.alias)
    folder = tmp_path / "downloaded"
    folder.mkdir()
    for row in files:
        response = client.get(file_url(row, wsi_version))
        assert response.status_code == 200 and response.streaming
        assert response["Content-Disposition"].endswith('.dcm.c4gh"')
        encrypted = body(response)
        assert int(response["Content-Length"]) == len(encrypted) == crypt4gh_size(row.size)
        plain = decrypted(encrypted, user_keys.secret)
        assert plain == archived_bytes(row) and sha256(plain) == row.checksum
        (folder / f"{row.accession}.dcm").write_bytes(plain)
    with WsiDicom.open(folder) as slide:  # the decrypted files are the slide's real DICOM WSI
        assert slide.size.width == 2048 and len(slide.levels) >= 2


def test_each_download_is_audited_with_its_mode_and_key(client, entitled_user, registered_key, wsi_version):
    row = largest_file(wsi_version)
    client.force_login(entitled_user)
    body(client.get(file_url(row, wsi_version)))
    body(client.get(file_url(row, wsi_version)))
    events = AuditEvent.objects.filter(action="access.download.file", actor_id=entitled_user.pk)
    assert events.count() == 2
    detail = events.first().detail
    assert detail["mode"] == "crypt4gh" and detail["key_fingerprint"] == registered_key.fingerprint
    assert detail["file"] == row.accession and detail["dataset"] == wsi_version.dataset.accession
    assert detail["delivery"] == "stream" and detail["bytes"] == crypt4gh_size(row.size)


def test_the_latest_url_and_an_api_token_work_too(client, entitled_user, registered_key, user_keys, wsi_version):
    row = largest_file(wsi_version)
    _, raw = token_create(user=entitled_user, name="script", days=1, actor=entitled_user)
    response = client.get(f"/downloads/files/{row.accession}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert decrypted(body(response), user_keys.secret) == archived_bytes(row)
    refused = client.get(f"/downloads/files/{row.accession}", HTTP_AUTHORIZATION="Bearer bpt_nope_nope")
    assert refused.status_code == 403


def test_without_a_registered_key_the_user_is_told_where_to_register(client, entitled_user, wsi_version):
    client.force_login(entitled_user)
    response = client.get(file_url(largest_file(wsi_version), wsi_version))
    assert response.status_code == 409 and "/account/keys/" in response.content.decode()
    assert not AuditEvent.objects.filter(action="access.download.file").exists()


def test_plain_is_refused_for_a_clinical_dataset(client, entitled_user, wsi_version):
    assert wsi_version.is_clinical
    client.force_login(entitled_user)
    response = client.get(file_url(largest_file(wsi_version), wsi_version, mode="plain"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="access.download.file").exists()


def test_plain_where_the_policy_allows_it(client, entitled_user, wsi_version):
    row = largest_file(wsi_version)
    policy_set(wsi_version, "plain_download", "Allowed")
    client.force_login(entitled_user)
    response = client.get(file_url(row, wsi_version, mode="plain"))
    assert response.status_code == 200 and response["Content-Type"] == "application/dicom"
    data = body(response)
    assert data == archived_bytes(row) and sha256(data) == row.checksum
    assert AuditEvent.objects.get(action="access.download.file").detail["mode"] == "plain"
    with override_settings(DOWNLOAD_PLAIN_ALLOWED=False):  # the setting refuses plain everywhere
        assert client.get(file_url(row, wsi_version, mode="plain")).status_code == 403


def test_plain_for_a_non_clinical_dataset_unless_its_policy_says_no(client, entitled_user, wsi_version):
    row = largest_file(wsi_version)
    wsi_version.is_clinical = False
    wsi_version.save(update_fields=["is_clinical"])
    client.force_login(entitled_user)
    assert client.get(file_url(row, wsi_version, mode="plain")).status_code == 200
    policy_set(wsi_version, "plain_download", "Not allowed")
    assert client.get(file_url(row, wsi_version, mode="plain")).status_code == 403


def test_anonymous_and_unentitled_users_are_refused(client, unentitled_user, wsi_version, user_keys):
    row = largest_file(wsi_version)
    assert client.get(file_url(row, wsi_version)).status_code == 403
    public_key_register(user=unentitled_user, name="k", text=user_keys.public_text)
    client.force_login(unentitled_user)
    for url in (file_url(row, wsi_version), f"/downloads/files/{row.accession}"):
        assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="access.download.file").exists()


def test_indirect_access_is_not_found_even_for_a_data_steward(client, indirect_version, user_keys):
    steward = UserFactory()
    role_grant(user=steward, role=Role.DATA_STEWARD)
    row = ImageFile.objects.filter(image__version=indirect_version).first()
    public_key_register(user=steward, name="k", text=user_keys.public_text)
    client.force_login(steward)
    assert client.get(file_url(row, indirect_version)).status_code == 404
    assert client.get(f"/downloads/files/{row.accession}").status_code == 404


def test_revocation_refuses_the_next_request(client, wsi_version, user_keys):
    researcher, handler = UserFactory(), UserFactory()
    application = approved_through_commands(wsi_version.dataset, researcher, handler)
    public_key_register(user=researcher, name="laptop", text=user_keys.public_text)
    row = largest_file(wsi_version)
    client.force_login(researcher)
    assert client.get(file_url(row, wsi_version)).status_code == 200
    application_command(application=application, command="revoke", actor=handler, comment="Misuse reported.")
    assert client.get(file_url(row, wsi_version)).status_code == 403
    assert client.get(f"/downloads/files/{row.accession}").status_code == 403


def test_unknown_files_and_versions_are_not_found(client, entitled_user, registered_key, wsi_version):
    row = largest_file(wsi_version)
    client.force_login(entitled_user)
    accession = wsi_version.dataset.accession
    assert client.get(f"/downloads/datasets/{accession}/v9/files/{row.accession}").status_code == 404
    assert client.get(f"/downloads/datasets/{accession}/v1/files/BPFI0000000000").status_code == 404
    assert client.get("/downloads/files/BPFI0000000000").status_code == 404
    assert client.get(file_url(row, wsi_version, mode="zip")).status_code == 400


def test_an_expired_entitlement_and_a_revoked_token_are_refused(client, wsi_version, user_keys):
    from datetime import timedelta

    from django.utils import timezone

    from access.models import ApiToken
    from access.services import token_revoke
    from tests.access.permissions.conftest import approve

    row = largest_file(wsi_version)
    expired = UserFactory()
    approve(wsi_version.dataset, expired, end=timezone.now() - timedelta(days=1))
    public_key_register(user=expired, name="k", text=user_keys.public_text)
    client.force_login(expired)
    assert client.get(file_url(row, wsi_version)).status_code == 403
    client.logout()
    entitled = UserFactory()
    approve(wsi_version.dataset, entitled)
    public_key_register(user=entitled, name="k", text=user_keys.public_text)
    _, raw = token_create(user=entitled, name="script", days=1, actor=entitled)
    assert client.get(file_url(row, wsi_version), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token_revoke(token=ApiToken.objects.get(user=entitled), actor=entitled)
    refused = client.get(file_url(row, wsi_version), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 403 and "revoked" in refused.content.decode()


def test_revocation_stops_a_download_under_way(client, wsi_version, user_keys, settings):
    from access.selectors.downloads import AccessEnded

    settings.DOWNLOAD_RECHECK_SECONDS = 0  # ask again before every chunk
    researcher, handler = UserFactory(), UserFactory()
    application = approved_through_commands(wsi_version.dataset, researcher, handler)
    public_key_register(user=researcher, name="laptop", text=user_keys.public_text)
    row = largest_file(wsi_version)
    assert row.size > 3 * 65536  # several segments
    client.force_login(researcher)
    chunks = iter(client.get(file_url(row, wsi_version)).streaming_content)
    received = len(next(chunks)) + len(next(chunks))
    application_command(application=application, command="revoke", actor=handler, comment="Misuse reported.")
    with pytest.raises(AccessEnded):
        for chunk in chunks:
            received += len(chunk)
    assert received < crypt4gh_size(row.size)
