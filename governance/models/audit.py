"""The append-only, hash-chained audit log and its verification runs."""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    """One audited action. Rows are only ever inserted, through `audit_record`.

    `hash` covers this row's fields and `previous_hash`, so editing, deleting or
    reordering rows breaks the chain, which `verify_audit_log` detects.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    timestamp = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )
    actor_repr = models.CharField(max_length=255)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.actor_repr} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


class AuditVerification(models.Model):
    """The result of one check of the whole chain (by the worker or the command)."""

    checked_at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    rows_checked = models.PositiveBigIntegerField()
    first_bad_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    # The chain's head when it was verified: later checks fail if it disappears.
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    checked_by = models.CharField(max_length=255)

    class Meta:
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'TAMPERED'} at {self.checked_at:%Y-%m-%d %H:%M}: {self.message}"
