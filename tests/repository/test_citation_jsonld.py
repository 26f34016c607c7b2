"""schema.org Dataset JSON-LD: valid JSON, the fields search engines read, and safe inside <script>."""

import json
import re

from django.template.loader import render_to_string
from django.test import RequestFactory

from repository.citation import dataset_jsonld, landing_context
from tests.repository.citation_factories import CitableVersionFactory


def _request():
    return RequestFactory().get("/")


def test_jsonld_describes_a_controlled_access_dataset(db):
    version = CitableVersionFactory()
    accession = version.dataset.accession
    document = json.loads(json.dumps(dataset_jsonld(version, _request())))
    assert document["@context"] == "https://schema.org" and document["@type"] == "Dataset"
    assert document["name"] == "Breast cancer core needle biopsies"
    assert document["identifier"] == ["https://doi.org/10.12345/bp.brca-cnb", accession]
    assert document["url"] == f"http://testserver/datasets/{accession}/"
    assert document["version"] == 2 and document["datePublished"] == "2024-03-14"
    assert document["keywords"] == ["breast cancer", "biopsy"]
    assert document["creator"]["@type"] == "Organization"
    assert document["creator"]["name"] == version.dataset.organisation.name
    assert document["publisher"]["name"] == "Bigpicture portal"
    assert document["includedInDataCatalog"]["url"] == "http://testserver/datasets/"
    assert document["isAccessibleForFree"] is False and "distribution" not in document
    assert "Allowed uses: Research, AI training" in document["conditionsOfAccess"]
    assert document["license"]["text"] == "Data may only be used for non-commercial research."
    assert document["size"]["value"] == 123_456_789
    assert {"@type": "DefinedTerm", "name": "Homo sapiens", "termCode": "337915000",
            "inDefinedTermSet": "SNOMED CT"} in document["about"]


def test_include_survives_a_title_that_closes_the_script(db):
    version = CitableVersionFactory(title="Evil </script><script>alert(1)</script> & <!-- title")
    context = landing_context(version, _request())
    html = render_to_string("repository/includes/jsonld.html", context)
    assert html.count("</script>") == 1 and "<!--" not in html
    body = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>\s*', html.strip(), flags=re.DOTALL)
    document = json.loads(body.group(1))
    assert document["name"] == "Evil </script><script>alert(1)</script> & <!-- title"
    assert document["@type"] == "Dataset"


def test_landing_context_has_every_citation(db):
    version = CitableVersionFactory()
    context = landing_context(version, _request())
    assert {"jsonld", "citation_text", "citation_bibtex", "citation_ris"} <= context.keys()
    assert context["citation_text"] == context["jsonld"]["creditText"]
    assert context["citation_bibtex"].startswith("@misc{")
    assert context["citation_ris"].startswith("TY  - DATA")
