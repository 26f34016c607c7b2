"""Reads for the public metadata API (`/api/v1/`).

Which version a request may read is decided by
`repository.selectors.visibility.visible_version`, as for every public path;
the reads here take that version. Each list is ordered by a field that is unique
within its parent, which cursor pagination needs, and fetches its related rows
in a fixed number of queries however long the page is.
"""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

from repository.models import (
    OBSERVATION_TARGET_FIELDS,
    Annotation,
    AnnotationFile,
    BiologicalBeing,
    Block,
    Case,
    DatasetVersion,
    Image,
    ImageFile,
    Observation,
    Observer,
    Slide,
    Specimen,
)

# The sample hierarchy from root to leaf; the samples list walks it in this order.
SAMPLE_HIERARCHY = ("being", "case", "specimen", "block", "slide")


def _in_version(model, version: DatasetVersion) -> QuerySet:
    return model.objects.filter(version=version).order_by("accession")


def version_samples(*, version: DatasetVersion, kinds: list[str] | None = None) -> list[tuple[str, QuerySet]]:
    """The samples of a version, one queryset per kind in hierarchy order, with parent accessions.

    Parents are annotated (`being_accession`, ...) instead of joined in as rows,
    so a page reads one query per kind plus one for the specimens of blocks.
    """
    querysets = {
        "being": _in_version(BiologicalBeing, version),
        "case": _in_version(Case, version).annotate(being_accession=F("being__accession")),
        "specimen": _in_version(Specimen, version).annotate(
            being_accession=F("being__accession"), case_accession=F("case__accession")),
        "block": _in_version(Block, version).prefetch_related(
            Prefetch("specimens", queryset=Specimen.objects.only("id", "accession").order_by("accession"))),
        "slide": _in_version(Slide, version).annotate(block_accession=F("block__accession"))
        .select_related("staining"),
    }
    wanted = set(kinds or SAMPLE_HIERARCHY)
    return [(kind, querysets[kind]) for kind in SAMPLE_HIERARCHY if kind in wanted]


def version_images(*, version: DatasetVersion) -> QuerySet[Image]:
    # storage_name is deferred: the API never reads where bytes are kept.
    return _in_version(Image, version).prefetch_related(
        Prefetch("slides", queryset=Slide.objects.only("id", "accession").order_by("accession")),
        Prefetch("files", queryset=ImageFile.objects.defer("storage_name").order_by("pk")),
    )


def version_annotations(*, version: DatasetVersion) -> QuerySet[Annotation]:
    return _in_version(Annotation, version).annotate(image_accession=F("image__accession")).prefetch_related(
        Prefetch("files", queryset=AnnotationFile.objects.defer("storage_name").order_by("pk")),
    )


def version_observations(*, version: DatasetVersion) -> QuerySet[Observation]:
    """Observations with `<target>_accession` annotated for each possible target, and their observers."""
    targets = {f"{target}_accession": F(f"{target}__accession") for target in OBSERVATION_TARGET_FIELDS}
    return _in_version(Observation, version).annotate(**targets).prefetch_related(
        Prefetch("observers", queryset=Observer.objects.order_by("accession")),
    )
