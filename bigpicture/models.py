"""Bookkeeping of the portal's machinery: task deliveries and the storage journal."""

import uuid

from django.db import models


class TaskDelivery(models.Model):
    """Delivery counts of running tasks, so a task that kills its worker cannot loop forever."""

    task_id = models.CharField(max_length=255, primary_key=True)
    task_name = models.CharField(max_length=255)
    deliveries = models.PositiveIntegerField(default=0)
    first_delivered = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.task_name}[{self.task_id}] x{self.deliveries}"


class StorageJournal(models.Model):
    """Staged storage objects of a committed transaction that still have to be moved into place.

    Written in the transaction whose rows refer to the objects, so a row exists
    exactly when that transaction committed; deleted once the moves are done
    (see `bigpicture.staging`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # [{"area", "staged", "name", "sha256", "size"}, ...]: move `staged` to `name` in `area`.
    moves = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"storage journal {self.id} ({len(self.moves)} moves, {self.created:%Y-%m-%d %H:%M})"


class OutboxState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxMessage(models.Model):
    """One mail to send, written in the transaction of the change it tells about (see `bigpicture.outbox`)."""

    to = models.JSONField(help_text="List of email addresses")
    subject = models.CharField(max_length=255)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set by callers that may enqueue the same message twice (say, per event): the second is ignored.
    dedupe_key = models.CharField(max_length=255, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="bigpicture_outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} to {', '.join(self.to)} ({self.state})"
