"""A submission whose bundle files arrive in the inbox as uploads do, for the pipeline's tests.

`bundle_uploaded` writes each file of a bundle folder to the inbox and hands it to the pipeline
exactly as the upload service does when a client completes a file (`file_uploaded`).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from django.core.files import File
from django.db import transaction

from bigpicture.storage import storage_for
from ingestion.models import PipelineStep, Submission, SubmissionFile
from ingestion.services.pipeline import file_uploaded
from ingestion.services.submissions import file_state_set, submission_transition
from ingestion.states import FileState, SubmissionState
from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle

FAKE_PATIENT = "DEMO^PATIENT"


def slide_bundle(folder: Path, *, image_files: str = "svs", seed: int = 21, size=(1536, 1024)) -> Path:
    spec = BundleSpec(alias=f"pipeline-{image_files}-{seed}", title="Pipeline test slides", short_name="PIPE",
                      clinical=True, cases=1, seed=seed, image_files=image_files, slide_width=size[0],
                      slide_height=size[1], description="Synthetic slides for the pipeline tests.")
    return write_synthetic_bundle(folder, spec)


def barcodes_of(bundle: Path) -> list[str]:
    """The fake barcodes the synthetic writer put on the bundle's labels (BP-DEMO-<seed>)."""
    found = set()
    for path in bundle.rglob("*"):
        if path.is_file() and path.suffix in (".svs", ".tiff", ".dcm"):
            data = path.read_bytes()
            start = 0
            while (at := data.find(b"BP-DEMO-", start)) >= 0:
                found.add(data[at:at + 14].decode())
                start = at + 1
    return sorted(found)


def bundle_uploaded(submission: Submission, bundle: Path) -> list[SubmissionFile]:
    inbox, rows = storage_for("inbox"), []
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        data = path.read_bytes()
        row = SubmissionFile(submission=submission, path=path.relative_to(bundle).as_posix(), size=len(data),
                             sha256=hashlib.sha256(data).hexdigest())
        row.storage_name = f"{submission.inbox_prefix}/{row.id}"
        with path.open("rb") as handle:
            assert inbox.save(row.storage_name, File(handle)) == row.storage_name
        with transaction.atomic():
            row.save()
            file_state_set(file=row, state=FileState.UPLOADED)
            if submission.state == SubmissionState.DRAFT:
                submission_transition(submission=submission, action="upload")
                submission.refresh_from_db()
            file_uploaded(row)
        rows.append(row)
    return rows


def settled(submission: Submission, *, states, timeout: float = 240, log=lambda: "") -> Submission:
    """Poll until the submission is in one of `states`."""
    deadline = time.monotonic() + timeout
    while (current := Submission.objects.get(pk=submission.pk)).state not in states:
        if time.monotonic() > deadline:
            steps = "\n".join(f"  {s.name} {s.state} {s.message}" for s in PipelineStep.objects.filter(
                file__submission=submission) | PipelineStep.objects.filter(job__submission=submission))
            raise AssertionError(f"submission still {current.state} after {timeout}s\n{steps}\n{log()}")
        time.sleep(0.3)
    return current


def stored_bytes_contain(storage_under_test, areas, needles: list[bytes]) -> list[str]:
    """Objects in `areas` (listed around the portal's code) whose bytes contain any needle."""
    hits = []
    for key in sorted(storage_under_test.objects(*areas)):
        if key.endswith("(unfinished upload)"):
            continue
        data = storage_under_test.read(key)
        lowered = data.lower()
        hits += [f"{key}: {needle!r}" for needle in needles if needle.lower() in lowered]
    return hits
