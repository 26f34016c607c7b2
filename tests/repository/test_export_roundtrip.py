"""Exporting writes accessions and references; re-importing an export loses nothing."""

import dataclasses
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from metaflex import validate_bundle
from metaflex.schema import BUNDLE_FILES, OPTIONAL_LAYOUT_FILES
from repository import models as m
from repository.services import accession_mint, dataset_import
from repository.services.exports import dataset_export
from tests.repository.factories import datasets_forget
from tests.repository.metaflex_bundles import build_bundle
from tests.repository.official_xsds import assert_bundle_xsd_valid


def _entities(root: Path, *, keep_accessions: bool):
    bundle, report = validate_bundle(root, allow_accessions=True)
    assert bundle is not None, report.format()
    names = ("dataset", "policy", "sample", "staining", "image", "annotation", "observer", "observation",
             "rems", "organisation", "landing_page")

    def strip(entity):
        if keep_accessions:
            return entity
        refs = {k: [dataclasses.replace(r, accession=None) for r in v] for k, v in entity.refs.items()}
        return dataclasses.replace(entity, accession=None, refs=refs)

    return {name: [strip(e) for e in bundle.iter_entities(name)] for name in names}


@pytest.fixture
def imported(db, tmp_path, django_capture_on_commit_callbacks):
    source = build_bundle(tmp_path / "source")
    # A db test never commits: run the commit hooks that move staged files into storage.
    with django_capture_on_commit_callbacks(execute=True):
        result = dataset_import(bundle_dir=source)
    assert result.ok
    return source, result


def test_export_carries_accessions_and_resolved_references(imported, tmp_path):
    _, result = imported
    out = dataset_export(version=result.version, out_dir=tmp_path / "export")
    entities = _entities(out, keep_accessions=True)
    slide = next(e for e in entities["sample"] if e.alias == "slide1")
    assert slide.accession == m.Slide.objects.get(version=result.version, alias="slide1").accession
    block_ref = slide.ref("CREATED_FROM_REF")
    assert block_ref.accession == m.Block.objects.get(version=result.version).accession
    assert entities["dataset"][0].accession == result.dataset.accession


def test_export_equals_the_submission_but_for_accessions(imported, tmp_path):
    source, result = imported
    out = dataset_export(version=result.version, out_dir=tmp_path / "export")
    assert _entities(out, keep_accessions=False) == _entities(source, keep_accessions=False)
    for original in source.rglob("*"):
        if original.is_file() and "METADATA" not in original.parts and "PRIVATE" not in original.parts \
                and original.suffix != ".xml":
            assert (out / original.relative_to(source)).read_bytes() == original.read_bytes()


def test_reimporting_an_export_round_trips(imported, tmp_path):
    _, result = imported
    first_export = dataset_export(version=result.version, out_dir=tmp_path / "first")
    accessions = set(m.Image.objects.filter(version=result.version).values_list("accession", flat=True))
    datasets_forget(m.Dataset.objects.filter(pk=result.dataset.pk))  # the accession registry keeps its rows
    again = dataset_import(bundle_dir=first_export, allow_accessions=True)
    assert again.ok, again.report.format()
    assert again.dataset.accession == result.dataset.accession
    assert set(m.Image.objects.filter(version=again.version).values_list("accession", flat=True)) == accessions
    second_export = dataset_export(version=again.version, out_dir=tmp_path / "second")
    for xml in first_export.rglob("*.xml"):
        assert (second_export / xml.relative_to(first_export)).read_bytes() == xml.read_bytes(), xml


def test_export_validates_against_the_official_xsds(imported, tmp_path):
    _, result = imported
    out = dataset_export(version=result.version, out_dir=tmp_path / "export")
    checked = assert_bundle_xsd_valid(out)
    assert sorted(checked) == sorted(f.name for f in BUNDLE_FILES)  # the source bundle has all eleven
    exported = {str(p.relative_to(out)) for p in out.rglob("*.xml")}
    assert exported - set(OPTIONAL_LAYOUT_FILES) == {f.path for f in BUNDLE_FILES}


def test_export_refuses_a_non_empty_folder(imported, tmp_path):
    _, result = imported
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_metaflex", result.dataset.accession, str(tmp_path / "busy"))


def test_reused_accession_for_another_object_is_refused(imported, tmp_path):
    _, result = imported
    out = dataset_export(version=result.version, out_dir=tmp_path / "export")
    taken = accession_mint(type="image", alias="an image of another dataset")
    image_accession = m.Image.objects.get(version=result.version, alias="img1").accession
    for xml in out.rglob("*.xml"):
        xml.write_text(xml.read_text().replace(image_accession, taken))
    datasets_forget(m.Dataset.objects.all())
    again = dataset_import(bundle_dir=out, allow_accessions=True)
    assert not again.ok and "accession.other_dataset" in again.report.rules()
