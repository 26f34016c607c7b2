"""A bundle's PRIVATE/datacite.xml is kept with the version, used for DataCite, and exported again.

It is private: never in the public metaflex.zip. A file that cannot be read safely
is a problem with file and line, not a crash.
"""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from bigpicture.errors import UserError
from bigpicture.storage import storage_settings
from metaflex.schema import OPTIONAL_LAYOUT_FILES
from repository import models as m
from repository.citation.contributed import DATACITE_FILE
from repository.services.exports import dataset_export
from repository.services.public_exports import public_export_build
from tests.repository.committed import import_committed
from tests.repository.metaflex_bundles import BundleBuilder

NS = {"d": "http://datacite.org/schema/kernel-4"}
ORCID = "https://orcid.org/0000-0002-1825-0097"
RECORD = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- written by the centre's own tool -->
<resource xmlns="http://datacite.org/schema/kernel-4" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="http://datacite.org/schema/kernel-4 http://schema.datacite.org/meta/kernel-4.5/metadata.xsd">
  <identifier identifierType="DOI">https://doi.org/10.5281/zenodo.1234567</identifier>
  <creators>
    <creator>
      <creatorName nameType="Personal">Doe, Jane</creatorName>
      <givenName>Jane</givenName>
      <familyName>Doe</familyName>
      <nameIdentifier nameIdentifierScheme="ORCID" schemeURI="https://orcid.org">{ORCID}</nameIdentifier>
      <affiliation>Test Hospital</affiliation>
    </creator>
  </creators>
  <titles>
    <title>Their own title</title>
    <title titleType="TranslatedTitle" xml:lang="sv">Hudbiopsier</title>
  </titles>
  <publisher>Test Hospital</publisher>
  <publicationYear>2023</publicationYear>
  <resourceType resourceTypeGeneral="Dataset">WSI</resourceType>
  <subjects>
    <subject subjectScheme="MeSH">Melanoma</subject>
    <subject>skin</subject>
  </subjects>
  <relatedIdentifiers>
    <relatedIdentifier relatedIdentifierType="DOI" relationType="IsCitedBy">10.1000/paper.1</relatedIdentifier>
  </relatedIdentifiers>
  <descriptions>
    <description descriptionType="Methods">Scanned at 40x.</description>
  </descriptions>
  <fundingReferences>
    <fundingReference><funderName>European Commission</funderName><awardNumber>945358</awardNumber></fundingReference>
  </fundingReferences>
</resource>
"""


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)


def _bundle(base, record: str | bytes = RECORD, title: str | None = None):
    builder = BundleBuilder(base)
    if title:
        builder.find("dataset", "DATASET/TITLE").text = title
    root = builder.write()
    (root / DATACITE_FILE).write_bytes(record.encode() if isinstance(record, str) else record)
    return root


@pytest.fixture
def imported(db, tmp_path):
    result = import_committed(bundle_dir=_bundle(tmp_path / "bundle"))
    assert result.ok, result.report.format()
    return result


def test_the_file_is_part_of_the_layout():
    assert DATACITE_FILE in OPTIONAL_LAYOUT_FILES


def test_the_contributors_record_extends_the_datacite_output(imported, client):
    version = imported.version
    assert "Doe, Jane" in version.datacite_xml and version.doi == "10.5281/zenodo.1234567"
    root = etree.fromstring(client.get(f"/datasets/{imported.dataset.accession}/datacite.xml").content)

    def texts(path):
        return root.xpath(f"{path}/text()", namespaces=NS)

    assert root.find("d:identifier", NS).text == "10.5281/zenodo.1234567"
    assert texts("d:creators/d:creator/d:creatorName") == ["Doe, Jane"]  # people, not the organisation
    assert texts("d:creators/d:creator/d:nameIdentifier") == [ORCID]
    assert texts("d:publisher") == ["Bigpicture portal"]
    titles = texts("d:titles/d:title")
    assert titles[0] == "Test dataset of skin biopsies" and "Hudbiopsier" in titles
    assert "Their own title" not in titles
    subjects = texts("d:subjects/d:subject")
    assert subjects.count("skin") == 1 and "Melanoma" in subjects
    assert texts("d:relatedIdentifiers/d:relatedIdentifier[@relationType='IsCitedBy']") == ["10.1000/paper.1"]
    assert texts("d:fundingReferences/d:fundingReference/d:awardNumber") == ["945358"]
    assert texts("d:descriptions/d:description[@descriptionType='Methods']") == ["Scanned at 40x."]
    assert texts("d:descriptions/d:description[@descriptionType='Abstract']") == ["A tiny dataset for tests."]
    assert texts("d:publicationYear") == [str(version.published_at.year)]
    citation = client.get(f"/datasets/{imported.dataset.accession}/cite.txt").content.decode()
    assert "https://doi.org/10.5281/zenodo.1234567" in citation


def test_export_writes_it_back_and_the_export_reimports_unchanged(imported, tmp_path):
    out = dataset_export(version=imported.version, out_dir=tmp_path / "export")
    written = etree.parse(str(out / DATACITE_FILE)).getroot()
    assert written.findtext("d:creators/d:creator/d:creatorName", namespaces=NS) == "Doe, Jane"
    assert etree.tostring(written, encoding="unicode") == imported.version.datacite_xml
    with pytest.raises(UserError, match="identical to version 1"):
        import_committed(bundle_dir=out, allow_accessions=True)


def test_a_changed_record_alone_is_a_new_version(imported, tmp_path):
    again = import_committed(bundle_dir=_bundle(tmp_path / "v2", RECORD.replace("945358", "101016")))
    assert again.ok and again.version.number == 2 and "101016" in again.version.datacite_xml


def test_it_is_never_in_the_public_metaflex_zip(imported, client):
    public_export_build(version_id=imported.version.pk)
    response = client.get(f"/datasets/{imported.dataset.accession}/metaflex.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as zipped:
        assert not [name for name in zipped.namelist() if "datacite" in name or "PRIVATE" in name]
        assert not any(ORCID.encode() in zipped.read(name) for name in zipped.namelist())


BROKEN = {
    "malformed": ("<resource xmlns='http://datacite.org/schema/kernel-4'>\n  <creators>\n</resource>\n",
                  "xml.malformed", 3),
    "doctype": ('<?xml version="1.0"?>\n<!DOCTYPE resource [<!ENTITY x "y">]>\n'
                "<resource xmlns='http://datacite.org/schema/kernel-4'>&x;</resource>\n", "xml.entity", 2),
    "doctype after a long comment": ("<!--" + "c" * (1 << 21) + "-->\n<!DOCTYPE resource [<!ENTITY x 'y'>]>\n"
                                     "<resource xmlns='http://datacite.org/schema/kernel-4'>&x;</resource>\n",
                                     "xml.entity", None),
    "not datacite": ("<resource xmlns='http://datacite.org/schema/kernel-3'/>\n", "datacite.root", 1),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_an_unusable_record_is_a_problem_with_file_and_line(db, tmp_path, case):
    record, rule, line = BROKEN[case]
    report_path = tmp_path / "report.json"
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_metaflex", str(_bundle(tmp_path / "bundle", record)), "--json", str(report_path))
    [problem] = [p for p in json.loads(report_path.read_text())["problems"] if p["severity"] == "error"]
    assert problem["rule"] == rule and problem["file"] == DATACITE_FILE
    if line is not None:
        assert problem["line"] == line
    assert not m.Dataset.objects.exists() and not m.Accession.objects.exists()
