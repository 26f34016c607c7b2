"""schema.org Dataset JSON-LD for landing pages, as search engines read it.

Every Bigpicture dataset is controlled access: there is no `distribution` (no
download without an approved application), `isAccessibleForFree` is false, and
`conditionsOfAccess` carries the terms of use copied from the policy.
"""

from __future__ import annotations

import json

from django.http import HttpRequest
from django.utils.safestring import SafeString

from repository.citation.facts import PUBLISHER, CitationFacts, Term, citation_facts
from repository.citation.formats import citation_text
from repository.models import DatasetVersion

# What would let JSON close the <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


class JsonLd(dict):
    """A JSON-LD document that renders itself in templates as JSON safe inside <script>."""

    def as_script_json(self) -> str:
        return json.dumps(self, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES)

    # Templates call str() before escaping, so both hooks return the escaped JSON.
    def __html__(self) -> SafeString:
        return SafeString(self.as_script_json())

    __str__ = __html__


def _defined_term(term: Term) -> dict | str:
    if not term.code:
        return term.text
    return {"@type": "DefinedTerm", "name": term.text, "termCode": term.code,
            **({"inDefinedTermSet": term.scheme} if term.scheme else {})}


def jsonld_from_facts(facts: CitationFacts) -> JsonLd:
    creator: dict = {"@type": "Organization", "name": facts.creator}
    if facts.creator_url:
        creator["url"] = facts.creator_url
    if facts.creator_email:
        creator["email"] = facts.creator_email
    if facts.creator_country:
        creator["address"] = {"@type": "PostalAddress", "addressCountry": facts.creator_country}
    identifiers = [facts.doi_url] if facts.doi else []
    identifiers.append(facts.accession)
    conditions = "Controlled access: an application reviewed by the data access committee is required."
    if facts.terms_of_use:
        conditions = f"{conditions} {facts.terms_of_use_text}."
    document = JsonLd({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": facts.persistent_url,
        "name": facts.title,
        "alternateName": facts.short_name,
        "description": facts.description or facts.title,
        "identifier": identifiers,
        "url": facts.page_url,
        "version": facts.number,
        "keywords": facts.keywords,
        "creator": creator,
        "publisher": {"@type": "Organization", "name": PUBLISHER, "url": facts.site_url},
        "includedInDataCatalog": {"@type": "DataCatalog", "name": PUBLISHER, "url": facts.catalogue_url},
        "isAccessibleForFree": False,
        "conditionsOfAccess": conditions,
        "measurementTechnique": facts.dataset_type,
        "size": {"@type": "QuantitativeValue", "value": facts.total_bytes, "unitText": "bytes", "unitCode": "AD"},
        "creditText": citation_text(facts),
    })
    if facts.published:
        document["datePublished"] = facts.published.isoformat()
    if facts.doi:
        document["sameAs"] = facts.doi_url
    if facts.policy_text:
        document["license"] = {"@type": "CreativeWork", "name": f"Terms of use of {facts.accession}",
                               "text": facts.policy_text, "url": facts.page_url}
    about = [_defined_term(term) for term in facts.species + facts.diagnoses]
    if about:
        document["about"] = about
    return document


def dataset_jsonld(version: DatasetVersion, request: HttpRequest) -> JsonLd:
    return jsonld_from_facts(citation_facts(version, request))
