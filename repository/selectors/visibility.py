"""What the public sees: the one visibility rule every public page, file and API endpoint uses.

- A version is *visible* when it is published and its dataset is released,
  deprecated or withdrawn. A registered dataset, and an unpublished version,
  do not exist for the public.
- A *withdrawn* dataset keeps only a tombstone landing page (title, accession,
  citation, reason); its files, metadata downloads and API answer 410.
- *Listed* versions (catalogue, API list, statistics) are the latest version of
  every released or deprecated dataset.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from repository.models import Dataset, DatasetStatus, DatasetVersion

# Deprecated datasets stay listed; withdrawn ones keep only their landing page.
LISTED_STATUSES = (DatasetStatus.RELEASED, DatasetStatus.DEPRECATED)
VISIBLE_STATUSES = (*LISTED_STATUSES, DatasetStatus.WITHDRAWN)
_PUBLISHED = Q(published_at__isnull=False)


@dataclass(frozen=True)
class VisibleVersion:
    """A version the public may know about, and how much of it they may see."""

    version: DatasetVersion

    @property
    def dataset(self) -> Dataset:
        return self.version.dataset

    @property
    def withdrawn(self) -> bool:
        """Only the tombstone is shown: no files, no metadata downloads, no API."""
        return self.dataset.status == DatasetStatus.WITHDRAWN


def visible_version(*, accession: str, number: int | None = None) -> VisibleVersion | None:
    """Version `number` (the latest when None) of a visible dataset, or None when the public may not see it."""
    versions = DatasetVersion.objects.filter(_PUBLISHED, dataset__accession=accession,
                                             dataset__status__in=VISIBLE_STATUSES)
    versions = (versions.filter(dataset__latest_version=F("pk")) if number is None
                else versions.filter(number=number))
    version = versions.select_related("dataset", "dataset__organisation").first()
    return None if version is None else VisibleVersion(version)


def listed_versions() -> QuerySet[DatasetVersion]:
    """The latest version of every released or deprecated dataset."""
    # A semi-join on the latest versions: the planner estimates it well at 20k datasets.
    return DatasetVersion.objects.filter(
        _PUBLISHED, pk__in=Dataset.objects.filter(status__in=LISTED_STATUSES).values("latest_version_id"))


def published_versions(*, dataset: Dataset) -> QuerySet[DatasetVersion]:
    """Every published version of a visible dataset, newest first (its version history)."""
    return DatasetVersion.objects.filter(_PUBLISHED, dataset=dataset).select_related("dataset").order_by("-number")


def public_export_candidates(*, accessions: list[str] | None = None,
                             missing_only: bool = True) -> QuerySet[DatasetVersion]:
    """Published versions of released or deprecated datasets that have (or lack) a public zip."""
    versions = DatasetVersion.objects.filter(_PUBLISHED, dataset__status__in=LISTED_STATUSES)
    if accessions is not None:
        versions = versions.filter(dataset__accession__in=accessions)
    if missing_only:
        versions = versions.filter(public_export_name="")
    return versions.order_by("pk")


def sample_image_visible(*, name: str) -> bool:
    """Whether `name` in the public storage area is a sample image of a visible, not withdrawn version.

    Stored names start with the dataset accession (`repository.services.archive.stored_name`),
    so only that dataset's few versions are read.
    """
    dataset_accession = name.split("/", 1)[0]
    samples = (DatasetVersion.objects.filter(_PUBLISHED, dataset__accession=dataset_accession,
                                             dataset__status__in=LISTED_STATUSES)
               .values_list("summary__sample_images", flat=True))
    return any(isinstance(sample, dict) and sample.get("name") == name
               for images in samples for sample in (images or []))
