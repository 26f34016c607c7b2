"""Ingestion tickets: one per submission, worked through an SOP checklist by a data steward."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from ingestion.ticket_states import TicketStatus


def default_sla_hours() -> int:
    return settings.INGESTION_TICKET_SLA_HOURS


class SOPTemplate(models.Model):
    """A standard operating procedure: the steps a steward ticks off for each submission."""

    name = models.CharField(max_length=255, unique=True)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False, help_text="Used for new tickets")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "SOP template"
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                               name="ingestion_one_default_sop")]

    def __str__(self) -> str:
        return self.name


class SOPStep(models.Model):
    template = models.ForeignKey(SOPTemplate, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=255)
    help = models.TextField(blank=True)

    class Meta:
        ordering = ["template", "order", "id"]
        verbose_name = "SOP step"

    def __str__(self) -> str:
        return self.title


class Ticket(models.Model):
    """The steward's work item for one submission."""

    submission = models.OneToOneField("ingestion.Submission", on_delete=models.CASCADE, related_name="ticket")
    status = models.CharField(max_length=30, choices=TicketStatus.choices, default=TicketStatus.OPEN,
                              db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_tickets")
    sop_template = models.ForeignKey(SOPTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="tickets")
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sla_hours = models.PositiveIntegerField(default=default_sla_hours)
    # opened_at + sla_hours, kept in a column so the queue can filter breached tickets.
    due_at = models.DateTimeField(editable=False, db_index=True)

    class Meta:
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"Ticket #{self.pk}: {self.submission.title or 'Untitled submission'} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.due_at = self.opened_at + timedelta(hours=self.sla_hours)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "due_at"}
        super().save(*args, **kwargs)

    def age(self, now=None) -> timedelta:
        return (self.closed_at or now or timezone.now()) - self.opened_at

    def sla_breached(self, now=None) -> bool:
        return self.closed_at is None and (now or timezone.now()) > self.due_at


class TicketEvent(models.Model):
    """One status or assignment change of a ticket (append-only)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    from_status = models.CharField(max_length=30, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=TicketStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class ChecklistItem(models.Model):
    """One SOP step of one ticket, copied from the template when the ticket opened."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="checklist")
    title = models.CharField(max_length=255)
    help = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{'[x]' if self.done_at else '[ ]'} {self.title}"


class TicketComment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    internal = models.BooleanField(default=False, help_text="A steward-only note: the contributor never sees it")

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{'Note' if self.internal else 'Comment'} by {self.author} on {self.created:%Y-%m-%d %H:%M}"


class TicketAttachment(models.Model):
    """A file attached to a comment, stored in the `default` storage area under `storage_name`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    comment = models.ForeignKey(TicketComment, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=255, help_text="The file name as uploaded")
    storage_name = models.CharField(max_length=1024)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.size} bytes)"
