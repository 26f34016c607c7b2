"""DataCite 4.5 XML: well-formed, the required properties present, only for published datasets."""

from lxml import etree

from tests.repository.citation_factories import CitableVersionFactory
from tests.repository.factories import DatasetVersionFactory

NS = {"d": "http://datacite.org/schema/kernel-4"}
REQUIRED = ("creators/d:creator/d:creatorName", "titles/d:title", "publisher", "publicationYear", "resourceType")


def _record(client, url: str) -> etree._Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(response.content)


def test_record_has_the_required_and_recommended_properties(client, db):
    version = CitableVersionFactory()
    accession = version.dataset.accession
    root = _record(client, f"/datasets/{accession}/datacite.xml")
    assert root.tag == "{http://datacite.org/schema/kernel-4}resource"
    assert "kernel-4.5/metadata.xsd" in root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    for path in REQUIRED:
        assert root.xpath(f"d:{path}/text()", namespaces=NS), path
    identifier = root.find("d:identifier", NS)
    assert identifier.get("identifierType") == "DOI" and identifier.text == "10.12345/bp.brca-cnb"
    creator = root.find("d:creators/d:creator/d:creatorName", NS)
    assert creator.get("nameType") == "Organizational" and creator.text == version.dataset.organisation.name
    assert root.findtext("d:publicationYear", namespaces=NS) == "2024"
    assert root.find("d:resourceType", NS).get("resourceTypeGeneral") == "Dataset"
    assert root.xpath("d:dates/d:date[@dateType='Issued']/text()", namespaces=NS) == ["2024-03-14"]
    assert root.findtext("d:version", namespaces=NS) == "2"
    assert root.xpath("d:formats/d:format/text()", namespaces=NS) == ["application/dicom"]
    assert "123456789 bytes" in root.xpath("d:sizes/d:size/text()", namespaces=NS)
    subjects = root.xpath("d:subjects/d:subject/text()", namespaces=NS)
    assert subjects == ["breast cancer", "biopsy", "Homo sapiens", "Invasive ductal carcinoma"]
    species = root.xpath("d:subjects/d:subject[.='Homo sapiens']", namespaces=NS)[0]
    assert species.get("subjectScheme") == "SNOMED CT" and species.get("classificationCode") == "337915000"
    rights = root.xpath("d:rightsList/d:rights", namespaces=NS)
    assert rights[0].get("rightsURI") == "info:eu-repo/semantics/restrictedAccess"
    assert "Allowed geographical distribution: EU/EEA" in rights[1].text
    abstract = root.find("d:descriptions/d:description", NS)
    assert abstract.get("descriptionType") == "Abstract" and "H&E" in abstract.text
    assert root.xpath("d:alternateIdentifiers/d:alternateIdentifier[@alternateIdentifierType='Bigpicture accession']"
                      "/text()", namespaces=NS) == [accession]


def test_without_doi_the_accession_identifies_the_record(client, db):
    version = CitableVersionFactory(doi="", description="", keywords=[], summary={})
    root = _record(client, f"/datasets/{version.dataset.accession}/v/2/datacite.xml")
    assert root.find("d:identifier", NS) is None
    assert root.xpath("d:alternateIdentifiers/d:alternateIdentifier/text()", namespaces=NS)[0] == (
        version.dataset.accession)
    assert root.find("d:descriptions", NS) is None and root.find("d:subjects", NS) is None


def test_control_characters_do_not_break_the_record(client, db):
    version = CitableVersionFactory(title="Slides\x0b with a vertical tab")
    root = _record(client, f"/datasets/{version.dataset.accession}/datacite.xml")
    assert root.findtext("d:titles/d:title", namespaces=NS) == "Slides with a vertical tab"


def test_unreleased_dataset_has_no_record(client, db):
    version = DatasetVersionFactory(dataset__status="registered")
    assert client.get(f"/datasets/{version.dataset.accession}/datacite.xml").status_code == 404
    assert client.get(f"/datasets/{version.dataset.accession}/v/1/datacite.xml").status_code == 404


def test_unpublished_version_and_unknown_accession_are_404(client, db):
    version = DatasetVersionFactory()
    DatasetVersionFactory(dataset=version.dataset, number=2, published_at=None, make_latest=False)
    assert client.get(f"/datasets/{version.dataset.accession}/v/2/datacite.xml").status_code == 404
    assert client.get("/datasets/bp-dataset-zzzzzz-zzzzzz/datacite.xml").status_code == 404
