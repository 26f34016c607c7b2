"""Sessions of pixel reads (tiles, DICOMweb frames): one row per burst of reads, not one per tile."""

from django.conf import settings
from django.db import models


class PixelReadVia(models.TextChoices):
    TILE = "tile", "Viewer tiles"
    FRAME = "frame", "DICOMweb frames"


class PixelReadSession(models.Model):
    """A user's reads of one image through one path, each within PIXEL_AUDIT_SESSION_GAP_SECONDS
    of the one before. Its start is also written once to the audit chain
    (access.services.pixel_audit.pixel_reads_record)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    image_accession = models.CharField(max_length=40)
    via = models.CharField(max_length=10, choices=PixelReadVia.choices)
    first_read_at = models.DateTimeField()
    last_read_at = models.DateTimeField()
    read_count = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-last_read_at"]
        indexes = [models.Index(fields=["user", "image_accession", "via", "-last_read_at"],
                                name="pixel_session_lookup")]

    def __str__(self) -> str:
        return f"{self.user} {self.via} {self.image_accession} ×{self.read_count}"
