"""Writing: parse(write(parse(bundle))) == parse(bundle), with accessions filled in on export."""

from __future__ import annotations

from pathlib import Path

import pytest

from metaflex import Bundle, EntityCollection, validate_bundle, write_bundle
from metaflex.accession import ALPHABET
from metaflex.schema import BUNDLE_FILES
from tests.repository.metaflex_bundles import BundleBuilder

FIXTURE = Path(__file__).parent / "fixtures" / "xsd_bundle"


def entities_by_file(bundle: Bundle) -> dict[str, list]:
    return {f.name: list(bundle.iter_entities(f.name)) for f in BUNDLE_FILES}


@pytest.mark.parametrize("source", ["clinical", "non_clinical", "fixture"])
def test_round_trip(tmp_path: Path, source: str) -> None:
    root = FIXTURE if source == "fixture" else BundleBuilder(tmp_path, clinical=source == "clinical").write()
    bundle, report = validate_bundle(root)
    assert bundle is not None, report.format()
    out = write_bundle(bundle, tmp_path / "out", copy_files_from=root)
    again, report = validate_bundle(out)
    assert again is not None, report.format()
    assert report.problems == []
    assert entities_by_file(again) == entities_by_file(bundle)


def test_export_with_accessions_is_reimportable(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    bundle, _ = validate_bundle(root)
    aliases = [e.alias for f in BUNDLE_FILES for e in bundle.iter_entities(f.name)]
    types = {"dataset": "dataset", "policy": "policy", "image": "image", "annotation": "annotation",
             "observation": "observation", "observer": "observer", "staining": "staining", "rems": "rems",
             "organisation": "organisation", "landing_page": "landing_page"}
    accessions = {}
    for i, f in enumerate(BUNDLE_FILES):
        for j, entity in enumerate(bundle.iter_entities(f.name)):
            kind = types.get(entity.kind, "sample")
            accessions[entity.alias] = f"aa-{kind}-{ALPHABET[i]}bcdef-{ALPHABET[j]}hjkmn"
    assert len(accessions) == len(aliases)
    out = write_bundle(bundle, tmp_path / "out", accessions=accessions, copy_files_from=root)

    _, strict = validate_bundle(out)
    assert "accession.supplied" in strict.rules()
    again, report = validate_bundle(out, allow_accessions=True)
    assert again is not None, report.format()
    assert again.dataset.accession == accessions["ds1"]
    image = next(again.iter_entities("image"))
    assert image.accession == accessions[image.alias]
    assert image.ref("IMAGE_OF").accession == accessions[image.ref("IMAGE_OF").alias]


def test_write_from_entity_collection(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    bundle, _ = validate_bundle(root)
    collection = EntityCollection(e for f in BUNDLE_FILES for e in bundle.iter_entities(f.name))
    out = write_bundle(collection, tmp_path / "out", copy_files_from=root)
    again, report = validate_bundle(out)
    assert again is not None, report.format()
    assert [s.alias for s in again.iter_entities("sample")] == [s.alias for s in bundle.iter_entities("sample")]


def test_writer_drops_empty_optional_annotation_file(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    bundle, _ = validate_bundle(root)
    collection = EntityCollection(e for f in BUNDLE_FILES for e in bundle.iter_entities(f.name)
                                  if e.kind != "annotation")
    out = write_bundle(collection, tmp_path / "out")
    assert not (out / "METADATA/annotation.xml").exists()
    assert (out / "METADATA/image.xml").exists()
