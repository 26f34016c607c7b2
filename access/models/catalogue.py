"""What can be applied for: licenses (versioned), forms, workflows (the DACs) and catalogue items."""

from django.conf import settings
from django.db import models


class LicenseKind(models.TextChoices):
    TEXT = "text", "Text"
    LINK = "link", "Link"
    ATTACHMENT = "attachment", "Attachment"


class License(models.Model):
    """A license or data use agreement. Its terms live in versions; the current one is the latest."""

    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=12, choices=LicenseKind.choices, default=LicenseKind.TEXT)
    organisation = models.ForeignKey("access.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="licenses")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class LicenseVersion(models.Model):
    """The terms at one time. A new version is made only when the content hash changes."""

    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=1000)
    attachment = models.FileField(upload_to="licenses/", blank=True)
    # SHA-256 over the text, the URL and the attachment's bytes (access.services.catalogue).
    content_hash = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["license", "-number"]
        constraints = [models.UniqueConstraint(fields=["license", "number"], name="license_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.license.title} v{self.number}"


class FormFieldKind(models.TextChoices):
    TEXT = "text", "Text"
    TEXTAREA = "textarea", "Text area"
    OPTION = "option", "Option (one of)"
    MULTISELECT = "multiselect", "Multiselect (any of)"
    DATE = "date", "Date"
    EMAIL = "email", "Email"
    ATTACHMENT = "attachment", "Attachment"
    LABEL = "label", "Label (text shown, no answer)"
    HEADER = "header", "Header (no answer)"
    TABLE = "table", "Table (rows of columns)"


# Kinds that only show text and take no answer.
DISPLAY_KINDS = frozenset({FormFieldKind.LABEL, FormFieldKind.HEADER})


class Form(models.Model):
    title = models.CharField(max_length=255)
    organisation = models.ForeignKey("access.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="forms")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class FormField(models.Model):
    """One question. `options`: [{"key", "label"}]; `columns`: [{"key", "label"}] for tables;
    `visible_if`: {"field": key, "values": [...]} shows the field only when that field has one of the values."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveIntegerField(default=0)
    key = models.SlugField(max_length=64)
    kind = models.CharField(max_length=12, choices=FormFieldKind.choices, default=FormFieldKind.TEXT)
    label = models.TextField()
    help_text = models.TextField(blank=True)
    optional = models.BooleanField(default=False)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    # Hidden from reviewers (the applicant, members, handlers and deciders see it).
    private = models.BooleanField(default=False)
    options = models.JSONField(default=list, blank=True)
    columns = models.JSONField(default=list, blank=True)
    visible_if = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["form", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "key"], name="form_field_key_unique")]

    def __str__(self) -> str:
        return f"{self.form.title}: {self.key}"


class WorkflowKind(models.TextChoices):
    DEFAULT = "default", "Default (handlers approve and reject)"
    DECIDER = "decider", "Decider (only deciders approve and reject)"


class Workflow(models.Model):
    """A data access committee (DAC): its handlers, deciders, licenses and options.

    Visas name it as their source: PUBLIC_BASE_URL/dacs/<pk>.
    """

    title = models.CharField(max_length=255, help_text="The DAC's name")
    kind = models.CharField(max_length=10, choices=WorkflowKind.choices, default=WorkflowKind.DEFAULT)
    organisation = models.ForeignKey("access.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="workflows")
    handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="handled_workflows")
    deciders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="decided_workflows")
    licenses = models.ManyToManyField(License, blank=True, related_name="workflows")
    review_requests = models.BooleanField(default=True, help_text="Handlers may ask reviewers for a review.")
    voting = models.BooleanField(default=False, help_text="Handlers (and deciders) vote before the decision.")
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CatalogueItem(models.Model):
    """A dataset offered for application through a workflow and an optional form. Immutable: an edit
    makes a new item and ends this one (`successor`)."""

    dataset = models.ForeignKey("repository.Dataset", on_delete=models.PROTECT, related_name="catalogue_items")
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="catalogue_items")
    form = models.ForeignKey(Form, null=True, blank=True, on_delete=models.PROTECT, related_name="catalogue_items")
    licenses = models.ManyToManyField(License, blank=True, related_name="catalogue_items")
    requires_bona_fide = models.BooleanField(default=False)
    # Indirect access only: analysis inside the repository (the AI jobs), never a download.
    indirect = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="predecessors")

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["dataset"], condition=models.Q(ended_at__isnull=True),
                                               name="catalogue_item_one_enabled_per_dataset")]

    def __str__(self) -> str:
        return f"{self.dataset.accession} via {self.workflow.title}"

    @property
    def enabled(self) -> bool:
        return self.ended_at is None
