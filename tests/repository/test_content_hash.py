"""Content hashes stay the same bytes across releases, however an import computes them.

Stored versions keep their objects' hashes, and the next import compares against them:
a change in how the hash is computed would mark every object of every dataset changed.
"""

from repository import models as m
from repository.services.content import canonical_json, content_hash, content_hash_of_json, entity_document
from repository.services.rows import RowWriter, file_documents
from tests.repository.metaflex_bundles import BundleBuilder

DOCUMENT = {
    "fields": {"IMAGE_TYPE": "WSI_IMAGE", "NOTE": 'tab\there, line\nbreak, back\\slash, "quoted"'},
    "refs": {"IMAGE_OF": [{"kind": "slide", "alias": "slide-1"}]},
    "attributes": [
        {"kind": "measurement", "tag": "base_layer_resolution", "value": "0.25", "units": "µm/px", "nil": False},
        {"kind": "set", "tag": "size", "units": None, "nil": False,
         "value": [{"kind": "numeric", "tag": "width", "value": "256", "units": None, "nil": False}]},
    ],
}
FILES = [{"filename": "IMAGES/a.dcm", "checksum": "ab" * 32, "filetype": "dcm", "unencrypted_checksum": ""}]


def test_hashes_are_pinned():
    # Computed with the release before the import encoded each part once.
    assert content_hash(DOCUMENT, FILES) == "1ac47b887888fc8eb79fa15d590d396ec775858b0562fe1ad296c97c38554ec7"
    assert content_hash(DOCUMENT) == "e85c88092a7c5be5d5383cea1495e2399117b46770af926ec783342ccef82dc3"
    assert content_hash({"fields": {}, "refs": {}, "attributes": None}) == (
        "a36573be99572823f498fdd9046b4800431852c4a60dc25c7dd204c24387a853")


def test_hash_from_parts_equals_hash_of_the_whole(tmp_path):
    from metaflex import validate_bundle

    bundle, report = validate_bundle(BundleBuilder(tmp_path, clinical=True).write())
    assert report.ok
    entities = [e for name in ("sample", "image", "observation", "policy", "staining") for e in bundle.iter_entities(name)]
    assert len(entities) > 5
    for entity in entities:
        document, files = entity_document(entity), file_documents(entity)
        parts = {key: canonical_json(value) for key, value in document.items()}
        assert content_hash_of_json(parts, files) == content_hash(document, files)


def test_row_writer_hashes_like_content_hash(tmp_path):
    from metaflex import validate_bundle

    bundle, _ = validate_bundle(BundleBuilder(tmp_path, clinical=True).write())
    writer = RowWriter(m.DatasetVersion(id=1))
    for entity in bundle.iter_entities("image"):
        writer.pk_of.update({ref.alias: (ref.kind, 1) for _, ref in entity.all_refs()})
        files = file_documents(entity)
        row = writer.row_for(entity, "bp-image-aaaaaa-aaaaaa", files)
        assert row.content_hash == content_hash(entity_document(entity), files)
