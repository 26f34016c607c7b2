"""One bundle with every stray an outside tool makes at once imports, with warnings only.

It is valid against the official XSDs: minidom-printed, its own xsi prefix,
schema-location attributes, its own attribute spellings, long values, no
observer.xml, image facts only in the DICOM headers, and data files encrypted
with crypt4gh to the repository's key.
"""

from __future__ import annotations

import hashlib

import pytest
from crypt4gh.keys import get_public_key
from django.test import override_settings

from bigpicture.storage import storage_for
from repository import models as m
from repository.synthetic.other_tool import SCANNER, OtherTool
from tests.repository.committed import import_committed
from tests.repository.crypt4gh_keys import key_files
from tests.repository.official_xsds import assert_bundle_xsd_valid


@pytest.fixture
def repository_key(tmp_path):
    secret, public = key_files(tmp_path)
    with override_settings(CRYPT4GH_SECRET_KEY_FILE=secret, CRYPT4GH_PASSPHRASE=""):
        yield get_public_key(str(public))


@pytest.fixture
def bundle(tmp_path, repository_key):
    return OtherTool(long_values=True, observers=False, encrypt_to=repository_key).write(tmp_path / "in")


def test_it_is_valid_against_the_official_xsds(bundle):
    checked = assert_bundle_xsd_valid(bundle)
    assert "observer" not in checked and len(checked) >= 9


def test_it_imports_with_warnings_only_and_archives_the_plaintext(db, bundle):
    result = import_committed(bundle_dir=bundle)
    assert result.ok, result.report.format()
    assert result.report.warnings and not result.report.errors
    version = result.version
    assert len(version.title) == 600 and len(version.version_label) == 120
    assert version.summary["policy"]["type_of_dataset"] == "Clinical/Pseudonymized"
    assert m.Observer.objects.filter(version=version).count() == 0
    archive = storage_for("archive")
    files = m.ImageFile.objects.filter(image__version=version)
    assert files.count() == 3
    for file in files:
        with archive.open(file.storage_name, "rb") as stored:
            data = stored.read()
        assert data[128:132] == b"DICM"  # the plaintext, not the crypt4gh ciphertext
        assert hashlib.sha256(data).hexdigest() == file.checksum
    assert SCANNER.manufacturer in " ".join(version.summary.get("scanners") or [])
