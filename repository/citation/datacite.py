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

A contributor's own record (PRIVATE/datacite.xml, see `contributed.py`) is merged
in. The contributor knows who made the data and what it relates to: their creators
replace the organisation as creator, and their contributors, language, related
identifiers, geo locations and funding references are copied. Their subjects,
alternate identifiers, extra titles, dates and non-abstract descriptions extend
ours. Their DOI became the version's DOI at import. What the repository states for
sure stays its own: the main title (the bundle's TITLE), publisher, year, resource
type, sizes, formats, version and rights.
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from repository.citation.contributed import NAMESPACE, datacite_record_root
from repository.citation.facts import PUBLISHER, CitationFacts, Term

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


class _Contributed:
    """The contributor's record, to copy elements from (empty when there is none)."""

    def __init__(self, text: str):
        self.root = datacite_record_root(text)

    def items(self, container: str, item: str) -> list[etree._Element]:
        if self.root is None:
            return []
        return [_copy_of(el) for el in self.root.iterfind(f"{{{NAMESPACE}}}{container}/{{{NAMESPACE}}}{item}")]

    def element(self, tag: str) -> etree._Element | None:
        found = self.root.find(f"{{{NAMESPACE}}}{tag}") if self.root is not None else None
        return _copy_of(found) if found is not None else None


def _copy_of(element: etree._Element) -> etree._Element:
    """A copy without the source's indentation, so the record pretty-prints as one."""
    copy = deepcopy(element)
    for el in copy.iter():
        if el.tail is not None and not el.tail.strip():
            el.tail = None
        if len(el) and el.text is not None and not el.text.strip():
            el.text = None
    return copy


def _key(el: etree._Element) -> str:
    return " ".join((el.text or "").split()).casefold()


def _extend(parent: etree._Element, container: str, items: list[etree._Element]) -> None:
    """Append `items` under `container` (created if missing), skipping texts it already has."""
    target = parent.find(f"{{{NAMESPACE}}}{container}")
    seen = {_key(el) for el in target} if target is not None else set()
    for item in items:
        if _key(item) in seen:
            continue
        if target is None:
            target = _element(parent, container)
        target.append(item)
        seen.add(_key(item))


def _copy(parent: etree._Element, contributed: _Contributed, tag: str) -> None:
    element = contributed.element(tag)
    if element is not None:
        parent.append(element)


def datacite_tree(facts: CitationFacts) -> etree._Element:
    contributed = _Contributed(facts.datacite_xml)
    resource = etree.Element(f"{{{NAMESPACE}}}resource", nsmap={None: NAMESPACE, "xsi": XSI})
    resource.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)

    if facts.doi:
        _element(resource, "identifier", facts.doi, identifierType="DOI")

    creators = contributed.element("creators")
    if creators is not None and len(creators):
        resource.append(creators)
    else:
        creator = _element(_element(resource, "creators"), "creator")
        _element(creator, "creatorName", facts.creator, nameType="Organizational")

    titles = _element(resource, "titles")
    _element(titles, "title", facts.title, **{"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    if facts.short_name and facts.short_name != facts.title:
        _element(titles, "title", facts.short_name, titleType="AlternativeTitle")
    _extend(resource, "titles", [t for t in contributed.items("titles", "title") if t.get("titleType")])

    _element(resource, "publisher", PUBLISHER)
    _element(resource, "publicationYear", facts.year)
    _element(resource, "resourceType", facts.dataset_type, resourceTypeGeneral="Dataset")

    terms = [Term(text=keyword) for keyword in facts.keywords] + facts.species + facts.diagnoses
    if terms:
        subjects = _element(resource, "subjects")
        for term in terms:
            _subject(subjects, term)
    _extend(resource, "subjects", contributed.items("subjects", "subject"))
    _copy(resource, contributed, "contributors")

    if facts.published:
        _element(_element(resource, "dates"), "date", facts.published.isoformat(), dateType="Issued")
    _extend(resource, "dates", [d for d in contributed.items("dates", "date") if d.get("dateType") != "Issued"])
    _copy(resource, contributed, "language")

    alternates = _element(resource, "alternateIdentifiers")
    _element(alternates, "alternateIdentifier", facts.accession, alternateIdentifierType="Bigpicture accession")
    _element(alternates, "alternateIdentifier", facts.version_url, alternateIdentifierType="URL")
    _extend(resource, "alternateIdentifiers", contributed.items("alternateIdentifiers", "alternateIdentifier"))
    _copy(resource, contributed, "relatedIdentifiers")

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
    theirs = contributed.items("descriptions", "description")
    _extend(resource, "descriptions", [d for d in theirs if d.get("descriptionType") != "Abstract"]
            if facts.description else theirs)
    _copy(resource, contributed, "geoLocations")
    _copy(resource, contributed, "fundingReferences")
    return resource


def datacite_xml(facts: CitationFacts) -> bytes:
    return etree.tostring(datacite_tree(facts), xml_declaration=True, encoding="UTF-8", pretty_print=True)
