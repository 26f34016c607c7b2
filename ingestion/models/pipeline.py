"""The processing pipeline's rows: image jobs, their converted outputs, and steps with their events."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from ingestion.models.submissions import Submission, SubmissionFile
from ingestion.pipeline.steps import StepName, StepState
from ingestion.states import Failure


class ImageJob(models.Model):
    """One IMAGE of a submission's bundle through the image steps, on all of its files together.

    `plan` is what validation found for it: the FILES listed ({filename, checksum,
    unencrypted_checksum}) and the MetaFleX records conversion writes into the DICOM. A job
    whose files or metadata change is superseded (`active` off) by a new one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="image_jobs")
    image_alias = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    plan = models.JSONField(default=dict)
    # What identify found, what conversion did (lossless or not), the facts and thumbnails extract made.
    source_format = models.CharField(max_length=30, blank=True)
    source_label = models.CharField(max_length=100, blank=True)
    lossless = models.BooleanField(null=True)
    lossy_ratio = models.FloatField(null=True, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    thumbnail_name = models.CharField(max_length=1024, blank=True)
    preview_name = models.CharField(max_length=1024, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["image_alias", "created"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "image_alias"], condition=Q(active=True),
                                    name="ingestion_one_active_job_per_image"),
        ]

    def __str__(self) -> str:
        return f"IMAGE {self.image_alias}"


class ConvertedFile(models.Model):
    """One DICOM instance an image job produced, in the inbox, listed in the published IMAGE's FILES."""

    job = models.ForeignKey(ImageJob, on_delete=models.CASCADE, related_name="outputs")
    path = models.CharField(max_length=1024, help_text="Path inside the published bundle")
    storage_name = models.CharField(max_length=1024)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    role = models.CharField(max_length=20, help_text="VOLUME, LABEL, OVERVIEW or THUMBNAIL")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["job", "path"], name="ingestion_one_output_per_path")]

    def __str__(self) -> str:
        return self.path


class PipelineStep(models.Model):
    """One step for one file (file steps) or one image job (image steps)."""

    file = models.ForeignKey(SubmissionFile, null=True, blank=True, on_delete=models.CASCADE, related_name="steps")
    job = models.ForeignKey(ImageJob, null=True, blank=True, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=20, choices=StepName.choices)
    state = models.CharField(max_length=10, choices=StepState.choices, default=StepState.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)
    failure = models.CharField(max_length=10, choices=Failure.choices, blank=True, default=Failure.NONE)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(file__isnull=False, job__isnull=True) | Q(file__isnull=True,
                                                                                        job__isnull=False),
                                   name="ingestion_step_of_file_or_job"),
            models.UniqueConstraint(fields=["file", "name"], condition=Q(file__isnull=False),
                                    name="ingestion_one_step_per_file"),
            models.UniqueConstraint(fields=["job", "name"], condition=Q(job__isnull=False),
                                    name="ingestion_one_step_per_job"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class StepEvent(models.Model):
    """One state change of a pipeline step (queued, running, retrying, done, failed ...)."""

    step = models.ForeignKey(PipelineStep, on_delete=models.CASCADE, related_name="events")
    created = models.DateTimeField(auto_now_add=True)
    from_state = models.CharField(max_length=10, choices=StepState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=StepState.choices)
    attempt = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    failure = models.CharField(max_length=10, choices=Failure.choices, blank=True, default=Failure.NONE)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.step}: {self.from_state or '-'} -> {self.to_state}"
