"""QIDO-RS results (PS3.18 10.6): studies, series and instances as DICOM JSON, from the index."""

from __future__ import annotations

from django.db.models import Count, Min, QuerySet

from access.models import DicomInstance
from access.selectors.dicomweb import Query

# Tags each level returns (besides includefield): PS3.18 tables 10.6.3-3 to 10.6.3-5.
STUDY_TAGS = ("00080020", "00080030", "00080050", "00080090", "00100010", "00100020", "00100030",
              "00100040", "00200010", "0020000D", "00081030")
SERIES_TAGS = ("00080060", "0008103E", "00200011", "0020000E")
INSTANCE_TAGS = ("00080016", "00080018", "00200013", "00280010", "00280011", "00280008", "00083002",
                 "00080008")


def _us(value: int) -> dict:
    return {"vr": "IS", "Value": [value]}


def _included(metadata: dict, query: Query) -> dict:
    if "all" in query.include:
        return {tag: value for tag, value in metadata.items() if not tag.startswith("0002")}
    return {tag: metadata[tag] for tag in query.include if tag in metadata}


def _metadata_of(pks: list[int]) -> dict[int, dict]:
    return dict(DicomInstance.objects.filter(pk__in=pks).values_list("pk", "metadata"))


def studies_search(instances: QuerySet[DicomInstance], query: Query) -> list[dict]:
    matching = instances.filter(query.filters)
    groups = list(matching.values("study_uid").annotate(
        first=Min("pk"), series=Count("series_uid", distinct=True), count=Count("pk")).order_by("study_uid")
        [query.offset:query.offset + query.limit])
    # Modalities in Study per study of this page (a second query: SQLite has no array aggregate).
    modalities: dict[str, set[str]] = {}
    for study_uid, modality in (matching.filter(study_uid__in=[g["study_uid"] for g in groups])
                                .values_list("study_uid", "modality").distinct()):
        modalities.setdefault(study_uid, set()).add(modality)
    fields = dict(DicomInstance.objects.filter(pk__in=[g["first"] for g in groups])
                  .values_list("pk", "study_fields"))
    extra = _metadata_of([g["first"] for g in groups]) if query.include else {}
    results = []
    for group in groups:
        result = {**_included(extra.get(group["first"], {}), query), **fields[group["first"]]}
        result["00080061"] = {"vr": "CS", "Value": sorted(m for m in modalities.get(group["study_uid"], ()) if m)}
        result["00201206"] = _us(group["series"])
        result["00201208"] = _us(group["count"])
        results.append(result)
    return results


def series_search(instances: QuerySet[DicomInstance], query: Query) -> list[dict]:
    groups = list(instances.filter(query.filters).values("study_uid", "series_uid").annotate(
        first=Min("pk"), count=Count("pk")).order_by("study_uid", "series_uid")
        [query.offset:query.offset + query.limit])
    rows = {pk: (study, series) for pk, study, series in DicomInstance.objects.filter(
        pk__in=[g["first"] for g in groups]).values_list("pk", "study_fields", "series_fields")}
    extra = _metadata_of([g["first"] for g in groups]) if query.include else {}
    results = []
    for group in groups:
        study, series = rows[group["first"]]
        result = {**_included(extra.get(group["first"], {}), query), **study, **series}
        result["00201209"] = _us(group["count"])
        results.append(result)
    return results


def instances_search(instances: QuerySet[DicomInstance], query: Query) -> list[dict]:
    rows = (instances.filter(query.filters).order_by("study_uid", "series_uid", "sop_uid")
            .values_list("metadata", "study_fields", "series_fields")[query.offset:query.offset + query.limit])
    results = []
    for metadata, study, series in rows:
        result = _included(metadata, query)
        result.update({tag: metadata[tag] for tag in INSTANCE_TAGS if tag in metadata})
        result.update(study)
        result.update(series)
        results.append(result)
    return results
