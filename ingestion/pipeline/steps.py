"""The processing pipeline's steps, as one table: name, queue, what they work on, and the file state after.

Each uploaded file runs the file steps (verify, decrypt, scan) as soon as it is complete. The image
steps (identify ... handover) run once per IMAGE of the bundle, on all of that image's files
together, after the submission's metadata has been validated: an image is one slide, whether it
came as one scanner file or as several DICOM instances, and converting it needs its MetaFleX
records. Files that are not images (metadata, sample images, annotations) are ready after the scan.

A step is `pending` until it is queued, `running` while a worker has it, `retrying` after a
transient failure, and ends `done`, `skipped` (not needed for this input) or `failed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from ingestion.states import FileState


class StepState(models.TextChoices):
    PENDING = "pending", "Pending"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Retrying"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


FINISHED_STEP_STATES = frozenset({StepState.DONE, StepState.SKIPPED})
ACTIVE_STEP_STATES = frozenset({StepState.QUEUED, StepState.RUNNING, StepState.RETRYING})

FILE, IMAGE = "file", "image"


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    queue: str
    level: str  # FILE: one uploaded file; IMAGE: all files of one bundle IMAGE
    # The state the file(s) reach when this step is finished (None: unchanged).
    file_state_after: str | None = None


STEPS: tuple[Step, ...] = (
    Step("verify", "Checksum", "ingest", FILE),
    Step("decrypt", "Decrypt", "ingest", FILE, FileState.VERIFIED),
    Step("scan", "Malware scan", "scan", FILE, FileState.SCANNED),
    Step("identify", "Identify format", "ingest", IMAGE),
    Step("convert", "Convert to DICOM", "convert", IMAGE),
    Step("deidentify", "De-identify", "convert", IMAGE, FileState.CONVERTED),
    Step("extract", "Facts and thumbnails", "ingest", IMAGE),
    Step("handover", "Hand over to QC", "ingest", IMAGE, FileState.READY),
)

STEP_BY_NAME = {step.name: step for step in STEPS}
FILE_STEPS = tuple(step for step in STEPS if step.level == FILE)
IMAGE_STEPS = tuple(step for step in STEPS if step.level == IMAGE)
StepName = models.TextChoices("StepName", [(step.name, step.label) for step in STEPS])


def next_step(name: str) -> Step | None:
    """The step after `name` at the same level, or None at the end of its level."""
    level = STEP_BY_NAME[name].level
    names = [step.name for step in STEPS if step.level == level]
    index = names.index(name) + 1
    return STEP_BY_NAME[names[index]] if index < len(names) else None
