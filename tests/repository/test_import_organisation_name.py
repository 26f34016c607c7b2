"""Without --organisation, the bundle's organisation.xml says who holds the dataset.

The importer links the organisation of an earlier dataset with the same PIC code,
else the one with that NAME (ignoring case), else creates it; the landing page,
catalogue facet, statistics and citation then show the centre's name.
"""

import pytest
from django.core.management import CommandError, call_command

from access.models import Organisation
from bigpicture.storage import storage_settings
from repository import models as m
from repository.services.exports import dataset_export
from tests.access.factories import OrganisationFactory
from tests.repository.committed import import_committed
from tests.repository.metaflex_bundles import BundleBuilder


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)


def _bundle(base, *, name="Test Hospital", pic="999999999", title=None):
    builder = BundleBuilder(base)
    builder.find("organisation", "ORGANISATION/NAME").text = name
    builder.find("organisation", "ORGANISATION/PIC_CODE").text = pic
    if title:
        builder.find("dataset", "DATASET/TITLE").text = title
    return builder.write()


def test_a_new_organisation_is_created_and_shown_everywhere(db, tmp_path, client, capsys):
    call_command("import_metaflex", str(_bundle(tmp_path / "b")))
    assert "organisation.created" in capsys.readouterr().out
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.slug) == ("Test Hospital", "test-hospital")
    version = m.DatasetVersion.objects.get()
    assert version.dataset.organisation == organisation
    accession = version.dataset.accession
    assert "Test Hospital" in client.get(f"/datasets/{accession}/").content.decode()
    assert m.DatasetFacet.objects.filter(version=version, facet="organisation", value="Test Hospital").exists()
    assert "Test Hospital" in client.get("/datasets/").content.decode()
    assert client.get(f"/datasets/{accession}/cite.txt").content.decode().startswith("Test Hospital (")
    statistics = client.get("/statistics/organisations.csv").content.decode()
    assert "Test Hospital" in statistics


def test_an_existing_organisation_is_found_by_name_ignoring_case(db, tmp_path):
    existing = OrganisationFactory(name="Test Hospital", slug="th")
    result = import_committed(bundle_dir=_bundle(tmp_path / "b", name="  TEST   hospital "))
    assert result.ok and result.dataset.organisation == existing
    assert Organisation.objects.count() == 1 and "organisation.created" not in result.report.rules()


def test_the_pic_code_finds_the_organisation_of_an_earlier_dataset(db, tmp_path):
    karolinska = OrganisationFactory(name="Karolinska Universitetssjukhuset", slug="ki")
    first = import_committed(bundle_dir=_bundle(tmp_path / "a", name="Karolinska", pic="123456789"),
                           organisation=karolinska)
    builder = BundleBuilder(tmp_path / "b")
    builder.find("dataset", "DATASET").set("alias", "another")
    for ref in builder.trees.values():
        for el in ref.xpath("//DATASET_REF[@alias='ds1']"):
            el.set("alias", "another")
    builder.find("organisation", "ORGANISATION/NAME").text = "Karolinska University Hospital"
    builder.find("organisation", "ORGANISATION/PIC_CODE").text = "123456789"
    second = import_committed(bundle_dir=builder.write())
    assert second.ok, second.report.format()
    assert second.dataset != first.dataset and second.dataset.organisation == karolinska
    assert Organisation.objects.count() == 1


def test_the_same_bundle_again_is_the_same_dataset(db, tmp_path):
    first = import_committed(bundle_dir=_bundle(tmp_path / "v1"))
    second = import_committed(bundle_dir=_bundle(tmp_path / "v2", title="Skin biopsies, second release"))
    assert second.ok and second.dataset == first.dataset and second.version.number == 2
    assert Organisation.objects.count() == 1


def test_an_explicit_organisation_wins_over_the_name(db, tmp_path):
    owner = OrganisationFactory(name="Somewhere else", slug="else")
    result = import_committed(bundle_dir=_bundle(tmp_path / "b"), organisation=owner)
    assert result.dataset.organisation == owner and Organisation.objects.count() == 1


def test_a_dataset_keeps_its_organisation_on_reimport_of_its_export(db, tmp_path, capsys):
    owner = OrganisationFactory(name="Holder", slug="holder")
    first = import_committed(bundle_dir=_bundle(tmp_path / "b"), organisation=owner)
    out = dataset_export(version=first.version, out_dir=tmp_path / "export")
    (out / "METADATA/dataset.xml").write_text(
        (out / "METADATA/dataset.xml").read_text().replace("Test dataset of skin biopsies", "Renamed"))
    again = import_committed(bundle_dir=out, allow_accessions=True)
    assert again.ok and again.dataset == first.dataset and again.dataset.organisation == owner
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_metaflex", str(out), "--organisation", OrganisationFactory(slug="other").slug)
    printed = capsys.readouterr().out
    assert "[dataset.organisation]" in printed and "held by organisation 'holder'" in printed
    assert first.dataset.versions.count() == 2
