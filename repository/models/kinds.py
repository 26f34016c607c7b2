"""Which model stores each MetaFleX entity kind (the dataset itself is a DatasetVersion)."""

from django.db import models

from repository.models.datasets import DatasetOrganisation, LandingPage, Policy, RemsLink
from repository.models.images import Annotation, AnnotationFile, Image, ImageFile
from repository.models.observations import Observation, Observer
from repository.models.samples import BiologicalBeing, Block, Case, Slide, Specimen, Staining

MODELS: dict[str, type[models.Model]] = {
    "policy": Policy, "landing_page": LandingPage, "rems": RemsLink, "organisation": DatasetOrganisation,
    "biological_being": BiologicalBeing, "case": Case, "specimen": Specimen, "block": Block,
    "slide": Slide, "staining": Staining, "image": Image, "annotation": Annotation,
    "observer": Observer, "observation": Observation,
}
# Kinds whose FILES are rows of their own, and the owner field on that row.
FILE_MODELS_BY_KIND: dict[str, tuple[type[models.Model], str]] = {
    "image": (ImageFile, "image"), "annotation": (AnnotationFile, "annotation"),
}
