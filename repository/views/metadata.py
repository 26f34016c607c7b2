"""Machine-readable descriptions of a published dataset version: DataCite XML and citation files."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from repository.citation import CITATION_FORMATS, citation_bibtex, citation_facts, citation_ris, citation_text
from repository.citation.datacite import datacite_xml
from repository.models import DatasetVersion
from repository.selectors.catalogue import dataset_version_public

RENDERERS = {"txt": citation_text, "bib": citation_bibtex, "ris": citation_ris}


def _public_version_or_404(accession: str, number: int | None) -> DatasetVersion:
    version = dataset_version_public(accession=accession, number=number)
    if version is None:
        raise Http404("No published dataset has this accession.")
    return version


@require_GET
def datacite(request, accession: str, number: int | None = None):
    facts = citation_facts(_public_version_or_404(accession, number), request)
    response = HttpResponse(datacite_xml(facts), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{facts.accession}-v{facts.number}-datacite.xml"'
    return response


@require_GET
def citation(request, accession: str, fmt: str, number: int | None = None):
    if fmt not in CITATION_FORMATS:
        raise Http404("Citations are available as .txt, .bib and .ris.")
    facts = citation_facts(_public_version_or_404(accession, number), request)
    text = RENDERERS[fmt](facts)
    if fmt == "txt":
        text += "\n"
    response = HttpResponse(text.encode("utf-8"), content_type=CITATION_FORMATS[fmt][1])
    response["Content-Disposition"] = f'attachment; filename="{facts.accession}-v{facts.number}.{fmt}"'
    return response
