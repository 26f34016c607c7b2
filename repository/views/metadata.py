"""Machine-readable descriptions of a published dataset version: DataCite XML and citation files."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from repository.citation import CITATION_FORMATS, citation_bibtex, citation_facts, citation_ris, citation_text
from repository.citation.datacite import datacite_xml
from repository.views.lookup import public_version

RENDERERS = {"txt": citation_text, "bib": citation_bibtex, "ris": citation_ris}


@require_GET
@public_version
def datacite(request, version):
    facts = citation_facts(version, request)
    response = HttpResponse(datacite_xml(facts), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{facts.accession}-v{facts.number}-datacite.xml"'
    return response


@require_GET
@public_version
def citation(request, version, fmt: str):
    if fmt not in CITATION_FORMATS:
        raise Http404("Citations are available as .txt, .bib and .ris.")
    facts = citation_facts(version, request)
    text = RENDERERS[fmt](facts)
    if fmt == "txt":
        text += "\n"
    response = HttpResponse(text.encode("utf-8"), content_type=CITATION_FORMATS[fmt][1])
    response["Content-Disposition"] = f'attachment; filename="{facts.accession}-v{facts.number}.{fmt}"'
    return response
