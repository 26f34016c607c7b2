"""Access applications: event-sourced. `ApplicationEvent` is the truth; the other rows are its projection
(access.applications.projection), kept for queries."""

from django.conf import settings
from django.db import models


class ApplicationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned to applicant"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CLOSED = "closed", "Closed"
    REVOKED = "revoked", "Revoked"


# An application in one of these states blocks a second one for the same dataset.
OPEN_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED,
                         ApplicationState.APPROVED})


class Application(models.Model):
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    catalogue_items = models.ManyToManyField("access.CatalogueItem", related_name="applications")
    # Licenses a handler added to this application only (add-licenses).
    added_licenses = models.ManyToManyField("access.License", blank=True, related_name="applications")
    state = models.CharField(max_length=12, choices=ApplicationState.choices, default=ApplicationState.DRAFT,
                             db_index=True)
    external_id = models.CharField(max_length=100, blank=True)
    renews = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals")
    # The handler who took it ("I'm handling this").
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_applications")
    entitlement_end = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    # Sent before entitlement_end (access.services.applications.entitlement_expiry_remind).
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # {field key: value}; attachments are ApplicationAttachment pks, tables lists of {column key: text}.
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.external_id or f"Application {self.pk}"


class ApplicationMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_memberships")
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added"]
        constraints = [models.UniqueConstraint(fields=["application", "user"], name="application_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.application}"


class RequestKind(models.TextChoices):
    REVIEW = "review", "Review"
    DECISION = "decision", "Decision"


class ApplicationReviewer(models.Model):
    """Someone asked to review (or decide on) one application; `pending` until they answer."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_reviews")
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    pending = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "user", "kind"],
                                               name="application_reviewer_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.kind}) on {self.application}"


class ApplicationEvent(models.Model):
    """One command that happened. Append-only; `type` is the command's name (access.applications.commands)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    payload = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField()

    class Meta:
        ordering = ["application", "seq"]
        constraints = [models.UniqueConstraint(fields=["application", "seq"], name="application_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.application_id}#{self.seq} {self.type}"


class ApplicationAttachment(models.Model):
    """A file given as an answer or with a remark. Redacting removes the bytes and keeps the row."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="applications/", blank=True)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    redacted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.filename


class LicenseAcceptance(models.Model):
    """A user accepted one license version (in the context of one application). Accepting a version
    counts everywhere it applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="license_acceptances")
    license_version = models.ForeignKey("access.LicenseVersion", on_delete=models.PROTECT, related_name="acceptances")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="license_acceptances")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["user", "license_version"], name="license_accepted_once")]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.license_version}"
