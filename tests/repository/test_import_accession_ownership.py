"""An accession belongs to one object of one dataset; a bundle may reuse only its own dataset's.

Refusals name the accession (file, line, element, alias) and write nothing: no
dataset, no registry row, no stored file. Foreign accessions need the admin's
explicit `--accept-foreign-accessions`, and the version and audit row record them.
"""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bigpicture.demo import demo_accounts_seed
from bigpicture.storage import storage_settings
from governance.models import AuditEvent
from repository import models as m
from repository.services.exports import dataset_export
from tests.access.factories import OrganisationFactory
from tests.repository.committed import import_committed
from tests.repository.metaflex_bundles import BundleBuilder

FOREIGN_DATASET = "xx-dataset-aaaaaa-bbbbbb"
FOREIGN_IMAGES = {"img1": "xx-image-aaaaaa-cccccc", "img2": "xx-image-aaaaaa-dddddd"}


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)


def _stored_files(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


def _replace(bundle: Path, old: str, new: str) -> None:
    for xml in bundle.rglob("*.xml"):
        xml.write_text(xml.read_text().replace(old, new))


def _foreign_bundle(base: Path) -> Path:
    """A new bundle that carries another centre's accessions (as a copy from another repository would)."""
    builder = BundleBuilder(base)
    builder.find("dataset", "DATASET").set("accession", FOREIGN_DATASET)
    for alias, accession in FOREIGN_IMAGES.items():
        builder.find("image", f"IMAGE[@alias='{alias}']").set("accession", accession)
    return builder.write()


def test_reimporting_the_own_export_as_a_new_version_keeps_its_accessions(db, tmp_path):
    first = import_committed(bundle_dir=BundleBuilder(tmp_path / "v1").write())
    out = dataset_export(version=first.version, out_dir=tmp_path / "export")
    _replace(out, "Test dataset of skin biopsies", "Skin biopsies, rescanned")
    again = import_committed(bundle_dir=out, allow_accessions=True)
    assert again.ok, again.report.format()
    assert again.dataset == first.dataset and again.version.number == 2
    assert set(m.Image.objects.filter(version=again.version).values_list("accession", flat=True)) == \
        set(m.Image.objects.filter(version=first.version).values_list("accession", flat=True))
    assert again.version.foreign_accessions == []


def test_another_datasets_object_accession_is_refused_and_named(db, tmp_path):
    a = import_committed(bundle_dir=BundleBuilder(tmp_path / "a").write(), organisation=OrganisationFactory())
    b_owner = OrganisationFactory()
    b = import_committed(bundle_dir=BundleBuilder(tmp_path / "b").write(), organisation=b_owner)
    assert a.dataset != b.dataset
    out = dataset_export(version=b.version, out_dir=tmp_path / "export")
    theirs = m.Image.objects.get(version=a.version, alias="img1").accession
    _replace(out, m.Image.objects.get(version=b.version, alias="img1").accession, theirs)
    registry, stored = m.Accession.objects.count(), len(_stored_files(tmp_path))

    again = import_committed(bundle_dir=out, organisation=b_owner, allow_accessions=True)

    assert not again.ok
    [problem] = [p for p in again.report.errors if p.rule == "accession.other_dataset"]
    assert (problem.file, problem.element, problem.alias) == ("METADATA/image.xml", "IMAGE", "img1")
    assert problem.line > 0 and theirs in problem.message and a.dataset.accession in problem.message
    assert b.dataset.versions.count() == 1
    assert m.Accession.objects.count() == registry and len(_stored_files(tmp_path)) == stored


@pytest.mark.parametrize("accession, says", [
    ("bp-image-zzzzzz-zzzzzz", "never issued by this repository"),
    ("xx-image-zzzzzz-zzzzzz", "prefix of another centre ('xx')"),
])
def test_an_accession_never_issued_here_is_refused_before_anything_is_written(db, tmp_path, accession, says):
    builder = BundleBuilder(tmp_path / "bundle")
    builder.find("image", "IMAGE[@alias='img2']").set("accession", accession)
    result = import_committed(bundle_dir=builder.write(), allow_accessions=True)
    assert not result.ok
    [problem] = result.report.errors
    assert problem.rule == "accession.unknown" and says in problem.message
    assert (problem.file, problem.element, problem.alias) == ("METADATA/image.xml", "IMAGE", "img2")
    assert not m.Dataset.objects.exists() and not m.Accession.objects.exists()
    assert _stored_files(tmp_path) == []


def test_a_foreign_dataset_accession_is_refused_by_default(db, tmp_path, capsys):
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_metaflex", str(_foreign_bundle(tmp_path / "bundle")))
    out = capsys.readouterr().out
    assert "accession.unknown" in out and FOREIGN_DATASET in out and FOREIGN_IMAGES["img1"] in out
    assert not m.Dataset.objects.exists() and not m.Accession.objects.exists()
    assert _stored_files(tmp_path) == []


def test_the_admin_can_accept_foreign_accessions_and_it_is_recorded(db, tmp_path, capsys, client):
    call_command("import_metaflex", str(_foreign_bundle(tmp_path / "bundle")), "--accept-foreign-accessions")
    assert "published xx-dataset-aaaaaa-bbbbbb version 1" in capsys.readouterr().out
    dataset = m.Dataset.objects.get()
    version = dataset.latest_version
    assert dataset.accession == FOREIGN_DATASET
    assert {i.alias: i.accession for i in m.Image.objects.filter(version=version)} == FOREIGN_IMAGES
    assert sorted(version.foreign_accessions) == sorted([FOREIGN_DATASET, *FOREIGN_IMAGES.values()])
    foreign = m.Accession.objects.filter(foreign=True)
    assert set(foreign.values_list("accession", flat=True)) == set(version.foreign_accessions)
    assert set(foreign.values_list("dataset_accession", flat=True)) == {FOREIGN_DATASET}
    # Everything else got this repository's own accessions.
    assert m.Slide.objects.filter(version=version).first().accession.startswith("bp-sample-")
    audit = AuditEvent.objects.filter(action="dataset.import").get()
    assert audit.detail["foreign_accessions"]["count"] == 3
    admin_account = next(a for a in demo_accounts_seed() if a.username == "admin")
    client.login(username=admin_account.username, password=admin_account.password)
    page = client.get(f"/admin/repository/datasetversion/{version.pk}/change/").content.decode()
    assert FOREIGN_IMAGES["img1"] in page


def test_one_accession_for_two_objects_is_refused(db, tmp_path):
    first = import_committed(bundle_dir=BundleBuilder(tmp_path / "v1").write())
    out = dataset_export(version=first.version, out_dir=tmp_path / "export")
    img1, img2 = (m.Image.objects.get(version=first.version, alias=a).accession for a in ("img1", "img2"))
    _replace(out, img2, img1)
    result = import_committed(bundle_dir=out, allow_accessions=True)
    assert not result.ok and "accession.duplicate" in result.report.rules()
    assert first.dataset.versions.count() == 1


def test_a_submitter_still_may_not_send_accessions(db, tmp_path):
    result = import_committed(bundle_dir=_foreign_bundle(tmp_path / "bundle"))
    assert not result.ok and "accession.supplied" in result.report.rules()
