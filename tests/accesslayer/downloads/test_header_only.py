"""An archived object that is itself crypt4gh: a download re-encrypts only its header (the data segments are
the stored bytes), and a plain download decrypts it with the repository's key."""

from __future__ import annotations

import io

import pytest
from crypt4gh import header as c4gh_header
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.core.files.base import ContentFile
from django.test import override_settings

from access.crypt4gh_keys import public_key_read
from access.downloads.streams import Archived, DownloadCorrupt, crypt4gh_stream
from bigpicture.storage import storage_for
from metaflex.encryption import crypt4gh_encrypt
from repository.keys import crypt4gh_secret_key
from tests.accesslayer.downloads.kit import (
    archived_bytes,
    body,
    decrypted,
    file_url,
    largest_file,
    policy_set,
    sha256,
)
from tests.repository.crypt4gh_keys import key_files

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def repository_key(tmp_path):
    secret, public = key_files(tmp_path, "archive passphrase")
    with override_settings(CRYPT4GH_SECRET_KEY_FILE=secret, CRYPT4GH_PASSPHRASE="archive passphrase"):
        yield crypt4gh_secret_key()


@pytest.fixture
def encrypted_row(wsi_version, repository_key):
    """The largest DICOM file, archived as crypt4gh encrypted to the repository's key (as an archive that keeps
    uploads encrypted would hold it): `checksum` stays the plaintext's, `encrypted_checksum` is the object's."""
    row = largest_file(wsi_version)
    plain = archived_bytes(row)
    public = X25519PrivateKey.from_private_bytes(repository_key).public_key().public_bytes_raw()
    stored = crypt4gh_encrypt(plain, public)
    archive = storage_for("archive")
    row.storage_name = archive.save(f"c4gh/{row.accession}.c4gh", ContentFile(stored))
    row.encrypted_checksum = sha256(stored)
    row.save(update_fields=["storage_name", "encrypted_checksum"])
    return row, plain, stored


def _split(data: bytes) -> tuple[bytes, bytes]:
    stream = io.BytesIO(data)
    list(c4gh_header.parse(stream))
    return data[:stream.tell()], data[stream.tell():]


def test_only_the_header_is_rewritten(client, entitled_user, registered_key, user_keys, encrypted_row, wsi_version):
    row, plain, stored = encrypted_row
    client.force_login(entitled_user)
    response = client.get(file_url(row, wsi_version))
    assert response.status_code == 200
    downloaded = body(response)
    new_header, new_segments = _split(downloaded)
    old_header, old_segments = _split(stored)
    assert new_segments == old_segments  # the data segments are copied, not re-encrypted
    assert new_header != old_header
    assert decrypted(downloaded, user_keys.secret) == plain  # and the user's key opens the new header
    assert len(downloaded) == int(response["Content-Length"])


def test_a_plain_download_decrypts_with_the_repository_key(client, entitled_user, encrypted_row, wsi_version):
    row, plain, _ = encrypted_row
    policy_set(wsi_version, "plain_download", "Allowed")
    client.force_login(entitled_user)
    assert body(client.get(file_url(row, wsi_version, mode="plain"))) == plain


def test_a_changed_archived_object_fails_before_its_end(encrypted_row, user_keys):
    row, _, stored = encrypted_row
    public = public_key_read(user_keys.public_text)
    archived = Archived(row.storage_name, row.checksum, "0" * 64)  # not the object's hash
    chunks = crypt4gh_stream(archived, public, archive_key=crypt4gh_secret_key())
    sent = []
    with pytest.raises(DownloadCorrupt, match="archived object has SHA-256"):
        for chunk in chunks:
            sent.append(chunk)
    assert sum(map(len, sent)) < len(stored)  # the client never gets a complete-looking file

