"""MetaFleX 2.0 metadata model (datasets, samples, images, observations)."""

from repository.models.accessions import Accession
from repository.models.base import AccessionType, MetaflexObject
from repository.models.datasets import (
    AccessType,
    Dataset,
    DatasetFacet,
    DatasetOrganisation,
    DatasetStatus,
    DatasetVersion,
    LandingPage,
    Policy,
    RemsLink,
)
from repository.models.images import Annotation, AnnotationFile, Image, ImageFile, ImageType
from repository.models.observations import (
    OBSERVATION_TARGET_FIELDS,
    Observation,
    Observer,
    ObserverType,
    StatementStatus,
    StatementType,
)
from repository.models.samples import BiologicalBeing, Block, Case, Slide, Specimen, Staining

__all__ = [
    "OBSERVATION_TARGET_FIELDS", "AccessType", "Accession", "AccessionType", "Annotation", "AnnotationFile",
    "BiologicalBeing", "Block", "Case", "Dataset", "DatasetFacet", "DatasetOrganisation", "DatasetStatus",
    "DatasetVersion", "Image", "ImageFile", "ImageType", "LandingPage", "MetaflexObject", "Observation",
    "Observer", "ObserverType", "Policy", "RemsLink", "Slide", "Specimen", "Staining", "StatementStatus",
    "StatementType",
]
