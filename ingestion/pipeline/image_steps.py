"""The image steps, on all files of one bundle IMAGE: identify, convert, de-identify, extract, hand over.

Scanner files (SVS, NDPI, OME-TIFF ...) are converted with wsidicomizer, de-identified while they
are written (so the pixel data is written once). Uploaded DICOM is checked, then rewritten with a
de-identified header, its pixel data copied as it is. Outputs are staged under the job's folder
of the inbox, under names a re-run gives again, and listed as `ConvertedFile` rows when the step commits; the
published bundle lists them in the IMAGE's FILES (`ingestion.services.bundle`).
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pydicom
from django.db import transaction

from bigpicture.errors import PermanentError, TransientError, UserError
from bigpicture.staging import file_stage, object_stage
from bigpicture.storage import storage_for
from ingestion.models import ConvertedFile, ImageJob, PipelineStep
from ingestion.pipeline.runner import Outcome
from ingestion.pipeline.steps import StepState
from ingestion.pipeline.workdir import spool
from ingestion.selectors_pipeline import job_sources


def _spool_sources(job: ImageJob, work: Path) -> tuple[Path, list[Path]]:
    """The job's source files under work/src at their bundle paths; (the path to open, all paths)."""
    root, paths = work / "src", []
    listed = {f["filename"]: f for f in job.plan.get("files", [])}
    for file in job_sources(job):
        # The plan is canonical: an encrypted file is described by its plaintext's checksum.
        entry = listed.get(file.path, {})
        expected = entry.get("unencrypted_checksum") or entry.get("checksum")
        if file.plain_name and expected and file.plain_sha256 != expected:
            raise UserError(f"{file.path}: the decrypted file has SHA256 {file.plain_sha256}, but its "
                            f"unencrypted_checksum says {expected}; correct the unencrypted_checksum (the SHA256 "
                            "of the file before encryption) or upload the file again.")
        if not file.plain_name and expected and file.computed_sha256 and file.computed_sha256 != expected:
            raise UserError(f"{file.path}: the file has SHA256 {file.computed_sha256}, but the metadata says "
                            f"{expected}; correct the checksum or upload the file again.")
        try:
            paths.append(spool("inbox", file.plain_name or file.storage_name, root / file.path, size=file.size,
                               what=file.path))
        except FileNotFoundError:
            raise TransientError(f"{file.path}: its bytes are not in the inbox (yet); retrying.") from None
    if not paths:
        raise UserError(f"IMAGE {job.image_alias} has none of its files in the inbox; upload them.")
    return (paths[0] if len(paths) == 1 else _common_folder(paths)), paths


def _common_folder(paths: list[Path]) -> Path:
    folder = paths[0].parent
    while not all(p.is_relative_to(folder) for p in paths):
        folder = folder.parent
    return folder


def identify(step: PipelineStep, work: Path) -> Outcome:
    from ingestion.slides.identify import identify as slide_identify

    job = step.job
    target, _paths = _spool_sources(job, work)
    fmt = slide_identify(target, name=_label(job))
    details = {"kind": fmt.kind, "label": fmt.label, "reader": fmt.reader, "width": fmt.width,
               "height": fmt.height, "levels": fmt.levels, "mpp": fmt.mpp}

    def commit() -> None:
        ImageJob.objects.filter(pk=job.pk).update(source_format=fmt.kind, source_label=fmt.label)

    return Outcome(details=details, message=f"{fmt.label}, {fmt.width:,} x {fmt.height:,} px", commit=commit)


def convert(step: PipelineStep, work: Path) -> Outcome:
    from ingestion.pipeline.deid import JobDeid
    from ingestion.slides.convert import convert as slide_convert
    from ingestion.slides.dicom_check import dicom_wsi_problems

    job = step.job
    target, paths = _spool_sources(job, work)
    fmt = _identified(job, target)
    if fmt.kind == "dicom":
        problems = dicom_wsi_problems(paths, name=_label(job))
        if problems:
            raise UserError(f"{_label(job)} is not a usable DICOM whole-slide image: " + " ".join(problems))
        return Outcome(details={"validated": True, "instances": len(paths)},
                       message=f"{len(paths)} DICOM instance(s) checked; de-identified in the next step")
    deid = JobDeid(job)
    conversion = slide_convert(target, work / "out", fmt=fmt, name=_label(job), **deid.convert_options(job))
    outputs = _stage_outputs(job, deid.converted(conversion.instances))
    details = {"lossless": conversion.lossless, "lossy_ratio": conversion.lossy_ratio,
               "transfer_syntax": conversion.transfer_syntax, "reader": conversion.source_reader,
               "seconds": conversion.seconds, "instances": len(outputs)}
    kind = "lossless (tiles passed through)" if conversion.lossless else f"LOSSY (re-encoded, ratio " \
        f"{conversion.lossy_ratio or 0:.1f})"
    return Outcome(details=details, message=f"{len(outputs)} DICOM instance(s), {kind}",
                   commit=lambda: _outputs_replace(job, outputs, lossless=conversion.lossless,
                                                   lossy_ratio=conversion.lossy_ratio))


def _identified(job: ImageJob, target: Path):
    """The format the identify step found, as its row records it (a job's files do not change: a changed
    bundle makes a new job); identified again only when the row lacks it."""
    from ingestion.slides.identify import SlideFormat
    from ingestion.slides.identify import identify as slide_identify

    details = PipelineStep.objects.filter(job=job, name="identify", state=StepState.DONE).values_list(
        "details", flat=True).first() or {}
    names = [field.name for field in dataclasses.fields(SlideFormat)]
    if all(name in details for name in names):
        return SlideFormat(**{name: details[name] for name in names})
    return slide_identify(target, name=_label(job))


