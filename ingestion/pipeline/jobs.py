"""From a validated bundle to image jobs: which uploaded files make which IMAGE, and what to convert.

Validation (a dry run of the importer) calls `image_plans` inside its transaction, while the
version's rows exist; when validation passes, `processing_start` creates or keeps one job per
IMAGE. A job whose files and records did not change since an earlier submission round is kept
with its results (a returned submission sent again is not converted again).
"""

from __future__ import annotations

from types import SimpleNamespace

from ingestion.models import ImageJob, Submission
from ingestion.pipeline.flow import job_start, job_steps_create
from ingestion.services.bundle import bundle_files
from ingestion.states import FileState


def _row(row) -> dict:
    # No accession: a dry run of a new dataset draws fresh ones each time, which would change the plan.
    return {"alias": row.alias, "fields": row.fields, "refs": row.refs, "attributes": row.attributes}


def job_records(job: ImageJob, *, pseudonym):
    """The job's MetaFleX records as `ingestion.slides.metadata.ImageRecords` (None for an older plan)."""
    from ingestion.slides.metadata import ImageRecords
    from repository.services.exports import row_entity

    records = job.plan.get("records")
    if not records:
        return None

    def entity(kind: str, row: dict | None):
        return row_entity(kind, SimpleNamespace(accession=None, **row), []) if row else None

    slide, block = entity("slide", records["slide"]), entity("block", records["block"])
    return ImageRecords(image=entity("image", records["image"]), slide=slide, block=block,
                        specimens=tuple(entity("specimen", r) for r in records["specimens"]),
                        stainings=tuple(entity("staining", r) for r in records["stainings"]),
                        slide_identifier=pseudonym("slide", slide.alias) if slide else None,
                        block_identifier=pseudonym("block", block.alias) if block else None)


def image_plans(version) -> dict[str, dict]:
    """{image alias: plan} of a dataset version's rows: its FILES, and the records (image, slide, block,
    specimens, stainings, as stored) that conversion writes into the DICOM."""
    from repository import models as m

    plans: dict[str, dict] = {}
    images = m.Image.objects.filter(version=version).prefetch_related(
        "files", "slides__staining", "slides__block__specimens")
    for image in images:
        files = sorted(({"filename": f.filename, "checksum": f.checksum,
                         "unencrypted_checksum": f.unencrypted_checksum} for f in image.files.all()),
                       key=lambda f: f["filename"])
        slide = min(image.slides.all(), key=lambda s: s.alias, default=None)
        block = slide.block if slide else None
        plans[image.alias] = {"files": files, "records": {
            "image": _row(image), "slide": _row(slide) if slide else None, "block": _row(block) if block else None,
            "specimens": [_row(s) for s in sorted(block.specimens.all(), key=lambda s: s.alias)] if block else [],
            "stainings": [_row(slide.staining)] if slide else []}}
    return plans


def processing_start(submission: Submission, plans: dict[str, dict]) -> None:
    """Give each IMAGE of the validated bundle a job (new, or kept when unchanged) and start what can."""
    from ingestion.pipeline.flow import file_scanned
    from ingestion.services.submissions import file_state_set

    files = {file.path: file for file in bundle_files(submission)}
    jobs = {job.image_alias: job for job in submission.image_jobs.filter(active=True)}
    for alias, job in jobs.items():
        if plans.get(alias) != job.plan:
            job.active = False
            job.save(update_fields=["active", "updated"])
            job.sources.update(image_job=None)
            jobs[alias] = None
    for alias, plan in plans.items():
        job = jobs.get(alias)
        if job is None:
            job = ImageJob.objects.create(submission=submission, image_alias=alias, plan=plan)
            job_steps_create(job)
            jobs[alias] = job
        for listed in plan["files"]:
            file = files.get(listed["filename"])
            if file is None or file.image_job_id == job.pk:
                continue
            file.image_job = job
            file.save(update_fields=["image_job", "updated"])
            if file.state in (FileState.CONVERTED, FileState.READY):
                file_state_set(file=file, state=FileState.SCANNED, message=f"part of IMAGE {alias}: processing it")
    for file in bundle_files(submission).filter(state=FileState.SCANNED):
        file_scanned(file)  # non-image files become ready; image jobs start when their files are in
    for job in jobs.values():
        if job is not None:
            job_start(job)
