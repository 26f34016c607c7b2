"""Key custody for pseudonymisation: one secret per organisation and version, and the pseudonym map.

The secret is stored wrapped (AES-256-GCM under the key-encryption key PSEUDONYM_KEK), never in
clear. One version per organisation is active; rotation retires it and makes the next one active,
so new pseudonyms carry the new version's prefix while retired versions still re-identify.
`PseudonymEntry` keeps each pseudonym's original value, encrypted under the organisation's key,
for the honest broker. All writes go through `governance.services.pseudonyms`.
"""

from django.db import models
from django.db.models import Q


class PseudonymKeyState(models.TextChoices):
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class PseudonymKey(models.Model):
    organisation = models.ForeignKey("access.Organisation", on_delete=models.PROTECT,
                                     related_name="pseudonym_keys")
    version = models.PositiveIntegerField()
    # nonce (12 bytes) + AES-256-GCM ciphertext of the 32-byte secret, under PSEUDONYM_KEK.
    wrapped_secret = models.BinaryField(editable=False)
    # Which KEK wrapped it (a keyed fingerprint, not the KEK): a changed KEK fails with a clear message.
    kek_fingerprint = models.CharField(max_length=32, editable=False)
    state = models.CharField(max_length=10, choices=PseudonymKeyState.choices, default=PseudonymKeyState.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="governance_pseudonym_key_version"),
            # The lazy creation relies on this: two workers racing get one key.
            models.UniqueConstraint(fields=["organisation"], condition=Q(state="active"),
                                    name="governance_one_active_pseudonym_key"),
        ]

    def __str__(self) -> str:
        return f"Pseudonym key v{self.version} of organisation #{self.organisation_id} ({self.state})"


class PseudonymEntry(models.Model):
    """One pseudonym and its original value (encrypted), for re-identification by the honest broker."""

    key = models.ForeignKey(PseudonymKey, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=40, help_text="What the value is: patient, container, specimen, ...")
    pseudonym = models.CharField(max_length=64)
    # nonce (12 bytes) + AES-256-GCM ciphertext of the original, under a key derived from the org secret.
    original_encrypted = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "pseudonym entries"
        constraints = [models.UniqueConstraint(fields=["key", "kind", "pseudonym"],
                                               name="governance_one_pseudonym_entry")]
        indexes = [models.Index(fields=["pseudonym"], name="governance_pseudonym_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pseudonym}"
