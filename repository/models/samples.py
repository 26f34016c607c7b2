"""The sample hierarchy: being → case → specimen → block → slide, and stainings."""

from django.db import models

from repository.models.base import MetaflexObject, version_unique_constraints


class BiologicalBeing(MetaflexObject):
    class Meta:
        constraints = version_unique_constraints("biological_being")


class Case(MetaflexObject):
    being = models.ForeignKey(BiologicalBeing, on_delete=models.CASCADE, related_name="cases")

    class Meta:
        constraints = version_unique_constraints("case")


class Specimen(MetaflexObject):
    being = models.ForeignKey(BiologicalBeing, on_delete=models.CASCADE, related_name="specimens")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="specimens")

    class Meta:
        constraints = version_unique_constraints("specimen")


class Block(MetaflexObject):
    specimens = models.ManyToManyField(Specimen, related_name="blocks")

    class Meta:
        constraints = version_unique_constraints("block")


class Staining(MetaflexObject):
    # Either a PROCEDURE_INFORMATION attribute block or one or more STAIN attribute sets.
    procedure_information = models.JSONField(null=True, blank=True)
    stains = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = version_unique_constraints("staining")


class Slide(MetaflexObject):
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="slides")
    staining = models.ForeignKey(Staining, on_delete=models.CASCADE, related_name="slides")

    class Meta:
        constraints = version_unique_constraints("slide")
