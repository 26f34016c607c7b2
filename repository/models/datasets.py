"""Datasets, their immutable versions, and the per-dataset singletons of a bundle."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from repository.models.base import MetaflexObject, version_unique_constraints


class DatasetStatus(models.TextChoices):
    REGISTERED = "registered"
    RELEASED = "released"
    DEPRECATED = "deprecated"
    WITHDRAWN = "withdrawn"


class AccessType(models.TextChoices):
    DIRECT = "direct", "Direct (download)"
    INDIRECT = "indirect", "Indirect (analysis inside the repository only)"


class Dataset(models.Model):
    """A dataset is identified by its accession, and within an organisation by its alias.

    The alias rule holds with no organisation too (a partial unique index, which
    PostgreSQL and SQLite both have), so two first imports of one bundle make one dataset.
    """

    accession = models.CharField(max_length=40, unique=True)
    alias = models.CharField(max_length=255)
    organisation = models.ForeignKey("access.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="datasets")
    status = models.CharField(max_length=20, choices=DatasetStatus.choices, default=DatasetStatus.REGISTERED)
    status_reason = models.TextField(blank=True)
    latest_version = models.ForeignKey("repository.DatasetVersion", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    complements = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="complemented_by")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "alias"], name="dataset_alias_unique_per_organisation"),
            models.UniqueConstraint(fields=["alias"], condition=models.Q(organisation__isnull=True),
                                    name="dataset_alias_unique_without_organisation"),
        ]

    def __str__(self) -> str:
        return self.accession


class DatasetVersion(models.Model):
    """One published version of a dataset. Immutable once `published_at` is set.

    Text from the bundle is stored whole: the XSDs set no length limits, so neither do we.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    alias = models.CharField(max_length=255)
    title = models.TextField()
    short_name = models.TextField()
    description = models.TextField(blank=True)
    version_label = models.TextField(help_text="The bundle's VERSION element")
    metadata_standard = models.TextField()
    dataset_type = models.TextField(blank=True)
    contact_email = models.TextField(blank=True)
    # The DATASET entity as submitted (see MetaflexObject).
    fields = models.JSONField(default=dict, blank=True)
    refs = models.JSONField(default=dict, blank=True)
    attributes = models.JSONField(default=list, blank=True, null=True)
    content_hash = models.CharField(max_length=64, blank=True)
    is_clinical = models.BooleanField(default=True)
    access_type = models.CharField(max_length=10, choices=AccessType.choices, default=AccessType.DIRECT)
    keywords = models.JSONField(default=list, blank=True)
    doi = models.TextField(blank=True)
    # The contributor's own DataCite record (PRIVATE/datacite.xml), as read safely; "" if none.
    datacite_xml = models.TextField(blank=True)
    # Accessions another repository issued, accepted with --accept-foreign-accessions.
    foreign_accessions = models.JSONField(default=list, blank=True)
    changelog = models.TextField(blank=True)
    # [{"accession", "type", "alias", "change": "added" | "changed" | "removed"}]
    changes = models.JSONField(default=list, blank=True)
    # Landing-page summary and counts, computed once at publication.
    summary = models.JSONField(default=dict, blank=True)
    beings_count = models.PositiveIntegerField(default=0)
    cases_count = models.PositiveIntegerField(default=0)
    images_count = models.PositiveIntegerField(default=0)
    observations_count = models.PositiveIntegerField(default=0)
    annotations_count = models.PositiveIntegerField(default=0)
    total_bytes = models.PositiveBigIntegerField(default=0)
    search_text = models.TextField(blank=True)
    # PostgreSQL keeps this in step with search_text by a trigger (migration 0003); unused on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # The public metadata zip (repository.services.public_exports), built once after publication:
    # its key in the public storage area, and its size and SHA-256 to verify it before reuse.
    public_export_name = models.CharField(max_length=255, blank=True)
    public_export_size = models.PositiveBigIntegerField(null=True, blank=True)
    public_export_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="dataset_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.accession} v{self.number}"


class DatasetFacet(models.Model):
    """One facet value of a version (species, stain, ...), for fast catalogue counts."""

    version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=40)
    value = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["facet", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["version", "facet", "value"], name="dataset_facet_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class Policy(MetaflexObject):
    class Meta:
        verbose_name_plural = "policies"
        constraints = version_unique_constraints("policy")


class LandingPage(MetaflexObject):
    rems_access_link = models.TextField(blank=True)
    # [{"filename", "checksum", "filetype", "storage_name"}]
    sample_image_files = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = version_unique_constraints("landing_page")


class RemsLink(MetaflexObject):
    workflow_id = models.TextField()
    organisation_id = models.TextField()

    class Meta:
        verbose_name = "REMS link"
        constraints = version_unique_constraints("rems")


class DatasetOrganisation(MetaflexObject):
    """The bundle's ORGANISATION: who holds the data (PIC code, Perun group)."""

    name = models.TextField()
    pic_code = models.TextField(blank=True)
    datamanager_perun_group = models.TextField(blank=True)

    class Meta:
        constraints = version_unique_constraints("organisation")
