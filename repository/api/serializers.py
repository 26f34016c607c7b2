"""Output serializers of the public metadata API.

Typed MetaFleX attributes are passed on as they are stored, every attribute
with the same five keys: a nil value stays `null` with `nil: true`. Files are
described by name, size and checksums only: where the bytes are kept is never
part of a response.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from repository.models import (
    OBSERVATION_TARGET_FIELDS,
    AnnotationFile,
    DatasetVersion,
    ImageFile,
    ImageType,
    Observation,
    ObserverType,
    Staining,
    StatementStatus,
    StatementType,
)
from repository.selectors.catalogue import FACETS

URL_NAMESPACE = "repository_api"
# The summary keys that name files in storage stay out of the API.
PRIVATE_SUMMARY_KEYS = frozenset({"sample_images"})


class AttributeSerializer(serializers.Serializer):
    """One typed MetaFleX attribute. A set attribute's value is a list of attributes."""

    kind = serializers.ChoiceField(choices=["string", "numeric", "measurement", "code", "set"])
    tag = serializers.CharField()
    value = serializers.JSONField(
        allow_null=True,
        help_text="A string (string), the exact decimal text (numeric, measurement), "
                  "{code, scheme, meaning, scheme_version} (code) or a list of attributes (set); "
                  "null when nil.",
    )
    units = serializers.CharField(allow_null=True, help_text="Units of a measurement; null otherwise.")
    nil = serializers.BooleanField(help_text="True when the submitter declared the value nil (xsi:nil).")


def typed_attributes(attributes: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if attributes is None:
        return None
    return [_typed_attribute(attribute) for attribute in attributes]


def _typed_attribute(attribute: dict[str, Any]) -> dict[str, Any]:
    value = attribute.get("value")
    if attribute.get("kind") == "set" and isinstance(value, list):
        value = typed_attributes(value)
    return {"kind": attribute.get("kind"), "tag": attribute.get("tag"), "value": value,
            "units": attribute.get("units"), "nil": bool(attribute.get("nil", False))}


@extend_schema_field(AttributeSerializer(many=True, allow_null=True))
class AttributesField(serializers.Field):
    """A list of typed attributes; null when the whole list is nil."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return typed_attributes(value)


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class AccessionsField(serializers.Field):
    """The accessions of related rows (a prefetched many-to-many)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, related):
        return [row.accession for row in related.all()]


def api_url(name: str, request, **kwargs) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", kwargs=kwargs, request=request)


# Datasets and versions -------------------------------------------------------

class DatasetSummarySerializer(serializers.ModelSerializer):
    """A dataset in the catalogue: its latest version."""

    accession = serializers.CharField(source="dataset.accession")
    version = serializers.IntegerField(source="number")
    status = serializers.ChoiceField(source="dataset.status", choices=["released", "deprecated"])
    organisation = serializers.CharField(source="dataset.organisation.name", allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = DatasetVersion
        fields = ["accession", "version", "url", "title", "short_name", "description", "keywords", "status",
                  "access_type", "is_clinical", "organisation", "doi", "published_at", "beings_count",
                  "cases_count", "images_count", "observations_count", "annotations_count", "total_bytes"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, version: DatasetVersion) -> str:
        return api_url("dataset-version-detail", self.context["request"],
                       accession=version.dataset.accession, number=version.number)


class ChangeSerializer(serializers.Serializer):
    accession = serializers.CharField()
    type = serializers.CharField()
    alias = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "changed", "removed"])


class VersionLinksSerializer(serializers.Serializer):
    versions = serializers.URLField()
    samples = serializers.URLField()
    images = serializers.URLField()
    observations = serializers.URLField()
    annotations = serializers.URLField()


class DatasetVersionSerializer(DatasetSummarySerializer):
    """One published version in full. Published versions never change."""

    status_reason = serializers.CharField(source="dataset.status_reason")
    attributes = AttributesField()
    changes = ChangeSerializer(many=True)
    summary = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta(DatasetSummarySerializer.Meta):
        fields = [*DatasetSummarySerializer.Meta.fields, "status_reason", "version_label", "metadata_standard",
                  "dataset_type", "contact_email", "attributes", "changelog", "changes", "summary", "links"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_summary(self, version: DatasetVersion) -> dict[str, Any]:
        """The landing-page summary (see `repository.summary`), computed at publication."""
        return {key: value for key, value in (version.summary or {}).items() if key not in PRIVATE_SUMMARY_KEYS}

    @extend_schema_field(VersionLinksSerializer)
    def get_links(self, version: DatasetVersion) -> dict[str, str]:
        request = self.context["request"]
        ids = {"accession": version.dataset.accession, "number": version.number}
        return {
            "versions": api_url("dataset-version-list", request, accession=version.dataset.accession),
            **{name: api_url(f"version-{name}", request, **ids)
               for name in ("samples", "images", "observations", "annotations")},
        }


class VersionListItemSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="number")
    url = serializers.SerializerMethodField()

    class Meta:
        model = DatasetVersion
        fields = ["version", "url", "version_label", "title", "published_at", "changelog"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, version: DatasetVersion) -> str:
        return api_url("dataset-version-detail", self.context["request"],
                       accession=version.dataset.accession, number=version.number)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField(help_text="Matching datasets with this value.")


class FacetSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(FACETS), help_text="Also the name of the list's query parameter.")
    label = serializers.CharField()
    values = FacetValueSerializer(many=True)


