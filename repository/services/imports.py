"""Importing a MetaFleX bundle: validate, assign accessions, write one version, publish.

`dataset_import` is the one entry point: the admin's `import_metaflex` command
uses it now, and the submission workflow will call it after steward review.
Everything is written in one transaction; any problem rolls all of it back.
Big collections stream from disk in batches (see `rows.RowWriter`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from bigpicture.errors import UserError
from governance.services import audit_record
from repository import models as m
from repository.keys import crypt4gh_secret_key
from repository.metaflex import Bundle, validate_bundle
from repository.metaflex.types import Entity, Problem, Report
from repository.models.kinds import FILE_MODELS_BY_KIND
from repository.selectors.versions import VersionIndex
from repository.services.accessions import accessions_mint
from repository.services.archive import file_archive
from repository.services.content import content_hash, entity_document
from repository.services.publication import version_publish
from repository.services.rows import (
    ACCESSION_TYPE,
    DependencyBatcher,
    PreparedRow,
    RowWriter,
    file_documents,
)
from repository.services.summary import SummaryCollector

# Bundle files in an order where most references point backwards (see DependencyBatcher).
FILE_ORDER = ("policy", "rems", "organisation", "landing_page", "staining", "sample", "image", "annotation",
              "observer", "observation")


ARCHIVE_THREADS = 8


class ImportRejected(Exception):
    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.format())


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


def dataset_import(*, bundle_dir: str | Path, organisation=None, actor=None, changelog: str = "",
                   dry_run: bool = False, allow_accessions: bool = False) -> ImportResult:
    """Validate and, when valid, publish the bundle as a new dataset version."""
    bundle, report = validate_bundle(bundle_dir, allow_accessions=allow_accessions,
                                     secret_key=crypt4gh_secret_key())
    if bundle is None:
        return ImportResult(report=report, dry_run=dry_run)
    try:
        with transaction.atomic():
            result = _import(bundle, report, organisation=organisation, actor=actor, changelog=changelog,
                             dry_run=dry_run)
            if dry_run:
                transaction.set_rollback(True)
            return result
    except ImportRejected as rejected:
        return ImportResult(report=rejected.report, dry_run=dry_run)


def _reject(report: Report, problem: Problem) -> None:
    report.add(problem)
    raise ImportRejected(report)


def _find_dataset(bundle: Bundle, organisation) -> m.Dataset | None:
    if bundle.dataset.accession:
        return m.Dataset.objects.select_for_update().filter(accession=bundle.dataset.accession).first()
    return m.Dataset.objects.select_for_update().filter(alias=bundle.dataset.alias,
                                                        organisation=organisation).first()


def _import(bundle: Bundle, report: Report, *, organisation, actor, changelog: str, dry_run: bool) -> ImportResult:
    dataset = _find_dataset(bundle, organisation)
    if dataset and dataset.status == m.DatasetStatus.WITHDRAWN:
        _reject(report, Problem(rule="dataset.withdrawn", file="METADATA/dataset.xml", element="DATASET",
                                alias=bundle.dataset.alias,
                                message=f"dataset {dataset.accession} was withdrawn; it cannot get new versions."))
    previous_version = dataset.latest_version if dataset else None
    previous = VersionIndex.of(previous_version)
    plan = AccessionPlan(previous, report)
    if dataset is None:
        accession = plan.dataset_accession(bundle.dataset)
        dataset = m.Dataset.objects.create(accession=accession, alias=bundle.dataset.alias,
                                           organisation=organisation)
    plan.dataset_accession_value = dataset.accession
    version = _version_create(bundle, dataset, previous_version)
    collector = SummaryCollector()
    writer = RowWriter(version)
    seen: set[str] = set()
    total_bytes = 0
    changes: list[dict[str, str]] = []

    def write_batch(kind: str, batch: list[Entity]) -> None:
        nonlocal total_bytes
        batch = [bundle.canonical(entity) for entity in batch]  # the profile's spelling, DICOM facts, plaintext
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
        for entity in bundle.iter_entities(name):
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
    version_publish(version=version, collector=collector, changes=changes,
                    changelog=changelog, total_bytes=total_bytes, sample_images=sample_images,
                    complements=_complements(bundle, report), actor=actor)
    audit_record(actor=actor, action="dataset.import", target=version,
                 detail={"dataset": dataset.accession, "version": version.number, "dry_run": dry_run,
                         "counts": dict(collector.counts), "changes": len(changes)})
    return ImportResult(report=report, dataset=dataset, version=version, counts=dict(collector.counts),
                        changes=changes, dry_run=dry_run)


def _version_create(bundle: Bundle, dataset: m.Dataset, previous: m.DatasetVersion | None) -> m.DatasetVersion:
    entity = bundle.dataset
    document = entity_document(entity)
    f = entity.fields
    dataset_type = f.get("DATASET_TYPE") or []
    return m.DatasetVersion.objects.create(
        dataset=dataset, number=(previous.number + 1) if previous else 1, alias=entity.alias,
        title=f.get("TITLE") or "", short_name=f.get("SHORT_NAME") or "", description=f.get("DESCRIPTION") or "",
        version_label=f.get("VERSION") or "", metadata_standard=f.get("METADATA_STANDARD") or "",
        dataset_type=", ".join(dataset_type) if isinstance(dataset_type, list) else dataset_type,
        contact_email=f.get("DATASET_OWNER_CONTACT_EMAIL") or "", is_clinical=bundle.clinical,
        content_hash=content_hash(document), **document,
    )


def _file_rows(bundle: Bundle, dataset: m.Dataset, kind: str, batch: list[Entity], plan: AccessionPlan):
    """Archive the batch's files; return the row factory and the bytes archived."""
    file_model, owner = FILE_MODELS_BY_KIND[kind]
    entries = {(entry.filename, entry.checksum): entry for entity in batch for entry in entity.files}
    # Copies are I/O (disk or S3 round trips): run a few at once.
    with ThreadPoolExecutor(max_workers=ARCHIVE_THREADS) as pool:
        copies = {key: pool.submit(file_archive, source=bundle.source(entry), checksum=entry.checksum,
                                   filetype=entry.filetype, dataset_accession=dataset.accession)
                  for key, entry in entries.items()}
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


