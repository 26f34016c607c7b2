"""From a validated bundle to image jobs: which uploaded files make which IMAGE, and what to convert.

Validation (a dry run of the importer) calls `image_plans` inside its transaction, while the
version's rows exist; when validation passes, `processing_start` creates or keeps one job per
IMAGE. A job whose files, records and image policy did not change since an earlier submission
round is kept with its results (a returned submission sent again is not converted again). A
changed label or overview policy makes a new job (converted again); a changed `public_preview`
alone only updates the kept job's plan (it decides publication, not conversion).
"""

from __future__ import annotations

from types import SimpleNamespace

from ingestion.models import ImageJob, Submission
from ingestion.pipeline.flow import job_start, job_steps_create
from ingestion.pipeline.policy import bundle_policy
from ingestion.services.bundle import bundle_files
from ingestion.slides.metadata import ImageRecords, RecordIndex
from ingestion.states import FileState
from repository.services.content import entity_document


def _document(entity) -> dict | None:
    return {"alias": entity.alias, **entity_document(entity)} if entity is not None else None


def image_plans(bundle) -> dict[str, dict]:
    """{image alias: plan} of a validated bundle: the IMAGE's FILES, the records around it (image,
    slide, block, specimens, stainings, canonical) that conversion writes into the DICOM, and the
    dataset's image policy (`ingestion.pipeline.policy`)."""
    index = RecordIndex(bundle)
    policy = bundle_policy(bundle).as_plan()
    plans: dict[str, dict] = {}
    for image in bundle.iter_canonical("image"):
        files = sorted(({"filename": e.filename, "checksum": e.checksum,
                         "unencrypted_checksum": e.unencrypted_checksum or ""} for e in image.files),
                       key=lambda f: f["filename"])
        records = index.records(image, pseudonym=lambda kind, value: value)
        plans[image.alias] = {"files": files, "records": {
            "image": _document(image), "slide": _document(records.slide), "block": _document(records.block),
            "specimens": [_document(e) for e in records.specimens],
            "stainings": [_document(e) for e in records.stainings]}, "policy": policy}
    return plans


def _conversion_part(plan: dict | None) -> dict | None:
    """What conversion depends on: the plan without `public_preview`."""
    if plan is None:
        return None
    policy = {k: v for k, v in (plan.get("policy") or {}).items() if k != "public_preview"}
    return {**plan, "policy": policy}


def job_records(job: ImageJob, *, pseudonym):
    """The job's MetaFleX records as `ingestion.slides.metadata.ImageRecords` (None for an older plan)."""
    from repository.services.exports import row_entity

    records = job.plan.get("records")
    if not records:
        return None

    def entity(kind: str, document: dict | None):
        return row_entity(kind, SimpleNamespace(accession=None, **document), []) if document else None

    slide, block = entity("slide", records["slide"]), entity("block", records["block"])
    return ImageRecords(image=entity("image", records["image"]), slide=slide, block=block,
                        specimens=tuple(entity("specimen", r) for r in records["specimens"]),
                        stainings=tuple(entity("staining", r) for r in records["stainings"]),
                        slide_identifier=pseudonym("slide", slide.alias) if slide else None,
                        block_identifier=pseudonym("block", block.alias) if block else None)


def processing_start(submission: Submission, plans: dict[str, dict]) -> None:
    """Give each IMAGE of the validated bundle a job (new, or kept when unchanged) and start what can."""
    from ingestion.pipeline.flow import file_scanned
    from ingestion.services.submissions import file_state_set

    files = {file.path: file for file in bundle_files(submission)}
    jobs = {job.image_alias: job for job in submission.image_jobs.filter(active=True)}
    for alias, job in jobs.items():
        if plans.get(alias) == job.plan:
            continue
        if _conversion_part(plans.get(alias)) == _conversion_part(job.plan):
            job.plan = plans[alias]  # only whether its preview is published changed
            job.save(update_fields=["plan", "updated"])
        else:
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
