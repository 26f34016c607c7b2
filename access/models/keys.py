"""Users' crypt4gh public keys: downloads are re-encrypted to one of them."""

from django.conf import settings
from django.db import models


class UserPublicKey(models.Model):
    """One registered X25519 public key (crypt4gh, or an OpenSSH ed25519 key converted as crypt4gh does)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="public_keys")
    name = models.CharField(max_length=100)
    public_key = models.BinaryField(max_length=32)
    # SHA-256 of the 32 key bytes, in hex: shown in lists, named in download URLs and audit rows.
    fingerprint = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "crypt4gh public key"
        constraints = [
            models.UniqueConstraint(fields=["user", "fingerprint"], condition=models.Q(revoked_at__isnull=True),
                                    name="public_key_active_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.fingerprint[:16]}…, {self.user})"
