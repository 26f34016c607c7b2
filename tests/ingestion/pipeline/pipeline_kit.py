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


def slide_bundle(folder: Path, *, image_files: str = "svs", seed: int = 21, size=(1536, 1024), cases: int = 1,
                 policy: tuple[tuple[str, str], ...] = (), landing_sample: bool = True) -> Path:
    """A synthetic bundle; `policy` adds POLICY string attributes (tag, value)."""
    spec = BundleSpec(alias=f"pipeline-{image_files}-{seed}", title="Pipeline test slides", short_name="PIPE",
                      clinical=True, cases=cases, seed=seed, image_files=image_files, slide_width=size[0],
                      slide_height=size[1], description="Synthetic slides for the pipeline tests.",
                      policy_attributes=policy, landing_sample=landing_sample)
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
            raise AssertionError(f"submission still {current.state} after {timeout}s\n{steps_text(submission)}\n"
                                 f"{log()}")
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


def bundle_image(bundle: Path) -> Path:
    """The one image file of a `slide_bundle` (one case, one slide)."""
    (path,) = (p for p in (bundle / "IMAGES").rglob("*") if p.is_file())
    return path


def image_replaced(bundle: Path, data: bytes, *, suffix: str | None = None) -> str:
    """Put `data` in place of the bundle's image file (renamed to `suffix` if given) and list it so in
    METADATA/image.xml (name and SHA-256), as a contributor's tool would; returns its bundle path."""
    old = bundle_image(bundle)
    new = old.with_name(old.name.split(".")[0] + suffix) if suffix else old
    old_sha256 = hashlib.sha256(old.read_bytes()).hexdigest()
    old.unlink()
    new.write_bytes(data)
    listing = bundle / "METADATA" / "image.xml"
    old_name, new_name = (p.relative_to(bundle).as_posix() for p in (old, new))
    text = listing.read_text()
    assert old_name in text and old_sha256 in text
    listing.write_text(text.replace(f'"{old_name}"', f'"{new_name}"')
                       .replace(old_sha256, hashlib.sha256(data).hexdigest()))
    return new_name


def steps_of(submission: Submission):
    return (PipelineStep.objects.filter(file__submission=submission)
            | PipelineStep.objects.filter(job__submission=submission)).order_by("pk")


def steps_text(submission: Submission) -> str:
    return "\n".join(f"  {s.name} {s.state} {s.message}" for s in steps_of(submission))


def waited(condition, *, timeout: float, what: str, log=lambda: "", interval: float = 0.2):
    """Poll `condition()` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s\n{log()}")
        time.sleep(interval)
    return result


def named_objects(submission: Submission) -> set[str]:
    """The inbox objects (as `inbox/name`) the submission's rows name: live uploads and what the
    pipeline made for them."""
    from ingestion.selectors import derived_object_names
    from ingestion.states import LIVE_FILE_STATES

    names = list(submission.files.filter(state__in=sorted(LIVE_FILE_STATES)).values_list("storage_name", flat=True))
    return {f"inbox/{name}" for name in names + derived_object_names(submission)}


def ct_slice_dicom() -> bytes:
    """A small, valid DICOM CT image: DICOM, but no whole-slide image."""
    import io

    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = CTImageStorage, generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality, ds.PatientName, ds.PatientID = "CT", FAKE_PATIENT, "BP-DEMO-CT"
    ds.Rows = ds.Columns = 16
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = np.arange(256, dtype=np.uint16).reshape(16, 16).tobytes()
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()
