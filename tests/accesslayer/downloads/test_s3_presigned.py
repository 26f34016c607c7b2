"""With STORAGE_BACKEND=s3 (moto's server), a plain download redirects to a short-lived presigned URL that names
AWS_S3_PUBLIC_ENDPOINT_URL, handed out only after the permission check and the audit row; crypt4gh
downloads stream through the portal from S3."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from governance.models import AuditEvent
from repository.models import DatasetVersion
from tests.accesslayer.downloads.kit import body, decrypted, file_url, largest_file, policy_set, sha256

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.s3,
              pytest.mark.parametrize("storage_backend", ["s3"], indirect=True)]


@pytest.fixture
def s3_version(storage_backend, wsi_bundles, settings, django_capture_on_commit_callbacks) -> DatasetVersion:
    # The portal reaches moto at 127.0.0.1; users reach the same server as "localhost".
    settings.AWS_S3_PUBLIC_ENDPOINT_URL = storage_backend.client.meta.endpoint_url.replace("127.0.0.1", "localhost")
    settings.DOWNLOAD_PRESIGNED_SECONDS = 120
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_metaflex", str(wsi_bundles["direct"]))
    version = DatasetVersion.objects.select_related("dataset").get(alias="viewer-direct")
    policy_set(version, "plain_download", "Allowed")
    return version


@pytest.fixture
def entitled(s3_version):
    from tests.access.factories import UserFactory
    from tests.access.permissions.conftest import approve

    user = UserFactory()
    approve(s3_version.dataset, user)
    return user


def test_plain_redirects_to_the_public_endpoint_and_downloads_from_moto(client, entitled, s3_version,
                                                                        storage_backend, settings):
    row = largest_file(s3_version)
    client.force_login(entitled)
    response = client.get(file_url(row, s3_version, mode="plain"))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    public = urlsplit(settings.AWS_S3_PUBLIC_ENDPOINT_URL)
    assert url.netloc == public.netloc and url.hostname == "localhost"
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["120"] and "X-Amz-Signature" in query
    event = AuditEvent.objects.get(action="access.download.file")
    assert event.detail["delivery"] == "presigned" and event.detail["mode"] == "plain"
    with urllib.request.urlopen(response["Location"], timeout=30) as fetched:
        data = fetched.read()
        assert "attachment" in fetched.headers["Content-Disposition"]
    assert sha256(data) == row.checksum and data == storage_backend.read(f"archive/{row.storage_name}")


def test_refused_requests_get_no_url_and_no_audit_row(client, s3_version):
    from tests.access.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(file_url(largest_file(s3_version), s3_version, mode="plain"))
    assert response.status_code == 403 and "Location" not in response
    assert not AuditEvent.objects.filter(action="access.download.file").exists()


def test_crypt4gh_streams_from_s3(client, entitled, s3_version, user_keys):
    from access.services.keys import public_key_register

    public_key_register(user=entitled, name="laptop", text=user_keys.public_text)
    row = largest_file(s3_version)
    client.force_login(entitled)
    response = client.get(file_url(row, s3_version))
    assert response.status_code == 200 and response.streaming
    assert sha256(decrypted(body(response), user_keys.secret)) == row.checksum


def test_a_crypt4gh_object_is_decrypted_through_the_portal_not_presigned(client, entitled, s3_version, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from django.core.files.base import ContentFile
    from django.test import override_settings

    from bigpicture.storage import storage_for
    from metaflex.encryption import crypt4gh_encrypt
    from repository.keys import crypt4gh_secret_key
    from tests.repository.crypt4gh_keys import key_files

    row = largest_file(s3_version)
    secret, _ = key_files(tmp_path)
    with override_settings(CRYPT4GH_SECRET_KEY_FILE=secret, CRYPT4GH_PASSPHRASE=""):
        archive = storage_for("archive")
        with archive.open(row.storage_name, "rb") as handle:
            plain = handle.read()
        public = X25519PrivateKey.from_private_bytes(crypt4gh_secret_key()).public_key().public_bytes_raw()
        stored = crypt4gh_encrypt(plain, public)
        row.storage_name = archive.save(f"c4gh/{row.accession}.c4gh", ContentFile(stored))
        row.encrypted_checksum = sha256(stored)
        row.save(update_fields=["storage_name", "encrypted_checksum"])
        client.force_login(entitled)
        response = client.get(file_url(row, s3_version, mode="plain"))
        assert response.status_code == 200 and response.streaming
        assert body(response) == plain
    assert AuditEvent.objects.get(action="access.download.file").detail["delivery"] == "stream"
