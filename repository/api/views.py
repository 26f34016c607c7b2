"""Read-only API views over public dataset metadata.

Views are thin: parameters are validated by the input serializers in
`filters.py`, reads go through `repository.selectors`, and output is shaped
by `serializers.py`. Nothing here reaches unreleased datasets or file storage,
and a withdrawn dataset answers 410 Gone.
"""

from __future__ import annotations

import hashlib

from django.utils.decorators import method_decorator
from django.views.decorators.http import etag
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from repository.api.filters import CatalogueQuerySerializer, SampleQuerySerializer
from repository.api.pagination import (
    CataloguePagination,
    SampleCursorPagination,
    SelectorOrderedCursorPagination,
)
from repository.api.serializers import (
    SAMPLE_SERIALIZERS,
    AnnotationSerializer,
    DatasetSummarySerializer,
    DatasetVersionSerializer,
    FacetSerializer,
    ImageSerializer,
    ObservationSerializer,
    SampleRowSerializer,
    VersionListItemSerializer,
    facet_counts,
)
from repository.models import DatasetVersion
from repository.selectors.api import (
    version_annotations,
    version_images,
    version_observations,
    version_samples,
)
from repository.selectors.catalogue import catalogue_facet_counts, dataset_catalogue
from repository.selectors.visibility import published_versions, visible_version

# Part of every ETag: bump it when a version's representation changes shape.
REPRESENTATION_REVISION = "1"
NOT_FOUND = "No released dataset has this accession (and version)."


class Gone(APIException):
    status_code = 410
    default_detail = "This dataset was withdrawn."
    default_code = "gone"


def version_etag(request, accession: str, number: int | None = None) -> str | None:
    """A version's ETag: published versions are immutable, so these columns identify the response."""
    visible = visible_version(accession=accession, number=number)
    if visible is None or visible.withdrawn:
        return None
    version, dataset = visible.version, visible.dataset
    text = "|".join([REPRESENTATION_REVISION, dataset.accession, str(version.number),
                     version.published_at.isoformat(), dataset.status, dataset.status_reason,
                     dataset.organisation.name if dataset.organisation else ""])
    return hashlib.sha256(text.encode()).hexdigest()


class PublicAPIView(GenericAPIView):
    """Public metadata: no authentication, JSON only (an ETag then names one representation)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    pagination_class = SelectorOrderedCursorPagination

    def get_version(self) -> DatasetVersion:
        visible = visible_version(accession=self.kwargs["accession"], number=self.kwargs.get("number"))
        if visible is None:
            raise NotFound(NOT_FOUND)
        if visible.withdrawn:
            raise Gone(f"{visible.dataset.accession} was withdrawn ({visible.dataset.status_reason.rstrip('.')}); "
                       "its landing page says how to cite it.")
        return visible.version


@extend_schema(tags=["datasets"], parameters=[CatalogueQuerySerializer])
class DatasetListView(PublicAPIView, ListAPIView):
    """Released and deprecated datasets (their latest versions), filtered like the catalogue."""

    serializer_class = DatasetSummarySerializer
    pagination_class = CataloguePagination

    def get_queryset(self):
        query = CatalogueQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return dataset_catalogue(**query.catalogue_arguments())


@extend_schema(tags=["datasets"], parameters=[CatalogueQuerySerializer], responses=FacetSerializer(many=True))
class DatasetFacetsView(PublicAPIView):
    """Facet value counts over the datasets that match the same parameters as the list."""

    pagination_class = None

    def get(self, request):
        query = CatalogueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(facet_counts(catalogue_facet_counts(dataset_catalogue(**query.catalogue_arguments()))))


@extend_schema(
    tags=["datasets"],
    parameters=[
        OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER,
                         description="An ETag from an earlier response; answered with 304 if it still matches."),
        OpenApiParameter("ETag", str, OpenApiParameter.HEADER, response=[200, 304],
                         description="Identifies this version's representation."),
    ],
    responses={200: DatasetVersionSerializer,
               304: OpenApiResponse(description="Not modified: the ETag matches If-None-Match.")},
)
@method_decorator(etag(version_etag), name="get")
class DatasetDetailView(PublicAPIView):
    """The latest version of a dataset. Its ETag changes when a new version is published."""

    serializer_class = DatasetVersionSerializer

    def get(self, request, accession: str, number: int | None = None):
        return Response(self.get_serializer(self.get_version()).data)


class DatasetVersionDetailView(DatasetDetailView):
    """One published version of a dataset; it never changes, so If-None-Match usually gives 304."""


@extend_schema(tags=["datasets"])
class DatasetVersionListView(PublicAPIView, ListAPIView):
    """Every published version of a dataset, newest first."""

    serializer_class = VersionListItemSerializer

    def get_queryset(self):
        return published_versions(dataset=self.get_version().dataset)


@extend_schema(
    tags=["version contents"], parameters=[SampleQuerySerializer],
    responses=PolymorphicProxySerializer(component_name="Sample", serializers=list(SAMPLE_SERIALIZERS.values()),
                                         resource_type_field_name="kind", many=True),
)
class SampleListView(PublicAPIView, ListAPIView):
    """The sample hierarchy of a version, flattened: beings, cases, specimens, blocks, slides.

    Rows come root to leaf (all beings, then all cases, ...), each kind ordered by
    accession, and name their parents by accession (`being`, `case`,
    `specimens`, `block`), so a client can rebuild the tree or read only the
    kinds it needs with `?kind=`. Slides carry their staining.
    """

    serializer_class = SampleRowSerializer
    pagination_class = SampleCursorPagination

    def get_queryset(self):
        query = SampleQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return version_samples(version=self.get_version(), kinds=query.validated_data["kind"])


@extend_schema(tags=["version contents"])
class ImageListView(PublicAPIView, ListAPIView):
    """Image metadata of a version, with the names, sizes and checksums of their files (no pixels)."""

    serializer_class = ImageSerializer

    def get_queryset(self):
        return version_images(version=self.get_version())


@extend_schema(tags=["version contents"])
class ObservationListView(PublicAPIView, ListAPIView):
    """Observations of a version: each statement, its one target and its observers."""

    serializer_class = ObservationSerializer

    def get_queryset(self):
        return version_observations(version=self.get_version())


@extend_schema(tags=["version contents"])
class AnnotationListView(PublicAPIView, ListAPIView):
    """Annotation metadata of a version, with the names and checksums of their files."""

    serializer_class = AnnotationSerializer

    def get_queryset(self):
        return version_annotations(version=self.get_version())
