"""The keys that sign the portal's outbound GA4GH visas (access.visas)."""

from django.db import models


class VisaSigningKey(models.Model):
    """One RSA key pair. The private key is stored wrapped with the portal's key-encryption key.

    The newest key without `retired_at` signs (two first uses at once may both create one: the older
    one then simply never signs and is retired at the next rotation); a retired key's public half stays in the JWKS until
    `not_after` (its retirement plus the longest visa lifetime), when every visa it signed has expired.
    """

    kid = models.CharField(max_length=64, unique=True)
    wrapped_private_key = models.BinaryField()
    # Which key-encryption key wrapped it, so a changed KEK fails with a message, not a crypto error.
    kek_fingerprint = models.CharField(max_length=32)
    public_jwk = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    not_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"visa key {self.kid}" + (" (retired)" if self.retired_at else "")
