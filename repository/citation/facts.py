"""The facts every citation format reads from a published dataset version.

DataCite, JSON-LD, plain text, BibTeX and RIS all start from `CitationFacts`,
so a title, year or URL is worked out in one place. Of `DatasetVersion.summary`
only the keys documented in `repository.summary` are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from repository.display import value_text
from repository.models import DatasetVersion

PUBLISHER = "Bigpicture portal"
DOI_RESOLVER = "https://doi.org/"
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)

# Labels of the policy summary keys, in the order the terms of use read them.
POLICY_LABELS: tuple[tuple[str, str], ...] = (
    ("type_of_dataset", "Type of dataset"),
    ("type_of_access", "Type of access"),
    ("allowed_uses", "Allowed uses"),
    ("allowed_geographical_distribution", "Allowed geographical distribution"),
    ("duration_of_use", "Duration of use"),
    ("defined_research_question_required", "Defined research question required"),
    ("consent_restrictions", "Consent restrictions"),
    ("custom_restrictions", "Custom restrictions"),
)


@dataclass(frozen=True)
class Term:
    """A summary value for people, with its code when the bundle gave one (e.g. SNOMED CT)."""

    text: str
    code: str = ""
    scheme: str = ""


@dataclass(frozen=True)
class CitationFacts:
    accession: str
    number: int
    title: str
    short_name: str
    description: str
    keywords: list[str]
    doi: str
    published: date | None
    creator: str
    creator_url: str
    creator_country: str
    creator_email: str
    dataset_type: str
    images_count: int
    total_bytes: int
    access_type_label: str
    is_latest: bool
    dataset_url: str
    version_url: str
    catalogue_url: str
    site_url: str
    species: list[Term] = field(default_factory=list)
    diagnoses: list[Term] = field(default_factory=list)
    stainings: list[Term] = field(default_factory=list)
    terms_of_use: list[tuple[str, str]] = field(default_factory=list)
    policy_text: str = ""
    # The contributor's own DataCite record (PRIVATE/datacite.xml), merged by `datacite.py`.
    datacite_xml: str = ""

    @property
    def year(self) -> str:
        return str(self.published.year) if self.published else "n.d."

    @property
    def doi_url(self) -> str:
        return f"{DOI_RESOLVER}{self.doi}" if self.doi else ""

    @property
    def persistent_url(self) -> str:
        """What a citation links to: the DOI, else this version's landing page."""
        return self.doi_url or self.version_url

    @property
    def page_url(self) -> str:
        """The canonical landing page of this version (the dataset page for the latest)."""
        return self.dataset_url if self.is_latest else self.version_url

    @property
    def terms_of_use_text(self) -> str:
        return "; ".join(f"{label}: {value}" for label, value in self.terms_of_use)


def normalise_doi(value: str) -> str:
    """A bare DOI ("10.1234/abc") from however it was stored (URL, "doi:" prefix, spaces)."""
    return _DOI_PREFIXES.sub("", (value or "").strip()).strip()


def summary_terms(value: object) -> list[Term]:
    """Flatten a summary value (string, code dict, list of either, or nil) into distinct terms."""
    found: list[Term] = []

    def visit(item: object) -> None:
        if item is None or item == "":
            return
        if isinstance(item, (list, tuple)):
            for child in item:
                visit(child)
            return
        if isinstance(item, dict):
            if item.get("nil"):
                return
            text = next((str(item[key]) for key in ("meaning", "label", "value")
                         if item.get(key) not in (None, "")), "")
            if text and item.get("units"):
                text = f"{text} {item['units']}"
            if text:
                found.append(Term(text=text, code=str(item.get("code") or ""), scheme=str(item.get("scheme") or "")))
            return
        found.append(Term(text=str(item)))

    visit(value)
    distinct: dict[str, Term] = {}
    for term in found:
        distinct.setdefault(term.text.casefold(), term)
    return list(distinct.values())


def _policy_value(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return ", ".join(value_text(term.text) for term in summary_terms(value))


def citation_facts(version: DatasetVersion, request: HttpRequest) -> CitationFacts:
    dataset = version.dataset
    organisation = dataset.organisation
    summary = version.summary if isinstance(version.summary, dict) else {}
    bundle_organisation = summary.get("organisation") if isinstance(summary.get("organisation"), dict) else {}
    policy = summary.get("policy") if isinstance(summary.get("policy"), dict) else {}
    published = timezone.localtime(version.published_at).date() if version.published_at else None
    terms_of_use = [(label, shown) for key, label in POLICY_LABELS if (shown := _policy_value(policy.get(key)))]
    return CitationFacts(
        accession=dataset.accession,
        number=version.number,
        title=" ".join(version.title.split()),
        short_name=version.short_name,
        description=(version.description or "").strip(),
        keywords=[term.text for term in summary_terms(version.keywords)],
        doi=normalise_doi(version.doi),
        published=published,
        creator=(organisation.name if organisation else "") or str(bundle_organisation.get("name") or "") or PUBLISHER,
        creator_url=organisation.website if organisation else "",
        creator_country=organisation.country if organisation else "",
        creator_email=organisation.contact_email if organisation else "",
        dataset_type=version.dataset_type or "Whole slide imaging",
        images_count=version.images_count,
        total_bytes=version.total_bytes,
        access_type_label=version.get_access_type_display(),
        is_latest=dataset.latest_version_id == version.pk,
        dataset_url=request.build_absolute_uri(reverse("repository:landing_page", args=[dataset.accession])),
        version_url=request.build_absolute_uri(
            reverse("repository:landing_page_version", args=[dataset.accession, version.number])),
        catalogue_url=request.build_absolute_uri(reverse("repository:catalogue")),
        site_url=request.build_absolute_uri("/"),
        species=summary_terms(summary.get("species")),
        diagnoses=summary_terms(summary.get("diagnoses")),
        stainings=summary_terms(summary.get("stainings")),
        terms_of_use=terms_of_use,
        policy_text=_policy_value(policy.get("policy_text")),
        datacite_xml=version.datacite_xml,
    )
