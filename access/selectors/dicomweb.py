"""What DICOMweb shows a user, and QIDO-RS matching on the index (access.models.DicomInstance).

A user sees the instances of each dataset's latest published version when `can_access_pixels` says
yes, asked on every request (so a revocation takes effect as soon as the permission cache says so,
well within a minute). Indirect-access versions never appear here, not even for data stewards and
data managers: their pixels are for the AI jobs only (issue 10). Withdrawn datasets do not either.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from pydicom.datadict import keyword_for_tag, tag_for_keyword

from access.models import DicomInstance
from access.selectors.permissions import can_access_pixels
from repository.models import AccessType, Dataset, DatasetStatus


def published_instances() -> QuerySet[DicomInstance]:
    """The indexed instances of each dataset's latest version, if it has direct access and is not withdrawn."""
    return (DicomInstance.objects.filter(version_id=F("dataset__latest_version_id"))
            .filter(version__access_type=AccessType.DIRECT).exclude(dataset__status=DatasetStatus.WITHDRAWN))


def dicomweb_instances(user) -> QuerySet[DicomInstance]:
    """The indexed instances `user` may see through DICOMweb."""
    published = published_instances()
    if user is None or not user.is_authenticated:
        return published.none()
    datasets = Dataset.objects.filter(pk__in=published.values("dataset_id").distinct()).only(
        "pk", "latest_version_id")
    allowed = [dataset.pk for dataset in datasets if can_access_pixels(user, dataset)]
    return published.filter(dataset_id__in=allowed)


class QueryError(ValueError):
    """A QIDO query this server cannot answer (400)."""


# QIDO keys matched on index columns: keyword -> (column, matching: "uid", "single", "date").
MATCH_COLUMNS = {
    "StudyInstanceUID": ("study_uid", "uid"),
    "SeriesInstanceUID": ("series_uid", "uid"),
    "SOPInstanceUID": ("sop_uid", "uid"),
    "SOPClassUID": ("sop_class_uid", "uid"),
    "Modality": ("modality", "single"),
    "ModalitiesInStudy": ("modality", "single"),
    "PatientID": ("patient_id", "single"),
    "AccessionNumber": ("accession_number", "single"),
    "StudyID": ("study_id", "single"),
    "StudyDate": ("study_date", "date"),
}
PAGING = {"limit", "offset", "includefield", "fuzzymatching"}
MAX_LIMIT = 1000


def attribute_keyword(key: str) -> str:
    """The keyword of a QIDO key given as a keyword or an 8-digit hex tag; QueryError if neither."""
    if tag_for_keyword(key) is not None:
        return key
    try:
        keyword = keyword_for_tag(int(key, 16)) if len(key) == 8 else ""
    except ValueError:
        keyword = ""
    if not keyword:
        raise QueryError(f"unknown/unsupported QIDO attribute: {key}")
    return keyword


def attribute_tag(keyword: str) -> str:
    return f"{tag_for_keyword(keyword):08X}"


@dataclass(frozen=True)
class Query:
    filters: Q
    include: frozenset[str]  # tags (hex), or {"all"}
    limit: int
    offset: int


def qido_query(params) -> Query:
    """Parse QIDO query parameters (a QueryDict): matching, includefield, limit and offset."""
    filters = Q()
    for key in params:
        if key in PAGING:
            continue
        keyword = attribute_keyword(key)
        if keyword not in MATCH_COLUMNS:
            raise QueryError(f"unknown/unsupported QIDO attribute: {keyword}")
        column, matching = MATCH_COLUMNS[keyword]
        values = [v for raw in params.getlist(key) for v in raw.split(",") if v != ""]
        if values:
            filters &= _match(column, matching, values)
    include = set()
    for raw in params.getlist("includefield"):
        for field in raw.split(","):
            include.add("all" if field == "all" else attribute_tag(attribute_keyword(field)))
    try:
        limit = min(int(params.get("limit") or MAX_LIMIT), MAX_LIMIT)
        offset = int(params.get("offset") or 0)
    except ValueError as exc:
        raise QueryError("limit and offset must be integers") from exc
    if limit < 0 or offset < 0:
        raise QueryError("limit and offset must not be negative")
    return Query(filters=filters, include=frozenset(include), limit=limit, offset=offset)


def _match(column: str, matching: str, values: list[str]) -> Q:
    if matching == "uid":
        return Q(**{f"{column}__in": values})
    value = values[0]
    if matching == "date" and "-" in value:
        start, end = value.split("-", 1)
        q = Q()
        if start:
            q &= Q(**{f"{column}__gte": start})
        if end:
            q &= Q(**{f"{column}__lte": end})
        return q
    if "*" in value or "?" in value:
        pattern = "^" + "".join(".*" if c == "*" else "." if c == "?" else _escape(c) for c in value) + "$"
        return Q(**{f"{column}__regex": pattern})
    return Q(**{column: value})


def _escape(character: str) -> str:
    return "\\" + character if character in r".^$+{}[]|()\\" else character


__all__ = ["MATCH_COLUMNS", "Query", "QueryError", "attribute_keyword", "attribute_tag", "dicomweb_instances",
           "published_instances", "qido_query"]
