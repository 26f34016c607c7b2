"""DataCite Metadata Schema 4.5 XML for a published dataset version.

Identifier choice: the schema requires `<identifier identifierType="DOI">`, and
only a DOI can fill it. A version with a DOI gets it; a version without one gets
no `<identifier>` at all, which is how DataCite accepts metadata for a draft DOI
(the DOI is filled in when it is minted). Every version also carries its
accession and landing page as `alternateIdentifier`s, so the record always
identifies the dataset.

Every Bigpicture dataset is controlled access, so the rights list always states
restricted access (the OpenAIRE vocabulary DataCite records use) and the terms
of use copied from the policy.
"""

from __future__ import annotations

import re

from lxml import etree

from repository.citation.facts import PUBLISHER, CitationFacts, Term

NAMESPACE = "http://datacite.org/schema/kernel-4"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NAMESPACE} http://schema.datacite.org/meta/kernel-4.5/metadata.xsd"
RESTRICTED_ACCESS = "info:eu-repo/semantics/restrictedAccess"
DICOM_MEDIA_TYPE = "application/dicom"
# Characters XML 1.0 cannot carry; lxml refuses them, so a stray one in a title must not break the record.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _element(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {k: v for k, v in attributes.items() if v})
    if text is not None:
        child.text = _NOT_XML.sub("", text)
    return child


def _subject(parent: etree._Element, term: Term) -> None:
    if term.code and term.scheme:
        _element(parent, "subject", term.text, subjectScheme=term.scheme, classificationCode=term.code)
    else:
        _element(parent, "subject", term.text)


def datacite_tree(facts: CitationFacts) -> etree._Element:
    resource = etree.Element(f"{{{NAMESPACE}}}resource", nsmap={None: NAMESPACE, "xsi": XSI})
    resource.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)

    if facts.doi:
        _element(resource, "identifier", facts.doi, identifierType="DOI")

    creator = _element(_element(resource, "creators"), "creator")
    _element(creator, "creatorName", facts.creator, nameType="Organizational")

    titles = _element(resource, "titles")
    _element(titles, "title", facts.title, **{"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    if facts.short_name and facts.short_name != facts.title:
        _element(titles, "title", facts.short_name, titleType="AlternativeTitle")

    _element(resource, "publisher", PUBLISHER)
    _element(resource, "publicationYear", facts.year)
    _element(resource, "resourceType", facts.dataset_type, resourceTypeGeneral="Dataset")

    terms = [Term(text=keyword) for keyword in facts.keywords] + facts.species + facts.diagnoses
    if terms:
        subjects = _element(resource, "subjects")
        for term in terms:
            _subject(subjects, term)

    if facts.published:
        _element(_element(resource, "dates"), "date", facts.published.isoformat(), dateType="Issued")

    alternates = _element(resource, "alternateIdentifiers")
    _element(alternates, "alternateIdentifier", facts.accession, alternateIdentifierType="Bigpicture accession")
    _element(alternates, "alternateIdentifier", facts.version_url, alternateIdentifierType="URL")

    sizes = _element(resource, "sizes")
    _element(sizes, "size", f"{facts.images_count} whole-slide images")
    _element(sizes, "size", f"{facts.total_bytes} bytes")
    _element(_element(resource, "formats"), "format", DICOM_MEDIA_TYPE)

    _element(resource, "version", str(facts.number))

    rights_list = _element(resource, "rightsList")
    _element(rights_list, "rights", "Restricted access: apply through the Bigpicture portal",
             rightsURI=RESTRICTED_ACCESS)
    if facts.terms_of_use:
        _element(rights_list, "rights", f"{facts.terms_of_use_text}.")

    if facts.description:
        descriptions = _element(resource, "descriptions")
        _element(descriptions, "description", facts.description, descriptionType="Abstract")
    return resource


def datacite_xml(facts: CitationFacts) -> bytes:
    return etree.tostring(datacite_tree(facts), xml_declaration=True, encoding="UTF-8", pretty_print=True)
