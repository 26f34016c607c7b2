"""Importing a MetaFleX bundle: validate, assign accessions, write one version, publish.

`dataset_import` is the one entry point: the admin's `import_metaflex` command
uses it now, and the submission workflow will call it after steward review.
Everything is written in one transaction; any problem rolls all of it back,
files included: they are staged and reach storage only on commit (`bigpicture.staging`).
Big collections stream from disk in batches (see `rows.RowWriter`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.db import transaction

from bigpicture.errors import UserError
from bigpicture.memory import gc_relaxed
from bigpicture.staging import staged_atomic, staging_pool
from bigpicture.storage import storage_for
from governance.services import audit_record
from metaflex import Bundle, validate_bundle
from metaflex.types import Entity, FileEntry, Problem, Report
from repository import models as m
from repository.citation.contributed import datacite_record_doi, datacite_record_read, datacite_record_root
from repository.citation.facts import normalise_doi
from repository.keys import crypt4gh_secret_key
from repository.models.kinds import FILE_MODELS_BY_KIND
from repository.selectors.versions import VersionIndex
from repository.services.accession_plan import AccessionPlan
from repository.services.archive import file_archive
from repository.services.content import content_hash, entity_document
from repository.services.dataset_identity import DatasetMatch, dataset_create, dataset_find
from repository.services.import_errors import ImportRejected, import_reject
from repository.services.publication import version_publish
from repository.services.rows import DependencyBatcher, PreparedRow, RowWriter, file_documents
from repository.services.summary import SummaryCollector

# Bundle files in an order where most references point backwards (see DependencyBatcher).
FILE_ORDER = ("policy", "rems", "organisation", "landing_page", "staining", "sample", "image", "annotation",
              "observer", "observation")


ARCHIVE_THREADS = 8


@dataclass
class ImportResult:
    report: Report
    dataset: m.Dataset | None = None
    version: m.DatasetVersion | None = None
    counts: dict[str, int] = field(default_factory=dict)
    changes: list[dict[str, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.report.ok


@gc_relaxed()
def dataset_import(*, bundle_dir: str | Path, organisation=None, actor=None, changelog: str = "",
                   dry_run: bool = False, allow_accessions: bool = False,
                   accept_foreign_accessions: bool = False, scanner_files: bool = False,
                   rehearsal: Callable[[ImportResult, Bundle], None] | None = None) -> ImportResult:
    """Validate and, when valid, publish the bundle as a new dataset version.

    `rehearsal` (dry runs only) is called with the result and the validated bundle inside the
    import's transaction, before the rollback, while the rows exist (the steward's landing-page
    preview, the pipeline's image jobs).

    `scanner_files` (dry runs of submissions only) accepts scanner files listed as dcm, which the
    pipeline converts before the bundle is published.

    `allow_accessions` lets the bundle carry accessions this repository issued to the same
    dataset (a re-import of an export); `accept_foreign_accessions` also accepts accessions
    it never issued, and records them on the version (admin import only).
    """
    # spill: the validator keeps the canonical entities it built, so they are not parsed twice.
    if scanner_files and not dry_run:
        raise ValueError("scanner files are converted before publication; only a dry run accepts them")
    bundle, report = validate_bundle(bundle_dir, allow_accessions=allow_accessions, scanner_files=scanner_files,
                                     secret_key=crypt4gh_secret_key(), spill=True)
    if bundle is None:
        return ImportResult(report=report, dry_run=dry_run)
    try:
        with staged_atomic():
            result = _import(bundle, report, organisation=organisation, actor=actor, changelog=changelog,
                             dry_run=dry_run, allow_accessions=allow_accessions,
                             accept_foreign_accessions=accept_foreign_accessions)
            if dry_run:
                if rehearsal is not None:
                    rehearsal(result, bundle)
                transaction.set_rollback(True)
            return result
    except ImportRejected as rejected:
        return ImportResult(report=rejected.report, dry_run=dry_run)
    finally:
        bundle.close()


_reject = import_reject  # the module's short name for refusing with problems


def _find_dataset(bundle: Bundle, report: Report, *, organisation, actor) -> DatasetMatch:
    """The bundle's dataset (None on a first import) and organisation, locked for this import."""
    match = dataset_find(bundle=bundle, organisation=organisation, report=report, actor=actor)
    if match.dataset and match.dataset.status == m.DatasetStatus.WITHDRAWN:
        _reject(report, Problem(rule="dataset.withdrawn", file=bundle.dataset.source_file, element="DATASET",
                                alias=bundle.dataset.alias,
                                message=f"dataset {match.dataset.accession} was withdrawn; it cannot get new "
                                        "versions."))
    return match


