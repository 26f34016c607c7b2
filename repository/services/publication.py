"""Publishing a version: freeze its summary, facets and counts, and make it the latest."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from access.services.catalogue import catalogue_item_publish
from access.services.groups import data_managers_perun_group_adopt
from access.tasks.dicomweb import dicomweb_index_build
from metaflex.profile import find_attributes
from metaflex.types import attributes_from_json
from repository import models as m
from repository.services.summary import SummaryCollector, attribute_text
from repository.tasks import public_export_build

MAX_KEYWORDS = 10
FACET_VALUE_MAX = m.DatasetFacet._meta.get_field("value").max_length


def _keywords(version: m.DatasetVersion) -> list[str]:
    attributes = attributes_from_json(version.attributes) or []
    words = [text for a in find_attributes(attributes, "keyword") if (text := attribute_text(a))]
    return [w.strip() for text in words for w in text.split(",") if w.strip()][:MAX_KEYWORDS]


def _search_text(version: m.DatasetVersion, summary: dict[str, Any], organisation_name: str) -> str:
    parts = [version.title, version.short_name, version.description, " ".join(version.keywords), organisation_name]
    for key in ("species", "anatomical_sites", "diagnoses", "stainings", "specimen_types", "extraction_methods"):
        parts.extend(summary.get(key) or [])
    return " ".join(p for p in parts if p)


@transaction.atomic
def version_publish(*, version: m.DatasetVersion, collector: SummaryCollector, changes: list[dict[str, str]],
                    changelog: str, total_bytes: int, sample_images: list[dict[str, Any]],
                    complements: list[m.Dataset], actor=None) -> m.DatasetVersion:
    dataset = version.dataset
    organisation = dataset.organisation
    summary = collector.summary()
    summary["sample_images"] = sample_images
    policy = summary.get("policy") or {}
    counts = collector.counts
    version.summary = summary
    version.keywords = _keywords(version)
    version.access_type = (m.AccessType.INDIRECT if str(policy.get("type_of_access") or "").lower() == "indirect"
                           else m.AccessType.DIRECT)
    version.beings_count = counts.get("biological_being", 0)
    version.cases_count = counts.get("case", 0)
    version.images_count = counts.get("image", 0)
    version.observations_count = counts.get("observation", 0)
    version.annotations_count = counts.get("annotation", 0)
    version.total_bytes = total_bytes
    version.changes = changes
    version.changelog = changelog or ("Initial release." if version.number == 1 else "")
    version.published_at = timezone.now()
    version.published_by = actor if getattr(actor, "is_authenticated", False) else None
    version.search_text = _search_text(version, summary, organisation.name if organisation else "")
    version.full_clean(exclude=["dataset", "published_by"])
    version.save()
    facets = collector.facets()
    facets.update(
        clinical=["Clinical" if version.is_clinical else "Non-clinical"],
        access_type=[version.get_access_type_display().split(" (")[0]],
        organisation=[organisation.name] if organisation else [],
        year=[str(version.published_at.year)],
    )
    # Facet values are cut to the column; two long values may then be one.
    m.DatasetFacet.objects.bulk_create(
        m.DatasetFacet(version=version, facet=facet, value=value)
        for facet, values in facets.items() for value in dict.fromkeys(v[:FACET_VALUE_MAX] for v in values)
    )
    dataset.latest_version = version
    if dataset.status == m.DatasetStatus.REGISTERED:
        dataset.status = m.DatasetStatus.RELEASED
    dataset.save(update_fields=["latest_version", "status"])
    if complements:
        dataset.complements.add(*complements)
    if organisation is not None:  # ORGANISATION.DATAMANAGER_PERUN_GROUP names who manages the dataset
        for perun_group in m.DatasetOrganisation.objects.filter(version=version).exclude(
                datamanager_perun_group="").values_list("datamanager_perun_group", flat=True):
            data_managers_perun_group_adopt(organisation=organisation, perun_group=perun_group, actor=actor)
    catalogue_item_publish(version=version, actor=version.published_by)
    public_export_build.dispatch(version.pk)
    dicomweb_index_build.dispatch(version.pk)  # access layer: DICOMweb
    return version
