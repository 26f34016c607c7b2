"""The plain-text citation: organisation, year, title, version, publisher, and the DOI or the version page."""

from tests.repository.citation_factories import CitableVersionFactory


def test_plain_text_citation_links_the_doi(client, db):
    version = CitableVersionFactory()
    response = client.get(f"/datasets/{version.dataset.accession}/cite.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{version.dataset.accession}-v2.txt"'
    organisation = version.dataset.organisation.name
    assert response.content.decode() == (
        f"{organisation} (2024). Breast cancer core needle biopsies (Version 2) [Data set]. "
        "Bigpicture portal. https://doi.org/10.12345/bp.brca-cnb\n"
    )


def test_without_doi_the_citation_links_the_version_page(client, db):
    version = CitableVersionFactory(doi="")
    accession = version.dataset.accession
    text = client.get(f"/datasets/{accession}/cite.txt").content.decode()
    assert text.rstrip().endswith(f"http://testserver/datasets/{accession}/v/2/")


def test_doi_stored_as_a_url_is_cited_once(client, db):
    version = CitableVersionFactory(doi="https://doi.org/10.12345/xyz")
    text = client.get(f"/datasets/{version.dataset.accession}/cite.txt").content.decode()
    assert "https://doi.org/10.12345/xyz" in text and "doi.org/https" not in text


def test_numbered_version_is_cited(client, db):
    newest = CitableVersionFactory(number=3, title="Newest title")
    older = CitableVersionFactory(dataset=newest.dataset, number=1, title="First title", make_latest=False)
    text = client.get(f"/datasets/{older.dataset.accession}/v/1/cite.txt").content.decode()
    assert "First title (Version 1)" in text


def test_unknown_format_and_unreleased_dataset_are_404(client, db):
    version = CitableVersionFactory()
    assert client.get(f"/datasets/{version.dataset.accession}/cite.pdf").status_code == 404
    unreleased = CitableVersionFactory(dataset__status="registered")
    assert client.get(f"/datasets/{unreleased.dataset.accession}/cite.txt").status_code == 404