def _import(bundle: Bundle, report: Report, *, organisation, actor, changelog: str, dry_run: bool,
            allow_accessions: bool = False, accept_foreign_accessions: bool = False) -> ImportResult:
    match = _find_dataset(bundle, report, organisation=organisation, actor=actor)
    dataset = match.dataset
    previous_version = dataset.latest_version if dataset else None
    previous = VersionIndex.of(previous_version)
    plan = AccessionPlan(previous, report, accept_foreign=accept_foreign_accessions,
                         dataset_accession=dataset.accession if dataset else bundle.dataset.accession or "")
    # What can refuse the bundle is checked before its dataset, rows and files are written.
    if allow_accessions:
        plan.check_supplied(chain([bundle.dataset], *(bundle.iter_canonical(name) for name in FILE_ORDER)))
    complements = _complements(bundle, report, dataset)
    datacite, problems = datacite_record_read(bundle.root)
    if problems:
        import_reject(report, *problems)
    if dataset is None:
        dataset = dataset_create(bundle=bundle, accession=plan.dataset_accession(bundle.dataset),
                                 organisation=match.organisation, report=report)
    plan.dataset_accession_value = dataset.accession
    version = _version_create(bundle, dataset, previous_version, datacite)
    collector = SummaryCollector()
    writer = RowWriter(version)
    seen: set[str] = set()
    total_bytes = 0
    changes: list[dict[str, str]] = []

    def write_batch(kind: str, batch: list[Entity]) -> None:
        nonlocal total_bytes
        accessions = plan.accessions_for(kind, batch)
        prepared = []
        for entity in batch:
            collector.add(entity)
            seen.add(entity.alias)
            files = file_documents(entity)
            row = writer.row_for(entity, accessions[entity.alias], files)
            prepared.append(PreparedRow(entity, row, files))
            change = plan.change_of(entity.alias, kind, row.accession, row.content_hash)
            if change:
                changes.append(change)
        file_row = None
        if kind in FILE_MODELS_BY_KIND and not dry_run:
            file_row, size = _file_rows(bundle, dataset, kind, batch, plan)
            total_bytes += size
        writer.write(prepared, file_row=file_row)

    batcher = DependencyBatcher(write_batch, lambda alias: alias in writer.pk_of or alias == bundle.dataset.alias)
    for name in FILE_ORDER:
        # Canonical: the profile's spelling, DICOM facts, plaintext.
        for entity in bundle.iter_canonical(name):
            batcher.add(entity)
    batcher.close()
    changes.extend(plan.removed(seen))
    dataset_changed = version.content_hash != (previous_version.content_hash if previous_version else None)
    if previous_version and not changes and not dataset_changed:
        raise UserError(f"the bundle is identical to version {previous_version.number} of {dataset.accession}; "
                        "there is nothing to publish.")
    if dataset_changed and previous_version:
        changes.insert(0, {"accession": dataset.accession, "type": "dataset", "alias": dataset.alias,
                           "change": "changed"})
    sample_images = [] if dry_run else _landing_samples(bundle, dataset, version)
    version.foreign_accessions = plan.foreign
    version_publish(version=version, collector=collector, changes=changes,
                    changelog=changelog, total_bytes=total_bytes, sample_images=sample_images,
                    complements=complements, actor=actor)
    audit_record(actor=actor, action="dataset.import", target=version,
                 detail={"dataset": dataset.accession, "version": version.number, "dry_run": dry_run,
                         "counts": dict(collector.counts), "changes": len(changes),
                         "foreign_accessions": {"count": len(plan.foreign), "first": plan.foreign[:20]}})
    return ImportResult(report=report, dataset=dataset, version=version, counts=dict(collector.counts),
                        changes=changes, dry_run=dry_run)


