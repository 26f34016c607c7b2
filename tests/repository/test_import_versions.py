"""A new bundle of the same dataset becomes a new immutable version with a changelog."""

import pytest
from django.core.management import call_command

from repository import models as m
from repository.services import dataset_import
from repository.synthetic.small import dicom_stub
from tests.repository.metaflex_bundles import SCANNER, BundleBuilder, E, s_attr


@pytest.fixture
def two_versions(db, tmp_path, django_capture_on_commit_callbacks):
    # A db test never commits: run the commit hooks that move staged files into storage.
    with django_capture_on_commit_callbacks(execute=True):
        first = dataset_import(bundle_dir=BundleBuilder(tmp_path / "v1").write())
    builder = BundleBuilder(tmp_path / "v2")
    builder.find("image", "IMAGE[@alias='img2']/ATTRIBUTES").append(s_attr("comment", "rescanned"))
    builder.remove("observation", "OBSERVATION[@alias='obsv2']")
    builder.remove("dataset", "DATASET/OBSERVATION_REF[@alias='obsv2']")
    image3 = builder.find("image", "IMAGE[@alias='img1']").__copy__()
    image3.set("alias", "img3")
    image3.find("FILES").replace(image3.find("FILES/FILE"), builder.file_el(
        "IMAGES/IMAGE_img3/img3.dcm", dicom_stub("img3", SCANNER), "dcm"))
    builder.trees["image"].append(image3)
    builder.find("dataset", "DATASET/IMAGE_REF[@alias='img2']").addnext(E("IMAGE_REF", alias="img3"))
    with django_capture_on_commit_callbacks(execute=True):
        second = dataset_import(bundle_dir=builder.write(), changelog="Rescanned img2; added img3.")
    assert first.ok and second.ok, second.report.format()
    return first, second


def test_unchanged_objects_keep_their_accessions(two_versions):
    first, second = two_versions
    assert second.dataset == first.dataset and second.version.number == 2
    for alias in ("img1", "img2", "slide1", "being1"):
        model = m.Image if alias.startswith("img") else m.Slide if alias.startswith("slide") else m.BiologicalBeing
        old = model.objects.get(version=first.version, alias=alias)
        new = model.objects.get(version=second.version, alias=alias)
        assert old.accession == new.accession and old.pk != new.pk


def test_changes_are_recorded(two_versions):
    _, second = two_versions
    changes = {(c["alias"], c["change"]) for c in second.version.changes}
    assert {("img2", "changed"), ("img3", "added"), ("obsv2", "removed")} <= changes
    assert ("img1", "added") not in changes and ("img1", "changed") not in changes
    assert second.version.changelog == "Rescanned img2; added img3."


def test_old_version_stays_as_published(two_versions, client):
    first, second = two_versions
    assert m.Image.objects.filter(version=first.version).count() == 2
    assert m.Image.objects.filter(version=second.version).count() == 3
    accession = first.dataset.accession
    first.dataset.refresh_from_db()
    assert first.dataset.latest_version == second.version
    latest = client.get(f"/datasets/{accession}/").content.decode()
    assert "Rescanned img2" in latest and f"/datasets/{accession}/v/1/" in latest
    assert client.get(f"/datasets/{accession}/v/1/").status_code == 200


def test_withdrawn_dataset_gets_no_new_version(db, tmp_path):
    first = dataset_import(bundle_dir=BundleBuilder(tmp_path / "v1").write())
    m.Dataset.objects.filter(pk=first.dataset.pk).update(status=m.DatasetStatus.WITHDRAWN)
    builder = BundleBuilder(tmp_path / "v2")
    builder.find("dataset", "DATASET/TITLE").text = "Changed title"
    result = dataset_import(bundle_dir=builder.write())
    assert not result.ok and "dataset.withdrawn" in result.report.rules()


def test_export_of_an_old_version(two_versions, tmp_path, capsys):
    first, _ = two_versions
    call_command("export_metaflex", first.dataset.accession, str(tmp_path / "out"), "--dataset-version", "1")
    assert "img3" not in (tmp_path / "out/METADATA/image.xml").read_text()
