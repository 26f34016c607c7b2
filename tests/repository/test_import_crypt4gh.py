"""crypt4gh-encrypted bundles: decrypted while copying with the repository's key, plaintext archived."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from crypt4gh.keys import get_public_key
from django.test import override_settings
from lxml import etree

from bigpicture.errors import UserError
from bigpicture.storage import storage_for
from metaflex import validate_bundle
from repository import models as m
from repository.services.exports import dataset_export
from tests.repository.committed import import_committed
from tests.repository.crypt4gh_keys import crypt4gh_encrypt, key_files, keypair
from tests.repository.metaflex_bundles import BundleBuilder

PASSPHRASE = "correct horse battery staple"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encrypt_images(root: Path, public_key: bytes, *, plain: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Encrypt every dcm file of image.xml to `public_key`, as a contributor's tool does; returns the plaintexts."""
    xml = root / "METADATA/image.xml"
    tree = etree.parse(str(xml))
    plaintexts = {}
    for file in tree.iter("FILE"):
        path = root / file.get("filename")
        data = (plain or {}).get(file.get("filename")) or path.read_bytes()
        path.write_bytes(crypt4gh_encrypt(data, public_key))
        file.set("checksum", _sha256(path.read_bytes()))
        file.set("unencrypted_checksum", _sha256(data))
        plaintexts[file.get("filename")] = data
    tree.write(str(xml), xml_declaration=True, encoding="UTF-8")
    return plaintexts


@pytest.fixture
def repository_key(tmp_path):
    secret, public = key_files(tmp_path, PASSPHRASE)
    with override_settings(CRYPT4GH_SECRET_KEY_FILE=secret, CRYPT4GH_PASSPHRASE=PASSPHRASE):
        yield get_public_key(str(public)), public.read_text()


def test_encrypted_bundle_archives_the_plaintext(db, tmp_path, repository_key):
    root = BundleBuilder(tmp_path / "src").write()
    plaintexts = encrypt_images(root, repository_key[0])
    result = import_committed(bundle_dir=root)
    assert result.ok, result.report.format()
    files = m.ImageFile.objects.filter(image__version=result.version)
    assert files.count() == len(plaintexts) == 2
    archive = storage_for("archive")
    for file in files:
        with archive.open(file.storage_name, "rb") as handle:
            stored = handle.read()
        assert stored == plaintexts[file.filename] and not stored.startswith(b"crypt4gh")
        assert file.checksum == _sha256(stored) and file.unencrypted_checksum == ""
        assert file.encrypted_checksum == _sha256((root / file.filename).read_bytes())
        assert file.size == len(stored)


def test_export_of_an_encrypted_upload_lists_the_plaintext_and_reimports_unchanged(db, tmp_path, repository_key):
    root = BundleBuilder(tmp_path / "src").write()
    plaintexts = encrypt_images(root, repository_key[0])
    first = import_committed(bundle_dir=root)
    assert first.ok, first.report.format()
    out = dataset_export(version=first.version, out_dir=tmp_path / "export")
    entries = {e.get("filename"): e for e in etree.parse(str(out / "METADATA/image.xml")).iter("FILE")}
    for filename, data in plaintexts.items():
        assert (out / filename).read_bytes() == data
        assert entries[filename].get("checksum") == _sha256(data)
        assert entries[filename].get("unencrypted_checksum") is None
    with pytest.raises(UserError, match="identical to version 1"):
        import_committed(bundle_dir=out, allow_accessions=True)


def test_without_a_key_encrypted_files_are_refused(db, tmp_path):
    root = BundleBuilder(tmp_path / "src").write()
    encrypt_images(root, keypair()[1])
    with override_settings(CRYPT4GH_SECRET_KEY_FILE=None):
        result = import_committed(bundle_dir=root)
    assert not result.ok and result.version is None
    refused = [p for p in result.report.errors if p.rule == "file.encrypted"]
    assert len(refused) == 2 and "no crypt4gh key configured" in refused[0].message, result.report.format()
    assert not m.ImageFile.objects.exists()


def test_files_encrypted_to_another_key_are_refused(db, tmp_path, repository_key):
    root = BundleBuilder(tmp_path / "src").write()
    encrypt_images(root, keypair()[1])
    result = import_committed(bundle_dir=root)
    assert not result.ok
    refused = [p for p in result.report.errors if p.rule == "file.encrypted"]
    assert refused and "not to this repository's key" in refused[0].message, result.report.format()
    assert "/crypt4gh.pub" in refused[0].message


def test_an_encrypted_dcm_must_decrypt_to_dicom(tmp_path, repository_key):
    from repository.keys import crypt4gh_secret_key

    root = BundleBuilder(tmp_path / "src").write()
    encrypt_images(root, repository_key[0], plain={"IMAGES/IMAGE_img1/img1.dcm": b"plain text, not DICOM"})
    bundle, report = validate_bundle(root, secret_key=crypt4gh_secret_key())
    assert bundle is None
    assert [(p.rule, p.alias) for p in report.errors] == [("file.dicom", "img1")], report.format()


def test_a_wrong_unencrypted_checksum_is_refused_while_copying(db, tmp_path, repository_key):
    root = BundleBuilder(tmp_path / "src").write()
    encrypt_images(root, repository_key[0])
    xml = root / "METADATA/image.xml"
    tree = etree.parse(str(xml))
    next(tree.iter("FILE")).set("unencrypted_checksum", "0" * 64)
    tree.write(str(xml), xml_declaration=True, encoding="UTF-8")
    with pytest.raises(UserError, match="unencrypted_checksum"):
        import_committed(bundle_dir=root)


def test_public_key_is_served_as_text(client, repository_key):
    response = client.get("/crypt4gh.pub")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == repository_key[1]
    assert "public" in response["Cache-Control"]


@override_settings(CRYPT4GH_SECRET_KEY_FILE=None)
def test_public_key_is_404_without_a_key(client):
    assert client.get("/crypt4gh.pub").status_code == 404


def test_a_wrong_passphrase_names_the_settings(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from repository.keys import crypt4gh_secret_key

    secret, _ = key_files(tmp_path, PASSPHRASE)
    with override_settings(CRYPT4GH_SECRET_KEY_FILE=secret, CRYPT4GH_PASSPHRASE="wrong"), \
            pytest.raises(ImproperlyConfigured, match="CRYPT4GH_PASSPHRASE"):
        crypt4gh_secret_key()
