"""Submissions, their files and upload parts, and the event rows of both state machines."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ingestion.states import LIVE_FILE_STATES, Failure, FileState, SubmissionState


class Submission(models.Model):
    """One contribution for an organisation: it creates, or versions, one dataset."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("access.Organisation", on_delete=models.PROTECT, related_name="submissions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions")
    title = models.CharField(max_length=255, blank=True)
    # The dataset this submission versions (set at creation), or the one it created (set on publish).
    dataset = models.ForeignKey("repository.Dataset", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="submissions")
    version = models.ForeignKey("repository.DatasetVersion", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    state = models.CharField(max_length=20, choices=SubmissionState.choices, default=SubmissionState.DRAFT,
                             db_index=True)
    changelog = models.TextField(blank=True)
    # The latest MetaFleX validation report: {"ok", "problems": [{rule, severity, file, line, message}], ...}.
    report = models.JSONField(default=dict, blank=True)
    report_at = models.DateTimeField(null=True, blank=True)
    # Set with the report when it passes: the landing page as it will look (rendered from the importer's
    # dry run), and for a new version the importer's changes against the previous one.
    preview_html = models.TextField(blank=True)
    diff = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.title or 'Untitled submission'} ({self.organisation.slug}, {self.get_state_display()})"

    @property
    def inbox_prefix(self) -> str:
        return f"submissions/{self.id}"


class SubmissionEvent(models.Model):
    """One transition of a submission: who, when, from where to where, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=SubmissionState.choices)
    to_state = models.CharField(max_length=20, choices=SubmissionState.choices)
    message = models.TextField(blank=True)
    failure = models.CharField(max_length=10, choices=Failure.choices, blank=True, default=Failure.NONE)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} -> {self.to_state}"


class SubmissionFile(models.Model):
    """One file of the bundle, as the contributor registered it, and where it is stored in the inbox.

    A replaced file keeps its row (state `replaced`), so the history shows what was sent.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=1024, help_text="Path inside the bundle, sanitised, with / separators")
    size = models.PositiveBigIntegerField()
    # As declared by the contributor's client (optional), and as the worker computed it from storage.
    sha256 = models.CharField(max_length=64, blank=True)
    computed_sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=20, choices=FileState.choices, default=FileState.REGISTERED,
                             db_index=True)
    error = models.TextField(blank=True)
    failure = models.CharField(max_length=10, choices=Failure.choices, blank=True, default=Failure.NONE)
    # Inbox object name, unique per row (so a replaced or refused file never collides with another).
    storage_name = models.CharField(max_length=1024, blank=True)
    # S3 multipart upload id while uploading; empty on local storage.
    upload_id = models.CharField(max_length=1024, blank=True)
    part_size = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    # A crypt4gh upload's plaintext, decrypted by the pipeline into the inbox, and its SHA-256.
    plain_name = models.CharField(max_length=1024, blank=True)
    plain_sha256 = models.CharField(max_length=64, blank=True)
    # The image job (bundle IMAGE) this file is a source of, once validation has said which.
    image_job = models.ForeignKey("ingestion.ImageJob", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="sources")

    class Meta:
        ordering = ["path", "created"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "path"], condition=Q(state__in=sorted(LIVE_FILE_STATES)),
                                    name="ingestion_one_live_file_per_path"),
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.get_state_display()})"


class UploadPart(models.Model):
    """A part of a file the server has received in full (local storage) or S3 has listed."""

    file = models.ForeignKey(SubmissionFile, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    etag = models.CharField(max_length=128, blank=True)
    received = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="ingestion_one_row_per_part")]

    def __str__(self) -> str:
        return f"part {self.number} of {self.file_id} ({self.size} bytes)"


class FileEvent(models.Model):
    """One state change of a submitted file (registered, uploaded, verified, error, ...)."""

    file = models.ForeignKey(SubmissionFile, on_delete=models.CASCADE, related_name="events")
    created = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    from_state = models.CharField(max_length=20, choices=FileState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=FileState.choices)
    message = models.TextField(blank=True)
    failure = models.CharField(max_length=10, choices=Failure.choices, blank=True, default=Failure.NONE)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or '-'} -> {self.to_state}"