def facet_counts(counts: dict[str, list[tuple[str, int]]]) -> list[dict[str, Any]]:
    return [{"name": name, "label": FACETS[name],
             "values": [{"value": value, "count": count} for value, count in values]}
            for name, values in counts.items()]


# Samples ---------------------------------------------------------------------

class MetaflexObjectSerializer(serializers.Serializer):
    # What every MetaFleX object has; subclasses add their own fields after these.

    accession = serializers.CharField()
    alias = serializers.CharField()
    attributes = AttributesField()


class SampleSerializer(MetaflexObjectSerializer):
    sample_kind = ""
    kind = serializers.SerializerMethodField()

    def get_fields(self):
        fields = super().get_fields()
        # The discriminator comes first, as in every row of the list.
        return {"kind": fields.pop("kind"), **fields}

    def get_kind(self, sample) -> str:
        return self.sample_kind


class BeingSerializer(SampleSerializer):
    """A biological being: the root of the sample hierarchy."""

    sample_kind = "being"


class CaseSerializer(SampleSerializer):
    """A case of a biological being."""

    sample_kind = "case"
    being = serializers.CharField(source="being_accession", help_text="Accession of the biological being.")


class SpecimenSerializer(SampleSerializer):
    """A specimen extracted from a being, possibly as part of a case."""

    sample_kind = "specimen"
    being = serializers.CharField(source="being_accession", help_text="Accession of the being it was extracted from.")
    case = serializers.CharField(source="case_accession", allow_null=True, help_text="Accession of its case, if any.")


class BlockSerializer(SampleSerializer):
    """A block sampled from one or more specimens."""

    sample_kind = "block"
    specimens = AccessionsField(help_text="Accessions of the specimens it was sampled from.")


class StainingSerializer(MetaflexObjectSerializer):
    """How a slide was stained: procedure information or one attribute list per stain."""

    procedure_information = AttributesField(help_text="PROCEDURE_INFORMATION attributes, when given.")
    stains = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=AttributeSerializer(many=True, allow_null=True)))
    def get_stains(self, staining: Staining) -> list:
        """One list of typed attributes per STAIN."""
        return [typed_attributes(stain) for stain in staining.stains or []]


class SlideSerializer(SampleSerializer):
    """A slide cut from a block, with its staining."""

    sample_kind = "slide"
    block = serializers.CharField(source="block_accession", help_text="Accession of the block it was cut from.")
    staining = StainingSerializer()


SAMPLE_SERIALIZERS: dict[str, type[SampleSerializer]] = {
    serializer.sample_kind: serializer
    for serializer in (BeingSerializer, CaseSerializer, SpecimenSerializer, BlockSerializer, SlideSerializer)
}


class SampleRowSerializer(serializers.BaseSerializer):
    """A `SampleRow` from the samples pagination, rendered by the serializer of its kind."""

    def to_representation(self, row):
        return SAMPLE_SERIALIZERS[row.kind](row.sample, context=self.context).data


# Images, annotations, observations -------------------------------------------

class StoredFileSerializer(serializers.ModelSerializer):
    """A file's name, size and checksums; never where it is stored."""

    class Meta:
        model = ImageFile
        fields = ["accession", "filename", "filetype", "size", "checksum_method", "checksum",
                  "unencrypted_checksum"]


class AnnotationFileSerializer(StoredFileSerializer):
    """An annotation file's name, size and checksums; never where it is stored."""

    class Meta(StoredFileSerializer.Meta):
        model = AnnotationFile


class ImageSerializer(MetaflexObjectSerializer):
    """An image's metadata and its files. Pixels are not served here."""

    image_type = serializers.ChoiceField(choices=ImageType.choices)
    slides = AccessionsField(help_text="Accessions of the slides it is an image of.")
    files = StoredFileSerializer(many=True)


class AnnotationSerializer(MetaflexObjectSerializer):
    """An annotation of an image, and its files."""

    image = serializers.CharField(source="image_accession", help_text="Accession of the annotated image.")
    files = AnnotationFileSerializer(many=True)


class ObserverSerializer(MetaflexObjectSerializer):
    """A human or machine that made observations."""

    observer_type = serializers.ChoiceField(choices=ObserverType.choices)


class TargetSerializer(serializers.Serializer):
    """The object an observation is about."""

    kind = serializers.ChoiceField(choices=list(OBSERVATION_TARGET_FIELDS))
    accession = serializers.CharField()


class ObservationSerializer(MetaflexObjectSerializer):
    """A statement (diagnosis, description or finding) about exactly one object."""

    target = serializers.SerializerMethodField()
    observers = ObserverSerializer(many=True)
    statement_type = serializers.ChoiceField(choices=StatementType.choices)
    statement_status = serializers.ChoiceField(choices=StatementStatus.choices)
    codes = AttributesField(help_text="CODE_ATTRIBUTES of the statement.")
    custom_attributes = AttributesField(help_text="CUSTOM_ATTRIBUTES of the statement; null when nil.")
    freetext = serializers.CharField(allow_null=True, help_text="FREETEXT of the statement; null when nil.")

    @extend_schema_field(TargetSerializer)
    def get_target(self, observation: Observation) -> dict[str, str] | None:
        """The one object the statement is about."""
        for kind in OBSERVATION_TARGET_FIELDS:
            accession = getattr(observation, f"{kind}_accession", None)
            if accession is not None:
                return {"kind": kind, "accession": accession}
        return None
