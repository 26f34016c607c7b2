"""observer.xml and annotation.xml may be left out; an empty *_SET may not (the XSDs say so).

The XSDs allow observations without observers and datasets without
annotations, and a *_SET needs at least one entity. So the importer reads a
bundle without those files, and the exporter leaves them out.
"""

from __future__ import annotations

from pathlib import Path

from metaflex import EntityCollection, validate_bundle, write_bundle
from metaflex.schema import BUNDLE_FILES
from repository import models as m
from repository.services.exports import dataset_export
from tests.repository.committed import import_committed
from tests.repository.factories import datasets_forget
from tests.repository.metaflex_bundles import BundleBuilder
from tests.repository.official_xsds import assert_bundle_xsd_valid


def _without_observers(builder: BundleBuilder) -> None:
    for _ in builder.trees["observation"].xpath("OBSERVATION/OBSERVER_REF"):
        builder.remove("observation", "OBSERVATION/OBSERVER_REF")
    del builder.trees["observer"]


def _without_annotations(builder: BundleBuilder) -> None:
    builder.remove("dataset", "DATASET/ANNOTATION_REF")
    del builder.trees["annotation"]


def _bundle(tmp_path: Path) -> Path:
    builder = BundleBuilder(tmp_path)
    _without_observers(builder)
    _without_annotations(builder)
    root = builder.write()
    (root / "ANNOTATIONS/ann1.json").unlink()
    return root


def test_bundle_without_observer_and_annotation_files_is_valid(tmp_path: Path) -> None:
    root = _bundle(tmp_path)
    assert not (root / "METADATA/observer.xml").exists() and not (root / "METADATA/annotation.xml").exists()
    bundle, report = validate_bundle(root)
    assert report.problems == [], report.format()
    assert bundle is not None and "observer" not in bundle.counts
    assert list(bundle.iter_entities("observer")) == []


def test_observer_ref_without_observer_file_names_the_file(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    del builder.trees["observer"]
    bundle, report = validate_bundle(builder.write())
    assert bundle is None and report.rules() == {"ref.unresolved"}
    assert all("METADATA/observer.xml" in p.message for p in report.errors)


def test_empty_set_elements_are_refused(tmp_path: Path) -> None:
    root = _bundle(tmp_path)
    (root / "METADATA/observer.xml").write_text('<?xml version="1.0"?>\n<OBSERVER_SET/>\n')
    (root / "METADATA/annotation.xml").write_text('<?xml version="1.0"?>\n<ANNOTATION_SET>\n</ANNOTATION_SET>\n')
    bundle, report = validate_bundle(root)
    assert bundle is None
    assert {(p.rule, p.file, p.line) for p in report.errors} == {
        ("schema.required", "METADATA/observer.xml", 2), ("schema.required", "METADATA/annotation.xml", 2)}


def test_writer_never_writes_an_empty_set(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    bundle, _ = validate_bundle(root)
    kept = EntityCollection(e for f in BUNDLE_FILES for e in bundle.iter_entities(f.name)
                            if e.kind not in ("observer", "annotation"))
    out = write_bundle(kept, tmp_path / "out")
    assert not (out / "METADATA/observer.xml").exists() and not (out / "METADATA/annotation.xml").exists()
    assert len(assert_bundle_xsd_valid(out)) == 9


def test_import_and_export_without_the_optional_files(db, tmp_path: Path) -> None:
    result = import_committed(bundle_dir=_bundle(tmp_path / "in"))
    assert result.ok, result.report.format()
    assert not m.Observer.objects.filter(version=result.version).exists()
    assert m.Observation.objects.filter(version=result.version).count() == 2
    out = dataset_export(version=result.version, out_dir=tmp_path / "export")
    assert not (out / "METADATA/observer.xml").exists() and not (out / "METADATA/annotation.xml").exists()
    assert len(assert_bundle_xsd_valid(out)) == 9
    datasets_forget(m.Dataset.objects.filter(pk=result.dataset.pk))
    again = import_committed(bundle_dir=out, allow_accessions=True)
    assert again.ok, again.report.format()
