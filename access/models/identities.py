"""Who a user is at Life Science AAI (OIDC issuer + sub) and the GA4GH visas it asserted at login."""

from django.conf import settings
from django.db import models


class OidcIdentity(models.Model):
    """One external identity: `sub` at `issuer` is the stable key, never the email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities")
    issuer = models.CharField(max_length=500)
    sub = models.CharField(max_length=255)
    created = models.DateTimeField(auto_now_add=True)
    last_login = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issuer", "sub"]
        verbose_name = "OIDC identity"
        verbose_name_plural = "OIDC identities"
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="oidc_identity_issuer_sub")]

    def __str__(self) -> str:
        return f"{self.sub} at {self.issuer}"


class VisaType(models.TextChoices):
    """GA4GH Passport v1 standard visa types (other types are kept as sent)."""

    AFFILIATION_AND_ROLE = "AffiliationAndRole"
    ACCEPTED_TERMS_AND_POLICIES = "AcceptedTermsAndPolicies"
    RESEARCHER_STATUS = "ResearcherStatus"
    CONTROLLED_ACCESS_GRANTS = "ControlledAccessGrants"
    LINKED_IDENTITIES = "LinkedIdentities"


class InboundVisa(models.Model):
    """A visa from the user's passport at login, verified against a trusted (iss, jku) pair.

    A login replaces the user's visas from that issuer of passports (`passport_issuer`, the OIDC
    issuer) with the ones it carried.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbound_visas")
    type = models.CharField(max_length=64)
    value = models.CharField(max_length=2000)
    source = models.CharField(max_length=2000)
    by = models.CharField(max_length=16, blank=True)
    asserted = models.DateTimeField()
    expires = models.DateTimeField()
    # The visa's signer (its `iss` and the `jku` its key came from) and the OIDC issuer that passed it on.
    issuer = models.CharField(max_length=500)
    jku = models.CharField(max_length=1000)
    passport_issuer = models.CharField(max_length=500)
    jti = models.CharField(max_length=255, blank=True)
    raw = models.TextField(help_text="The visa JWT as received.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["type", "-expires"]
        verbose_name = "inbound visa"
        indexes = [models.Index(fields=["user", "type", "expires"], name="inbound_visa_user_type")]

    def __str__(self) -> str:
        return f"{self.type} {self.value} ({self.user})"
