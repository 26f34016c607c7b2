"""The "how to cite" include: the citation, download links that work without JavaScript, hidden copy buttons."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from repository.citation import landing_context
from tests.repository.citation_factories import CitableVersionFactory


def test_citation_include_renders_links_and_progressive_copy_buttons(client, db):
    version = CitableVersionFactory(title="Cores & <b>bold</b>")
    accession = version.dataset.accession
    html = render_to_string("repository/includes/citation.html", landing_context(version, RequestFactory().get("/")))
    assert "Cores &amp; &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold" not in html
    for fmt in ("txt", "bib", "ris"):
        href = f"/datasets/{accession}/v/2/cite.{fmt}"
        assert f'href="{href}"' in html
        assert client.get(href).status_code == 200
    assert 'data-copy-target="citation-text"' in html and "hidden>Copy citation</button>" in html
    assert 'role="status"' in html and "repository/copy.js" in html
    assert f'href="/datasets/{accession}/v/2/datacite.xml"' in html