def deidentify(step: PipelineStep, work: Path) -> Outcome:
    from ingestion.pipeline.deid import JobDeid, deid_check, deid_policy

    job = step.job
    if job.source_format != "dicom":
        checked = deid_check(_spool_outputs(job, work), name=_label(job), policy=deid_policy(job))
        return Outcome(details={"checked": checked}, message=f"de-identified while converting; {checked} "
                                                                "instance(s) checked")
    _target, paths = _spool_sources(job, work)
    written = JobDeid(job).deidentify_files(paths, work / "out")
    outputs = _stage_outputs(job, written)
    return Outcome(details={"instances": len(outputs), "dropped": len(paths) - len(written)},
                   message=f"{len(outputs)} instance(s) de-identified, {len(paths) - len(written)} dropped by policy",
                   commit=lambda: _outputs_replace(job, outputs, lossless=True, lossy_ratio=None))


def extract(step: PipelineStep, work: Path) -> Outcome:
    from ingestion.slides.facts import slide_facts
    from ingestion.slides.thumbnails import preview_jpeg, thumbnail_jpeg

    job = step.job
    paths = _spool_outputs(job, work)
    facts = slide_facts(paths).to_json()
    folder = _job_folder(job)
    thumbnail = _stage_bytes(f"{folder}/thumbnail.jpg", thumbnail_jpeg(paths))
    preview = _stage_bytes(f"{folder}/preview.jpg", preview_jpeg(paths))

    def commit() -> None:
        ImageJob.objects.filter(pk=job.pk).update(facts=facts, thumbnail_name=thumbnail, preview_name=preview)

    return Outcome(details={"levels": len(facts.get("levels", []))}, commit=commit,
                   message=f"{len(facts.get('levels', []))} level(s); thumbnail and preview made")


def handover(step: PipelineStep, work: Path) -> Outcome:
    """The hand-off to quality control; until a QC model is registered (the AI issue) there is none to run."""
    return Outcome(details={"qc": "none registered"}, message="ready; no QC model is registered yet")


def _label(job: ImageJob) -> str:
    files = [f["filename"] for f in job.plan.get("files", [])]
    return files[0] if len(files) == 1 else f"IMAGE {job.image_alias} ({len(files)} files)"


def _role_and_level(path: Path) -> tuple[str, int]:
    header = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["ImageType", "TotalPixelMatrixColumns"])
    image_type = list(header.get("ImageType", []) or [])
    role = str(image_type[2]).upper() if len(image_type) > 2 else "VOLUME"
    return role, int(header.get("TotalPixelMatrixColumns", 0) or 0)


def _stage_outputs(job: ImageJob, instances: list[Path]) -> list[dict]:
    """Stage each instance under the job's folder; rows are made at commit."""
    if not instances:
        raise PermanentError(f"{_label(job)}: the conversion wrote no DICOM instance; an operator must look.")
    # VOLUME levels first, largest first; then label, overview and thumbnail instances.
    described = sorted(((_role_and_level(p), p) for p in instances),
                       key=lambda item: (item[0][0] != "VOLUME", -item[0][1], item[0][0], item[1]))
    stem = Path(job.plan["files"][0]["filename"]).stem if job.plan.get("files") else job.image_alias
    folder = Path(job.plan["files"][0]["filename"]).parent.as_posix() if job.plan.get("files") else "IMAGES"
    outputs, counts = [], {}
    for (role, _width), path in described:
        counts[role] = counts.get(role, 0) + 1
        filename = f"{stem}-{role.lower()}-{counts[role]}.dcm"
        staged = file_stage(area="inbox", name=f"{_job_folder(job)}/{filename}", path=path)
        outputs.append({"staged": staged, "role": role, "path": f"{folder}/{filename}"})
    return outputs


def _job_folder(job: ImageJob) -> str:
    """The job's outputs in the inbox: deterministic names, so a re-run replaces them, never adds."""
    return f"{job.submission.inbox_prefix}/pipeline/{job.pk}"


def _outputs_replace(job: ImageJob, outputs: list[dict], *, lossless: bool, lossy_ratio: float | None) -> None:
    """The job's outputs become these (in the commit); objects of earlier outputs are deleted after it."""
    old = list(job.outputs.values_list("storage_name", flat=True))
    job.outputs.all().delete()
    for output in outputs:
        staged = output["staged"]
        ConvertedFile.objects.create(job=job, path=output["path"], storage_name=staged.name, sha256=staged.sha256,
                                     size=staged.size, role=output["role"])
    ImageJob.objects.filter(pk=job.pk).update(lossless=lossless, lossy_ratio=lossy_ratio)
    keep = {output["staged"].name for output in outputs}
    stale = [name for name in old if name not in keep]
    if stale:
        transaction.on_commit(lambda: [storage_for("inbox").delete(n) for n in stale], robust=True)


def _spool_outputs(job: ImageJob, work: Path) -> list[Path]:
    paths = []
    for output in job.outputs.all():
        try:
            paths.append(spool("inbox", output.storage_name, work / "outputs" / Path(output.path).name,
                               size=output.size, what=output.path))
        except FileNotFoundError:
            # Committed, but its move into place is under way (or its process died; the sweep finishes it).
            raise TransientError(f"{_label(job)}: its output {output.path} is not in place yet; retrying.") from None
    return paths


def _stage_bytes(name: str, data: bytes) -> str:
    object_stage(area="inbox", name=name, source=io.BytesIO(data))
    return name


WORK = {"identify": identify, "convert": convert, "deidentify": deidentify, "extract": extract,
        "handover": handover}