def _complements(bundle: Bundle, report: Report) -> list[m.Dataset]:
    wanted = [ref.accession for ref in bundle.complements if ref.accession]
    found = {d.accession: d for d in m.Dataset.objects.filter(accession__in=wanted)}
    for accession in wanted:
        if accession not in found:
            _reject(report, Problem(rule="ref.complements", file="METADATA/dataset.xml",
                                    element="COMPLEMENTS_DATASET_REF", alias=bundle.dataset.alias,
                                    message=f"dataset {accession} is not in this repository; "
                                            "check the accession or import that dataset first."))
    return list(found.values())


class AccessionPlan:
    """Which accession each object gets: kept from the previous version, supplied, or new."""

    def __init__(self, previous: VersionIndex, report: Report):
        self.previous = previous
        self.report = report
        self.dataset_accession_value = ""

    def dataset_accession(self, entity: Entity) -> str:
        if entity.accession:
            self._register_supplied("dataset", {entity.alias: entity.accession}, entity)
            return entity.accession
        return accessions_mint(type="dataset", aliases=[entity.alias])[entity.alias]

    def accessions_for(self, kind: str, batch: list[Entity]) -> dict[str, str]:
        accession_type = ACCESSION_TYPE[kind]
        result: dict[str, str] = {}
        supplied: dict[str, str] = {}
        for entity in batch:
            kept = self.previous.objects.get(entity.alias)
            if entity.accession:
                if kept and kept[1] != entity.accession:
                    _reject(self.report, Problem(
                        rule="accession.mismatch", file=entity.source_file, line=entity.line,
                        element=entity.kind.upper(), alias=entity.alias,
                        message=f"{entity.alias!r} has accession {kept[1]} in the current version, not "
                                f"{entity.accession}; remove the accession or correct it."))
                supplied[entity.alias] = entity.accession
            elif kept and kept[0] == kind:
                result[entity.alias] = kept[1]
        if supplied:
            self._register_supplied(accession_type, supplied, batch[0])
            result.update(supplied)
        new = [e.alias for e in batch if e.alias not in result]
        if new:
            result.update(accessions_mint(type=accession_type, aliases=new,
                                          dataset_accession=self.dataset_accession_value))
        return result

    def file_accessions(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        result = {key: self.previous.files[key] for key in keys if key in self.previous.files}
        new = [key for key in keys if key not in result]
        minted = accessions_mint(type="file", aliases=[f"{name}@{checksum}" for name, checksum in new],
                                 dataset_accession=self.dataset_accession_value)
        result.update({key: minted[f"{key[0]}@{key[1]}"] for key in new})
        return result

    def _register_supplied(self, accession_type: str, supplied: dict[str, str], where: Entity) -> None:
        """Accessions from our own export: each must be unregistered or registered to the same alias."""
        registered = {a.accession: a for a in m.Accession.objects.filter(accession__in=supplied.values())}
        for alias, accession in supplied.items():
            known = registered.get(accession)
            if known and (known.type != accession_type or (known.alias and known.alias != alias)):
                _reject(self.report, Problem(
                    rule="accession.conflict", file=where.source_file, alias=alias,
                    message=f"accession {accession} already belongs to {known.type} {known.alias!r}; "
                            "accessions are never reused. Remove it to get a new one."))
        m.Accession.objects.bulk_create([
            m.Accession(accession=accession, type=accession_type, alias=alias,
                        dataset_accession=self.dataset_accession_value or accession)
            for alias, accession in supplied.items() if accession not in registered
        ])

    def change_of(self, alias: str, kind: str, accession: str, digest: str) -> dict[str, str] | None:
        """The change against the previous version; a first version has no changelog of objects."""
        if not self.previous.objects:
            return None
        kept = self.previous.objects.get(alias)
        if kept is None:
            return {"accession": accession, "type": kind, "alias": alias, "change": "added"}
        if kept[2] != digest:
            return {"accession": accession, "type": kind, "alias": alias, "change": "changed"}
        return None

    def removed(self, seen: set[str]) -> list[dict[str, str]]:
        return [{"accession": accession, "type": kind, "alias": alias, "change": "removed"}
                for alias, (kind, accession, _) in self.previous.objects.items() if alias not in seen]
