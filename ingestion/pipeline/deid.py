"""De-identification for one image job: the organisation's keys, the dataset's UID scope, the policy.

UIDs are mapped within the dataset (a new version of a dataset maps an original UID as the
earlier versions did); converted scanner files get UIDs derived from their sources' SHA-256, so a
conversion that runs twice writes the same instances.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pydicom

from bigpicture.errors import PermanentError
from ingestion.deid.context import DeidContext, DeidPolicy
from ingestion.deid.conversion import conversion_finish, dicomizer_options
from ingestion.deid.instance import deidentify_file, image_type_of
from ingestion.models import ImageJob
from ingestion.pipeline.policy import job_policy
from ingestion.selectors_pipeline import job_sources


def deid_policy(job: ImageJob) -> DeidPolicy:
    """The dataset's label and overview policy, as the job's plan recorded it."""
    return job_policy(job).deid()


class JobDeid:
    def __init__(self, job: ImageJob):
        submission = job.submission
        scope = (f"dataset/{submission.dataset.accession}" if submission.dataset_id
                 else f"submission/{submission.pk}")
        digest = hashlib.sha256("\n".join(f"{f.path}:{f.plain_sha256 or f.computed_sha256}"
                                          for f in job_sources(job)).encode()).hexdigest()
        self.context = DeidContext.for_organisation(submission.organisation, policy=deid_policy(job), source=digest,
                                                    scope=scope)

    def convert_options(self, job: ImageJob) -> dict:
        """Keyword arguments for `ingestion.slides.convert.convert` that write clean instances, with the
        MetaFleX records (slide, specimen, staining, equipment) as their DICOM metadata."""
        from ingestion.pipeline.jobs import job_records
        from ingestion.slides.metadata import dicomizer_metadata

        records = job_records(job, pseudonym=self.context.pseudonym)
        options = dicomizer_options(self.context)
        return {"metadata": dicomizer_metadata(records) if records else None,"uid_generator": options["uid_generator"], "post_processor": options["metadata_post_processor"],
                "include_label": options["include_label"], "include_overview": options["include_overview"],
                "include_confidential": options["include_confidential"]}

    def converted(self, paths: list[Path]) -> list[Path]:
        """After a conversion: what the policy still asks (blanking the overview)."""
        return conversion_finish(paths, context=self.context)

    def deidentify_files(self, paths: list[Path], out_dir: Path) -> list[Path]:
        """Uploaded DICOM instances rewritten de-identified into `out_dir`; the ones the policy drops are left out."""
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for index, path in enumerate(sorted(paths)):
            result = deidentify_file(path, out_dir / f"{index:04d}.dcm", context=self.context)
            if result is not None:
                written.append(result.path)
        return written


def deid_check(paths: list[Path], *, name: str, policy: DeidPolicy) -> int:
    """Check what a conversion wrote: every instance says it is de-identified, none keeps label text,
    and none is an image the (job's) policy removes. Returns how many were checked."""
    for path in paths:
        header = pydicom.dcmread(path, stop_before_pixels=True)
        role = image_type_of(header)
        problems = []
        if str(header.get("PatientIdentityRemoved", "")).upper() != "YES":
            problems.append("PatientIdentityRemoved is not YES")
        if "LabelText" in header or "BarcodeValue" in header:
            problems.append("it still has LabelText or BarcodeValue")
        if role == "LABEL" and policy.label == "remove" or role == "OVERVIEW" and policy.overview == "remove":
            problems.append(f"it is a {role} image, which the policy removes")
        if problems:
            raise PermanentError(f"{name}: the de-identification check failed for {path.name}: "
                                 f"{'; '.join(problems)}. An operator must look.")
    return len(paths)
