"""Exporting a dataset version as a MetaFleX bundle, accessions filled in.

`VersionSource` reads the stored entity documents back from the database in
the writer's order, one kind at a time, so exporting 65k images streams.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

from bigpicture.errors import UserError
from bigpicture.storage import storage_for
from governance.services import audit_record
from metaflex import write_bundle
from metaflex.schema import SAMPLE_KINDS
from metaflex.types import Entity, FileEntry, Ref, attributes_from_json, field_from_json
from repository import models as m
from repository.citation.contributed import DATACITE_FILE, datacite_record_file
from repository.models.kinds import FILE_MODELS_BY_KIND, MODELS
from repository.selectors.versions import VersionIndex

_CHUNK = 2000
_COPY_CHUNK = 1024 * 1024


def row_entity(kind: str, row, files: list[FileEntry], accession: str = "") -> Entity:
    """A stored row (or anything with its alias, accession, fields, refs and attributes) as an Entity."""
    refs = {element: [Ref(kind=r["kind"], alias=r["alias"], accession=r.get("accession")) for r in items]
            for element, items in (row.refs or {}).items()}
    return Entity(kind=kind, alias=row.alias, accession=accession or row.accession or None, fields=field_from_json(row.fields),
                  refs=refs, attributes=attributes_from_json(row.attributes), files=files)


def _entry(file_row) -> FileEntry:
    return FileEntry(filename=file_row.filename, checksum_method=file_row.checksum_method,
                     checksum=file_row.checksum, filetype=file_row.filetype,
                     unencrypted_checksum=file_row.unencrypted_checksum or None)


class VersionSource:
    def __init__(self, version: m.DatasetVersion):
        self.version = version
        # (filename, checksum) -> (storage area, stored name) of each file yielded so far.
        self.stored: dict[tuple[str, str], tuple[str, str]] = {}

    def iter_entities(self, name: str) -> Iterator[Entity]:
        if name == "dataset":
            yield row_entity("dataset", self.version, [], accession=self.version.dataset.accession)
            return
        for kind in SAMPLE_KINDS if name == "sample" else (name,):
            yield from self._rows(kind)

    def _rows(self, kind: str) -> Iterator[Entity]:
        queryset = MODELS[kind].objects.filter(version=self.version).order_by("pk")
        file_relation = FILE_MODELS_BY_KIND.get(kind)
        if file_relation:
            queryset = queryset.prefetch_related("files")
        if kind == "landing_page":
            for row in queryset:
                yield row_entity(kind, row, [self._sample_entry(s) for s in self.version.summary.get("sample_images", [])])
            return
        for row in queryset.iterator(chunk_size=_CHUNK):
            files = []
            for file_row in (sorted(row.files.all(), key=lambda f: f.pk) if file_relation else []):
                self.stored[(file_row.filename, file_row.checksum)] = ("archive", file_row.storage_name)
                files.append(_entry(file_row))
            yield row_entity(kind, row, files)

    def _sample_entry(self, sample: dict) -> FileEntry:
        checksum, filetype = Path(sample["name"]).name.split(".", 1)
        self.stored[(sample["filename"], checksum)] = ("public", sample["name"])
        return FileEntry(filename=sample["filename"], checksum_method="SHA256", checksum=checksum, filetype=filetype)


def _copy_stored_file(out_dir: Path, source: VersionSource):
    root = out_dir.resolve()

    def copy(entity: Entity, entry: FileEntry, destination: Path) -> None:
        if not destination.resolve().is_relative_to(root):
            raise UserError(f"{entry.filename}: refusing to write outside the export folder")
        area, name = source.stored[(entry.filename, entry.checksum)]
        with storage_for(area).open(name, "rb") as stored, open(destination, "wb") as target:
            shutil.copyfileobj(stored, target, length=_COPY_CHUNK)

    return copy


def version_bundle_write(*, version: m.DatasetVersion, out_dir: str | Path, with_files: bool = True) -> Path:
    """Write `version` as a bundle into `out_dir` (which must be empty or new); not audited, see `dataset_export`."""
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise UserError(f"{out} is not empty; export into a new folder.")
    source = VersionSource(version)
    copy = _copy_stored_file(out, source) if with_files else None
    accessions = {alias: accession for alias, (_, accession, _) in VersionIndex.of(version).objects.items()}
    accessions[version.alias] = version.dataset.accession
    written = write_bundle(source, out, accessions=accessions, copy_file=copy)
    if version.datacite_xml:  # the contributor's DataCite record goes back where it came from (PRIVATE/)
        path = written / DATACITE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(datacite_record_file(version.datacite_xml))
    return written


def dataset_export(*, version: m.DatasetVersion, out_dir: str | Path, with_files: bool = True,
                   actor=None, ip_address: str | None = None) -> Path:
    """A person's export of `version` (the admin, `export_metaflex`): written, then audited with who and where."""
    written = version_bundle_write(version=version, out_dir=out_dir, with_files=with_files)
    audit_record(actor=actor, action="dataset.export", target=version, ip_address=ip_address,
                 detail={"dataset": version.dataset.accession, "version": version.number, "files": with_files})
    return written


def bundle_zip(*, bundle: Path, target, root: str, folders: tuple[str, ...] | None = None,
               date_time: tuple[int, ...] = (1980, 1, 1, 0, 0, 0)) -> None:
    """Zip a written bundle (only `folders`, when given) under `root/`.

    Members come in a fixed order with a fixed timestamp, so the same bundle
    always gives the same bytes. `target` is a path or a binary file.
    """
    with zipfile.ZipFile(target, "w") as zipped:
        for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
            relative = path.relative_to(bundle)
            if folders is not None and relative.parts[0] not in folders:
                continue
            info = zipfile.ZipInfo(f"{root}/{relative.as_posix()}", date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(path, "rb") as source, zipped.open(info, "w") as member:
                shutil.copyfileobj(source, member, _COPY_CHUNK)
