"""Agreements (the Data Sharing Agreement and others), their versions, and organisations' signatures.

A version is immutable once published: its `sha256` identifies the text or PDF that was
signed. A signature is valid while it is not revoked and not past `valid_until`; it covers
one version, so publishing a new version asks every organisation to sign again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AgreementKind(models.TextChoices):
    DSA = "dsa", "Data Sharing Agreement"
    HPA = "hpa", "Hub Partner Agreement"


class Agreement(models.Model):
    kind = models.CharField(max_length=10, choices=AgreementKind.choices)
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            # Submissions check one DSA; new terms are a new version of it.
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="dsa"), name="governance_one_dsa"),
        ]

    def __str__(self) -> str:
        return self.title


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(max_length=50, help_text="The version as the document names it, e.g. 2.1")
    text = models.TextField(blank=True)
    pdf = models.FileField(blank=True, max_length=255)
    # SHA-256 of the PDF when there is one (it is the legal text), otherwise of the UTF-8 text.
    sha256 = models.CharField(max_length=64)
    effective_from = models.DateTimeField(db_index=True)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="superseded_by")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "-effective_from"]
        get_latest_by = "effective_from"
        constraints = [models.UniqueConstraint(fields=["agreement", "label"],
                                               name="governance_one_version_label")]

    def __str__(self) -> str:
        return f"{self.agreement.title}, version {self.label}"


class SignatureQuerySet(models.QuerySet):
    def valid(self, at=None):
        at = at or timezone.now()
        return self.filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=at),
                           Q(valid_until__isnull=True) | Q(valid_until__gt=at), signed_at__lte=at)


class Signature(models.Model):
    """An organisation's signature of one agreement version, recorded by a data steward."""

    agreement_version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey("access.Organisation", on_delete=models.PROTECT, related_name="signatures")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures",
                                  help_text="The organisation's signatory who signed.")
    signed_at = models.DateTimeField()
    signed_pdf = models.FileField(max_length=255)
    signed_pdf_sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text="The data steward who recorded the signed copy.")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Re-signature and reminders (a later issue) work from these two.
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.organisation} signed {self.agreement_version} on {self.signed_at:%Y-%m-%d}"
