"""A bundle with any error imports nothing and says everything that is wrong."""

import json

import pytest
from django.core.management import CommandError, call_command

from bigpicture.errors import UserError
from repository import models as m
from repository.services import dataset_import
from repository.services.archive import file_archive
from tests.repository.metaflex_bundles import BundleBuilder, build_bundle


@pytest.fixture
def broken_bundle(tmp_path):
    builder = BundleBuilder(tmp_path)
    builder.find("image", "IMAGE[@alias='img1']/IMAGE_OF").set("alias", "no-such-slide")
    builder.remove("policy", "POLICY/ATTRIBUTES/STRING_ATTRIBUTE[TAG='type_of_access']")
    return builder.write()


def test_nothing_is_written(db, broken_bundle):
    result = dataset_import(bundle_dir=broken_bundle)
    assert not result.ok and result.version is None
    assert {"ref.unresolved", "attribute.required"} <= result.report.rules()
    assert not m.Dataset.objects.exists() and not m.Accession.objects.exists()


def test_command_exits_1_and_writes_a_json_report(db, broken_bundle, tmp_path, capsys):
    report_path = tmp_path / "report.json"
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_metaflex", str(broken_bundle), "--json", str(report_path))
    out = capsys.readouterr().out
    assert "image.xml" in out and "no-such-slide" in out
    report = json.loads(report_path.read_text())
    assert report["ok"] is False and any(p["rule"] == "ref.unresolved" for p in report["problems"])
    assert all({"file", "line", "element", "alias", "message"} <= set(p) for p in report["problems"])


def test_dry_run_writes_nothing(db, tmp_path, capsys):
    call_command("import_metaflex", str(build_bundle(tmp_path)), "--dry-run")
    assert "would publish" in capsys.readouterr().out
    assert not m.Dataset.objects.exists() and not m.Image.objects.exists()


def test_unknown_organisation_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="no organisation with slug 'nope'"):
        call_command("import_metaflex", str(build_bundle(tmp_path)), "--organisation", "nope")


def test_identical_reimport_is_refused(db, tmp_path):
    bundle = build_bundle(tmp_path)
    assert dataset_import(bundle_dir=bundle).ok
    with pytest.raises(UserError, match="identical to version 1"):
        dataset_import(bundle_dir=bundle)
    assert m.DatasetVersion.objects.count() == 1


def test_unknown_complemented_dataset_is_rejected(db, tmp_path):
    builder = BundleBuilder(tmp_path)
    dataset = builder.find("dataset", "/DATASET_SET/DATASET")
    ref = dataset.makeelement("COMPLEMENTS_DATASET_REF", {"alias": "other", "accession": "bp-dataset-zzzzzz-zzzzzz"})
    dataset.find("ATTRIBUTES").addprevious(ref)
    result = dataset_import(bundle_dir=builder.write(), allow_accessions=True)
    assert not result.ok and "ref.complements" in result.report.rules()
    assert not m.Dataset.objects.exists()


def test_file_changed_after_validation_is_not_archived(tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "archive": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "a")}}}
    source = tmp_path / "slide.dcm"
    source.write_bytes(b"tampered")
    with pytest.raises(UserError, match="changed after validation"):
        file_archive(source=source, checksum="0" * 64, filetype="dcm", dataset_accession="bp-dataset-x")
    assert not any((tmp_path / "a").rglob("*.dcm"))
