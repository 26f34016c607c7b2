"""Observers and their observations: statements about exactly one target."""

from django.db import models
from django.db.models import Q

from repository.models.base import MetaflexObject, version_unique_constraints
from repository.models.images import Annotation, Image
from repository.models.samples import BiologicalBeing, Block, Case, Slide, Specimen

OBSERVATION_TARGET_FIELDS = ("annotation", "case", "being", "specimen", "block", "slide", "image")


class ObserverType(models.TextChoices):
    HUMAN = "Human"
    MACHINE = "Machine"


class StatementType(models.TextChoices):
    DIAGNOSIS = "Diagnosis"
    MACROSCOPIC = "Macroscopic Description"
    MICROSCOPIC = "Microscopic Description"
    FINDING = "Finding"


class StatementStatus(models.TextChoices):
    SUMMARY = "Summary"
    DISTINCT = "Distinct"


class Observer(MetaflexObject):
    observer_type = models.CharField(max_length=10, choices=ObserverType.choices)

    class Meta:
        constraints = version_unique_constraints("observer")


def _exactly_one_target() -> Q:
    one = Q()
    for chosen in OBSERVATION_TARGET_FIELDS:
        only_this = Q(**{f"{chosen}__isnull": False})
        for other in OBSERVATION_TARGET_FIELDS:
            if other != chosen:
                only_this &= Q(**{f"{other}__isnull": True})
        one |= only_this
    return one


class Observation(MetaflexObject):
    annotation = models.ForeignKey(Annotation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="observations")
    being = models.ForeignKey(BiologicalBeing, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    specimen = models.ForeignKey(Specimen, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    block = models.ForeignKey(Block, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    slide = models.ForeignKey(Slide, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey(Image, null=True, blank=True, on_delete=models.CASCADE, related_name="observations")
    observers = models.ManyToManyField(Observer, blank=True, related_name="observations")
    statement_type = models.CharField(max_length=30, choices=StatementType.choices)
    statement_status = models.CharField(max_length=10, choices=StatementStatus.choices)
    # CODE_ATTRIBUTES and CUSTOM_ATTRIBUTES of the STATEMENT, typed like `attributes`.
    codes = models.JSONField(default=list, blank=True)
    custom_attributes = models.JSONField(default=list, blank=True, null=True)
    freetext = models.TextField(null=True, blank=True, help_text="null when FREETEXT is nil")

    class Meta:
        constraints = [
            *version_unique_constraints("observation"),
            models.CheckConstraint(condition=_exactly_one_target(), name="observation_exactly_one_target"),
        ]

    @property
    def target(self):
        for name in OBSERVATION_TARGET_FIELDS:
            value = getattr(self, name)
            if value is not None:
                return value
        return None