def _version_create(bundle: Bundle, dataset: m.Dataset, previous: m.DatasetVersion | None,
                    datacite: str) -> m.DatasetVersion:
    """The new version's row; `datacite` is the contributor's DataCite record ("" if none)."""
    entity = bundle.dataset
    document = entity_document(entity)
    f = entity.fields
    dataset_type = f.get("DATASET_TYPE") or []
    types = dataset_type if isinstance(dataset_type, list) else [dataset_type]
    # The contributor's DataCite record is part of what a version publishes: a changed one is a change.
    hashed = {**document, "datacite_xml": datacite} if datacite else document
    return m.DatasetVersion.objects.create(
        dataset=dataset, number=(previous.number + 1) if previous else 1, alias=entity.alias,
        title=f.get("TITLE") or "", short_name=f.get("SHORT_NAME") or "", description=f.get("DESCRIPTION") or "",
        version_label=f.get("VERSION") or "", metadata_standard=f.get("METADATA_STANDARD") or "",
        dataset_type=", ".join(dict.fromkeys(t for t in types if t)),
        contact_email=f.get("DATASET_OWNER_CONTACT_EMAIL") or "", is_clinical=bundle.clinical,
        datacite_xml=datacite, doi=normalise_doi(datacite_record_doi(datacite_record_root(datacite))),
        content_hash=content_hash(hashed), **document,
    )


def _file_rows(bundle: Bundle, dataset: m.Dataset, kind: str, batch: list[Entity], plan: AccessionPlan):
    """Archive the batch's files; return the row factory and the bytes archived."""
    file_model, owner = FILE_MODELS_BY_KIND[kind]
    entries = {(entry.filename, entry.checksum): entry for entity in batch for entry in entity.files}
    def archive(entry: FileEntry) -> tuple[str, int]:
        return file_archive(source=bundle.source(entry), checksum=entry.checksum, filetype=entry.filetype,
                            dataset_accession=dataset.accession)

    if isinstance(storage_for("archive"), FileSystemStorage):
        # Local copies are CPU (hashing) under the GIL: threads only add contention
        # (65,407 files: 13.6 s in one thread, 25.2 s in eight).
        stored = {key: archive(entry) for key, entry in entries.items()}
    else:  # S3 round trips wait on the network: run a few at once
        with staging_pool(ARCHIVE_THREADS) as pool:
            copies = {key: pool.submit(archive, entry) for key, entry in entries.items()}
            stored = {key: copy.result() for key, copy in copies.items()}
    accessions = plan.file_accessions(list(stored))

    def file_row(row, file: dict) -> Any:
        key = (file["filename"], file["checksum"])
        name, size = stored[key]
        return file_model(**{owner: row}, accession=accessions[key], filename=file["filename"],
                          filetype=file["filetype"], checksum=file["checksum"],
                          unencrypted_checksum=file["unencrypted_checksum"], size=size, storage_name=name,
                          encrypted_checksum=bundle.encrypted.get(file["filename"], ""))

    return file_row, sum(size for _, size in stored.values())


def _landing_samples(bundle: Bundle, dataset: m.Dataset, version: m.DatasetVersion) -> list[dict[str, Any]]:
    samples = []
    for entry in bundle.landing_page.files:
        name, _ = file_archive(source=bundle.path(entry), checksum=entry.checksum, filetype=entry.filetype,
                               dataset_accession=dataset.accession, area="public")
        width, height = bundle.sample_sizes.get(entry.filename, (None, None))
        samples.append({"name": name, "filename": entry.filename, "width": width, "height": height,
                        "alt": f"Sample image {len(samples) + 1} of {version.title}"})
    return samples


def _complements(bundle: Bundle, report: Report, dataset: m.Dataset | None) -> list[m.Dataset]:
    """The published datasets this one complements (by accession); an unknown one refuses the bundle."""
    wanted = [ref.accession for ref in bundle.complements if ref.accession]
    found = {d.accession: d for d in m.Dataset.objects.filter(accession__in=wanted)}
    own = dataset.accession if dataset else bundle.dataset.accession
    problems = []
    for accession in dict.fromkeys(wanted):
        if accession == own:
            message = "a dataset cannot complement itself; remove this reference."
        elif accession not in found:
            message = (f"dataset {accession} is not in this repository; check the accession or import that "
                       "dataset first.")
        else:
            continue
        problems.append(Problem(rule="ref.complements", file=bundle.dataset.source_file, line=bundle.dataset.line,
                                element="COMPLEMENTS_DATASET_REF", alias=bundle.dataset.alias, message=message))
    if problems:
        import_reject(report, *problems)
    return list(found.values())
