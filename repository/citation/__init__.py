"""How a published dataset version is described to the outside: citations, DataCite, JSON-LD.

`landing_context` is what the landing page needs; the metadata views serve the
same formats as files.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from repository.citation.facts import CitationFacts, citation_facts
from repository.citation.formats import citation_bibtex, citation_ris, citation_text
from repository.citation.jsonld import JsonLd, dataset_jsonld, jsonld_from_facts
from repository.models import DatasetVersion

# Download formats: extension → (label, content type).
CITATION_FORMATS: dict[str, tuple[str, str]] = {
    "txt": ("text", "text/plain; charset=utf-8"),
    "bib": ("BibTeX", "application/x-bibtex; charset=utf-8"),
    "ris": ("RIS", "application/x-research-info-systems; charset=utf-8"),
}


def citation_downloads(facts: CitationFacts) -> list[dict[str, str]]:
    return [
        {"format": fmt, "label": label,
         "url": reverse("repository:citation_version", args=[facts.accession, facts.number, fmt])}
        for fmt, (label, _) in CITATION_FORMATS.items()
    ]


def landing_context(version: DatasetVersion, request: HttpRequest) -> dict:
    """Template context for the JSON-LD and "how to cite" includes of a landing page."""
    facts = citation_facts(version, request)
    return {
        "jsonld": jsonld_from_facts(facts),
        "citation_text": citation_text(facts),
        "citation_bibtex": citation_bibtex(facts),
        "citation_ris": citation_ris(facts),
        "citation_downloads": citation_downloads(facts),
        "datacite_url": reverse("repository:datacite_xml_version", args=[facts.accession, facts.number]),
    }


__all__ = [
    "CITATION_FORMATS", "CitationFacts", "JsonLd", "citation_bibtex", "citation_downloads", "citation_facts",
    "citation_ris", "citation_text", "dataset_jsonld", "landing_context",
]
