"""import_metaflex publishes a valid bundle at once: rows, accessions, summary, landing page."""

import pytest
from django.core.management import call_command

from governance.models import AuditEvent
from repository import models as m
from repository.accessions import accession_is_valid
from repository.services import dataset_import
from tests.repository.metaflex_bundles import build_bundle


@pytest.fixture
def imported(db, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.ACCESSION_CENTER = "aa"
    # A db test never commits: run the commit hooks that move staged files into storage.
    with django_capture_on_commit_callbacks(execute=True):
        result = dataset_import(bundle_dir=build_bundle(tmp_path), allow_accessions=True)
    assert result.ok, result.report.format()
    return result


def test_every_object_is_stored_with_an_accession(imported):
    version = imported.version
    assert imported.counts["image"] == 2 and imported.counts["slide"] == 2
    assert accession_is_valid(imported.dataset.accession, type="dataset")
    assert imported.dataset.accession.startswith("aa-dataset-")
    for model, accession_type in ((m.Image, "image"), (m.Slide, "sample"), (m.Observation, "observation"),
                                  (m.Staining, "staining"), (m.Policy, "policy")):
        rows = model.objects.filter(version=version)
        assert rows.exists()
        assert all(accession_is_valid(row.accession, type=accession_type) for row in rows), model
    assert all(accession_is_valid(f.accession, type="file") for f in m.ImageFile.objects.all())


def test_references_become_relations(imported):
    version = imported.version
    slide1 = m.Slide.objects.get(version=version, alias="slide1")
    assert slide1.block.alias == "block1" and slide1.staining.alias == "stain-he"
    assert list(m.Image.objects.get(version=version, alias="img1").slides.all()) == [slide1]
    assert list(m.Block.objects.get(version=version, alias="block1").specimens.values_list("alias", flat=True)) == ["spec1"]
    assert m.Observation.objects.get(version=version, alias="obsv1").target == slide1
    observation = m.Observation.objects.get(version=version, alias="obsv2")
    assert observation.target.alias == "img2" and observation.statement_type == "Diagnosis"
    assert observation.observers.get().alias == "pathologist1"
    assert m.Specimen.objects.get(version=version).case.alias == "case1"


def test_nil_and_typed_attributes_are_kept(imported):
    observation = m.Observation.objects.get(version=imported.version, alias="obsv1")
    assert observation.custom_attributes is None
    assert observation.codes[0]["value"]["meaning"] == "Malignant melanoma, NOS"
    specimen = m.Specimen.objects.get(version=imported.version)
    fixation = next(a for a in specimen.attributes if a["tag"] == "fixation_type")
    assert fixation["kind"] == "code" and fixation["value"]["scheme_version"] == "2024-01"


def test_published_with_summary_facets_and_counts(imported, client):
    version = imported.version
    dataset = imported.dataset
    assert dataset.status == m.DatasetStatus.RELEASED and dataset.latest_version == version
    assert version.published_at is not None and version.images_count == 2 and version.total_bytes > 0
    assert version.summary["species"] == ["Homo sapiens"]
    assert version.summary["diagnoses"] == ["Malignant melanoma, NOS"]
    assert version.summary["policy"]["type_of_access"] == "Direct"
    facets = set(version.facets.values_list("facet", "value"))
    assert {("species", "Homo sapiens"), ("clinical", "Clinical"), ("access_type", "Direct")} <= facets
    page = client.get(f"/datasets/{dataset.accession}/").content.decode()
    assert "Test dataset of skin biopsies" in page and "Homo sapiens" in page
    assert "Test dataset of skin biopsies" in client.get("/datasets/", {"q": "melanoma"}).content.decode()


def test_files_are_archived_by_content(imported):
    from bigpicture.storage import storage_for

    image_file = m.ImageFile.objects.first()
    assert storage_for("archive").exists(image_file.storage_name)
    assert image_file.checksum in image_file.storage_name
    sample = imported.version.summary["sample_images"][0]
    assert storage_for("public").exists(sample["name"])


def test_import_is_audited(imported):
    event = AuditEvent.objects.get(action="dataset.import")
    assert event.detail["dataset"] == imported.dataset.accession and event.detail["counts"]["image"] == 2


def test_command_prints_a_summary(db, tmp_path, capsys):
    call_command("import_metaflex", str(build_bundle(tmp_path)))
    out = capsys.readouterr().out
    assert "published" in out and "2 image" in out


def test_non_clinical_bundle(db, tmp_path):
    result = dataset_import(bundle_dir=build_bundle(tmp_path, clinical=False))
    assert result.ok and not result.version.is_clinical
    assert ("clinical", "Non-clinical") in set(result.version.facets.values_list("facet", "value"))


def test_samples_in_any_order_import(db, tmp_path):
    from tests.repository.metaflex_bundles import BundleBuilder

    builder = BundleBuilder(tmp_path)
    sample_set = builder.trees["sample"]
    sample_set[:] = list(reversed(sample_set))  # slides first, beings last
    result = dataset_import(bundle_dir=builder.write())
    assert result.ok, result.report.format()
    slide = m.Slide.objects.get(version=result.version, alias="slide1")
    assert slide.block.specimens.get().being.alias == "being1"
