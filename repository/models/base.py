"""What every MetaFleX object row shares: its version, alias, accession and attributes.

Rows are copied per dataset version, so a published version is never modified.
The accession is the object's identity across versions (see `Accession`).
"""

from django.db import models


class AccessionType(models.TextChoices):
    DATASET = "dataset"
    POLICY = "policy"
    IMAGE = "image"
    ANNOTATION = "annotation"
    OBSERVATION = "observation"
    OBSERVER = "observer"
    SAMPLE = "sample"
    STAINING = "staining"
    REMS = "rems"
    ORGANISATION = "organisation"
    LANDING_PAGE = "landing_page"
    FILE = "file"
    SUBMISSION = "submission"


class MetaflexObject(models.Model):
    """Abstract base of every entity in a dataset version."""

    version = models.ForeignKey("repository.DatasetVersion", on_delete=models.CASCADE, related_name="+")
    alias = models.CharField(max_length=255)
    accession = models.CharField(max_length=40, db_index=True)
    # The entity as submitted, so an export is lossless: its own elements by XSD name,
    # its references ({element: [{"kind", "alias", "accession"}]}) and its typed
    # attributes ([{"kind", "tag", "value", "units", "nil"}]; null when nil).
    fields = models.JSONField(default=dict, blank=True)
    refs = models.JSONField(default=dict, blank=True)
    attributes = models.JSONField(default=list, blank=True, null=True)
    # SHA-256 of the object's canonical content; a new version compares it to spot changes.
    content_hash = models.CharField(max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.accession} ({self.alias})"


def version_unique_constraints(name: str) -> list[models.UniqueConstraint]:
    return [
        models.UniqueConstraint(fields=["version", "alias"], name=f"{name}_alias_unique_per_version"),
        models.UniqueConstraint(fields=["version", "accession"], name=f"{name}_accession_unique_per_version"),
    ]
