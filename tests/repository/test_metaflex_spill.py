"""The validator's spill: the importer reads back exactly the canonical entities a second parse gives."""

from __future__ import annotations

from pathlib import Path

from metaflex import validate_bundle
from metaflex.schema import BUNDLE_FILES
from repository.synthetic.other_tool import OtherTool
from tests.repository.crypt4gh_keys import keypair
from tests.repository.metaflex_bundles import BundleBuilder
from tests.repository.test_import_crypt4gh import encrypt_images

NAMES = [f.name for f in BUNDLE_FILES] + ["slide", "block", "biological_being"]


def _stored(bundle) -> dict[str, list[dict]]:
    # to_json: equality of entities ignores file and line, the spill must keep them too.
    return {name: [entity.to_json() for entity in bundle.iter_canonical(name)] for name in NAMES}


def _both(root: Path, secret_key: bytes | None = None):
    spilled, report = validate_bundle(root, spill=True, secret_key=secret_key)
    assert spilled is not None, report.format()
    parsed, _ = validate_bundle(root, secret_key=secret_key)
    assert spilled.spill is not None and parsed.spill is None
    return spilled, parsed


def test_spilled_entities_equal_parsed_ones_for_another_tools_bundle(tmp_path):
    spilled, parsed = _both(OtherTool().write(tmp_path))
    report_rules = validate_bundle(spilled.root)[1].rules()
    # The canonical form differs from the XML here: synonyms, normalised values, DICOM facts filled in.
    assert {"attribute.synonym", "attribute.normalised", "image.dicom_filled"} <= report_rules
    assert spilled.image_facts
    assert _stored(spilled) == _stored(parsed)
    assert sum(len(entities) for entities in _stored(spilled).values()) > 10


def test_spilled_encrypted_files_are_described_by_their_plaintext(tmp_path):
    root = BundleBuilder(tmp_path / "src").write()
    secret, public = keypair()
    plaintexts = encrypt_images(root, public)
    spilled, parsed = _both(root, secret)
    images = list(spilled.iter_canonical("image"))
    assert {entry.filename for image in images for entry in image.files} == set(plaintexts)
    assert all(entry.unencrypted_checksum is None for image in images for entry in image.files)
    assert _stored(spilled) == _stored(parsed)


def test_the_importer_reads_the_spill_not_the_xml_and_parses_again_once_it_is_closed(tmp_path):
    root = BundleBuilder(tmp_path / "src").write()
    bundle, _ = validate_bundle(root, spill=True)
    expected = [entity.alias for entity in bundle.iter_canonical("image")]
    assert expected
    (root / "METADATA/image.xml").write_text("<IMAGE_SET/>")  # what a second parse would now read
    assert [entity.alias for entity in bundle.iter_canonical("image")] == expected
    bundle.close()
    assert bundle.spill is None
    assert list(bundle.iter_canonical("image")) == []


def test_an_invalid_bundle_returns_no_spill(tmp_path):
    root = BundleBuilder(tmp_path / "src").write()
    (root / "METADATA/image.xml").write_text("<IMAGE_SET>")
    bundle, report = validate_bundle(root, spill=True)
    assert bundle is None and not report.ok
